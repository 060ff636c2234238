import type { EntityManager } from '@mikro-orm/sql';
import type { SessionUser } from '../auth/session.server';
import type { WorkCalendar } from '../calendar/working-time';
import { localDateTime, remainingTime, type LimitUnit } from '../calendar/working-time';
import { maskPhone } from '../cases/masking';
import { all } from '../db/sql.server';

// A handler's own orders that are not the lead's queues: his unit's assisting orders (协办), late by their own
// deadline, and what his bureau passed down to its sections (二级派单), which it still follows.

// The open assisting orders of a unit: their rows are mirrored from the appeal's audited steps.
const ASSISTING = `from assignment s join appeal a on a.id = s.appeal_id
  where s.role = 'assisting' and s.status = 'active' and s.department_id = ? and a.tags @> '{open}'`;

// Orders led by a unit below the user's own (its sections), still open.
const BELOW = `from appeal a where a.tags @> '{open}' and a.lead_department_id in (
  select d.id from department d join department me on me.id = ? where d.path like me.path || '%' and d.id <> me.id)`;

/** A row as the home page's queues list it (worklists.server.ts AppealListItem). */
interface ExtraItem {
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
  holder: string | null;
  caller: string;
}

export const HANDLER_EXTRA_QUEUES = [
  { key: 'assisting', label: '协办待办' },
  { key: 'subUnits', label: '下级单位办理中' },
] as const;

/** The counts of the two queues, for the navigation bar. */
export async function handlerExtraCounts(em: EntityManager, user: SessionUser): Promise<[number, number]> {
  const dept = user.departmentId ?? -1;
  const [row] = await all<{ assisting: number; below: number }>(
    em,
    `select (select count(*)::int ${ASSISTING}) as assisting, (select count(*)::int ${BELOW}) as below`,
    [dept, dept],
  );
  return [row.assisting, row.below];
}

/** The two queues with their first `limit` rows; an assisting order shows its own deadline and lateness. */
export async function handlerExtraWorklists(
  em: EntityManager,
  user: SessionUser,
  cal: WorkCalendar,
  now: Date,
  limit: number,
): Promise<{ key: string; label: string; count: number; items: ExtraItem[] }[]> {
  const dept = user.departmentId ?? -1;
  const [assisting, below] = await handlerExtraCounts(em, user);
  const columns = `a.id, a.number, a.title, a.type, a.urgency, c.name as category_name, a.phase, a.confidential,
    a.caller_phone, a.created_at, d.name as holder, c.limits -> a.urgency ->> 'unit' as limit_unit`;
  const assistRows = await all(
    em,
    `select ${columns}, s.due_at, s.accepted_at ${ASSISTING.replace('from assignment s join appeal a on a.id = s.appeal_id', 'from assignment s join appeal a on a.id = s.appeal_id join category c on c.id = a.category_id left join department d on d.id = a.lead_department_id')}
      order by s.due_at asc nulls last, a.id desc limit ?`,
    [dept, limit],
  );
  const belowRows = await all(
    em,
    `select ${columns}, a.due_at, a.sla from appeal a join category c on c.id = a.category_id
       left join department d on d.id = a.lead_department_id
      where a.id in (select a.id ${BELOW}) order by a.due_at asc nulls last, a.id desc limit ?`,
    [dept, limit],
  );
  const item = (r: Record<string, unknown>, sla: string): ExtraItem => {
    const due = r.due_at ? new Date(r.due_at as string) : null;
    return {
      id: r.id as number,
      number: r.number as string,
      title: r.title as string,
      type: r.type as string,
      urgency: r.urgency as string,
      categoryName: r.category_name as string,
      phase: r.phase as string,
      sla,
      dueAt: due ? due.toISOString() : null,
      dueLabel: due ? localDateTime(due) : null,
      remaining: due
        ? remainingTime(cal, now, due, ((r.limit_unit as string) ?? 'workingDays') as LimitUnit).label
        : null,
      createdAt: new Date(r.created_at as string).toISOString(),
      holder: (r.holder as string | null) ?? null,
      // Departments never see a confidential caller.
      caller: r.confidential ? '（保密）' : maskPhone(r.caller_phone as string | null),
    };
  };
  return [
    {
      ...HANDLER_EXTRA_QUEUES[0],
      count: assisting,
      // Late by the assisting order's own deadline, whatever the lead's clock says.
      items: assistRows.map((r) =>
        item(r, r.due_at && new Date(r.due_at as string).getTime() < now.getTime() ? 'overdue' : 'onTime'),
      ),
    },
    { ...HANDLER_EXTRA_QUEUES[1], count: below, items: belowRows.map((r) => item(r, r.sla as string)) },
  ];
}
