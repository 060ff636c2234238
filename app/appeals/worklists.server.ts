import type { EntityManager } from '@mikro-orm/sql';
import type { SessionUser } from '../auth/session.server';
import { getWorkCalendar } from '../calendar/calendar.server';
import { localDateTime, remainingTime, startOfLocalDay, type LimitUnit } from '../calendar/working-time';
import { maskPhone } from '../cases/masking';
import { all } from '../db/sql.server';
import { HANDLER_EXTRA_QUEUES, handlerExtraCounts, handlerExtraWorklists } from './assist-worklist.server';

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
}

export interface Worklist {
  key: string;
  label: string;
  count: number;
  items: AppealListItem[];
}

interface QueueDef {
  key: string;
  label: string;
  where: string;
  params: (u: SessionUser, now: Date) => unknown[];
  order?: string;
}

const inMyDept = `(a.lead_department_id = ? or exists (select 1 from assignment s where s.appeal_id = a.id and s.status = 'active' and s.department_id = ?))`;
const dept = (u: SessionUser) => [u.departmentId ?? -1, u.departmentId ?? -1];
const grids = (u: SessionUser) => [u.gridIds.length ? u.gridIds : [-1]];

/**
 * The queues each role works from on its home page; every one is scoped on the server. Each asks for the machine's
 * tags (GIN-indexed), never for phases: `tags @> '{x}'` holds x, `tags && '{x,y}'` holds either.
 */
const QUEUES: Record<string, QueueDef[]> = {
  operator: [
    { key: 'drafts', label: '我的草稿', where: `a.tags @> '{draft}' and a.created_by_id = ?`, params: (u) => [u.id] },
    {
      key: 'today',
      label: '今日本人登记',
      // Today is the city's calendar day, not the last 24 hours.
      where: `a.created_by_id = ? and a.created_at >= ?`,
      params: (u, now) => [u.id, startOfLocalDay(now)],
    },
  ],
  dispatcher: [
    {
      key: 'triage',
      label: '待派单',
      where: `a.tags @> '{awaitingDispatch}'`,
      params: () => [],
      order: 'a.submitted_at asc nulls last',
    },
    { key: 'returns', label: '退单待审', where: `a.tags @> '{returnPending}'`, params: () => [] },
    {
      key: 'reopened',
      label: '重启件',
      where: `a.tags @> '{awaitingDispatch}' and (a.snapshot->'context'->>'reopenCount')::int > 0`,
      params: () => [],
    },
  ],
  handler: [
    { key: 'toAccept', label: '待签收', where: `a.tags @> '{awaitingAcceptance}' and ${inMyDept}`, params: dept },
    {
      key: 'inHand',
      label: '办理中',
      where: `a.tags @> '{inHand}' and ${inMyDept}`,
      params: dept,
      order: 'a.due_at asc nulls last',
    },
    {
      key: 'dueSoon',
      label: '即将到期',
      where: `a.tags @> '{inHand}' and a.sla = 'warned' and ${inMyDept}`,
      params: dept,
      order: 'a.due_at asc',
    },
    {
      key: 'overdue',
      label: '已超期',
      where: `a.sla = 'overdue' and not a.tags @> '{closed}' and ${inMyDept}`,
      params: dept,
      order: 'a.due_at asc',
    },
  ],
  gridWorker: [
    {
      key: 'assigned',
      label: '网格待办',
      where: `a.assigned_grid_id in (?) and a.tags @> '{needsAssignee}'`,
      params: grids,
    },
    { key: 'patrol', label: '本人巡查上报', where: `a.created_by_id = ?`, params: (u) => [u.id] },
    { key: 'inGrid', label: '网格内诉求', where: `a.grid_id in (?) and a.tags @> '{submitted}'`, params: grids },
  ],
  // mediator: none here; an agency's staff work from their referral cases (/referrals).
  reviewer: [
    { key: 'review', label: '待审核', where: `a.tags @> '{awaitingReview}'`, params: () => [] },
    // Grid-handled replies, checked against the before and after photos (核查).
    {
      key: 'verification',
      label: '待核查',
      where: `a.tags @> '{awaitingVerification}'`,
      params: () => [],
      order: 'a.updated_at asc',
    },
    {
      key: 'callback',
      label: '待回访',
      where: `a.tags @> '{needsCitizen}'`,
      params: () => [],
      order: 'a.callback_due_at asc nulls last',
    },
    { key: 'dissatisfied', label: '不满意待处理', where: `a.tags @> '{dissatisfied}'`, params: () => [] },
  ],
  supervisor: [
    {
      key: 'overdue',
      label: '已超期',
      where: `a.sla = 'overdue' and a.tags @> '{open}'`,
      params: () => [],
      order: 'a.due_at asc',
    },
    {
      key: 'warned',
      label: '临期预警',
      where: `a.sla = 'warned' and a.tags @> '{open}'`,
      params: () => [],
      order: 'a.due_at asc',
    },
    { key: 'extensions', label: '延期待批', where: `a.tags @> '{extensionPending}'`, params: () => [] },
    { key: 'dissatisfied', label: '不满意待决定', where: `a.tags @> '{dissatisfied}'`, params: () => [] },
  ],
  admin: [{ key: 'recent', label: '最新诉求', where: `not a.tags @> '{draft}'`, params: () => [] }],
};

const LIST_COLUMNS = `a.id, a.number, a.title, a.type, a.urgency, c.name as category_name, a.phase, a.sla, a.due_at, a.created_at,
  coalesce(d.name, ag.name) as holder, a.caller_phone, a.confidential,
  c.limits -> a.urgency ->> 'unit' as limit_unit, a.tags @> '{closed}' as closed`;

export async function worklistsFor(
  em: EntityManager,
  user: SessionUser,
  opts: { limit?: number; now?: Date } = {},
): Promise<Worklist[]> {
  const now = opts.now ?? new Date();
  const limit = opts.limit ?? 20;
  const hideCaller = user.role === 'handler' || user.role === 'gridWorker';
  const cal = await getWorkCalendar(em);
  const out: Worklist[] = [];
  for (const q of QUEUES[user.role] ?? []) {
    const params = q.params(user, now);
    const [{ n }] = await all<{ n: number }>(em, `select count(*)::int as n from appeal a where ${q.where}`, params);
    const rows = await all(
      em,
      `select ${LIST_COLUMNS} from appeal a join category c on c.id = a.category_id
         left join department d on d.id = a.lead_department_id left join grid ag on ag.id = a.assigned_grid_id
        where ${q.where} order by ${q.order ?? 'a.created_at desc'}, a.id desc limit ?`,
      [...params, limit],
    );
    out.push({
      key: q.key,
      label: q.label,
      count: n,
      items: rows.map((r) => ({
        id: r.id,
        number: r.number,
        title: r.title,
        type: r.type,
        urgency: r.urgency,
        categoryName: r.category_name,
        phase: r.phase,
        sla: r.sla,
        dueAt: r.due_at ? new Date(r.due_at).toISOString() : null,
        dueLabel: r.due_at ? localDateTime(new Date(r.due_at)) : null,
        remaining:
          r.due_at && !r.closed
            ? remainingTime(cal, now, new Date(r.due_at), (r.limit_unit ?? 'workingDays') as LimitUnit).label
            : null,
        createdAt: new Date(r.created_at).toISOString(),
        holder: r.holder,
        // Departments and grid workers never see a confidential caller; everyone else sees a masked number in lists.
        caller: hideCaller && r.confidential ? '（保密）' : maskPhone(r.caller_phone),
      })),
    });
  }
  if (user.role === 'handler') out.push(...(await handlerExtraWorklists(em, user, cal, now, limit)));
  return out;
}

/** Just the counts of the user's queues, for the navigation bar on every page. */
export async function worklistCounts(
  em: EntityManager,
  user: SessionUser,
  now = new Date(),
): Promise<{ key: string; label: string; count: number }[]> {
  const queues = QUEUES[user.role] ?? [];
  if (!queues.length) return [];
  const [row] = await all<Record<string, number>>(
    em,
    `select ${queues.map((q, i) => `(select count(*)::int from appeal a where ${q.where}) as q${i}`).join(', ')}`,
    queues.flatMap((q) => q.params(user, now)),
  );
  const counts = queues.map((q, i) => ({ key: q.key, label: q.label, count: row[`q${i}`] }));
  if (user.role !== 'handler') return counts;
  const extra = await handlerExtraCounts(em, user);
  return [...counts, ...HANDLER_EXTRA_QUEUES.map((q, i) => ({ ...q, count: extra[i] }))];
}

export async function adminOverview(em: EntityManager) {
  const [row] = await all<{ users: number; departments: number; grids: number; categories: number; calendar: number }>(
    em,
    `select (select count(*)::int from app_user) as users, (select count(*)::int from department) as departments,
            (select count(*)::int from grid) as grids, (select count(*)::int from category) as categories,
            (select count(*)::int from calendar_day) as calendar`,
  );
  const users = await all<{ username: string; display_name: string; role: string; department: string | null }>(
    em,
    `select u.username, u.display_name, u.role, d.name as department from app_user u left join department d on d.id = u.department_id order by u.id`,
  );
  return { counts: row, users };
}
