// Supervisor reports: figures per department, category, grid or channel, read from the roll-up
// cells (never from the appeal table), and the exact appeals behind any one figure, read from the
// facts those cells are summed from — so a list always has as many lines as its figure says.
import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import type { Actor } from '../../machines/actor';
import { isValidLocalDate, localDateOf, localDateTime, weekdayOf } from '../calendar/working-time';
import { all, jsonb } from '../db/sql.server';
import { Forbidden, InvalidInput, fieldErrorsOf } from '../domain/errors';
import {
  CELL_COLUMNS,
  NO_KEY,
  ORDER_COLUMNS,
  REPORT_DIMENSIONS,
  emptyCells,
  type CellColumn,
  type Cells,
  type ReportDimension,
} from './measures';
import {
  REPORT_PERIODS,
  REPORT_VIEWS,
  type Report,
  type ReportPeriod,
  type ReportQuery,
  type ReportRow,
  type ReportView,
} from './report-types';
import { COLUMN_LABELS, DRILLABLE_COLUMNS, NO_KEY_LABELS, SOURCE_LABELS } from './report-view';

export { rankRows } from './report-view';

const REPORT_ROLES = new Set(['supervisor']);
const MAX_DAYS = 366;
const PAGE_SIZE = 50;
const MIN_DATE = '2000-01-01';
const MAX_DATE = '2099-12-31';

function requireSupervisor(actor: Actor) {
  if (!REPORT_ROLES.has(actor.role)) throw new Forbidden('只有值班长可以查看报表');
}

// ---- Local dates (YYYY-MM-DD, Asia/Shanghai) as day numbers --------------------------------------

const DAY_MS = 86_400_000;
const dayNumber = (d: string) =>
  Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10))) / DAY_MS;
const dayString = (n: number) => new Date(n * DAY_MS).toISOString().slice(0, 10);
export const addDays = (d: string, n: number) => dayString(dayNumber(d) + n);
/** Days from `from` to `to`, both included. */
export const daysIn = (from: string, to: string) => dayNumber(to) - dayNumber(from) + 1;

/** The period containing `date`: the day, its Monday–Sunday week, or its calendar month. */
export function periodRange(period: Exclude<ReportPeriod, 'custom'>, date: string): { from: string; to: string } {
  if (period === 'day') return { from: date, to: date };
  if (period === 'week') {
    const from = addDays(date, -((weekdayOf(date) + 6) % 7));
    return { from, to: addDays(from, 6) };
  }
  const from = `${date.slice(0, 7)}-01`;
  const next =
    Number(date.slice(5, 7)) === 12
      ? `${Number(date.slice(0, 4)) + 1}-01-01`
      : `${date.slice(0, 5)}${String(Number(date.slice(5, 7)) + 1).padStart(2, '0')}-01`;
  return { from, to: addDays(next, -1) };
}

/** The period of equal length just before: the previous day, week or calendar month, or as many days before a custom range. */
export function previousRange(q: Pick<ReportQuery, 'period' | 'from' | 'to'>): { from: string; to: string } {
  const to = addDays(q.from, -1);
  if (q.period === 'month') return { from: `${to.slice(0, 7)}-01`, to };
  return { from: addDays(q.from, -daysIn(q.from, q.to)), to };
}

// ---- The query ---------------------------------------------------------------------------------

const blankToUndefined = (v: unknown) =>
  typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v;
const localDate = z
  .string()
  .refine(isValidLocalDate, { error: '日期格式应为 YYYY-MM-DD' })
  .refine((d) => !isValidLocalDate(d) || (d >= MIN_DATE && d <= MAX_DATE), { error: '日期超出范围' });

const querySchema = z
  .object({
    view: z.preprocess(
      blankToUndefined,
      z
        .enum(REPORT_VIEWS as [ReportView, ...ReportView[]], { error: '请选择部门、分类、网格或来源' })
        .default('department'),
    ),
    period: z.preprocess(
      blankToUndefined,
      z.enum(REPORT_PERIODS, { error: '请选择日报、周报、月报或自定义时段' }).default('month'),
    ),
    // Read only for a day, week or month: the form sends it along with a custom range too.
    date: z.preprocess(blankToUndefined, z.string().optional()),
    from: z.preprocess(blankToUndefined, localDate.optional()),
    to: z.preprocess(blankToUndefined, localDate.optional()),
  })
  .superRefine((v, ctx) => {
    if (v.period !== 'custom') {
      const checked = v.date === undefined ? null : localDate.safeParse(v.date);
      for (const issue of checked?.error?.issues ?? [])
        ctx.addIssue({ code: 'custom', path: ['date'], message: issue.message });
      return;
    }
    if (!v.from) ctx.addIssue({ code: 'custom', path: ['from'], message: '请填写开始日期' });
    if (!v.to) ctx.addIssue({ code: 'custom', path: ['to'], message: '请填写结束日期' });
    if (!v.from || !v.to) return;
    if (v.from > v.to) ctx.addIssue({ code: 'custom', path: ['to'], message: '结束日期不能早于开始日期' });
    else if (daysIn(v.from, v.to) > MAX_DAYS)
      ctx.addIssue({ code: 'custom', path: ['to'], message: `自定义时段最长 ${MAX_DAYS} 天` });
  });

/**
 * The report a supervisor asked for in the page's GET form. The day, week or month is the one
 * containing `date` (today in Asia/Shanghai by default); a custom range is `from`–`to` inclusive.
 */
export function parseReportQuery(params: URLSearchParams, today: string = localDateOf(new Date())): ReportQuery {
  const parsed = querySchema.safeParse(Object.fromEntries(params));
  if (!parsed.success) throw new InvalidInput('报表条件有误', fieldErrorsOf(parsed.error.issues));
  const { view, period, date, from, to } = parsed.data;
  if (period === 'custom') return { view, period, from: from!, to: to! };
  return { view, period, ...periodRange(period, date ?? today) };
}

/** The URL query of a report, for links to the same report in another form (drill, export, next period). */
export function reportSearch(q: ReportQuery): URLSearchParams {
  const s = new URLSearchParams({ view: q.view, period: q.period });
  if (q.period === 'custom') {
    s.set('from', q.from);
    s.set('to', q.to);
  } else s.set('date', q.from);
  return s;
}

// ---- Reading cells -----------------------------------------------------------------------------

const snake = (c: string) => c.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`);
/** Sums of every cell column, named as in TypeScript; int8 so the summed working days cannot overflow. */
const SUMS = CELL_COLUMNS.map((c) => `coalesce(sum(${snake(c)}), 0)::int8 as "${c}"`).join(', ');

function cellsOf(row: Record<string, unknown>): Cells {
  const c = emptyCells();
  for (const col of CELL_COLUMNS) c[col] = Number(row[col] ?? 0);
  return c;
}

/** Per key: the cells summed over the period and over the previous one (one scan: the two ranges touch). */
async function sumByKey(
  em: EntityManager,
  dim: ReportDimension,
  cur: { from: string; to: string },
  prev: { from: string; to: string },
) {
  const rows = await all(
    em,
    `select key, case when day >= ? then 1 else 0 end as cur, ${SUMS}
       from report_cell where dim = ? and day between ? and ? group by 1, 2`,
    [cur.from, dim, prev.from, cur.to],
  );
  const out = new Map<string, { cells: Cells; previous: Cells }>();
  for (const r of rows) {
    const key = String(r.key);
    let entry = out.get(key);
    if (!entry) out.set(key, (entry = { cells: emptyCells(), previous: emptyCells() }));
    if (Number(r.cur) === 1) entry.cells = cellsOf(r);
    else entry.previous = cellsOf(r);
  }
  return out;
}

const idsOf = (keys: string[]) => keys.filter((k) => /^\d{1,9}$/.test(k)).map(Number);

/** Human names for cell keys of one dimension. */
async function labelsFor(em: EntityManager, view: ReportDimension, keys: string[]): Promise<Map<string, string>> {
  const labels = new Map<string, string>();
  const ids = idsOf(keys);
  if (view === 'department' && ids.length) {
    for (const r of await all<{ id: number; name: string }>(em, 'select id, name from department where id in (?)', [
      ids,
    ]))
      labels.set(String(r.id), r.name);
  } else if (view === 'category' && ids.length) {
    for (const r of await all<{ id: number; name: string }>(em, 'select id, name from category where id in (?)', [ids]))
      labels.set(String(r.id), r.name);
  } else if (view === 'grid' && ids.length) {
    for (const r of await all<{ id: number; code: string; name: string }>(
      em,
      'select id, code, name from grid where id in (?)',
      [ids],
    ))
      labels.set(String(r.id), `${r.code} ${r.name}`);
  }
  for (const k of keys) {
    if (labels.has(k)) continue;
    if (view === 'all') labels.set(k, '全市');
    else if (k === NO_KEY) labels.set(k, NO_KEY_LABELS[view]);
    else if (view === 'source') labels.set(k, SOURCE_LABELS[k] ?? k);
    else labels.set(k, `#${k}`);
  }
  return labels;
}

/** Rows of one view, the largest volume first and "none" last. */
async function reportRows(
  em: EntityManager,
  view: ReportView,
  cur: { from: string; to: string },
  prev: { from: string; to: string },
): Promise<ReportRow[]> {
  const sums = await sumByKey(em, view, cur, prev);
  const labels = await labelsFor(em, view, [...sums.keys()]);
  return [...sums.entries()]
    .map(([key, s]) => ({ key, label: labels.get(key)!, cells: s.cells, previous: s.previous }))
    .sort(
      (a, b) =>
        Number(a.key === NO_KEY) - Number(b.key === NO_KEY) ||
        b.cells.received - a.cells.received ||
        b.previous.received - a.previous.received ||
        a.label.localeCompare(b.label, 'zh-CN'),
    );
}

/** The report for one view and period, beside the previous period of equal length. */
export async function buildReport(
  em: EntityManager,
  actor: Actor,
  query: ReportQuery,
  now = new Date(),
): Promise<Report> {
  requireSupervisor(actor);
  const previous = previousRange(query);
  const rows = await reportRows(em, query.view, query, previous);
  const city = (await sumByKey(em, 'all', query, previous)).get(NO_KEY) ?? {
    cells: emptyCells(),
    previous: emptyCells(),
  };
  const perDay = await all(
    em,
    `select to_char(day, 'YYYY-MM-DD') as d, ${SUMS} from report_cell where dim = 'all' and day between ? and ? group by day`,
    [query.from, query.to],
  );
  const byDay = new Map(perDay.map((r) => [String(r.d), cellsOf(r)]));
  const trend = Array.from({ length: daysIn(query.from, query.to) }, (_, i) => {
    const day = addDays(query.from, i);
    return { day, cells: byDay.get(day) ?? emptyCells() };
  });
  return { query, previous, rows, total: city, trend, generatedAt: localDateTime(now) };
}

// ---- The report page: the report plus its hotspots ---------------------------------------------

export interface HotspotGrid {
  id: number;
  code: string;
  name: string;
  polygon: unknown;
  received: number;
  overdue: number;
}

export interface ReportDashboard {
  report: Report;
  /** The ten categories with most appeals received in the period. */
  topCategories: ReportRow[];
  /** Every grid with its figures for the map; the ten busiest are the first ten with received > 0. */
  grids: HotspotGrid[];
}

/** Everything the report page shows: the chosen view, the top categories and the grid map. */
export async function reportDashboard(
  em: EntityManager,
  actor: Actor,
  query: ReportQuery,
  now = new Date(),
): Promise<ReportDashboard> {
  const report = await buildReport(em, actor, query, now);
  const previous = report.previous;
  const categories = query.view === 'category' ? report.rows : await reportRows(em, 'category', query, previous);
  const topCategories = categories
    .filter((r) => r.cells.received > 0)
    .sort((a, b) => b.cells.received - a.cells.received)
    .slice(0, 10);
  const gridSums =
    query.view === 'grid' ? new Map(report.rows.map((r) => [r.key, r])) : await sumByKey(em, 'grid', query, previous);
  const gridRows = await all<{ id: number; code: string; name: string; polygon: unknown }>(
    em,
    'select id, code, name, polygon from grid order by code',
  );
  const grids = gridRows
    .map((g): HotspotGrid => {
      const c = gridSums.get(String(g.id))?.cells;
      return {
        id: g.id,
        code: g.code,
        name: g.name,
        polygon: jsonb(g.polygon),
        received: c?.received ?? 0,
        overdue: c?.overdue ?? 0,
      };
    })
    .sort((a, b) => b.received - a.received || b.overdue - a.overdue || a.code.localeCompare(b.code));
  return { report, topCategories, grids };
}

// ---- Drill-through: the appeals behind one figure -----------------------------------------------

export interface DrillQuery {
  /** A view, or 'all' for the whole city (the total row). */
  view: ReportDimension;
  key: string;
  from: string;
  to: string;
  measure: CellColumn;
  /** The cursor from the previous page. */
  after?: string | null;
  limit?: number;
}

export interface DrillRow {
  /** The line's own key: the appeal id, or the order (assignment) id for order figures. */
  rowKey: number;
  appealId: number;
  number: string;
  title: string;
  phase: string;
  /** The department (or grid) the appeal — or the order — counts under. */
  department: string | null;
  day: string;
}

export interface DrillPage {
  query: DrillQuery;
  measureLabel: string;
  keyLabel: string;
  /** Appeals, or orders for order figures: always the figure on the report. */
  total: number;
  /** Distinct appeals; differs from total only for orders. */
  appeals: number;
  /** True when the lines are orders (one appeal may have several). */
  orders: boolean;
  rows: DrillRow[];
  /** Cursor of the next page, or null on the last page. */
  next: string | null;
}

const drillSchema = z
  .object({
    view: z.enum(REPORT_DIMENSIONS, { error: '未知的报表维度' }),
    key: z.string().max(32, { error: '无效的统计对象' }).default(NO_KEY),
    from: localDate,
    to: localDate,
    measure: z.enum(DRILLABLE_COLUMNS as [CellColumn, ...CellColumn[]], { error: '该数字没有对应的诉求清单' }),
    after: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}_\d{1,10}$/, { error: '无效的翻页位置' })
      .nullish(),
    limit: z.number().int().min(1).max(200).default(PAGE_SIZE),
  })
  .superRefine((v, ctx) => {
    if (v.from > v.to) ctx.addIssue({ code: 'custom', path: ['to'], message: '结束日期不能早于开始日期' });
    else if (daysIn(v.from, v.to) > MAX_DAYS * 2 + 31)
      ctx.addIssue({ code: 'custom', path: ['to'], message: '时段过长' });
    if (v.view === 'all' && v.key !== NO_KEY)
      ctx.addIssue({ code: 'custom', path: ['key'], message: '无效的统计对象' });
    if ((v.view === 'department' || v.view === 'grid') && v.key !== NO_KEY && !/^\d{1,9}$/.test(v.key))
      ctx.addIssue({ code: 'custom', path: ['key'], message: '无效的统计对象' });
    if (v.view === 'category' && !/^\d{1,9}$/.test(v.key))
      ctx.addIssue({ code: 'custom', path: ['key'], message: '无效的统计对象' });
  });

/** The drill-through query from a URL (the figure links of the report page). */
export function parseDrillQuery(params: URLSearchParams): DrillQuery {
  const raw = Object.fromEntries(params);
  return validDrill({ ...raw, after: raw.after || null, limit: undefined } as unknown as DrillQuery);
}

function validDrill(q: DrillQuery): DrillQuery {
  const parsed = drillSchema.safeParse(q);
  if (!parsed.success) throw new InvalidInput('清单条件有误', fieldErrorsOf(parsed.error.issues));
  return parsed.data;
}

/** Which fact column a cell key matches under a dimension ('' means "none", i.e. null). */
function keyFilter(alias: string, view: ReportDimension, key: string): { sql: string; params: unknown[] } {
  switch (view) {
    case 'all':
      return { sql: '', params: [] };
    case 'source':
      return { sql: ` and ${alias}.source = ?`, params: [key] };
    case 'category':
      return { sql: ` and ${alias}.category_id = ?`, params: [Number(key)] };
    case 'department':
    case 'grid': {
      const col = `${alias}.${view}_id`;
      return key === NO_KEY
        ? { sql: ` and ${col} is null`, params: [] }
        : { sql: ` and ${col} = ?`, params: [Number(key)] };
    }
  }
}

/**
 * The appeals (or, for order figures, the orders) counted in one figure of a report, newest
 * receipt day first, a page at a time. Read from the facts the cells are summed from, so `total`
 * equals the figure.
 */
export async function reportAppeals(em: EntityManager, actor: Actor, input: DrillQuery): Promise<DrillPage> {
  requireSupervisor(actor);
  const q = validDrill(input);
  const orders = (ORDER_COLUMNS as readonly string[]).includes(q.measure);
  const f = orders ? 'o' : 'f';
  const idCol = orders ? 'o.assignment_id' : 'f.appeal_id';
  const table = orders ? 'order_fact o' : 'appeal_fact f';
  const key = keyFilter(f, q.view, q.key);
  const where = `${f}.${snake(q.measure)} > 0 and ${f}.day between ? and ?${key.sql}`;
  const params = [q.from, q.to, ...key.params];

  const [count] = await all<{ n: unknown; appeals: unknown }>(
    em,
    `select count(*) as n, count(distinct ${f}.appeal_id) as appeals from ${table} where ${where}`,
    params,
  );
  let page = '';
  const pageParams: unknown[] = [];
  if (q.after) {
    const [day, id] = q.after.split('_');
    page = ` and (${f}.day < ? or (${f}.day = ? and ${idCol} < ?))`;
    pageParams.push(day, day, Number(id));
  }
  const limit = q.limit ?? PAGE_SIZE;
  const rows = await all<{
    row_key: number;
    appeal_id: number;
    number: string;
    title: string;
    phase: string;
    department: string | null;
    grid: string | null;
    day: string;
  }>(
    em,
    `select ${idCol} as row_key, ${f}.appeal_id, a.number, a.title, a.phase, d.name as department, g.code || ' ' || g.name as grid, to_char(${f}.day, 'YYYY-MM-DD') as day
       from ${table} join appeal a on a.id = ${f}.appeal_id
       left join department d on d.id = ${f}.department_id left join grid g on g.id = ${f}.grid_id
      where ${where}${page}
      order by ${f}.day desc, ${idCol} desc limit ?`,
    [...params, ...pageParams, limit + 1],
  );
  const more = rows.length > limit;
  const shown = rows.slice(0, limit);
  const last = shown.at(-1);
  const labels = await labelsFor(em, q.view, [q.key]);
  return {
    query: q,
    measureLabel: COLUMN_LABELS[q.measure],
    keyLabel: labels.get(q.key)!,
    total: Number(count.n),
    appeals: Number(count.appeals),
    orders,
    rows: shown.map((r) => ({
      rowKey: Number(r.row_key),
      appealId: Number(r.appeal_id),
      number: r.number,
      title: r.title,
      phase: r.phase,
      department: r.department ?? r.grid,
      day: r.day,
    })),
    next: more && last ? `${last.day}_${last.row_key}` : null,
  };
}
