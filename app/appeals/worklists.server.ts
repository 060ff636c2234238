import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import type { SessionUser } from '../auth/session.server';
import { getWorkCalendar } from '../calendar/calendar.server';
import {
  localDateTime,
  remainingTime,
  startOfLocalDay,
  type LimitUnit,
  type WorkCalendar,
} from '../calendar/working-time';
import { maskPhone } from '../cases/masking';
import { all } from '../db/sql.server';
import { InvalidInput } from '../domain/errors';
import type { AppealSource } from '../../entities/appeal';
import { TRIAGE_LIMITS } from './deadlines';
import { listLabels, type ListLabels } from './list-labels.server';

export interface AppealListItem {
  id: number;
  number: string;
  title: string;
  type: string;
  urgency: string;
  categoryName: string;
  phase: string;
  sla: string;
  dueAt: string | null;
  dueLabel: string | null;
  remaining: string | null;
  createdAt: string;
  /** Who holds it now: the lead department, or the grid it was assigned to. */
  holder: string | null;
  caller: string;
  /** How it came in (hotline, web, patrol, wechat), where the queue knows. */
  source?: string;
  version?: number;
  /** The web channel's accept clock while the appeal waits in triage (TRIAGE_LIMITS); none for other channels. */
  triageDue?: { dueLabel: string; remaining: string; overdue: boolean } | null;
  /** Board rows only: supervision orders and escalation so far. */
  superviseCount?: number;
  escalation?: string | null;
}

/** A queue's size: exact up to COUNT_CAP; past it `more` says there are more than that (shown "10,000+"). */
export interface QueueCount {
  n: number;
  more: boolean;
}

/** One page of a queue, keyset-paged: `next` is the cursor of the page after this one, if there is one. */
export interface QueuePage {
  key: string;
  label: string;
  /** The URL parameter that carries this queue's cursor. */
  param: string;
  count: QueueCount;
  /** How many items come before this page (display only: "第 21–23 条"). */
  offset: number;
  items: AppealListItem[];
  next: string | null;
}

export const QUEUE_PAGE_SIZE = 20;
/** Counting stops here: a count past it reads as "10,000+" and costs no more than counting 10,000 index entries. */
export const COUNT_CAP = 10_000;

type OrderColumn = 'submitted_at' | 'due_at' | 'created_at' | 'updated_at' | 'callback_due_at' | 'triage_due_at';

/**
 * One index-backed part of a queue. A department's queue is two parts (appeals it leads, and appeals it assists on
 * that another leads), a grid worker's one part per grid, so that each part is a plain keyset walk of one partial
 * index: an `or exists (…)` or `in (…)` over a large history would make the planner scan and sort instead.
 */
/** What a queue needs to know of the user: whose drafts, which department, which grids, which role sees callers. */
export type QueueUser = Pick<SessionUser, 'id' | 'role' | 'departmentId' | 'gridIds'>;

interface Part {
  from: string;
  where: string;
  params: unknown[];
}

interface QueueDef {
  key: string;
  label: string;
  /** The predicate on `a`; every queue asks the machine's tags (or mirrored columns), matching a partial index. */
  where: string;
  params?: (u: QueueUser, now: Date) => unknown[];
  /** `s.` orders by the assisting order's own column (a queue of orders, from ASSISTING_ORDERS). */
  order: { column: OrderColumn; dir: 'asc' | 'desc'; of?: 'a' | 's' };
  scope?: 'department' | { grids: 'assigned_grid_id' | 'grid_id' };
  /** The rows are a department's assisting orders: their deadline and lateness are the order's, not the lead's. */
  assisting?: true;
}

// A unit's open assisting orders (协办): their rows mirror the appeal's audited steps (decision 022).
const ASSISTING_ORDERS = `assignment s join appeal a on a.id = s.appeal_id`;

const byCreated = { column: 'created_at', dir: 'desc' } as const;
const byDue = { column: 'due_at', dir: 'asc' } as const;

// The handling deadline runs only while the answer is owed (decision 018): overdue and warned queues ask for that tag,
// so an appeal answered on the spot, or answered in time and now waiting for review or callback, is not in them.
const LATE = `a.sla = 'overdue' and a.tags @> '{awaitingAnswer}'`;
const WARNED = `a.sla = 'warned' and a.tags @> '{awaitingAnswer}'`;

/** The queues each role works from on its home page (and in the navigation bar); every one is scoped on the server. */
const QUEUES: Record<string, QueueDef[]> = {
  operator: [
    {
      key: 'drafts',
      label: '我的草稿',
      where: `a.tags @> '{draft}' and a.created_by_id = ?`,
      params: (u) => [u.id],
      order: byCreated,
    },
    {
      key: 'today',
      label: '今日本人登记',
      // Today is the city's calendar day, not the last 24 hours.
      where: `a.created_by_id = ? and a.created_at >= ?`,
      params: (u, now) => [u.id, startOfLocalDay(now)],
      order: byCreated,
    },
  ],
  dispatcher: [
    {
      key: 'triage',
      label: '待派单',
      where: `a.tags @> '{awaitingDispatch}'`,
      order: { column: 'submitted_at', dir: 'asc' },
    },
    { key: 'returns', label: '退单待审', where: `a.tags @> '{returnPending}'`, order: byCreated },
    {
      key: 'reopened',
      label: '重启件',
      // Spelled as the predicate of appeal_queue_reopened_index.
      where: `a.tags @> '{awaitingDispatch}' and (a.snapshot->'context'->>'reopenCount')::int > 0`,
      order: { column: 'submitted_at', dir: 'asc' },
    },
  ],
  handler: [
    {
      key: 'toAccept',
      label: '待签收',
      where: `a.tags @> '{awaitingAcceptance}'`,
      order: byCreated,
      scope: 'department',
    },
    { key: 'inHand', label: '办理中', where: `a.tags @> '{inHand}'`, order: byDue, scope: 'department' },
    {
      key: 'dueSoon',
      label: '即将到期',
      where: `a.tags @> '{inHand}' and a.sla = 'warned'`,
      order: byDue,
      scope: 'department',
    },
    { key: 'overdue', label: '已超期', where: LATE, order: byDue, scope: 'department' },
    {
      key: 'assisting',
      label: '协办待办',
      where: `s.role = 'assisting' and s.status = 'active' and s.department_id = ? and a.tags @> '{open}'`,
      params: (u) => [u.departmentId ?? -1],
      order: { column: 'due_at', dir: 'asc', of: 's' },
      assisting: true,
    },
    {
      // What the bureau passed down to its sections (二级派单), which it still follows.
      key: 'subUnits',
      label: '下级单位办理中',
      where: `a.tags @> '{open}' and a.lead_department_id in (select d.id from department d
        join department me on me.id = ? where d.path like me.path || '%' and d.id <> me.id)`,
      params: (u) => [u.departmentId ?? -1],
      order: byDue,
    },
  ],
  gridWorker: [
    {
      key: 'assigned',
      label: '网格待办',
      where: `a.tags @> '{needsAssignee}'`,
      order: byCreated,
      scope: { grids: 'assigned_grid_id' },
    },
    { key: 'patrol', label: '本人巡查上报', where: `a.created_by_id = ?`, params: (u) => [u.id], order: byCreated },
    {
      key: 'inGrid',
      label: '网格内诉求',
      where: `a.tags @> '{submitted}'`,
      order: byCreated,
      scope: { grids: 'grid_id' },
    },
  ],
  // mediator: none here; an agency's staff work from their referral cases (/referrals).
  reviewer: [
    { key: 'review', label: '待审核', where: `a.tags @> '{awaitingReview}'`, order: byCreated },
    // Grid-handled replies, checked against the before and after photos (核查).
    {
      key: 'verification',
      label: '待核查',
      where: `a.tags @> '{awaitingVerification}'`,
      order: { column: 'updated_at', dir: 'asc' },
    },
    {
      key: 'callback',
      label: '待回访',
      where: `a.tags @> '{needsCitizen}'`,
      order: { column: 'callback_due_at', dir: 'asc' },
    },
    { key: 'dissatisfied', label: '不满意待处理', where: `a.tags @> '{dissatisfied}'`, order: byCreated },
  ],
  supervisor: [
    { key: 'overdue', label: '已超期', where: LATE, order: byDue },
    { key: 'warned', label: '临期预警', where: WARNED, order: byDue },
    { key: 'extensions', label: '延期待批', where: `a.tags @> '{extensionPending}'`, order: byDue },
    { key: 'dissatisfied', label: '不满意待决定', where: `a.tags @> '{dissatisfied}'`, order: byCreated },
  ],
  admin: [{ key: 'recent', label: '最新诉求', where: `not a.tags @> '{draft}'`, order: byCreated }],
};

/**
 * Queues of the duty board (/supervision) that are not on anyone's home page; the board's 已超期 and 临期预警 are the
 * supervisor's own queues above, so its numbers and the navigation bar's are the same query.
 */
export const BOARD_QUEUES: Record<string, QueueDef> = {
  overdue: QUEUES.supervisor[0],
  warned: QUEUES.supervisor[1],
  extensions: QUEUES.supervisor[2],
  triageLate: {
    key: 'triageLate',
    label: '受理超时',
    // Spelled as the predicate of appeal_queue_triage_late_index; `now` to the minute, so counts can be shared.
    where: `a.tags @> '{awaitingDispatch}' and a.triage_due_at < ?`,
    params: (_u, now) => [new Date(Math.floor(now.getTime() / 60_000) * 60_000)],
    order: { column: 'triage_due_at', dir: 'asc' },
  },
  escalated: {
    key: 'escalated',
    label: '已升级',
    where: `a.tags @> '{open}' and (a.snapshot->'context'->>'escalation') is not null`,
    order: byDue,
  },
};

function partsOf(q: QueueDef, user: QueueUser, now: Date): Part[] {
  const params = q.params?.(user, now) ?? [];
  // The keyset needs its column; every queue's column is set in the states it asks for, so this drops nothing.
  const where = `${q.where} and ${q.order.of ?? 'a'}.${q.order.column} is not null`;
  const plain = { from: q.assisting ? ASSISTING_ORDERS : 'appeal a', where, params };
  if (q.scope === 'department') {
    const dept = user.departmentId ?? -1;
    return [
      { from: 'appeal a', where: `a.lead_department_id = ? and ${where}`, params: [dept, ...params] },
      // Orders it assists on (协办): through its active assisting assignments, never the ones it leads (counted above).
      {
        from: `assignment s join appeal a on a.id = s.appeal_id`,
        where: `s.department_id = ? and s.role = 'assisting' and s.status = 'active'
          and a.lead_department_id is distinct from ? and ${where}`,
        params: [dept, dept, ...params],
      },
    ];
  }
  if (q.scope) {
    const column = q.scope.grids;
    const grids = user.gridIds.length ? user.gridIds : [-1];
    return grids.map((g) => ({ from: 'appeal a', where: `a.${column} = ? and ${where}`, params: [g, ...params] }));
  }
  return [plain];
}

const LIST_COLUMNS = `a.id, a.number, a.version, a.title, a.type, a.urgency, a.category_id, a.phase, a.sla, a.due_at,
  a.created_at, a.lead_department_id, a.assigned_grid_id, a.caller_phone, a.confidential, a.source, a.triage_due_at,
  a.tags @> '{awaitingAnswer}' as owed`;
const BOARD_COLUMNS = `, (a.snapshot->'context'->>'superviseCount')::int as supervise_count,
  a.snapshot->'context'->>'escalation' as escalation`;

interface Cursor {
  at: string;
  id: number;
  offset: number;
}

const cursorSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,200}$/)
  .transform((s, ctx) => {
    const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\|(\d{1,10})\|(\d{1,9})$/.exec(
      Buffer.from(s, 'base64url').toString('utf8'),
    );
    if (!m || Number.isNaN(Date.parse(m[1]))) {
      ctx.addIssue({ code: 'custom', message: 'invalid cursor' });
      return z.NEVER;
    }
    return { at: m[1], id: Number(m[2]), offset: Number(m[3]) } satisfies Cursor;
  });

const encode = (c: Cursor) => Buffer.from(`${c.at}|${c.id}|${c.offset}`, 'utf8').toString('base64url');

/** Reads a queue's cursor from a URL parameter; a malformed one is refused, not ignored. */
export function parseQueueCursor(value: string | null): Cursor | null {
  if (value === null || value === '') return null;
  const parsed = cursorSchema.safeParse(value);
  if (!parsed.success) throw new InvalidInput('分页参数无效', { after: ['invalid cursor'] });
  return parsed.data;
}

/** The URL parameter that carries a home-page queue's cursor. */
export const queueParam = (key: string) => `after.${key}`;

/** The statement of one page: each part walks its index from the cursor on, and the parts are merged in order. */
function pageStatement(q: QueueDef, parts: Part[], cursor: Cursor | null, limit: number, board = false) {
  const { dir } = q.order;
  const column = `${q.order.of ?? 'a'}.${q.order.column}`;
  const cmp = dir === 'asc' ? '>' : '<';
  const order = `sort_at ${dir}, id ${dir}`;
  const branches = parts.map((p) => ({
    sql: `(select ${LIST_COLUMNS}${board ? BOARD_COLUMNS : ''}, ${column} as sort_at from ${p.from}
       where ${p.where} ${cursor ? `and (${column}, a.id) ${cmp} (?, ?)` : ''}
       order by ${column} ${dir}, a.id ${dir} limit ?)`,
    params: [...p.params, ...(cursor ? [new Date(cursor.at), cursor.id] : []), limit],
  }));
  if (branches.length === 1) return { sql: branches[0].sql, params: branches[0].params };
  return {
    sql: `select * from (${branches.map((b) => b.sql).join(' union all ')}) q order by ${order} limit ?`,
    params: [...branches.flatMap((b) => b.params), limit],
  };
}

/** A capped count of a queue: each part counts at most COUNT_CAP + 1 index entries. */
function countExpression(parts: Part[]) {
  return {
    sql: parts
      .map((p) => `(select count(*)::int from (select 1 from ${p.from} where ${p.where} limit ${COUNT_CAP + 1}) c)`)
      .join(' + '),
    params: parts.flatMap((p) => p.params),
  };
}

const toCount = (n: number): QueueCount => (n > COUNT_CAP ? { n: COUNT_CAP, more: true } : { n, more: false });

// Counts kept until an appeal changes. Every change to an appeal (a draft's creation included) appends its audit row
// in the same transaction, so the newest audit row's id says whether any count can have moved: one probe of the
// primary key instead of walking up to 10,000 index entries per queue on every page, in every instance alike.
// A queue whose parameters hold the time ("today") gets a new key each time and is simply counted each time.
const COUNT_CACHE_MAX = 5_000;
const COUNT_CACHE_MS = 60_000;
const countCache = new Map<string, { version: string; at: number; count: QueueCount }>();

/** The newest audit row's id: what the cached counts are checked against. */
export async function auditVersion(em: EntityManager): Promise<string> {
  const [row] = await all<{ v: string | null }>(em, 'select max(id)::text as v from appeal_event');
  return row?.v ?? '0';
}

// Other figures that only an appeal's change can move (the board's lateness by holder), kept the same way.
const figureCache = new Map<string, { version: string; at: number; value: unknown }>();

/** `compute()`'s answer, reused until an appeal changes (`version` moves) or a minute passes. */
export async function whileNoAppealChanged<T>(key: string, version: string, compute: () => Promise<T>): Promise<T> {
  const c = figureCache.get(key);
  if (c && c.version === version && Date.now() - c.at < COUNT_CACHE_MS) return c.value as T;
  const value = await compute();
  if (figureCache.size > COUNT_CACHE_MAX) figureCache.clear();
  figureCache.set(key, { version, at: Date.now(), value });
  return value;
}

/**
 * Capped counts (each `{ sql, params }` a count expression) from the cache while no appeal changed since `version`,
 * else the missing ones in one statement.
 */
export async function cachedCounts(
  em: EntityManager,
  exprs: { sql: string; params: unknown[] }[],
  version: string,
): Promise<QueueCount[]> {
  if (!exprs.length) return [];
  const keys = exprs.map((e) => `${e.sql}\u0000${JSON.stringify(e.params)}`);
  const fresh = (k: string) => {
    const c = countCache.get(k);
    return c && c.version === version && Date.now() - c.at < COUNT_CACHE_MS ? c.count : null;
  };
  const missing = exprs.map((e, i) => ({ e, i })).filter(({ i }) => !fresh(keys[i]));
  if (missing.length) {
    const [row] = await all<Record<string, number>>(
      em,
      `select ${missing.map(({ e, i }) => `${e.sql} as q${i}`).join(', ')}`,
      missing.flatMap(({ e }) => e.params),
    );
    if (countCache.size > COUNT_CACHE_MAX) countCache.clear();
    for (const { i } of missing) countCache.set(keys[i], { version, at: Date.now(), count: toCount(row[`q${i}`]) });
  }
  return keys.map((k) => countCache.get(k)!.count);
}

/** The counts of several queues, checked against `version` (or a fresh probe of it). */
async function countQueues(em: EntityManager, queues: QueueDef[], user: QueueUser, now: Date, version?: string) {
  if (!queues.length) return [];
  return cachedCounts(
    em,
    queues.map((q) => countExpression(partsOf(q, user, now))),
    version ?? (await auditVersion(em)),
  );
}

type Row = Record<string, unknown> & {
  id: number;
  sort_at: Date | string;
  due_at: Date | string | null;
  created_at: Date | string;
};

interface ListContext {
  cal: WorkCalendar;
  labels: ListLabels;
  now: Date;
  hideCaller: boolean;
}

function triageDueOf(r: Row, c: ListContext): AppealListItem['triageDue'] {
  if (!r.triage_due_at) return null;
  const due = new Date(r.triage_due_at as string | Date);
  const unit = TRIAGE_LIMITS[r.source as AppealSource]?.unit ?? 'workingHours';
  return {
    dueLabel: localDateTime(due),
    remaining: remainingTime(c.cal, c.now, due, unit).label,
    overdue: due.getTime() <= c.now.getTime(),
  };
}

function toItem(r: Row, c: ListContext): AppealListItem {
  const category = c.labels.categories.get(r.category_id as number);
  const unit: LimitUnit = category?.units[r.urgency as string] ?? 'workingDays';
  const due = r.due_at ? new Date(r.due_at) : null;
  return {
    id: r.id,
    number: r.number as string,
    title: r.title as string,
    type: r.type as string,
    urgency: r.urgency as string,
    categoryName: category?.name ?? '',
    phase: r.phase as string,
    sla: r.sla as string,
    dueAt: due ? due.toISOString() : null,
    dueLabel: due ? localDateTime(due) : null,
    // The handling deadline is met by the answer: an answered appeal has no time left or overdue to show.
    remaining: due && r.owed ? remainingTime(c.cal, c.now, due, unit).label : null,
    createdAt: new Date(r.created_at).toISOString(),
    holder:
      (r.lead_department_id ? c.labels.departments.get(r.lead_department_id as number) : undefined) ??
      (r.assigned_grid_id ? c.labels.grids.get(r.assigned_grid_id as number) : undefined) ??
      null,
    // Departments and grid workers never see a confidential caller; everyone else sees a masked number in lists.
    caller: c.hideCaller && r.confidential ? '（保密）' : maskPhone(r.caller_phone as string | null),
    source: r.source as string,
    triageDue: triageDueOf(r, c),
    version: r.version as number,
    ...('supervise_count' in r
      ? { superviseCount: (r.supervise_count as number | null) ?? 0, escalation: r.escalation as string | null }
      : {}),
  };
}

/** An assisting order's row: due and late by the order's own deadline (its sort column), whatever the lead's clock says. */
function assistingItem(r: Row, c: ListContext): AppealListItem {
  const item = toItem({ ...r, due_at: r.sort_at }, c);
  return { ...item, sla: new Date(r.sort_at).getTime() < c.now.getTime() ? 'overdue' : 'onTime' };
}

async function listContext(em: EntityManager, user: QueueUser, rows: Row[], now: Date): Promise<ListContext> {
  return {
    cal: await getWorkCalendar(em),
    labels: await listLabels(em, {
      categories: rows.map((r) => r.category_id as number),
      departments: rows.map((r) => r.lead_department_id as number | null),
      grids: rows.map((r) => r.assigned_grid_id as number | null),
    }),
    now,
    hideCaller: user.role === 'handler' || user.role === 'gridWorker',
  };
}

/**
 * Pages of several queues: one statement for all their counts, one for all their pages (each part a keyset walk of
 * its partial index), then names from the labels cache. Each queue pages on its own cursor.
 */
async function pagesOf(
  em: EntityManager,
  user: QueueUser,
  queues: QueueDef[],
  cursors: Map<string, Cursor | null>,
  now: Date,
  limit = QUEUE_PAGE_SIZE,
  board = false,
): Promise<QueuePage[]> {
  if (!queues.length) return [];
  const statements = queues.map((q) =>
    pageStatement(q, partsOf(q, user, now), cursors.get(q.key) ?? null, limit + 1, board),
  );
  // The pages and the counts' version probe go out together (on a server, two pooled connections): a page waits for
  // one round trip, and for the counts only when an appeal changed since they were cached.
  const [version, rows] = await Promise.all([
    auditVersion(em),
    all<Row & { q: number }>(
      em,
      statements.map((s, i) => `select ${i} as q, p.* from (${s.sql}) p`).join(' union all '),
      statements.flatMap((s) => s.params),
    ),
  ]);
  const counts = await countQueues(em, queues, user, now, version);
  const ctx = await listContext(em, user, rows, now);
  return queues.map((q, i) => {
    const { dir } = q.order;
    const mine = rows
      .filter((r) => r.q === i)
      .sort((a, b) => {
        const d = new Date(a.sort_at).getTime() - new Date(b.sort_at).getTime() || a.id - b.id;
        return dir === 'asc' ? d : -d;
      });
    const page = mine.slice(0, limit);
    const offset = cursors.get(q.key)?.offset ?? 0;
    const last = page.at(-1);
    return {
      key: q.key,
      label: q.label,
      param: queueParam(q.key),
      count: counts[i],
      offset,
      items: page.map((r) => (q.assisting ? assistingItem(r, ctx) : toItem(r, ctx))),
      next:
        mine.length > limit && last
          ? encode({ at: new Date(last.sort_at).toISOString(), id: last.id, offset: offset + page.length })
          : null,
    };
  });
}

/** The user's home-page queues, 20 a page; `params` holds each queue's cursor (`after.<key>`). */
export async function worklistsFor(
  em: EntityManager,
  user: SessionUser,
  params: URLSearchParams = new URLSearchParams(),
  opts: { now?: Date; limit?: number } = {},
): Promise<QueuePage[]> {
  const queues = QUEUES[user.role] ?? [];
  const cursors = new Map(queues.map((q) => [q.key, parseQueueCursor(params.get(queueParam(q.key)))]));
  return pagesOf(em, user, queues, cursors, opts.now ?? new Date(), opts.limit);
}

/** Pages of the board's queues (the caller checks the role), each on its own cursor. */
export async function boardQueues(
  em: EntityManager,
  user: QueueUser,
  params: URLSearchParams,
  now: Date,
): Promise<Record<keyof typeof BOARD_QUEUES, QueuePage>> {
  const queues = Object.values(BOARD_QUEUES);
  const cursors = new Map(queues.map((q) => [q.key, parseQueueCursor(params.get(queueParam(q.key)))]));
  const pages = await pagesOf(em, user, queues, cursors, now, QUEUE_PAGE_SIZE, true);
  return Object.fromEntries(pages.map((p) => [p.key, p])) as Record<keyof typeof BOARD_QUEUES, QueuePage>;
}

/** Just the counts of the user's queues, for the navigation bar on every page: one statement. */
export async function worklistCounts(
  em: EntityManager,
  user: SessionUser,
  now = new Date(),
): Promise<{ key: string; label: string; count: QueueCount }[]> {
  const queues = QUEUES[user.role] ?? [];
  const counts = await countQueues(em, queues, user, now);
  return queues.map((q, i) => ({ key: q.key, label: q.label, count: counts[i] }));
}

/**
 * The statements of a queue's first page and count, as the benchmark times them against the raw keyset SQL: the
 * same text the pages send, so the two cannot drift apart.
 */
export function queueStatements(role: string, key: string, user: QueueUser, now = new Date()) {
  const q = role === 'board' ? BOARD_QUEUES[key] : QUEUES[role]?.find((x) => x.key === key);
  if (!q) throw new Error(`no queue ${role}/${key}`);
  const parts = partsOf(q, user, now);
  return {
    page: pageStatement(q, parts, null, QUEUE_PAGE_SIZE + 1, role === 'board'),
    count: countExpression(parts),
  };
}

export const queueKeys = (role: string) => (QUEUES[role] ?? []).map((q) => q.key);

/** The base data's sizes, for the admin's home page (the lists themselves page on their admin pages). */
export async function adminOverview(em: EntityManager) {
  const [counts] = await all<{
    users: number;
    departments: number;
    grids: number;
    categories: number;
    calendar: number;
  }>(
    em,
    `select (select count(*)::int from app_user) as users, (select count(*)::int from department) as departments,
            (select count(*)::int from grid) as grids, (select count(*)::int from category) as categories,
            (select count(*)::int from calendar_day) as calendar`,
  );
  return { counts };
}

/** A home page: the user's queues, and for an admin the overview of the base data beside them (fetched together). */
export async function homePage(em: EntityManager, user: SessionUser, params: URLSearchParams, admin: boolean) {
  const [overview, worklists] = await Promise.all([admin ? adminOverview(em) : null, worklistsFor(em, user, params)]);
  return { role: user.role, admin: overview, worklists };
}
