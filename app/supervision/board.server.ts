import type { EntityManager } from '@mikro-orm/sql';
import type { Actor } from '../../machines/actor';
import { getWorkCalendar } from '../calendar/calendar.server';
import { localDateTime, remainingTime, type LimitUnit } from '../calendar/working-time';
import { all, jsonb } from '../db/sql.server';
import { Forbidden } from '../domain/errors';

const OPEN = `a.tags @> '{open}'`;
const BOARD_ROLES = new Set(['supervisor', 'dispatcher']);

export interface BoardAppeal {
  id: number;
  number: string;
  version: number;
  title: string;
  phase: string;
  sla: string;
  holder: string;
  dueAt: string | null;
  remaining: string | null;
  superviseCount: number;
  escalation: string | null;
}

export interface ExtensionRequest extends BoardAppeal {
  days: number | null;
  reason: string | null;
}

/** A referral case whose legal clock is warned or overdue (mediation, legal aid, arbitration, counselling). */
export interface LateReferral {
  id: number;
  number: string;
  kind: string;
  agency: string;
  phase: string;
  clockState: string;
  dueAt: string | null;
  appealId: number;
  appealNumber: string;
}

export interface SupervisionBoard {
  byHolder: { holder: string; warned: number; overdue: number }[];
  overdue: BoardAppeal[];
  warned: BoardAppeal[];
  extensions: ExtensionRequest[];
  escalated: BoardAppeal[];
  lateReferrals: LateReferral[];
  refreshedAt: string;
}

/** The duty supervisor's view of lateness: who is late, with what, and what waits for a decision. */
export async function supervisionBoard(em: EntityManager, actor: Actor, now = new Date()): Promise<SupervisionBoard> {
  if (!BOARD_ROLES.has(actor.role)) throw new Forbidden();
  const cal = await getWorkCalendar(em);
  const holder = `coalesce(d.name, g.name, '待派单')`;
  const from = `from appeal a join category c on c.id = a.category_id left join department d on d.id = a.lead_department_id left join grid g on g.id = a.assigned_grid_id`;
  const byHolder = await all<{ holder: string; warned: number; overdue: number }>(
    em,
    `select ${holder} as holder, count(*) filter (where a.sla = 'warned')::int as warned, count(*) filter (where a.sla = 'overdue')::int as overdue
       ${from} where ${OPEN} and a.sla <> 'onTime' group by 1 order by 3 desc, 2 desc limit 15`,
  );
  const list = async (where: string, limit = 50) => {
    const rows = await all(
      em,
      `select a.id, a.number, a.version, a.title, a.phase, a.sla, ${holder} as holder, a.due_at, c.limits -> a.urgency ->> 'unit' as unit,
              (a.snapshot->'context'->>'superviseCount')::int as supervise_count, a.snapshot->'context'->>'escalation' as escalation
         ${from} where ${OPEN} and ${where} order by a.due_at asc nulls last, a.id limit ?`,
      [limit],
    );
    return rows.map((r): BoardAppeal => ({
      id: r.id,
      number: r.number,
      version: r.version,
      title: r.title,
      phase: r.phase,
      sla: r.sla,
      holder: r.holder,
      dueAt: r.due_at ? localDateTime(new Date(r.due_at)) : null,
      remaining: r.due_at
        ? remainingTime(cal, now, new Date(r.due_at), (r.unit ?? 'workingDays') as LimitUnit).label
        : null,
      superviseCount: r.supervise_count ?? 0,
      escalation: r.escalation,
    }));
  };
  const extensions = await list(`a.tags @> '{extensionPending}'`);
  const requests = extensions.length
    ? await all<{ appeal_id: number; payload: unknown }>(
        em,
        `select distinct on (appeal_id) appeal_id, payload from appeal_event where type = 'REQUEST_EXTENSION' and appeal_id in (?) order by appeal_id, seq desc`,
        [extensions.map((e) => e.id)],
      )
    : [];
  return {
    byHolder,
    overdue: await list(`a.sla = 'overdue'`),
    warned: await list(`a.sla = 'warned'`),
    extensions: extensions.map((e) => {
      const payload = jsonb<{ days?: number; reason?: string } | undefined>(
        requests.find((r) => r.appeal_id === e.id)?.payload,
      );
      return { ...e, days: payload?.days ?? null, reason: payload?.reason ?? null };
    }),
    escalated: await list(`a.snapshot->'context'->>'escalation' is not null`),
    lateReferrals: (
      await all(
        em,
        `select r.id, r.number, r.kind, d.name as agency, r.phase, r.clock_state, r.next_due_at, r.appeal_id, a.number as appeal_number
         from referral r join department d on d.id = r.agency_id join appeal a on a.id = r.appeal_id
        where r.tags @> '{open}' and r.clock_state in ('warned', 'overdue')
        order by r.clock_state = 'overdue' desc, r.next_due_at asc nulls last, r.id limit 50`,
      )
    ).map((r) => ({
      id: r.id,
      number: r.number,
      kind: r.kind,
      agency: r.agency,
      phase: r.phase,
      clockState: r.clock_state,
      dueAt: r.next_due_at ? localDateTime(new Date(r.next_due_at)) : null,
      appealId: r.appeal_id,
      appealNumber: r.appeal_number,
    })),
    refreshedAt: localDateTime(now),
  };
}
