import { area } from '@turf/area';
import type { EntityManager } from '@mikro-orm/sql';
import type { Feature, FeatureCollection } from 'geojson';
import type { Actor } from '../../machines/actor';
import { all, inTransaction, jsonb, run } from '../db/sql.server';
import { z } from 'zod';
import { Forbidden, InvalidInput, fieldErrorsOf } from '../domain/errors';
import type { RequestClient } from '../http/client.server';
import { recordSecurityEvent } from '../security/security-log.server';
import { locate, problem, validateGeometry, type GridGeometry, type Problem } from './geometry';

export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;

export interface GridRow {
  id: number;
  code: string;
  name: string;
  street: string | null;
  community: string;
  communityCode: string;
  workers: string[];
  areaKm2: number;
}

export interface GridProperties {
  code: string;
  name: string;
  community: string;
  workers: string[];
}

/** What went wrong with one feature of an import file; `feature` is 1-based, 0 for the file itself. */
export interface FeatureProblems {
  feature: number;
  code: string | null;
  problems: Problem[];
}

/** A refused import file: still an InvalidInput, plus each feature's problems for the screen to translate. */
export class GridFileInvalid extends InvalidInput {
  constructor(readonly features: FeatureProblems[]) {
    super(features.map(lineOf).join('\n'), { file: features.map(lineOf) });
  }
}

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
}

function requireAdmin(actor: Actor) {
  if (actor.role !== 'admin') throw new Forbidden('只有管理员可以维护网格');
}

/** "第 3 个要素（G07）" — how a problem names the feature it is about. */
export function featureLabel(f: { feature: number; code: string | null }): Problem {
  if (f.feature === 0) return problem('文件');
  return f.code
    ? problem('第 {{n}} 个要素（{{code}}）', { n: f.feature, code: f.code })
    : problem('第 {{n}} 个要素', { n: f.feature });
}

const lineOf = (f: FeatureProblems) => `${featureLabel(f).message}：${f.problems.map((p) => p.message).join('；')}`;

const fileProblem = (p: Problem) => new GridFileInvalid([{ feature: 0, code: null, problems: [p] }]);

// --- Which grid a point is in ------------------------------------------------------------------

interface CachedGrid {
  id: number;
  code: string;
  name: string;
  geometry: GridGeometry;
}

// Grid shapes change only through an import, so they are kept per database for a minute; an
// import here drops them at once, the minute bounds how long another server process lags.
const CACHE_MS = 60_000;
const cache = new WeakMap<object, { at: number; grids: Promise<CachedGrid[]> }>();

function loadGrids(em: EntityManager): Promise<CachedGrid[]> {
  const key = em.getDriver();
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.grids;
  const grids = all<{ id: number; code: string; name: string; polygon: unknown }>(
    em,
    'select id, code, name, polygon from grid',
  ).then((rows) =>
    rows.map((r) => ({ id: r.id, code: r.code, name: r.name, geometry: jsonb<GridGeometry>(r.polygon) })),
  );
  cache.set(key, { at: Date.now(), grids });
  grids.catch(() => cache.delete(key));
  return grids;
}

/** The grid a lng/lat point falls in (see `locate` for edges and holes), or null when it is in none. */
export async function gridForPoint(
  em: EntityManager,
  point: { lng: number; lat: number },
): Promise<{ id: number; code: string; name: string } | null> {
  const found = locate(point, await loadGrids(em));
  return found ? { id: found.id, code: found.code, name: found.name } : null;
}

/** A point the browser sends: both coordinates, each within its range. Shared by the locate route and intake. */
export const pointQuery = z.object({
  lat: z.coerce
    .number({ message: '纬度必须是数字' })
    .min(-90, '纬度应在 −90～90 之间')
    .max(90, '纬度应在 −90～90 之间'),
  lng: z.coerce
    .number({ message: '经度必须是数字' })
    .min(-180, '经度应在 −180～180 之间')
    .max(180, '经度应在 −180～180 之间'),
});

/** How far outside the outermost grid a point still counts as in the city: about 5 km, for its edges and fringes. */
const CITY_MARGIN_DEGREES = 0.05;

/**
 * The city's box: the grids' extent and a margin around it, or null when no grids are loaded (any point then). A
 * point a citizen picks must fall inside it; the staff check the point's grid instead.
 */
export async function cityBounds(
  em: EntityManager,
): Promise<{ south: number; west: number; north: number; east: number } | null> {
  const grids = await loadGrids(em);
  if (!grids.length) return null;
  let [south, west, north, east] = [90, 180, -90, -180];
  for (const g of grids) {
    const rings = g.geometry.type === 'Polygon' ? g.geometry.coordinates : g.geometry.coordinates.flat();
    for (const [lng, lat] of rings.flat()) {
      [south, north] = [Math.min(south, lat), Math.max(north, lat)];
      [west, east] = [Math.min(west, lng), Math.max(east, lng)];
    }
  }
  const m = CITY_MARGIN_DEGREES;
  return { south: south - m, west: west - m, north: north + m, east: east + m };
}

/** The grids' shapes for the public site's map, which draws nothing else: where to pick the place of an appeal. */
export async function publicMapOutlines(em: EntityManager): Promise<GridOutline[]> {
  return (await loadGrids(em)).map((g) => ({ id: g.id, code: g.code, name: g.name, polygon: g.geometry }));
}

const LOCATE_ROLES = new Set(['operator', 'dispatcher', 'gridWorker']);

/** Which grid a picked point falls in, for the intake and dispatch screens; the server decides again on save. */
export async function locatePoint(
  em: EntityManager,
  actor: Actor,
  raw: Record<string, unknown>,
): Promise<{ grid: { id: number; code: string; name: string } | null }> {
  if (!LOCATE_ROLES.has(actor.role)) throw new Forbidden();
  const parsed = pointQuery.safeParse(raw);
  if (!parsed.success) throw new InvalidInput('位置坐标不正确', fieldErrorsOf(parsed.error.issues));
  return { grid: await gridForPoint(em, parsed.data) };
}

/**
 * Where a grid is, as an address begins: district and street from the department tree, the community, then the
 * grid ("东城区朝阳街道向阳社区第1网格"); a grid named after its community is not named twice. Nothing is asked of
 * any map service outside: the place is what the city's own tree says it is.
 */
export function placeOf(area: readonly string[], community: string, grid: string): string {
  const base = [...area, community].join('');
  return grid.startsWith(community) ? base + grid.slice(community.length) : `${base} ${grid}`;
}

/** The address each of the given grids begins (`placeOf`), by grid id. */
export async function gridAddresses(em: EntityManager, ids: readonly number[]): Promise<Map<number, string>> {
  if (!ids.length) return new Map();
  const rows = await all<{ id: number; name: string; community: string; area: string[] | null }>(
    em,
    `select g.id, g.name, m.name as community,
            array(select d.name from department d
                   where m.path like d.path || '%' and d.id <> m.id and d.kind in ('district', 'street')
                   order by length(d.path)) as area
       from grid g join department m on m.id = g.community_id
      where g.id in (?)`,
    [ids],
  );
  return new Map(rows.map((r) => [r.id, placeOf(r.area ?? [], r.community, r.name)]));
}

export interface GridOutline {
  id: number;
  code: string;
  name: string;
  polygon: GridGeometry;
}

/** Every grid's shape for a location picker (same one-minute cache as `gridForPoint`). */
export async function gridOutlines(em: EntityManager, actor: Actor): Promise<GridOutline[]> {
  if (!LOCATE_ROLES.has(actor.role)) throw new Forbidden();
  return (await loadGrids(em)).map((g) => ({ id: g.id, code: g.code, name: g.name, polygon: g.geometry }));
}

/** The shapes of the given grids, for the map on one appeal (the caller has already checked the appeal's scope). */
export async function outlinesOf(em: EntityManager, ids: number[]): Promise<GridOutline[]> {
  const wanted = new Set(ids);
  return (await loadGrids(em))
    .filter((g) => wanted.has(g.id))
    .map((g) => ({ id: g.id, code: g.code, name: g.name, polygon: g.geometry }));
}

// --- Listing and export ------------------------------------------------------------------------

export async function listGrids(em: EntityManager, actor: Actor): Promise<GridRow[]> {
  requireAdmin(actor);
  const rows = await all(
    em,
    `select g.id, g.code, g.name, g.polygon, m.name as community, m.code as community_code, s.name as street,
            array(select u.username from grid_worker gw join app_user u on u.id = gw.user_id
                   where gw.grid_id = g.id and u.active and u.role = 'gridWorker' order by u.username) as workers
       from grid g join department m on m.id = g.community_id left join department s on s.id = m.parent_id
      order by g.code`,
  );
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    name: r.name,
    street: r.street,
    community: r.community,
    communityCode: r.community_code,
    workers: r.workers ?? [],
    areaKm2: Math.round(area(jsonb<GridGeometry>(r.polygon)) / 10_000) / 100,
  }));
}

/** Every grid as a GeoJSON feature with the properties `importGrids` reads, so the file round-trips. */
export async function exportGrids(
  em: EntityManager,
  actor: Actor,
  client: RequestClient | null = null,
): Promise<FeatureCollection<GridGeometry, GridProperties>> {
  requireAdmin(actor);
  const rows = await all(
    em,
    `select g.code, g.name, g.polygon, m.code as community,
            array(select u.username from grid_worker gw join app_user u on u.id = gw.user_id
                   where gw.grid_id = g.id and u.active and u.role = 'gridWorker' order by u.username) as workers
       from grid g join department m on m.id = g.community_id order by g.code`,
  );
  await recordSecurityEvent(em, { kind: 'export', actorId: actor.userId, client, detail: { what: 'grids' } });
  return {
    type: 'FeatureCollection',
    features: rows.map((r): Feature<GridGeometry, GridProperties> => ({
      type: 'Feature',
      properties: { code: r.code, name: r.name, community: r.community, workers: r.workers ?? [] },
      geometry: jsonb<GridGeometry>(r.polygon),
    })),
  };
}

// --- Import ------------------------------------------------------------------------------------

type References = Pick<ParsedFeature, 'index' | 'community' | 'workers'>;

interface ParsedFeature {
  index: number;
  code: string;
  name: string;
  community: string;
  workers: string[] | null;
  geometry: GridGeometry;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

/** Checks one feature on its own (no database); returns the feature or its problems. */
function checkFeature(
  raw: unknown,
  index: number,
): { feature?: ParsedFeature; refs?: References; problems: FeatureProblems } {
  const problems: Problem[] = [];
  const out: FeatureProblems = { feature: index, code: null, problems };
  if (!isObject(raw) || raw.type !== 'Feature') {
    problems.push(problem('不是 GeoJSON 要素（type 应为 Feature）'));
    return { problems: out };
  }
  const props = isObject(raw.properties) ? raw.properties : {};
  const [code, name, community] = [text(props.code), text(props.name), text(props.community)];
  out.code = code || null;
  if (!code) problems.push(problem('缺少属性 {{name}}', { name: 'code' }));
  else if (code.length > 32) problems.push(problem('网格编码最多 32 个字符'));
  if (!name) problems.push(problem('缺少属性 {{name}}', { name: 'name' }));
  else if (name.length > 100) problems.push(problem('网格名称最多 100 个字'));
  if (!community) problems.push(problem('缺少属性 {{name}}', { name: 'community' }));
  let workers: string[] | null = null;
  if (props.workers !== undefined && props.workers !== null) {
    if (!Array.isArray(props.workers) || !props.workers.every((w) => typeof w === 'string' && w.trim())) {
      problems.push(problem('workers 必须是用户名的数组'));
    } else {
      workers = [...new Set(props.workers.map((w: string) => w.trim()))];
    }
  }
  problems.push(...validateGeometry(raw.geometry));
  // The references are checked even when the feature has other problems, so one pass lists them all.
  const refs: References = { index, community, workers };
  if (problems.length) return { refs, problems: out };
  // Only type and coordinates are kept, so a bbox or foreign member does not make a re-import look changed.
  const { type, coordinates } = raw.geometry as GridGeometry;
  return {
    feature: { index, code, name, community, workers, geometry: { type, coordinates } as GridGeometry },
    refs,
    problems: out,
  };
}

/** Communities and grid workers the file names must exist and be usable. */
async function checkReferences(tx: EntityManager, features: References[], report: Map<number, FeatureProblems>) {
  const communityCodes = [...new Set(features.map((f) => f.community).filter(Boolean))];
  const departments = new Map(
    communityCodes.length
      ? (
          await all<{ id: number; code: string; kind: string; active: boolean }>(
            tx,
            'select id, code, kind, active from department where code in (?)',
            [communityCodes],
          )
        ).map((d) => [d.code, d])
      : [],
  );
  const usernames = [...new Set(features.flatMap((f) => f.workers ?? []).map((u) => u.toLowerCase()))];
  const users = new Map(
    usernames.length
      ? (
          await all<{ id: number; username: string; role: string; active: boolean }>(
            tx,
            'select id, username, role, active from app_user where lower(username) in (?)',
            [usernames],
          )
        ).map((u) => [u.username.toLowerCase(), u])
      : [],
  );
  const communityIds = new Map<number, number>();
  const workerIds = new Map<number, number[]>();
  for (const f of features) {
    const add = (p: Problem) => report.get(f.index)!.problems.push(p);
    const d = departments.get(f.community);
    if (!f.community) {
      /* already reported as missing */
    } else if (!d) add(problem('社区编码 {{code}} 不存在', { code: f.community }));
    else if (d.kind !== 'community') add(problem('{{code}} 不是社区级部门', { code: f.community }));
    else if (!d.active) add(problem('社区 {{code}} 已停用', { code: f.community }));
    else communityIds.set(f.index, d.id);
    const ids: number[] = [];
    for (const name of f.workers ?? []) {
      const u = users.get(name.toLowerCase());
      if (!u) add(problem('用户 {{name}} 不存在', { name }));
      else if (u.role !== 'gridWorker') add(problem('用户 {{name}} 不是网格员', { name }));
      else if (!u.active) add(problem('用户 {{name}} 已停用', { name }));
      else ids.push(u.id);
    }
    workerIds.set(
      f.index,
      [...new Set(ids)].sort((a, b) => a - b),
    );
  }
  return { communityIds, workerIds };
}

/**
 * Creates or updates grids from a GeoJSON FeatureCollection, by code; grids not in the file are
 * left alone. The whole file is checked first and every problem is reported; one bad feature
 * refuses the file and nothing is written.
 *
 * `workers`, when given, replaces the grid's active grid workers. Links to deactivated users are
 * left alone: export does not list them, so an export → import round trip changes nothing, and
 * a reactivated worker gets his grids back.
 */
export async function importGrids(em: EntityManager, actor: Actor, fileText: string): Promise<ImportResult> {
  requireAdmin(actor);
  if (Buffer.byteLength(fileText) > MAX_IMPORT_BYTES) throw fileProblem(problem('文件超过 5 MB'));
  let doc: unknown;
  try {
    doc = JSON.parse(fileText);
  } catch {
    throw fileProblem(problem('不是有效的 JSON'));
  }
  if (!isObject(doc) || doc.type !== 'FeatureCollection' || !Array.isArray(doc.features)) {
    throw fileProblem(problem('不是 GeoJSON FeatureCollection（需要 type 为 FeatureCollection 且有 features 数组）'));
  }
  if (doc.features.length === 0) throw fileProblem(problem('文件中没有要素'));

  const report = new Map<number, FeatureProblems>();
  const features: ParsedFeature[] = [];
  const refs: References[] = [];
  const firstByCode = new Map<string, number>();
  doc.features.forEach((raw, i) => {
    const { feature, refs: r, problems } = checkFeature(raw, i + 1);
    if (r) refs.push(r);
    report.set(i + 1, problems);
    if (problems.code) {
      const first = firstByCode.get(problems.code);
      if (first !== undefined)
        problems.problems.push(
          problem('编码 {{code}} 与第 {{other}} 个要素重复', { code: problems.code, other: first }),
        );
      else firstByCode.set(problems.code, i + 1);
    }
    if (feature) features.push(feature);
  });

  const result = await inTransaction(em, async (tx) => {
    const { communityIds, workerIds } = await checkReferences(tx, refs, report);
    const bad = [...report.values()].filter((f) => f.problems.length);
    if (bad.length) throw new GridFileInvalid(bad);
    const existing = new Map(
      (
        await all<{ id: number; code: string; worker_ids: number[] | null }>(
          tx,
          `select g.id, g.code,
              array(select gw.user_id from grid_worker gw join app_user u on u.id = gw.user_id
                     where gw.grid_id = g.id and u.active and u.role = 'gridWorker' order by gw.user_id) as worker_ids
         from grid g where g.code in (?)`,
          [features.map((f) => f.code)],
        )
      ).map((g) => [g.code, g]),
    );
    const counts: ImportResult = { created: 0, updated: 0, unchanged: 0 };
    const now = new Date();
    for (const f of features) {
      const communityId = communityIds.get(f.index)!;
      const polygon = JSON.stringify(f.geometry);
      const old = existing.get(f.code);
      let gridId: number;
      let changed: boolean;
      if (!old) {
        [{ id: gridId }] = await all<{ id: number }>(
          tx,
          'insert into grid (code, name, community_id, polygon, created_at, updated_at) values (?, ?, ?, ?::jsonb, ?, ?) returning id',
          [f.code, f.name, communityId, polygon, now, now],
        );
        changed = true;
      } else {
        gridId = old.id;
        // jsonb equality ignores key order and spacing, so an unchanged shape is not a change.
        changed =
          (await run(
            tx,
            `update grid set name = ?, community_id = ?, polygon = ?::jsonb, updated_at = ?
            where id = ? and (name <> ? or community_id <> ? or polygon <> ?::jsonb)`,
            [f.name, communityId, polygon, now, gridId, f.name, communityId, polygon],
          )) > 0;
      }
      const wanted = workerIds.get(f.index)!;
      const current = old?.worker_ids ?? [];
      if (f.workers && wanted.join() !== current.join()) {
        if (current.length)
          await run(tx, 'delete from grid_worker where grid_id = ? and user_id in (?)', [gridId, current]);
        for (const u of wanted) await run(tx, 'insert into grid_worker (user_id, grid_id) values (?, ?)', [u, gridId]);
        if (old && !changed) await run(tx, 'update grid set updated_at = ? where id = ?', [now, gridId]);
        changed = true;
      }
      if (!old) counts.created++;
      else if (changed) counts.updated++;
      else counts.unchanged++;
    }
    return counts;
  });
  cache.delete(em.getDriver());
  return result;
}
