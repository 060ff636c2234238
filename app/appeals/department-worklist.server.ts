import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import type { SessionUser } from '../auth/session.server';
import { getWorkCalendar } from '../calendar/calendar.server';
import { localDateTime, remainingTime } from '../calendar/working-time';
import { Forbidden, InvalidInput, NotFound, fieldErrorsOf } from '../domain/errors';
import { maskPhone } from '../cases/masking';
import { all, one } from '../db/sql.server';
import { decodeCursor, encodeCursor } from './search.server';
import { COUNT_CAP, auditVersion, cachedCounts, type AppealListItem, type QueueCount } from './worklists.server';
import { listLabels } from './list-labels.server';

export const DEPARTMENT_WORKLIST_PAGE = 50;

// Open appeals a department leads, by deadline: served by appeal_department_open_index, whose predicate this is.
const OPEN = `a.tags @> '{open}'`;

const querySchema = z.object({
  department: z.preprocess(
    (v) => (v === '' || v == null ? undefined : v),
    z.coerce.number({ error: '请选择有效的承办单位' }).int().positive({ error: '请选择有效的承办单位' }).optional(),
  ),
  after: z.preprocess((v) => (v === '' || v == null ? undefined : v), z.string().max(200).optional()),
});

export interface DepartmentWorklist {
  department: { id: number; name: string };
  /** Departments the user may open (supervisors and dispatchers choose one). */
  choices: { id: number; name: string }[];
  /** All of the department's open appeals (exact up to COUNT_CAP, then "10,000+"). */
  count: QueueCount;
  items: AppealListItem[];
  nextCursor: string | null;
}

/**
 * A department's open appeals, earliest deadline first, 50 a page (keyset on due_at, id). A handler sees
 * his own department only; dispatchers and supervisors pick any. Confidential callers stay hidden from the department.
 */
export async function departmentWorklist(
  em: EntityManager,
  user: SessionUser,
  params: URLSearchParams,
  now = new Date(),
): Promise<DepartmentWorklist> {
  const parsed = querySchema.safeParse(Object.fromEntries(params));
  if (!parsed.success) throw new InvalidInput('查询条件有误', fieldErrorsOf(parsed.error.issues));
  const { department, after } = parsed.data;
  let departmentId: number;
  let choices: { id: number; name: string }[] = [];
  if (user.role === 'handler') {
    if (!user.departmentId) throw new Forbidden('您没有所属单位');
    if (department && department !== user.departmentId) throw new Forbidden('只能查看本单位的工单');
    departmentId = user.departmentId;
  } else if (user.role === 'supervisor' || user.role === 'dispatcher') {
    choices = await all<{ id: number; name: string }>(em, 'select id, name from department where active order by code');
    departmentId = department ?? choices[0]?.id ?? -1;
  } else {
    throw new Forbidden();
  }
  // A handler's own department comes with his session; a chosen one must exist.
  const dept =
    user.role === 'handler' && user.departmentName
      ? { id: departmentId, name: user.departmentName }
      : (choices.find((d) => d.id === departmentId) ??
        (await one<{ id: number; name: string }>(em, 'select id, name from department where id = ?', [departmentId])));
  if (!dept) throw new NotFound('单位不存在');

  const cursor = after ? decodeCursor(after) : null;
  // Only appeal columns, as plain as the keyset itself: the holder is this department, and category names come from a
  // short cache, so the statement plans and runs in a fraction of a millisecond however large the history.
  // The page and the count cache's version probe go out together; the count (from the same partial index, at most
  // COUNT_CAP + 1 entries) is walked again only when an appeal changed since it was cached.
  const [rows, version] = await Promise.all([
    all(
      em,
      `select a.id, a.number, a.title, a.type, a.urgency, a.category_id, a.phase, a.sla, a.due_at, a.created_at, a.caller_phone, a.confidential
         from appeal a
        where a.lead_department_id = ? and ${OPEN} and a.due_at is not null ${cursor ? 'and (a.due_at, a.id) > (?, ?)' : ''}
        order by a.due_at, a.id limit ?`,
      [departmentId, ...(cursor ? [new Date(cursor.at), cursor.id] : []), DEPARTMENT_WORKLIST_PAGE + 1],
    ),
    auditVersion(em),
  ]);
  const page = rows.slice(0, DEPARTMENT_WORKLIST_PAGE);
  const [count] = await cachedCounts(
    em,
    [
      {
        sql: `(select count(*)::int from (select 1 from appeal a
                where a.lead_department_id = ? and ${OPEN} and a.due_at is not null limit ${COUNT_CAP + 1}) c)`,
        params: [departmentId],
      },
    ],
    version,
  );
  const cal = await getWorkCalendar(em);
  const { categories } = await listLabels(em, { categories: page.map((r) => r.category_id) });
  const hideCaller = user.role === 'handler';
  const last = page.at(-1);
  return {
    department: dept,
    choices,
    count,
    items: page.map((r) => {
      const category = categories.get(r.category_id);
      return {
        id: r.id,
        number: r.number,
        title: r.title,
        type: r.type,
        urgency: r.urgency,
        categoryName: category?.name ?? '',
        phase: r.phase,
        sla: r.sla,
        dueAt: new Date(r.due_at).toISOString(),
        dueLabel: localDateTime(new Date(r.due_at)),
        remaining: remainingTime(cal, now, new Date(r.due_at), category?.units[r.urgency] ?? 'workingDays').label,
        createdAt: new Date(r.created_at).toISOString(),
        holder: dept.name,
        caller: hideCaller && r.confidential ? '（保密）' : maskPhone(r.caller_phone),
      };
    }),
    nextCursor:
      rows.length > DEPARTMENT_WORKLIST_PAGE && last
        ? encodeCursor(new Date(last.due_at).toISOString(), last.id)
        : null,
  };
}
