// Keeps the report roll-ups current. The appeal write path queues every changed appeal in
// report_dirty (same statement as the change); the drain takes queued appeals, recomputes their
// facts and moves the cells by new minus old. `rebuildReports` recomputes everything from scratch
// with the same fact function, which is how the roll-ups are checked.
import type { EntityManager } from '@mikro-orm/sql';
import { getWorkCalendar } from '../calendar/calendar.server';
import type { WorkCalendar } from '../calendar/working-time';
import type { Database } from '../db/orm.server';
import { all, dateOrNull, inTransaction, run, type Row } from '../db/sql.server';
import {
  addFactsToCells,
  appealFacts,
  type AppealFactRow,
  type AppealFacts,
  type FactInput,
  type OrderFactRow,
} from './facts';
import { CELL_COLUMNS, REPORT_DIMENSIONS, type CellColumn, type Cells } from './measures';

const snake = (c: string) => c.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`);
const APPEAL_MEASURES = CELL_COLUMNS.filter((c) => c !== 'orders' && c !== 'ordersOnTime');
const APPEAL_COLS = APPEAL_MEASURES.map(snake);
const sqlTypeOf = (c: CellColumn) => (c === 'handlingCentidays' ? 'bigint' : 'int');

// Everything a fact reads, for a set of appeals. A repeat caller filed another appeal in the 30 days before.
const FACT_INPUT_SQL = `
  select a.id, a.tags, a.sla, a.source, a.category_id, a.lead_department_id, a.assigned_grid_id, a.grid_id,
         a.submitted_at, a.due_at, a.closed_at,
         a.snapshot->'context'->>'satisfaction' as satisfaction,
         (a.snapshot->'context'->>'resolved')::boolean as resolved,
         coalesce((a.snapshot->'context'->>'redoCount')::int, 0) as redo_count,
         coalesce((a.snapshot->'context'->>'extensionCount')::int, 0) as extension_count,
         coalesce((a.snapshot->'context'->>'unreasonable')::boolean, false) as unreasonable,
         a.snapshot->'context'->>'repliedAt' as replied_at,
         coalesce((a.snapshot->'context'->>'answeredOnSpot')::boolean, false) as answered_on_spot,
         (a.caller_phone is not null and a.submitted_at is not null and exists (
            select 1 from appeal p where p.caller_phone = a.caller_phone and p.submitted_at is not null
               and p.submitted_at >= a.submitted_at - interval '30 days' and (p.submitted_at, p.id) < (a.submitted_at, a.id))) as repeat_caller
    from appeal a where a.id in (?)`;
const ORDERS_SQL = `
  select id, appeal_id, department_id, grid_id, accept_due_at, accepted_at, status
    from assignment where appeal_id in (?) and role = 'lead' order by id`;

async function factInputs(em: EntityManager, ids: number[]): Promise<FactInput[]> {
  if (!ids.length) return [];
  const [rows, orders] = [await all(em, FACT_INPUT_SQL, [ids]), await all(em, ORDERS_SQL, [ids])];
  const byAppeal = new Map<number, Row[]>();
  for (const o of orders) byAppeal.set(o.appeal_id, [...(byAppeal.get(o.appeal_id) ?? []), o]);
  return rows.map((r): FactInput => {
    const own = byAppeal.get(r.id) ?? [];
    return {
      appealId: r.id,
      tags: r.tags,
      sla: r.sla,
      source: r.source,
      categoryId: r.category_id,
      leadDepartmentId: r.lead_department_id,
      assignedGridId: r.assigned_grid_id,
      locationGridId: r.grid_id,
      submittedAt: dateOrNull(r.submitted_at),
      dueAt: dateOrNull(r.due_at),
      closedAt: dateOrNull(r.closed_at),
      satisfaction: r.satisfaction,
      resolved: r.resolved,
      redoCount: r.redo_count,
      extensionCount: r.extension_count,
      unreasonable: r.unreasonable,
      repliedAt: dateOrNull(r.replied_at),
      answeredOnSpot: r.answered_on_spot,
      repeatCaller: r.repeat_caller,
      returned: own.some((o) => o.status === 'returned'),
      orders: own.map((o) => ({
        assignmentId: o.id,
        departmentId: o.department_id,
        gridId: o.grid_id,
        acceptDueAt: dateOrNull(o.accept_due_at),
        acceptedAt: dateOrNull(o.accepted_at),
      })),
    };
  });
}

const APPEAL_FACT_COLUMNS = [
  'appealId',
  'day',
  'source',
  'categoryId',
  'departmentId',
  'gridId',
  ...APPEAL_MEASURES,
] as const;
const ORDER_FACT_COLUMNS = [
  'assignmentId',
  'appealId',
  'day',
  'source',
  'categoryId',
  'departmentId',
  'gridId',
  'orders',
  'ordersOnTime',
] as const;
const KEY_TYPES: Record<string, string> = {
  appealId: 'int',
  assignmentId: 'int',
  day: 'date',
  source: 'text',
  categoryId: 'int',
  departmentId: 'int',
  gridId: 'int',
};
const typeOf = (c: string) => KEY_TYPES[c] ?? sqlTypeOf(c as CellColumn);

/** One parameter for any number of rows: jsonb_to_recordset works the same on PGlite and PostgreSQL. */
async function insertRows(em: EntityManager, table: string, columns: readonly string[], rows: object[]): Promise<void> {
  if (!rows.length) return;
  const cols = columns.map(snake);
  const sql = `insert into ${table} (${cols.join(', ')})
    select ${cols.join(', ')} from jsonb_to_recordset(?::jsonb) as x(${columns.map((c, i) => `${cols[i]} ${typeOf(c)}`).join(', ')})`;
  const json = rows.map((r) =>
    Object.fromEntries(columns.map((c, i) => [cols[i], (r as Record<string, unknown>)[c] ?? null])),
  );
  await run(em, sql, [JSON.stringify(json)]);
}

const CELL_COLS = [...CELL_COLUMNS].map(snake);

/** Adds the deltas to the cells; cells left all zero are removed, so they match a recomputation. */
async function applyCellDeltas(em: EntityManager, deltas: Map<string, Cells>): Promise<void> {
  const rows = [...deltas.entries()]
    .filter(([, c]) => CELL_COLUMNS.some((col) => c[col] !== 0))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) // one order for every drainer: no deadlocks between them
    .map(([id, c]) => {
      const [dim, key, day] = id.split('\u0000');
      return { dim, key, day, ...Object.fromEntries(CELL_COLUMNS.map((col, i) => [CELL_COLS[i], c[col]])) };
    });
  if (!rows.length) return;
  await run(
    em,
    `insert into report_cell (dim, key, day, ${CELL_COLS.join(', ')})
       select dim, key, day, ${CELL_COLS.join(', ')}
         from jsonb_to_recordset(?::jsonb) as x(dim text, key text, day date, ${CELL_COLUMNS.map((c, i) => `${CELL_COLS[i]} ${sqlTypeOf(c)}`).join(', ')})
     on conflict (dim, key, day) do update set ${CELL_COLS.map((c) => `${c} = report_cell.${c} + excluded.${c}`).join(', ')}`,
    [JSON.stringify(rows)],
  );
  await run(
    em,
    `delete from report_cell c using jsonb_to_recordset(?::jsonb) as x(dim text, key text, day date)
      where c.dim = x.dim and c.key = x.key and c.day = x.day and ${CELL_COLS.map((c) => `c.${c} = 0`).join(' and ')}`,
    [JSON.stringify(rows.map(({ dim, key, day }) => ({ dim, key, day })))],
  );
}

function storedFacts(appeals: Row[], orders: Row[]): Map<number, AppealFacts> {
  const out = new Map<number, AppealFacts>();
  const get = (id: number) => out.get(id) ?? out.set(id, { appeal: null, orders: [] }).get(id)!;
  const keys = (r: Row) => ({
    day: r.day,
    source: r.source,
    categoryId: r.category_id,
    departmentId: r.department_id,
    gridId: r.grid_id,
  });
  for (const r of appeals) {
    get(r.appeal_id).appeal = {
      appealId: r.appeal_id,
      ...keys(r),
      ...Object.fromEntries(APPEAL_MEASURES.map((c) => [c, Number(r[snake(c)])])),
    } as AppealFactRow;
  }
  for (const r of orders) {
    get(r.appeal_id).orders.push({
      assignmentId: r.assignment_id,
      appealId: r.appeal_id,
      ...keys(r),
      orders: r.orders,
      ordersOnTime: r.orders_on_time,
    } as OrderFactRow);
  }
  return out;
}

/** Recomputes these appeals' facts and moves the cells by the difference, inside the caller's transaction. */
async function refreshAppeals(em: EntityManager, ids: number[], cal: WorkCalendar): Promise<void> {
  const keys = `appeal_id, to_char(day, 'YYYY-MM-DD') as day, source, category_id, department_id, grid_id`;
  const old = storedFacts(
    await all(em, `select ${keys}, ${APPEAL_COLS.join(', ')} from appeal_fact where appeal_id in (?)`, [ids]),
    await all(em, `select ${keys}, assignment_id, orders, orders_on_time from order_fact where appeal_id in (?)`, [
      ids,
    ]),
  );
  const fresh = (await factInputs(em, ids)).map((input) => appealFacts(input, cal));
  const deltas = new Map<string, Cells>();
  for (const f of old.values()) addFactsToCells(deltas, f, REPORT_DIMENSIONS, -1);
  for (const f of fresh) addFactsToCells(deltas, f, REPORT_DIMENSIONS, 1);
  await run(em, 'delete from appeal_fact where appeal_id in (?)', [ids]);
  await run(em, 'delete from order_fact where appeal_id in (?)', [ids]);
  await insertRows(
    em,
    'appeal_fact',
    APPEAL_FACT_COLUMNS,
    fresh.flatMap((f) => (f.appeal ? [f.appeal] : [])),
  );
  await insertRows(
    em,
    'order_fact',
    ORDER_FACT_COLUMNS,
    fresh.flatMap((f) => f.orders),
  );
  await applyCellDeltas(em, deltas);
}

/**
 * Applies every queued appeal change to the facts and cells, a batch per transaction, and returns
 * how many appeals it took. Queue rows are taken with SKIP LOCKED, so several app processes can drain
 * at once; an appeal changed again while its batch runs is queued again and taken next time.
 */
export async function drainReportQueue(em: EntityManager, opts: { batchSize?: number } = {}): Promise<number> {
  const batchSize = opts.batchSize ?? 500;
  const cal = await getWorkCalendar(em);
  let total = 0;
  for (;;) {
    const taken = await inTransaction(em, async (tx) => {
      const rows = await all<{ appeal_id: number }>(
        tx,
        `delete from report_dirty where appeal_id in (
           select appeal_id from report_dirty order by appeal_id limit ? for update skip locked) returning appeal_id`,
        [batchSize],
      );
      if (rows.length)
        await refreshAppeals(
          tx,
          rows.map((r) => r.appeal_id),
          cal,
        );
      return rows.length;
    });
    total += taken;
    if (taken < batchSize) return total;
  }
}

/**
 * Recomputes all facts and cells from the appeals, in one transaction (readers see the old figures
 * until it commits). For a new installation, a changed definition, or to check the roll-ups.
 */
export async function rebuildReports(
  em: EntityManager,
  opts: { onProgress?: (done: number, total: number) => void; batchSize?: number } = {},
): Promise<{ appeals: number }> {
  const batchSize = opts.batchSize ?? 5000;
  const cal = await getWorkCalendar(em);
  return inTransaction(em, async (tx) => {
    await run(tx, 'truncate appeal_fact, order_fact, report_cell');
    const [{ n: total }] = await all<{ n: number }>(tx, 'select count(*)::int as n from appeal');
    let done = 0;
    let counted = 0;
    let after = 0;
    for (;;) {
      const ids = (
        await all<{ id: number }>(tx, 'select id from appeal where id > ? order by id limit ?', [after, batchSize])
      ).map((r) => r.id);
      if (!ids.length) break;
      after = ids[ids.length - 1];
      const facts = (await factInputs(tx, ids)).map((input) => appealFacts(input, cal));
      const appealRows = facts.flatMap((f) => (f.appeal ? [f.appeal] : []));
      counted += appealRows.length;
      await insertRows(tx, 'appeal_fact', APPEAL_FACT_COLUMNS, appealRows);
      await insertRows(
        tx,
        'order_fact',
        ORDER_FACT_COLUMNS,
        facts.flatMap((f) => f.orders),
      );
      done += ids.length;
      opts.onProgress?.(done, total);
    }
    await run(tx, CELLS_FROM_FACTS_SQL);
    return { appeals: counted };
  });
}

// The cells as plain sums of the facts: the same keys as cellKey in facts.ts.
const DIM_KEYS: Record<string, string> = {
  all: `''`,
  department: `coalesce(department_id::text, '')`,
  category: `category_id::text`,
  grid: `coalesce(grid_id::text, '')`,
  source: 'source',
};
const CELLS_FROM_FACTS_SQL = `
  insert into report_cell (dim, key, day, ${CELL_COLS.join(', ')})
  select dim, key, day, ${CELL_COLS.map((c) => `sum(${c})`).join(', ')} from (
    ${REPORT_DIMENSIONS.flatMap((dim) => [
      `select '${dim}' as dim, ${DIM_KEYS[dim]} as key, day, ${CELL_COLS.map((c) => (APPEAL_COLS.includes(c) ? c : `0 as ${c}`)).join(', ')} from appeal_fact`,
      `select '${dim}' as dim, ${DIM_KEYS[dim]} as key, day, ${CELL_COLS.map((c) => (APPEAL_COLS.includes(c) ? `0 as ${c}` : c)).join(', ')} from order_fact`,
    ]).join('\n    union all ')}
  ) f group by dim, key, day`;

/** Drains the queue every few seconds in this process until stopped. */
export function startReportRollup(
  db: Database,
  everyMs = Number(process.env.REPORT_ROLLUP_MS ?? 2000),
): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = drainReportQueue(db.em())
      .catch((err) => console.warn('[reports]', (err as Error).message))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, everyMs);
      });
  };
  tick();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
