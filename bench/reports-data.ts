// Generated data for the reports benchmark: a dedicated PostgreSQL database holding a realistic city's year of appeals.
// Like bench/screenpop-data.ts it drives template appeals through the real service (so snapshots, deadlines and
// assignments are genuine) and then copies them set-based (insert … select … from generate_series) in batches, but
// with what reports need: a year of appeals with weekday/hour/season patterns, skewed categories, departments,
// grids and sources, most old appeals closed, some late, returned, redone, extended or marked unreasonable,
// repeat callers, and lead assignments accepted on time or late. Finally the report facts and cells are rebuilt
// with the app's own `rebuildReports`.
// Used by scripts/seed-bench.ts and bench/reports.ts.
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { PgBoss } from 'pg-boss';
import { openDatabase, type Database } from '../app/db/orm.server';
import { bossTimers, startBoss } from '../app/jobs/timers.server';
import { createDraft } from '../app/appeals/intake.server';
import { applyEvent, type AppealServices } from '../app/appeals/service.server';
import {
  actorFor,
  loadReferenceIds,
  prng,
  seedDemoAppeals,
  seedReferenceData,
  type ReferenceIds,
} from '../app/seed/demo-city.server';
import { CATEGORIES, DEMO_COMPLAINTS, GIVEN, ROADS, SURNAMES } from '../app/seed/demo-city-data';
import { PHONE_FN, sqlText } from './screenpop-data';

export interface ReportsDataOptions {
  /** Server connection string (any database on it); the bench database is created next to it. */
  adminUrl: string;
  dbName: string;
  appeals: number;
  /** Distinct callers (citizen rows); default 40% of the appeals. */
  citizens?: number;
  /** Regenerate even when the marker says the data is there. */
  force?: boolean;
  log?: (line: string) => void;
}

export interface ReportsData {
  url: string;
  appeals: number;
  citizens: number;
  assignments: number;
  facts: number;
  cells: number;
  /** Seconds per step of this run's generation (or of the recorded one when reused). */
  seconds: Record<string, number>;
  generatedNow: boolean;
  generatedAt: string;
}

/** Kept in the table bench_marker of the bench database; written after each completed stage. */
interface Marker {
  kind: 'reports';
  appeals: number;
  citizens: number;
  /** 'appeals': rows generated, the report roll-up not (yet) rebuilt; 'complete': everything done. */
  stage: 'appeals' | 'complete';
  templates: number;
  counts: { appeals: number; assignments: number; facts: number; cells: number };
  seconds: Record<string, number>;
  at: string;
}

const BATCH = 50_000;
const DEMO_TEMPLATES = 240; // seedDemoAppeals: every phase, the demo city's mix
/** Extra service-driven scenarios the demo mix lacks: approved extension, approved return, unreasonable demand, … */
const EXTRA_TEMPLATES = { extended: 16, returned: 16, unreasonable: 10, supervisorClosed: 8 } as const;
const HEAVY = 200;
const REPEAT = 10_000;
const PICK_SLOTS = 10_000;
const DAYS = 365;

const ISO_FN = `
create or replace function pg_temp.iso(t timestamptz) returns text language sql immutable as $$
  select to_char(t at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$`;

export function withDb(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

// ---------- progress ----------

const fmtSecs = (s: number) =>
  !Number.isFinite(s)
    ? '?'
    : s >= 60
      ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`
      : `${s.toFixed(0)}s`;

/** A single updating line on stderr: bar, percent, done/total, rows/s, elapsed and ETA. Without a TTY, a line every 2 s. */
export function progressBar(label: string, total: number) {
  const t0 = performance.now();
  const tty = process.stderr.isTTY;
  let lastLine = 0;
  let lastDone = 0;
  const render = (done: number, final = false) => {
    lastDone = done;
    const pct = total ? Math.min(1, done / total) : 1;
    const secs = (performance.now() - t0) / 1000;
    const rate = secs > 0 ? done / secs : 0;
    const eta = rate > 0 ? (total - done) / rate : Infinity;
    const width = 28;
    const bar = '#'.repeat(Math.round(pct * width)).padEnd(width, '.');
    const line =
      `  ${label.padEnd(11)} [${bar}] ${(pct * 100).toFixed(1).padStart(5)}%  ${done.toLocaleString('en')}/${total.toLocaleString('en')}` +
      `  ${Math.round(rate).toLocaleString('en')} rows/s  ${fmtSecs(secs)}  ETA ${final ? '0s' : fmtSecs(eta)}`;
    if (tty) process.stderr.write(`\r\x1b[2K${line}${final ? '\n' : ''}`);
    else if (final || performance.now() - lastLine > 2000) {
      lastLine = performance.now();
      process.stderr.write(`${line}\n`);
    }
  };
  render(0);
  return {
    update: (done: number) => render(done),
    done: (done = lastDone) => render(done, true),
    seconds: () => (performance.now() - t0) / 1000,
  };
}

// ---------- distributions ----------

/** Fills `slots` entries with values in proportion to their weights (inverse CDF by lookup). */
function pickArray<T>(items: readonly T[], weights: readonly number[], slots = PICK_SLOTS): T[] {
  const total = weights.reduce((a, b) => a + b, 0);
  const out: T[] = [];
  let acc = 0;
  for (let i = 0; i < items.length; i++) {
    acc += weights[i];
    const upto = i === items.length - 1 ? slots : Math.round((acc / total) * slots);
    while (out.length < upto) out.push(items[i]);
  }
  return out;
}

const zipf = (n: number, s: number) => Array.from({ length: n }, (_, i) => 1 / (i + 1) ** s);

/** Calls per hour of the day (local time): quiet nights, a morning peak and an afternoon one. */
const HOUR_WEIGHTS = [
  0.35, 0.2, 0.12, 0.1, 0.1, 0.2, 0.6, 1.8, 4.5, 7.5, 8.2, 7.4, 4.8, 5.2, 7.2, 7.6, 7.0, 6.0, 4.2, 3.8, 3.4, 2.6, 1.6,
  0.8,
];
/** Monday … Sunday. */
const WEEKDAY_WEIGHTS = [1.18, 1.1, 1.05, 1.02, 1.0, 0.68, 0.62];

/** Leaf categories per limits class, most common first (the order sets the Zipf ranks). */
const CATEGORY_RANKS: Record<string, string[]> = {
  general: ['0201', '0202', '0101', '0203', '0502', '0402', '0401', '0501', '0701', '0901', '1002'],
  complex: ['0601', '0103', '0102', '0602'],
  utilities: ['0301', '0302', '0304', '0303'],
  emergency: ['0801', '0802'],
};
const CLASSES = Object.keys(CATEGORY_RANKS);
const CLASS_SLOTS = 1000;

/** Local dates (Asia/Shanghai) 1..DAYS days before today, weighted by weekday, season and a slight growth. */
function dayOffsets(): number[] {
  const today = new Date(Date.now() + 8 * 3600_000); // UTC fields = local fields
  const offsets: number[] = [];
  const weights: number[] = [];
  for (let ago = 1; ago <= DAYS; ago++) {
    const d = new Date(today.getTime() - ago * 86400_000);
    const weekday = (d.getUTCDay() + 6) % 7;
    const month = d.getUTCMonth(); // summer (noise, outages) and the heating season are busier
    const season = 1 + 0.18 * Math.cos(((month - 6.5) / 12) * 2 * Math.PI) + (month <= 1 || month === 11 ? 0.12 : 0);
    const growth = 1 + 0.15 * ((DAYS - ago) / DAYS);
    offsets.push(ago);
    weights.push(WEEKDAY_WEIGHTS[weekday] * season * growth);
  }
  return pickArray(offsets, weights, 20_000);
}

// ---------- marker ----------

async function readMarker(client: pg.Client): Promise<Marker | null> {
  try {
    const { rows } = await client.query<{ info: Marker }>(`select info from bench_marker where kind = 'reports'`);
    return rows[0]?.info ?? null;
  } catch {
    return null;
  }
}

async function writeMarker(client: pg.Client, m: Marker) {
  await client.query('create table if not exists bench_marker (kind text primary key, info jsonb not null)');
  await client.query(
    `insert into bench_marker (kind, info) values ('reports', $1) on conflict (kind) do update set info = excluded.info`,
    [JSON.stringify(m)],
  );
}

// ---------- generation ----------

async function openClient(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('set synchronous_commit = off');
  await client.query(PHONE_FN);
  await client.query(ISO_FN);
  return client;
}

const TIMING = process.env.SEED_TIMING === '1';
const timing = new Map<string, number>();
async function timed<T>(label: string, p: Promise<T>): Promise<T> {
  if (!TIMING) return p;
  const t = performance.now();
  const r = await p;
  timing.set(label, (timing.get(label) ?? 0) + performance.now() - t);
  return r;
}

async function inBatches(label: string, total: number, run: (from: number, to: number) => Promise<void>) {
  const bar = progressBar(label, total);
  for (let from = 0; from < total; from += BATCH) {
    const to = Math.min(total, from + BATCH) - 1;
    await run(from, to);
    if (to + 1 < total) bar.update(to + 1);
  }
  bar.done(total);
  return bar.seconds();
}

async function generateCitizens(client: pg.Client, citizens: number, log: (l: string) => void) {
  const [{ max }] = (await client.query<{ max: number | null }>('select max(id) as max from citizen')).rows;
  if (max) throw new Error('citizen table is not empty; the generator needs a fresh database');
  log(`[seed] ${citizens.toLocaleString('en')} citizens`);
  const secs = await inBatches('citizens', citizens, (from, to) =>
    client
      .query(
        `
    insert into citizen (id, created_at, updated_at, phone, name, address)
    select g + 1, ts, ts, pg_temp.bench_phone(g),
           case when r1 < 0.75 then (${sqlText(SURNAMES)})[1 + floor(r2 * ${SURNAMES.length})::int] || (${sqlText(GIVEN)})[1 + floor(r3 * ${GIVEN.length})::int] end,
           case when r1 < 0.6 then '示范市' || (${sqlText(ROADS)})[1 + floor(r4 * ${ROADS.length})::int] || (1 + floor(r3 * 300)::int) || '号' end
      from (select g, random() as r1, random() as r2, random() as r3, random() as r4, now() - random() * interval '730 days' as ts
              from generate_series($1::bigint, $2::bigint) g) s`,
        [from, to],
      )
      .then(() => {}),
  );
  await client.query(`select setval(pg_get_serial_sequence('citizen', 'id'), greatest($1::int, 1))`, [citizens]);
  return secs;
}

/** Scenarios the demo mix does not reach, driven through the real service like seedDemoAppeals does. */
async function seedExtraTemplates(
  services: AppealServices,
  ids: ReferenceIds,
  log: (l: string) => void,
): Promise<number> {
  const rand = prng(54321);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const handlerFor = (deptId: number) =>
    [...ids.users.entries()].find(([, u]) => u.role === 'handler' && u.departmentId === deptId)?.[0];
  const deptOf = (cat: string) =>
    ids.departments.get(CATEGORIES.flatMap((c) => c.children).find((c) => c.code === cat)?.dept ?? 'F02')!;
  const complaints = DEMO_COMPLAINTS.filter((c) => c.type !== 'consultation' && c.type !== 'praise');
  const realNow = Date.now();
  let created = 0;
  let failed = 0;
  const plan = Object.entries(EXTRA_TEMPLATES).flatMap(([kind, n]) => Array.from({ length: n }, () => kind));
  for (const kind of plan) {
    let t = realNow - Math.floor((3 + rand() * 25) * 24 * 3600_000);
    const step = (hours: number) => (t = Math.min(realNow - 60_000, t + Math.floor(hours * 3600_000 * (0.5 + rand()))));
    const svc = (): AppealServices => ({ ...services, now: () => new Date(t) });
    const tpl = pick(complaints);
    const deptId = deptOf(tpl.category);
    const assignee = actorFor(ids, handlerFor(deptId)!);
    try {
      const draft = await createDraft(svc(), actorFor(ids, 'operator'), {
        type: tpl.type,
        urgency: 'normal',
        categoryId: ids.categories.get(tpl.category)!,
        callerPhone: `13${Math.floor(100000000 + rand() * 899999999)}`,
        citizenName: `${pick(SURNAMES)}${pick(GIVEN)}`,
        title: tpl.title,
        content: tpl.content,
        address: `示范市${pick(ROADS)}${1 + Math.floor(rand() * 300)}号`,
        gridId: ids.grids.get(pick([...ids.grids.keys()])),
        confidential: false,
        source: 'hotline',
      });
      created++;
      const send = async (
        user: string | typeof assignee,
        type: string,
        payload: Record<string, unknown> = {},
        hours = 2,
      ) => {
        step(hours);
        await applyEvent(svc(), {
          appealId: draft.id,
          type,
          payload,
          actor: typeof user === 'string' ? actorFor(ids, user) : user,
        });
      };
      await send('operator', 'SUBMIT', {}, 0.1);
      if (kind === 'returned') {
        // First sent to the wrong bureau, which asks to return it; the dispatcher approves and re-dispatches.
        const wrong = [...ids.departments.entries()].find(
          ([code, id]) => /^F\d\d$/.test(code) && id !== deptId && handlerFor(id),
        )![1];
        await send('dispatcher', 'DISPATCH', { departmentId: wrong, assistingDepartmentIds: [] });
        await send(
          actorFor(ids, handlerFor(wrong)!),
          'RETURN',
          { reason: '该事项不属于本单位职责范围，建议改派。' },
          3,
        );
        await send('dispatcher', 'APPROVE_RETURN', {}, 2);
      }
      await send('dispatcher', 'DISPATCH', { departmentId: deptId, assistingDepartmentIds: [] });
      await send(assignee, 'ACCEPT', {}, 3);
      if (kind === 'extended') {
        await send(assignee, 'REQUEST_EXTENSION', { days: 5, reason: '需协调多个部门联合处置，申请延期。' }, 20);
        await send('dispatcher', 'APPROVE_EXTENSION', { days: 5 }, 3);
        step(72);
      }
      await send(
        assignee,
        'REPLY',
        { result: '经现场核查，问题已处理完毕，并向市民反馈了处理结果。', resolved: kind !== 'unreasonable' },
        24,
      );
      await send('reviewer', 'APPROVE_REPLY', {}, 3);
      if (kind === 'unreasonable' || kind === 'supervisorClosed') {
        await send('reviewer', 'FEEDBACK', { satisfaction: 'dissatisfied', resolved: false }, 10);
        if (kind === 'unreasonable')
          await send(
            'supervisor',
            'MARK_UNREASONABLE',
            { unreasonable: true, reason: '诉求超出政策规定，属不合理诉求。' },
            4,
          );
        await send('supervisor', 'SUPERVISOR_CLOSE', { reason: '已向市民解释政策，予以办结。' }, 4);
      } else {
        const r = rand();
        await send(
          'reviewer',
          'FEEDBACK',
          { satisfaction: r < 0.6 ? 'satisfied' : r < 0.9 ? 'basicallySatisfied' : 'dissatisfied', resolved: r < 0.85 },
          10,
        );
        if (r >= 0.9) await send('supervisor', 'SUPERVISOR_CLOSE', { reason: '已尽力协调，予以办结。' }, 4);
      }
    } catch (err) {
      failed++;
      if (failed <= 3) log(`[seed] extra template (${kind}) stopped early: ${(err as Error).message}`);
    }
  }
  return created;
}

async function seedTemplates(db: Database, log: (l: string) => void) {
  const ids = await loadReferenceIds(db.em());
  log(
    `[seed] driving ${DEMO_TEMPLATES} + ${Object.values(EXTRA_TEMPLATES).reduce((a, b) => a + b, 0)} template appeals through the service …`,
  );
  let boss: PgBoss | undefined;
  try {
    boss = await startBoss(db); // SUBMIT and APPROVE_REPLY schedule timers; no workers here
    const services: AppealServices = { db, timers: bossTimers(boss) };
    const bar = progressBar('templates', DEMO_TEMPLATES);
    await seedDemoAppeals(services, ids, DEMO_TEMPLATES, (done) => bar.update(done));
    bar.done(DEMO_TEMPLATES);
    await seedExtraTemplates(services, ids, log);
  } finally {
    await boss?.stop({ graceful: false }).catch(() => {});
  }
}

/** Plain secondary indexes (not primary keys or unique constraints) of a table, to drop during a bulk load. */
async function plainIndexes(client: pg.Client, table: string) {
  const { rows } = await client.query<{ name: string; def: string }>(
    `select i.indexname as name, i.indexdef as def from pg_indexes i
      where i.schemaname = current_schema() and i.tablename = $1
        and not exists (select 1 from pg_constraint c where c.conrelid = $1::regclass and c.conname = i.indexname)`,
    [table],
  );
  return rows;
}

async function generateAppeals(client: pg.Client, citizens: number, appeals: number, log: (l: string) => void) {
  // ---- templates: the service-driven appeals, numbered 0..T-1, with their context times unpacked ----
  await client.query(`create temp table tpl as
    select row_number() over (order by a.id)::int - 1 as k, a.*,
           (a.snapshot->'context'->>'acceptDueAt')::timestamptz as ctx_accept_due,
           (a.snapshot->'context'->>'dueAt')::timestamptz as ctx_due,
           (a.snapshot->'context'->>'callbackDueAt')::timestamptz as ctx_callback_due,
           (a.snapshot->'context'->>'closedAt')::timestamptz as ctx_closed,
           (a.snapshot->'context'->>'repliedAt')::timestamptz as ctx_replied,
           (a.snapshot->'context'->>'assigneeDepartmentId')::int as ctx_dept,
           a.tags @> '{closed}' as done,
           c.code as category_code
      from appeal a join category c on c.id = a.category_id order by a.id`);
  await client.query('create temp table tasg as select t.k, s.* from assignment s join tpl t on t.id = s.appeal_id');
  const tpls = (
    await client.query<{
      k: number;
      done: boolean;
      draft: boolean;
      category_code: string;
      lead: number | null;
      ctx_redo: number;
      ctx_ext: number;
      returned: boolean;
      unreasonable: boolean;
    }>(
      `select k, done, tags @> '{draft}' as draft, category_code, lead_department_id as lead,
            coalesce((snapshot->'context'->>'redoCount')::int, 0) as ctx_redo, coalesce((snapshot->'context'->>'extensionCount')::int, 0) as ctx_ext,
            coalesce((snapshot->'context'->>'unreasonable')::boolean, false) as unreasonable,
            exists (select 1 from tasg where tasg.k = tpl.k and tasg.status = 'returned') as returned
       from tpl order by k`,
    )
  ).rows;
  if (!tpls.length) throw new Error('no template appeals');
  const [{ max_id: maxId }] = (await client.query<{ max_id: number }>('select max(id)::int as max_id from appeal'))
    .rows;

  // ---- the pickers, as arrays in a one-row table ----
  // Templates: "done" (tagged closed: finished, merged or void) and the others; the rare scenarios get weights so their rates are realistic.
  const weightOf = (t: (typeof tpls)[number]) =>
    (t.unreasonable ? 0.15 : t.returned ? 0.35 : t.ctx_ext > 0 ? 0.5 : 1) * (t.draft ? 0.3 : 1);
  const donePool = tpls.filter((t) => t.done);
  const openPool = tpls.filter((t) => !t.done);
  const doneTpl = pickArray(
    donePool.map((t) => t.k),
    donePool.map(weightOf),
  );
  const openTpl = pickArray(
    openPool.map((t) => t.k),
    openPool.map(weightOf),
  );
  const catIds = new Map(
    (
      await client.query<{ id: number; code: string; dept: number | null }>(
        'select id, code, default_department_id as dept from category',
      )
    ).rows.map((r) => [r.code, r]),
  );
  const classOf = new Map<string, number>();
  for (const top of CATEGORIES)
    for (const c of top.children) classOf.set(c.code, CLASSES.indexOf(c.limits ?? top.limits));
  const catPick: number[] = [];
  for (const cls of CLASSES) {
    const codes = CATEGORY_RANKS[cls].filter((c) => catIds.get(c)?.dept);
    catPick.push(
      ...pickArray(
        codes.map((c) => catIds.get(c)!.id),
        zipf(codes.length, 1.1),
        CLASS_SLOTS,
      ),
    );
  }
  const grids = (await client.query<{ id: number }>('select id from grid order by random()')).rows.map((r) => r.id);
  const gridPick = pickArray(grids, zipf(grids.length, 0.8), 1000);
  const minutes = pickArray(
    Array.from({ length: 24 * 60 }, (_, m) => m),
    Array.from({ length: 24 * 60 }, (_, m) => HOUR_WEIGHTS[Math.floor(m / 60)]),
  );
  // Lookup tables (slot → value) rather than arrays: subscripting a large array detoasts it on every row.
  const pickTables: [string, number[]][] = [
    ['pk_days', dayOffsets()],
    ['pk_minutes', minutes],
    ['pk_done', doneTpl],
    ['pk_open', openTpl],
    ['pk_cat', catPick],
    ['pk_grid', gridPick],
  ];
  for (const [name, values] of pickTables) {
    await client.query(
      `create temp table ${name} as select (i - 1)::int as slot, v from unnest($1::int[]) with ordinality u(v, i)`,
      [values],
    );
    await client.query(`alter table ${name} add primary key (slot)`);
    await client.query(`analyze ${name}`);
  }
  await client.query(`create temp table cat_dept as select id as cat, default_department_id as dept from category`);
  const sizes = Object.fromEntries(pickTables.map(([n, v]) => [n, v.length]));
  // The class (limits) of each template's category: a category is only swapped for one with the same time limits.
  await client.query(`alter table tpl add column cls int`);
  for (const [code, cls] of classOf)
    await client.query('update tpl set cls = $1 where category_code = $2', [cls, code]);

  // Per-day appeal numbers continue each day's counter.
  await client.query(`create temp table daycount as select day, last from appeal_counter`);
  await client.query('alter table daycount add primary key (day)');
  await client.query(`create temp table gen (g bigint, id int, day date, created_at timestamptz, delta interval, delay interval, late boolean,
    tk int, cat int, dept int, grid int, src text, ci bigint, acc_late boolean, acc_r float8, r3 float8, r4 float8, seq int)`);

  log(
    `[seed] ${appeals.toLocaleString('en')} appeals from ${tpls.length} templates (${donePool.length} closed/merged/void, ${openPool.length} open)`,
  );
  const indexes = [...(await plainIndexes(client, 'appeal')), ...(await plainIndexes(client, 'assignment'))];
  for (const ix of indexes) await client.query(`drop index "${ix.name}"`);
  const t0 = performance.now();
  await inBatches('appeals', appeals, async (from, to) => {
    await timed('truncate', client.query('truncate gen'));
    // Each appeal: a day (weekday/season weighted) and minute of day (hour weighted), a template (older appeals are
    // almost all done; of the last 30 days, fewer the newer), a category swapped within the template's time-limit
    // class (Zipf), its bureau, a grid (Zipf), a source, a caller (3% heavy, 17% repeat, 80% anyone), a handling delay
    // (70% as the template, 25% slower but on time, 5% late), and whether the lead order was accepted late (12%).
    await timed(
      'gen',
      client.query(
        `
      insert into gen
      select s.g, ${maxId} + 1 + s.g, s.day, s.created_at, s.created_at - t.created_at,
             case when not e.eligible then interval '0'
                  when s.r_delay < 0.70 then interval '0'
                  when s.r_delay < 0.95 then greatest(interval '0', t.due_at - t.ctx_replied) * (0.9 * s.r_delay2)
                  else greatest(interval '0', t.due_at - t.ctx_replied) + (0.2 + 6 * s.r_delay2) * interval '1 day' end,
             e.eligible and s.r_delay >= 0.95,
             t.k, c.cat,
             case when t.lead_department_id is null then null when c.cat = t.category_id then t.lead_department_id
                  else coalesce(cd.dept, t.lead_department_id) end,
             s.grid,
             case when t.source = 'patrol' then 'patrol' when s.r_src < 0.68 then 'hotline' when s.r_src < 0.85 then 'wechat' else 'web' end,
             case when t.caller_phone is null or $3::bigint = 0 then null
                  when s.r_ci1 < 0.03 then floor(s.r_ci2 * least(${HEAVY}, $3::bigint))::bigint
                  when s.r_ci1 < 0.20 then floor(s.r_ci2 * least(${REPEAT}, $3::bigint))::bigint
                  else floor(s.r_ci2 * $3::bigint)::bigint end,
             s.r_acc < 0.12, s.r_acc2, s.r3, s.r4,
             coalesce(dc.last, 0) + row_number() over (partition by s.day order by s.g)
        from (select x.*, ((x.day + x.minute * interval '1 minute') at time zone 'Asia/Shanghai') as created_at,
                     case when x.r_pool < least(0.985, 0.40 + 0.585 * x.age / 30.0) then dt.v else ot.v end as tk, gp.v as grid
                from (select q.*, dp.v as age, (now() at time zone 'Asia/Shanghai')::date - dp.v as day, mp.v + q.r_min as minute
                        from (select g, floor(random() * ${sizes.pk_days})::int as s_day, floor(random() * ${sizes.pk_minutes})::int as s_min, random() as r_min,
                                     random() as r_pool, random() as r_tpl, random() as r_cat, random() as r_grid, random() as r_src,
                                     random() as r_ci1, random() as r_ci2, random() as r_delay, random() as r_delay2, random() as r_acc, random() as r_acc2,
                                     random() as r3, random() as r4
                                from generate_series($1::bigint, $2::bigint) g) q
                        join pk_days dp on dp.slot = q.s_day
                        join pk_minutes mp on mp.slot = q.s_min) x
                join pk_done dt on dt.slot = floor(x.r_tpl * ${sizes.pk_done})::int
                join pk_open ot on ot.slot = floor(x.r_tpl * ${sizes.pk_open})::int
                join pk_grid gp on gp.slot = floor(x.r_grid * ${sizes.pk_grid})::int) s
        join tpl t on t.k = s.tk
        left join pk_cat cp on t.lead_department_id is not null and cp.slot = t.cls * ${CLASS_SLOTS} + floor(s.r_cat * ${CLASS_SLOTS})::int
        cross join lateral (select coalesce(cp.v, t.category_id) as cat) c
        left join cat_dept cd on cd.cat = c.cat
        cross join lateral (select t.ctx_replied is not null and t.due_at is not null and s.age >= 20 as eligible) e
        left join daycount dc on dc.day = to_char(s.day, 'YYYYMMDD')`,
        [from, to, citizens],
      ),
    );
    await timed(
      'daycount',
      client.query(`insert into daycount (day, last) select to_char(day, 'YYYYMMDD'), max(seq) from gen group by 1
                        on conflict (day) do update set last = greatest(daycount.last, excluded.last)`),
    );
    // A copy keeps its template's state (only the context's times move), so the tags the service wrote for the template
    // from the machine are the copy's tags too.
    await timed(
      'appeal',
      client.query(`
      insert into appeal (id, created_at, updated_at, number, source, type, urgency, category_id, citizen_id, caller_phone, title, content,
                          address, grid_id, lat, lng, confidential, anonymous, created_by_id, phase, tags, sla, lead_department_id,
                          assigned_grid_id, submitted_at, accept_due_at, due_at, callback_due_at, closed_at, machine_version, snapshot,
                          audit_seq, audit_head, version)
      select s.id, s.created_at, least(now(), t.updated_at + s.delta + s.delay),
             to_char(s.day, 'YYYYMMDD') || '-' || lpad(s.seq::text, 6, '0'),
             s.src, t.type, t.urgency, s.cat, s.ci + 1, pg_temp.bench_phone(s.ci), t.title, t.content,
             '示范市' || (${sqlText(ROADS)})[1 + floor(s.r3 * ${ROADS.length})::int] || (1 + floor(s.r4 * 300)::int) || '号',
             s.grid, null, null, t.confidential, false, t.created_by_id, t.phase, t.tags,
             case when s.late then 'overdue'
                  when t.ctx_replied is null and t.tags @> '{open}' and not t.tags @> '{needsMediator}' and t.due_at + s.delta < now() then 'overdue'
                  else t.sla end,
             s.dept, case when t.assigned_grid_id is not null then s.grid end,
             least(now(), t.submitted_at + s.delta), t.accept_due_at + s.delta, t.due_at + s.delta, t.callback_due_at + s.delta + s.delay,
             least(now(), t.closed_at + s.delta + s.delay), t.machine_version,
             jsonb_set(t.snapshot, '{context}', (t.snapshot->'context') || jsonb_build_object(
               'acceptDueAt', pg_temp.iso(t.ctx_accept_due + s.delta),
               'dueAt', pg_temp.iso(t.ctx_due + s.delta),
               'callbackDueAt', pg_temp.iso(t.ctx_callback_due + s.delta + s.delay),
               'closedAt', pg_temp.iso(least(now(), t.ctx_closed + s.delta + s.delay)),
               'repliedAt', pg_temp.iso(least(now(), t.ctx_replied + s.delta + s.delay)),
               'assigneeDepartmentId', case when t.ctx_dept is not null and t.ctx_dept = t.lead_department_id then to_jsonb(s.dept) else t.snapshot->'context'->'assigneeDepartmentId' end,
               'gridId', case when t.assigned_grid_id is not null then to_jsonb(s.grid) else t.snapshot->'context'->'gridId' end)),
             0, '', t.version
        from gen s join tpl t on t.k = s.tk`),
    );
    // The lead (and any assisting) orders, shifted with their appeal; the lead bureau follows the swapped category.
    await timed(
      'assignment',
      client.query(`
      insert into assignment (created_at, updated_at, appeal_id, department_id, grid_id, role, level, accept_due_at, accepted_at, status)
      select least(now(), a.created_at + s.delta), least(now(), a.updated_at + s.delta), s.id,
             case when a.department_id = t.lead_department_id then s.dept else a.department_id end,
             case when a.grid_id is not null and a.grid_id = t.assigned_grid_id then s.grid else a.grid_id end,
             a.role, a.level, a.accept_due_at + s.delta,
             case when a.accepted_at is null then null
                  when a.accept_due_at is null then least(now(), a.accepted_at + s.delta)
                  when s.acc_late then least(now(), a.accept_due_at + s.delta + (0.05 + 0.95 * s.acc_r) * interval '1 day')
                  else least(now(), a.created_at + s.delta + (0.05 + 0.85 * s.acc_r) * (a.accept_due_at - a.created_at)) end,
             a.status
        from gen s join tpl t on t.k = s.tk join tasg a on a.k = s.tk`),
    );
  });
  const appealSecs = (performance.now() - t0) / 1000;
  if (TIMING)
    log(
      `[seed] per statement (s): ${JSON.stringify(Object.fromEntries([...timing].map(([k, v]) => [k, Number((v / 1000).toFixed(1))])))}`,
    );
  await client.query(`select setval(pg_get_serial_sequence('appeal', 'id'), (select max(id) from appeal))`);
  const t1 = performance.now();
  log(`[seed] rebuilding ${indexes.length} indexes`);
  await client.query(`set maintenance_work_mem = '512MB'`);
  for (const ix of indexes) await client.query(ix.def);
  await client.query(`insert into appeal_counter (day, last) select day, last from daycount
    on conflict (day) do update set last = greatest(appeal_counter.last, excluded.last)`);
  log('[seed] vacuum analyze');
  for (const t of ['citizen', 'appeal', 'assignment']) await client.query(`vacuum (analyze) ${t}`);
  return { templates: tpls.length, appealSecs, indexSecs: (performance.now() - t1) / 1000 };
}

async function counts(client: pg.Client) {
  const [r] = (
    await client.query<{ appeals: number; assignments: number; facts: number; cells: number; citizens: number }>(
      `select (select count(*)::int from appeal) as appeals, (select count(*)::int from assignment) as assignments,
            (select count(*)::int from appeal_fact) as facts, (select count(*)::int from report_cell) as cells,
            (select count(*)::int from citizen) as citizens`,
    )
  ).rows;
  return r;
}

type RebuildReports = (
  em: unknown,
  opts?: { onProgress?: (done: number, total: number) => void; batchSize?: number },
) => Promise<{ appeals: number }>;

/** The app's rebuildReports (app/reports/rollup.server.ts), loaded when needed so the data can be generated before it exists. */
async function loadRebuildReports(): Promise<RebuildReports | null> {
  const file = new URL('../app/reports/rollup.server.ts', import.meta.url).pathname;
  try {
    const mod = (await import(/* @vite-ignore */ file)) as { rebuildReports?: RebuildReports };
    return mod.rebuildReports ?? null;
  } catch (err) {
    if (/Cannot find|Failed to load|does not exist|ENOENT/i.test(String(err))) return null;
    throw err;
  }
}

/** The app's full recomputation of facts and cells, with its progress on the bar. */
async function rebuild(url: string, log: (l: string) => void): Promise<number> {
  const db = await openDatabase({ dataDir: '', databaseUrl: url });
  try {
    log('[seed] rebuilding the report facts and cells (rebuildReports)');
    const rebuildReports = await loadRebuildReports();
    if (!rebuildReports)
      throw new Error(
        'app/reports/rollup.server.ts (rebuildReports) is not there yet: the appeals are generated; run again once it exists',
      );
    let bar: ReturnType<typeof progressBar> | undefined;
    const t0 = performance.now();
    const r = await rebuildReports(db.em(), {
      onProgress: (done, total) => {
        bar ??= progressBar('reports', total);
        bar.update(done);
      },
    });
    bar?.done();
    log(`[seed] rebuildReports: ${r.appeals.toLocaleString('en')} appeals counted`);
    return (performance.now() - t0) / 1000;
  } finally {
    await db.close();
  }
}

/** Makes sure the bench database holds a complete generated city of this size; generates (from scratch) only what is missing. */
export async function ensureReportsData(opts: ReportsDataOptions): Promise<ReportsData> {
  const log = opts.log ?? ((l: string) => console.error(l));
  if (!/^[a-z_][a-z0-9_]*$/.test(opts.dbName)) throw new Error(`bad database name ${opts.dbName}`);
  if (new URL(opts.adminUrl).pathname.replace(/^\//, '') === opts.dbName)
    throw new Error('DATABASE_URL must name another database than the bench database');
  const citizens = opts.citizens ?? Math.max(1, Math.round(opts.appeals * 0.4));
  const url = withDb(opts.adminUrl, opts.dbName);
  const admin = new pg.Client({ connectionString: opts.adminUrl });
  await admin.connect();
  try {
    const exists = (await admin.query('select 1 from pg_database where datname = $1', [opts.dbName])).rowCount! > 0;
    let marker: Marker | null = null;
    if (exists) {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      marker = await readMarker(c);
      await c.end();
    }
    const sameSize = marker && marker.appeals === opts.appeals && marker.citizens === citizens;
    if (marker && sameSize && !opts.force) {
      // The app's migrations may have moved on since: bring the schema up to date.
      const db = await openDatabase({ dataDir: '', databaseUrl: url });
      await db.close();
      if (marker.stage === 'complete') {
        log(
          `[seed] reusing ${opts.dbName}: ${marker.counts.appeals.toLocaleString('en')} appeals, ${marker.counts.cells.toLocaleString('en')} report cells (generated ${marker.at})`,
        );
        return {
          url,
          appeals: marker.counts.appeals,
          citizens,
          assignments: marker.counts.assignments,
          facts: marker.counts.facts,
          cells: marker.counts.cells,
          seconds: marker.seconds,
          generatedNow: false,
          generatedAt: marker.at,
        };
      }
      log(`[seed] ${opts.dbName} holds the appeals but no complete roll-up: rebuilding the reports only`);
      const client = await openClient(url);
      try {
        const seconds: Record<string, number> = { ...marker.seconds, reports: await rebuild(url, log) };
        seconds.total = Object.entries(seconds)
          .filter(([k]) => k !== 'total')
          .reduce((a, [, v]) => a + v, 0);
        for (const k of Object.keys(seconds)) seconds[k] = Number(seconds[k].toFixed(1));
        const c = await counts(client);
        const m: Marker = { ...marker, stage: 'complete', counts: c, seconds, at: new Date().toISOString() };
        await writeMarker(client, m);
        return {
          url,
          appeals: c.appeals,
          citizens,
          assignments: c.assignments,
          facts: c.facts,
          cells: c.cells,
          seconds,
          generatedNow: true,
          generatedAt: m.at,
        };
      } finally {
        await client.end();
      }
    }
    if (exists) {
      log(
        `[seed] ${opts.dbName} ${opts.force ? '(--force)' : marker ? `holds another size (${marker.appeals} appeals)` : 'has no complete generated data'}: recreating it`,
      );
      await admin.query(`drop database "${opts.dbName}" with (force)`);
    }
    await admin.query(`create database "${opts.dbName}"`);
    const seconds: Record<string, number> = {};
    const tStart = performance.now();
    let db: Database | undefined;
    let client: pg.Client | undefined;
    try {
      let t = performance.now();
      db = await openDatabase({ dataDir: '', databaseUrl: url }); // runs the migrations
      await seedReferenceData(db.em());
      seconds.schema = (performance.now() - t) / 1000;
      client = await openClient(url);
      seconds.citizens = await generateCitizens(client, citizens, log);
      t = performance.now();
      await seedTemplates(db, log);
      seconds.templates = (performance.now() - t) / 1000;
      await db.close();
      db = undefined;
      const g = await generateAppeals(client, citizens, opts.appeals, log);
      seconds.appeals = g.appealSecs;
      seconds.indexes = g.indexSecs;
      const c0 = await counts(client);
      const m0: Marker = {
        kind: 'reports',
        appeals: opts.appeals,
        citizens,
        stage: 'appeals',
        templates: g.templates,
        counts: c0,
        seconds: { ...seconds },
        at: new Date().toISOString(),
      };
      await writeMarker(client, m0);
      seconds.reports = await rebuild(url, log);
      seconds.total = (performance.now() - tStart) / 1000;
      for (const k of Object.keys(seconds)) seconds[k] = Number(seconds[k].toFixed(1));
      const c = await counts(client);
      const m: Marker = { ...m0, stage: 'complete', counts: c, seconds, at: new Date().toISOString() };
      await writeMarker(client, m); // written last: without it the roll-up is redone next time
      log(`[seed] ${opts.dbName} ready in ${seconds.total.toFixed(1)} s`);
      return {
        url,
        appeals: c.appeals,
        citizens,
        assignments: c.assignments,
        facts: c.facts,
        cells: c.cells,
        seconds,
        generatedNow: true,
        generatedAt: m.at,
      };
    } finally {
      await client?.end().catch(() => {});
      await db?.close().catch(() => {});
    }
  } finally {
    await admin.end();
  }
}
