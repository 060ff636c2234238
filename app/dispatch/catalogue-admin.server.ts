import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import type { Actor } from '../../machines/actor';
import { isValidLocalDate, localDateOf } from '../calendar/working-time';
import { all, inTransaction, jsonb, one, run } from '../db/sql.server';
import { can } from '../domain/permissions';
import { Forbidden, InvalidInput, NotFound, parseInput } from '../domain/errors';
import type { RequestClient } from '../http/client.server';
import { recordSecurityEvent } from '../security/security-log.server';
import type { AreaLevel } from './catalogue.server';
import { dispatchUnits, dispatchableIds, type DispatchUnit } from './units.server';

// The admin's side of the 派单目录: list, add, edit and end entries. Every change is recorded in the
// security audit with the entry before and after, as other changes of settings are. An entry is never
// deleted: ending it sets its last valid day, so what dispatch suggested on a past day can still be told.

export interface CatalogueRow {
  id: number;
  categoryId: number;
  category: string;
  /** `dept:<id>` for a district or street, `grid:<id>` for a grid: the value of the form's area field. */
  area: string;
  areaName: string;
  level: AreaLevel;
  leadDepartmentId: number;
  lead: string;
  assisting: { id: number; name: string }[];
  validFrom: string;
  validTo: string | null;
  note: string | null;
  status: 'current' | 'future' | 'ended';
}

export interface CatalogueFormOptions {
  categories: { id: number; label: string; depth: number }[];
  areas: { value: string; label: string; level: AreaLevel }[];
  units: DispatchUnit[];
}

function requireCatalogueAdmin(actor: Actor) {
  if (!can(actor, 'admin:dispatch-catalogue')) throw new Forbidden('只有管理员可以维护派单目录');
}

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const id = (message: string) => z.coerce.number({ message }).int(message).positive(message);
const localDay = (message: string) =>
  z.string({ message }).trim().refine(isValidLocalDate, { message: '日期格式为 YYYY-MM-DD' });
const asList = (v: unknown) => (v === undefined || v === null || v === '' ? [] : Array.isArray(v) ? v : [v]);

export const catalogueEntryInput = z
  .object({
    categoryId: z.preprocess(blank, id('请选择分类')),
    area: z.preprocess(blank, z.string({ message: '请选择区域' }).regex(/^(dept|grid):\d+$/, '请选择区域')),
    leadDepartmentId: z.preprocess(blank, id('请选择主办单位')),
    assistingDepartmentIds: z.preprocess(
      (v) => asList(v).filter((x) => blank(x) !== undefined),
      z.array(id('协办单位无效')).max(20, '协办单位最多 20 个'),
    ),
    validFrom: z.preprocess(blank, localDay('请填写生效日期')),
    validTo: z.preprocess(blank, localDay('日期格式为 YYYY-MM-DD').optional()),
    note: z.preprocess(blank, z.string().trim().max(200, '备注最多 200 字').optional()),
  })
  .refine((e) => !e.validTo || e.validTo >= e.validFrom, { message: '失效日期不能早于生效日期', path: ['validTo'] })
  .refine((e) => !e.assistingDepartmentIds.includes(e.leadDepartmentId), {
    message: '主办单位不能同时是协办单位',
    path: ['assistingDepartmentIds'],
  })
  .refine((e) => new Set(e.assistingDepartmentIds).size === e.assistingDepartmentIds.length, {
    message: '协办单位不能重复',
    path: ['assistingDepartmentIds'],
  });
type EntryInput = z.output<typeof catalogueEntryInput>;

const endInput = z.object({ validTo: z.preprocess(blank, localDay('日期格式为 YYYY-MM-DD').optional()) });

const refused = (field: string, message: string) => new InvalidInput('请检查填写的内容', { [field]: [message] });

/** The form's area value as the columns it stands for, checked to be a district, a street or a grid. */
async function areaColumns(
  tx: EntityManager,
  area: string,
): Promise<{ departmentId: number | null; gridId: number | null }> {
  const [kind, raw] = area.split(':');
  const areaId = Number(raw);
  if (kind === 'grid') {
    if (!(await one(tx, 'select 1 from grid where id = ?', [areaId]))) throw refused('area', '网格不存在');
    return { departmentId: null, gridId: areaId };
  }
  const d = await one<{ kind: string; active: boolean }>(tx, 'select kind, active from department where id = ?', [
    areaId,
  ]);
  if (!d || !['district', 'street'].includes(d.kind)) throw refused('area', '区域须为区、街道或网格');
  if (!d.active) throw refused('area', '该区域已停用');
  return { departmentId: areaId, gridId: null };
}

async function checkReferences(tx: EntityManager, e: EntryInput) {
  const c = await one<{ active: boolean }>(tx, 'select active from category where id = ?', [e.categoryId]);
  if (!c) throw refused('categoryId', '分类不存在');
  if (!c.active) throw refused('categoryId', '该分类已停用');
  if (!(await dispatchableIds(tx, [e.leadDepartmentId])).length)
    throw refused('leadDepartmentId', '该单位不能承办诉求');
  const ok = await dispatchableIds(tx, e.assistingDepartmentIds);
  if (ok.length !== e.assistingDepartmentIds.length) throw refused('assistingDepartmentIds', '有协办单位不能承办诉求');
}

const SELECT = `select e.id, e.category_id, c.code || ' ' || c.name as category,
       e.area_department_id, e.grid_id, coalesce(g.code || ' ' || g.name, ad.name) as area_name,
       case when e.grid_id is not null then 'grid' when ad.kind = 'street' then 'street' else 'district' end as level,
       e.lead_department_id, ld.name as lead, e.valid_from::text as valid_from, e.valid_to::text as valid_to, e.note,
       coalesce((select json_agg(json_build_object('id', x.id, 'name', x.name) order by x.code)
                   from dispatch_catalogue_assisting s join department x on x.id = s.department_id
                  where s.dispatch_catalogue_entry_id = e.id), '[]') as assisting
  from dispatch_catalogue_entry e join category c on c.id = e.category_id
  join department ld on ld.id = e.lead_department_id
  left join department ad on ad.id = e.area_department_id left join grid g on g.id = e.grid_id`;

function rowOf(r: Record<string, unknown>, today: string): CatalogueRow {
  const validFrom = r.valid_from as string;
  const validTo = r.valid_to as string | null;
  return {
    id: r.id as number,
    categoryId: r.category_id as number,
    category: r.category as string,
    area: r.grid_id ? `grid:${String(r.grid_id)}` : `dept:${String(r.area_department_id)}`,
    areaName: r.area_name as string,
    level: r.level as AreaLevel,
    leadDepartmentId: r.lead_department_id as number,
    lead: r.lead as string,
    assisting: jsonb<{ id: number; name: string }[]>(r.assisting),
    validFrom,
    validTo,
    note: (r.note as string | null) ?? null,
    status: validTo !== null && validTo < today ? 'ended' : validFrom > today ? 'future' : 'current',
  };
}

/** Every entry, by category code and area, current ones before those not yet or no longer valid. */
export async function listCatalogue(em: EntityManager, actor: Actor, now = new Date()): Promise<CatalogueRow[]> {
  requireCatalogueAdmin(actor);
  const today = localDateOf(now);
  const rows = await all(em, `${SELECT} order by c.code, level desc, area_name, e.valid_from desc, e.id`);
  const order = { current: 0, future: 1, ended: 2 };
  return rows.map((r) => rowOf(r, today)).sort((a, b) => order[a.status] - order[b.status]);
}

async function entryOf(tx: EntityManager, entryId: number, now: Date): Promise<CatalogueRow | null> {
  const r = await one(tx, `${SELECT} where e.id = ?`, [entryId]);
  return r ? rowOf(r, localDateOf(now)) : null;
}

/** The choices of the entry form: active categories, districts and streets and grids, the dispatchable units. */
export async function catalogueFormOptions(em: EntityManager, actor: Actor): Promise<CatalogueFormOptions> {
  requireCatalogueAdmin(actor);
  const [categories, depts, grids, units] = await Promise.all([
    all<{ id: number; code: string; name: string; parent_id: number | null }>(
      em,
      'select id, code, name, parent_id from category where active order by code',
    ),
    all<{ id: number; name: string; kind: AreaLevel; parent: string | null }>(
      em,
      `select d.id, d.name, d.kind, p.name as parent from department d left join department p on p.id = d.parent_id
        where d.active and d.kind in ('district', 'street') order by d.path`,
    ),
    all<{ id: number; code: string; name: string }>(em, 'select id, code, name from grid order by code'),
    dispatchUnits(em),
  ]);
  return {
    categories: categories.map((c) => ({ id: c.id, label: `${c.code} ${c.name}`, depth: c.parent_id ? 1 : 0 })),
    areas: [
      ...depts.map((d) => ({
        value: `dept:${d.id}`,
        label: d.kind === 'street' && d.parent ? `${d.name}（${d.parent}）` : d.name,
        level: d.kind,
      })),
      ...grids.map((g) => ({ value: `grid:${g.id}`, label: `${g.code} ${g.name}`, level: 'grid' as const })),
    ],
    units,
  };
}

async function writeAssisting(tx: EntityManager, entryId: number, ids: number[]) {
  await run(tx, 'delete from dispatch_catalogue_assisting where dispatch_catalogue_entry_id = ?', [entryId]);
  for (const d of ids)
    await run(
      tx,
      'insert into dispatch_catalogue_assisting (dispatch_catalogue_entry_id, department_id) values (?, ?)',
      [entryId, d],
    );
}

const audit = (
  tx: EntityManager,
  actor: Actor,
  client: RequestClient | null,
  change: 'created' | 'updated' | 'ended',
  before: CatalogueRow | null,
  after: CatalogueRow | null,
  now: Date,
) =>
  recordSecurityEvent(
    tx,
    {
      kind: 'settingChanged',
      actorId: actor.userId,
      client,
      detail: { setting: 'dispatchCatalogue', change, entryId: (after ?? before)?.id, before, after },
    },
    now,
  );

/** Adds an entry; it takes effect on its first valid day. */
export async function createCatalogueEntry(
  em: EntityManager,
  actor: Actor,
  raw: unknown,
  client: RequestClient | null = null,
  now = new Date(),
): Promise<{ id: number }> {
  requireCatalogueAdmin(actor);
  const e = parseInput(catalogueEntryInput, raw);
  return inTransaction(em, async (tx) => {
    await checkReferences(tx, e);
    const area = await areaColumns(tx, e.area);
    const [row] = await all<{ id: number }>(
      tx,
      `insert into dispatch_catalogue_entry
              (category_id, area_department_id, grid_id, lead_department_id, valid_from, valid_to, note, created_at, updated_at)
       values (?, ?, ?, ?, ?::date, ?::date, ?, ?, ?) returning id`,
      [
        e.categoryId,
        area.departmentId,
        area.gridId,
        e.leadDepartmentId,
        e.validFrom,
        e.validTo ?? null,
        e.note ?? null,
        now,
        now,
      ],
    );
    await writeAssisting(tx, row.id, e.assistingDepartmentIds);
    await audit(tx, actor, client, 'created', null, await entryOf(tx, row.id, now), now);
    return { id: row.id };
  });
}

/** Changes an entry in place (a correction); to change the rule from a day on, end it and add another. */
export async function updateCatalogueEntry(
  em: EntityManager,
  actor: Actor,
  entryId: number,
  raw: unknown,
  client: RequestClient | null = null,
  now = new Date(),
): Promise<void> {
  requireCatalogueAdmin(actor);
  const e = parseInput(catalogueEntryInput, raw);
  await inTransaction(em, async (tx) => {
    const before = await entryOf(tx, entryId, now);
    if (!before) throw new NotFound('目录条目不存在');
    await checkReferences(tx, e);
    const area = await areaColumns(tx, e.area);
    await run(
      tx,
      `update dispatch_catalogue_entry set category_id = ?, area_department_id = ?, grid_id = ?, lead_department_id = ?,
              valid_from = ?::date, valid_to = ?::date, note = ?, updated_at = ? where id = ?`,
      [
        e.categoryId,
        area.departmentId,
        area.gridId,
        e.leadDepartmentId,
        e.validFrom,
        e.validTo ?? null,
        e.note ?? null,
        now,
        entryId,
      ],
    );
    await writeAssisting(tx, entryId, e.assistingDepartmentIds);
    await audit(tx, actor, client, 'updated', before, await entryOf(tx, entryId, now), now);
  });
}

/** Ends an entry: its last valid day becomes the given day (today by default); an ended entry stays ended. */
export async function endCatalogueEntry(
  em: EntityManager,
  actor: Actor,
  entryId: number,
  raw: unknown,
  client: RequestClient | null = null,
  now = new Date(),
): Promise<void> {
  requireCatalogueAdmin(actor);
  const today = localDateOf(now);
  const validTo = parseInput(endInput, raw ?? {}).validTo ?? today;
  await inTransaction(em, async (tx) => {
    const before = await entryOf(tx, entryId, now);
    if (!before) throw new NotFound('目录条目不存在');
    if (before.validTo !== null && before.validTo < today) throw refused('validTo', '该条目已失效');
    if (validTo < before.validFrom) throw refused('validTo', '失效日期不能早于生效日期');
    await run(tx, 'update dispatch_catalogue_entry set valid_to = ?::date, updated_at = ? where id = ?', [
      validTo,
      now,
      entryId,
    ]);
    await audit(tx, actor, client, 'ended', before, await entryOf(tx, entryId, now), now);
  });
}

/** The admin page: every entry and the choices of its form. */
export async function cataloguePage(
  em: EntityManager,
  actor: Actor,
  now = new Date(),
): Promise<{ entries: CatalogueRow[]; options: CatalogueFormOptions; today: string }> {
  const [entries, options] = await Promise.all([listCatalogue(em, actor, now), catalogueFormOptions(em, actor)]);
  return { entries, options, today: localDateOf(now) };
}
