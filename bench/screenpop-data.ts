// Generated data for the screen-pop benchmark: a dedicated PostgreSQL database with the app's schema and
// reference data, a few hundred appeals driven through the real service (the templates), then N citizens and
// M appeals written set-based (insert … select … from generate_series) in batches.
// Used by bench/screenpop.ts and scripts/seed-screenpop.ts.
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { PgBoss } from 'pg-boss';
import { openDatabase, type Database } from '../app/db/orm.server';
import { all } from '../app/db/sql.server';
import { bossTimers, startBoss } from '../app/jobs/timers.server';
import { loadReferenceIds, seedDemoAppeals, seedReferenceData } from '../app/seed/demo-city.server';
import { GIVEN, ROADS, SURNAMES } from '../app/seed/demo-city-data';
import { keyringFromEnv } from '../app/security/data-key.server';
import { sealIdNumber } from '../app/security/id-number.server';
import { BENCH_DATA_KEY } from './http';
import { idNumberCheckCharacter } from '../machines/identifiers';

export interface ScreenpopDataOptions {
  /** Server connection string (any database on it); the bench database is created next to it. */
  adminUrl: string;
  dbName: string;
  citizens: number;
  appeals: number;
  /** Regenerate even when the marker says the data is there. */
  force?: boolean;
  log?: (line: string) => void;
}

export interface ScreenpopData {
  url: string;
  citizens: number;
  appeals: number;
  /** Seconds the generation took: this run's when generated now, else the one recorded in the marker. */
  generationSeconds: number;
  generatedNow: boolean;
  generatedAt: string;
}

interface Marker {
  kind: 'screenpop';
  citizens: number;
  appeals: number;
  templates: number;
  seconds: number;
  at: string;
}

const BATCH = 50_000;
// The bench's migrations (run here) and its server seal with one key, whatever this shell's DATA_KEY.
process.env.DATA_KEY = BENCH_DATA_KEY;
const TEMPLATES = 240; // appeals driven through the real service; their phases, snapshots and deadlines are reused
/** Callers: the first HEAVY citizens call very often, the first REPEAT often; everyone else now and then. */
const HEAVY = 200;
const REPEAT = 10_000;
export const MOBILE_PREFIXES = [
  '130',
  '131',
  '132',
  '133',
  '135',
  '136',
  '137',
  '138',
  '139',
  '150',
  '151',
  '152',
  '155',
  '156',
  '157',
  '158',
  '159',
  '166',
  '176',
  '177',
  '180',
  '181',
  '182',
  '185',
  '186',
  '187',
  '188',
  '189',
  '198',
  '199',
];

export const sqlText = (xs: readonly string[]) => `array[${xs.map((x) => `'${x.replaceAll("'", "''")}'`).join(', ')}]`;

/**
 * Citizen i (0-based) → a unique phone number: every 12th one is a Hangzhou landline (0571-8xxxxxxx), the rest are
 * 11-digit mobiles spread over 30 carrier prefixes. The 8 (7) trailing digits are the index scrambled by a bijection
 * mod 10^8 (10^7), so numbers look random but never collide. Indices ≥ the citizen count give well-formed unknown numbers.
 */
export const PHONE_FN = `
create or replace function pg_temp.bench_phone(i bigint) returns text language sql immutable as $$
  select case when i % 12 = 0
    then '0571-8' || lpad((((i / 12) * 7393913 + 1234567) % 10000000)::text, 7, '0')
    else (${sqlText(MOBILE_PREFIXES)})[((i - i / 12 - 1) % ${MOBILE_PREFIXES.length}) + 1]
         || lpad(((((i - i / 12 - 1) / ${MOBILE_PREFIXES.length}) * 73939133 + 12345678) % 100000000)::text, 8, '0')
  end
$$`;

/** Mirrors pg_temp.bench_phone in screenpop-data.ts: citizen index → its number; indices ≥ the citizen count are nobody's. */
export function benchPhone(i: number): string {
  if (i % 12 === 0) return `0571-8${String((Math.floor(i / 12) * 7393913 + 1234567) % 10_000_000).padStart(7, '0')}`;
  const m = i - Math.floor(i / 12) - 1;
  const P = MOBILE_PREFIXES.length;
  return `${MOBILE_PREFIXES[m % P]}${String((Math.floor(m / P) * 73939133 + 12345678) % 100_000_000).padStart(8, '0')}`;
}

function withDb(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function readMarker(client: pg.Client, name: string): Promise<Marker | null> {
  const { rows } = await client.query<{ d: string | null }>(
    `select shobj_description(oid, 'pg_database') as d from pg_database where datname = $1`,
    [name],
  );
  try {
    const m = rows[0]?.d ? (JSON.parse(rows[0].d) as Marker) : null;
    return m?.kind === 'screenpop' ? m : null;
  } catch {
    return null;
  }
}

/** A one-line progress bar on stderr: percentage and rows per second. */
export function progress(label: string, total: number) {
  const t0 = performance.now();
  const tty = process.stderr.isTTY;
  let lastLine = 0;
  const render = (done: number, final = false) => {
    const pct = total ? done / total : 1;
    const secs = (performance.now() - t0) / 1000;
    const rate = secs > 0 ? done / secs : 0;
    const width = 30;
    const bar = '#'.repeat(Math.round(pct * width)).padEnd(width, '.');
    const line = `  ${label.padEnd(9)} [${bar}] ${(pct * 100).toFixed(1).padStart(5)}%  ${done.toLocaleString('en')}/${total.toLocaleString('en')}  ${Math.round(rate).toLocaleString('en')} rows/s  ${secs.toFixed(1)}s`;
    if (tty) process.stderr.write(`\r${line}${final ? '\n' : ''}`);
    else if (final || performance.now() - lastLine > 2000) {
      lastLine = performance.now();
      process.stderr.write(`${line}\n`);
    }
  };
  render(0);
  return { update: (done: number) => render(done), done: (done: number) => render(done, true) };
}

async function inBatches(client: pg.Client, label: string, total: number, sql: string, extra: unknown[] = []) {
  const bar = progress(label, total);
  for (let from = 0; from < total; from += BATCH) {
    const to = Math.min(total, from + BATCH) - 1;
    await client.query(sql, [from, to, ...extra]);
    bar.update(to + 1);
  }
  bar.done(total);
}

async function openClient(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('set synchronous_commit = off');
  await client.query(PHONE_FN);
  return client;
}

/**
 * Citizens get ids 1..N, so appeal rows can refer to citizen i by id without a lookup. About a third have an ID
 * number, sealed as the app seals it (with the bench's key) so the screen pop opens it; the sealed columns go in
 * with the row (computed for the batch in Node, then picked by the row's index), not by a second pass of updates.
 */
async function generateCitizens(client: pg.Client, citizens: number, log: (l: string) => void) {
  const [{ max }] = (await client.query<{ max: number | null }>('select max(id) as max from citizen')).rows;
  if (max) throw new Error('citizen table is not empty; the generator needs a fresh database');
  log(`[seed] ${citizens.toLocaleString('en')} citizens, a third with a sealed ID number`);
  const ring = keyringFromEnv({ DATA_KEY: BENCH_DATA_KEY });
  const bar = progress('citizens', citizens);
  for (let from = 0; from < citizens; from += BATCH) {
    const to = Math.min(citizens, from + BATCH) - 1;
    const { sealed, indexes } = idNumberColumns(to - from + 1, ring);
    await client.query(
      `
    insert into citizen (id, created_at, updated_at, phone, name, address, id_number_sealed, id_number_index)
    select g + 1, ts, ts, pg_temp.bench_phone(g),
           case when r1 < 0.75 then (${sqlText(SURNAMES)})[1 + floor(r2 * ${SURNAMES.length})::int] || (${sqlText(GIVEN)})[1 + floor(r3 * ${GIVEN.length})::int] end,
           case when r1 < 0.6 then '示范市' || (${sqlText(ROADS)})[1 + floor(r4 * ${ROADS.length})::int] || (1 + floor(r3 * 300)::int) || '号' end,
           ($3::text[])[g - $1 + 1], ($4::text[])[g - $1 + 1]
      from (select g, random() as r1, random() as r2, random() as r3, random() as r4,
                   now() - random() * interval '730 days' as ts
              from generate_series($1::bigint, $2::bigint) g) s`,
      [from, to, sealed, indexes],
    );
    bar.update(to + 1);
  }
  bar.done(citizens);
  // The service's upserts (template appeals, and the app later) continue after them.
  await client.query(`select setval(pg_get_serial_sequence('citizen', 'id'), greatest($1::int, 1))`, [citizens]);
}

/** A batch's ID number columns: 35% of the rows get a resident ID number (born 1930–2006, real check character). */
function idNumberColumns(rows: number, ring: ReturnType<typeof keyringFromEnv>) {
  const regions = ['330102', '330105', '330106', '330108', '330110'];
  const sealed: (string | null)[] = [];
  const indexes: (string | null)[] = [];
  for (let i = 0; i < rows; i++) {
    if (Math.random() >= 0.35) {
      sealed.push(null);
      indexes.push(null);
      continue;
    }
    const born = new Date(Date.UTC(1930, 0, 1) + Math.floor(Math.random() * 27700) * 86_400_000);
    const first17 =
      regions[Math.floor(Math.random() * regions.length)] +
      born.toISOString().slice(0, 10).replaceAll('-', '') +
      String(Math.floor(Math.random() * 1000)).padStart(3, '0');
    const s = sealIdNumber(first17 + idNumberCheckCharacter(first17)!, ring);
    sealed.push(s.sealed);
    indexes.push(s.index);
  }
  return { sealed, indexes };
}

/** Appeals driven through the real service: their phases, snapshots and deadlines are the templates of the generated ones. */
async function seedTemplates(db: Database, log: (l: string) => void) {
  const ids = await loadReferenceIds(db.em());
  const [{ n }] = await all<{ n: number }>(db.em(), 'select count(*)::int as n from appeal');
  if (n >= TEMPLATES) return;
  log(`[seed] driving ${TEMPLATES - n} template appeals through the service …`);
  let boss: PgBoss | undefined;
  try {
    boss = await startBoss(db); // SUBMIT and APPROVE_REPLY schedule timers; no workers here
    await seedDemoAppeals({ db, timers: bossTimers(boss) }, ids, TEMPLATES - n);
  } finally {
    await boss?.stop({ graceful: false }).catch(() => {});
  }
}

async function generateAppeals(
  client: pg.Client,
  citizens: number,
  appeals: number,
  log: (l: string) => void,
): Promise<number> {
  // Templates: the service-driven appeals, numbered 0..T-1.
  await client.query(`create temp table tpl as
    select row_number() over (order by id) - 1 as k, * from appeal order by id`);
  const [{ t }] = (await client.query<{ t: number }>('select count(*)::int as t from tpl')).rows;
  if (!t) throw new Error('no template appeals');
  if (appeals / 365 + 1000 > 999_999) throw new Error('too many appeals for 6-digit daily numbers');

  // Appeal g: local day = 1 + g % 365 days ago (so a year, evenly), a time between 07:00 and 22:00, and a number
  // continuing that day's counter. Its caller: 3% one of the HEAVY citizens, 17% one of the REPEAT, 75% anyone,
  // 5% nobody (a patrol report). Phase, tags, snapshot, department and category come from a random template (the
  // tags the service wrote for it from the machine); its timestamps are shifted to the new creation time. No audit
  // trail (audit_seq 0).
  log(`[seed] ${appeals.toLocaleString('en')} appeals (${t} templates)`);
  // Bulk load: the plain secondary indexes (not the primary key or unique constraints) are dropped for the load and
  // rebuilt from their own definitions afterwards, which is several times cheaper than maintaining them row by row.
  // An interrupted run leaves no marker, so the database is regenerated from scratch next time.
  const { rows: indexes } = await client.query<{ name: string; def: string }>(
    `select i.indexname as name, i.indexdef as def from pg_indexes i
      where i.schemaname = current_schema() and i.tablename = 'appeal'
        and not exists (select 1 from pg_constraint c where c.conrelid = 'appeal'::regclass and c.conname = i.indexname)`,
  );
  for (const ix of indexes) await client.query(`drop index "${ix.name}"`);
  await inBatches(
    client,
    'appeals',
    appeals,
    `
    insert into appeal (created_at, updated_at, number, source, type, urgency, category_id, citizen_id, caller_phone, title, content,
                        address, grid_id, lat, lng, confidential, anonymous, created_by_id, phase, tags, sla, lead_department_id, assigned_grid_id,
                        submitted_at, accept_due_at, due_at, callback_due_at, closed_at, machine_version, snapshot, audit_seq, audit_head, version)
    select s.created_at, least(now(), s.created_at + (tpl.updated_at - tpl.created_at)),
           to_char(s.day, 'YYYYMMDD') || '-' || lpad((coalesce(ac.last, 0) + s.g / 365 + 1)::text, 6, '0'),
           case when s.ci is null then 'patrol' else 'hotline' end, tpl.type, tpl.urgency, tpl.category_id,
           s.ci + 1, pg_temp.bench_phone(s.ci), tpl.title, tpl.content,
           '示范市' || (${sqlText(ROADS)})[1 + floor(s.r3 * ${ROADS.length})::int] || (1 + floor(s.r4 * 300)::int) || '号',
           tpl.grid_id, null, null, tpl.confidential, false, tpl.created_by_id, tpl.phase, tpl.tags, tpl.sla, tpl.lead_department_id,
           tpl.assigned_grid_id,
           case when tpl.submitted_at is not null then least(now(), tpl.submitted_at + (s.created_at - tpl.created_at)) end, tpl.accept_due_at + (s.created_at - tpl.created_at),
           tpl.due_at + (s.created_at - tpl.created_at), tpl.callback_due_at + (s.created_at - tpl.created_at),
           case when tpl.closed_at is not null then least(now(), tpl.closed_at + (s.created_at - tpl.created_at)) end, tpl.machine_version, tpl.snapshot, 0, '', tpl.version
      from (select g, day, ((day + time '07:00' + r2 * interval '15 hours') at time zone 'Asia/Shanghai') as created_at,
                   floor(r5 * $3)::int as tk, r3, r4,
                   case when $4::bigint = 0 then null
                        when r1 < 0.03 then floor(r2 * least(${HEAVY}, $4::bigint))::bigint
                        when r1 < 0.20 then floor(r3 * least(${REPEAT}, $4::bigint))::bigint
                        when r1 < 0.95 then floor(r4 * $4::bigint)::bigint end as ci
              from (select g, (now() at time zone 'Asia/Shanghai')::date - (1 + (g % 365))::int as day,
                           random() as r1, random() as r2, random() as r3, random() as r4, random() as r5
                      from generate_series($1::bigint, $2::bigint) g) x) s
      join tpl on tpl.k = s.tk
      left join appeal_counter ac on ac.day = to_char(s.day, 'YYYYMMDD')`,
    [t, citizens],
  );
  log(`[seed] rebuilding ${indexes.length} indexes`);
  await client.query(`set maintenance_work_mem = '512MB'`);
  for (const ix of indexes) await client.query(ix.def);
  // The daily counters continue after the generated numbers, so the app's next appeal on any day gets a fresh number.
  await client.query(`insert into appeal_counter (day, last)
    select split_part(number, '-', 1), max(split_part(number, '-', 2)::int) from appeal group by 1
    on conflict (day) do update set last = greatest(appeal_counter.last, excluded.last)`);
  log('[seed] vacuum analyze');
  await client.query('vacuum (analyze) citizen');
  await client.query('vacuum (analyze) appeal');
  return t;
}

/** Schema (the app's migrations), reference data with the demo logins, citizens, template appeals, generated appeals. */
async function generate(url: string, citizens: number, appeals: number, log: (l: string) => void): Promise<number> {
  let db: Database | undefined;
  let client: pg.Client | undefined;
  try {
    db = await openDatabase({ dataDir: '', databaseUrl: url }); // runs the migrations
    await seedReferenceData(db.em()); // real argon2 hashes: `operator` / demo12345 can sign in
    client = await openClient(url);
    await generateCitizens(client, citizens, log);
    await seedTemplates(db, log);
    await db.close();
    db = undefined;
    return await generateAppeals(client, citizens, appeals, log);
  } finally {
    await client?.end().catch(() => {});
    await db?.close().catch(() => {});
  }
}

/** Makes sure the bench database holds the generated data of this size; generates it (from scratch) only when it does not. */
export async function ensureScreenpopData(opts: ScreenpopDataOptions): Promise<ScreenpopData> {
  const log = opts.log ?? ((l: string) => console.error(l));
  if (!/^[a-z_][a-z0-9_]*$/.test(opts.dbName)) throw new Error(`bad database name ${opts.dbName}`);
  const url = withDb(opts.adminUrl, opts.dbName);
  const admin = new pg.Client({ connectionString: opts.adminUrl });
  await admin.connect();
  try {
    if (new URL(opts.adminUrl).pathname.replace(/^\//, '') === opts.dbName)
      throw new Error('DATABASE_URL must name another database than the bench database');
    const exists = (await admin.query('select 1 from pg_database where datname = $1', [opts.dbName])).rowCount! > 0;
    const marker = exists ? await readMarker(admin, opts.dbName) : null;
    if (marker && !opts.force && marker.citizens === opts.citizens && marker.appeals === opts.appeals) {
      log(
        `[seed] reusing ${opts.dbName}: ${marker.citizens.toLocaleString('en')} citizens, ${marker.appeals.toLocaleString('en')} appeals (generated ${marker.at} in ${marker.seconds.toFixed(1)} s)`,
      );
      // The app's migrations may have moved on since the data was generated (new indexes): bring the schema up to date.
      const db = await openDatabase({ dataDir: '', databaseUrl: url });
      await db.close();
      return {
        url,
        citizens: marker.citizens,
        appeals: marker.appeals,
        generationSeconds: marker.seconds,
        generatedNow: false,
        generatedAt: marker.at,
      };
    }
    if (exists) {
      log(
        `[seed] ${opts.dbName} ${opts.force ? '(--force)' : marker ? `holds other sizes (${marker.citizens}/${marker.appeals})` : 'has no complete generated data'}: recreating it`,
      );
      await admin.query(`drop database "${opts.dbName}" with (force)`);
    }
    await admin.query(`create database "${opts.dbName}"`);
    const t0 = performance.now();
    const templates = await generate(url, opts.citizens, opts.appeals, log);
    const seconds = (performance.now() - t0) / 1000;
    const m: Marker = {
      kind: 'screenpop',
      citizens: opts.citizens,
      appeals: opts.appeals,
      templates,
      seconds,
      at: new Date().toISOString(),
    };
    // Written last: a database without it is an interrupted run and is regenerated.
    await admin.query(`comment on database "${opts.dbName}" is '${JSON.stringify(m).replaceAll("'", "''")}'`);
    log(`[seed] ${opts.dbName} ready in ${seconds.toFixed(1)} s`);
    return {
      url,
      citizens: opts.citizens,
      appeals: opts.appeals,
      generationSeconds: seconds,
      generatedNow: true,
      generatedAt: m.at,
    };
  } finally {
    await admin.end();
  }
}

/** `--name value` / `--name=value` flags of a CLI. */
export function flag(argv: string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === `--${name}`) return argv[i + 1];
    if (argv[i].startsWith(`--${name}=`)) return argv[i].slice(name.length + 3);
  }
  return undefined;
}

export function intFlag(argv: string[], name: string, dflt: number): number {
  const v = flag(argv, name);
  if (v === undefined) return dflt;
  const n = Number(v.replaceAll('_', '').replaceAll(',', ''));
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got ${v}`);
  return n;
}

export function requireDatabaseUrl(script: string): string {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error(
      `${script} needs PostgreSQL: set DATABASE_URL to a server connection string, e.g.\n` +
        `  DATABASE_URL=postgresql://hotline:hotline@127.0.0.1:5432/postgres npm run ${script}\n` +
        'It creates (or reuses) its own database on that server and leaves the others alone.',
    );
    process.exit(2);
  }
  return url;
}
