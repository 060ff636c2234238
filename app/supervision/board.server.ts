import type { EntityManager } from '@mikro-orm/sql';
import type { Actor } from '../../machines/actor';
import { listLabels } from '../appeals/list-labels.server';
import { auditVersion, boardQueues, whileNoAppealChanged, type QueuePage } from '../appeals/worklists.server';
import { localDateTime } from '../calendar/working-time';
import { all, jsonb } from '../db/sql.server';
import { Forbidden } from '../domain/errors';

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

/** One of the board's sections: a page of a queue with its true count and the cursors to page through it. */
export type BoardSection<T = BoardAppeal> = Omit<QueuePage, 'items'> & { items: T[] };

export interface SupervisionBoard {
  byHolder: { holder: string; warned: number; overdue: number }[];
  overdue: BoardSection;
  warned: BoardSection;
  /** Web appeals still in triage past the web channel's accept clock (受理超时). */
  triageLate: BoardSection;
  extensions: BoardSection<ExtensionRequest>;
  escalated: BoardSection;
  lateReferrals: LateReferral[];
  refreshedAt: string;
}

const NO_HOLDER = '待派单';

function section(page: QueuePage, clock: 'handling' | 'triage' = 'handling'): BoardSection {
  return {
    ...page,
    items: page.items.map((a) => ({
      id: a.id,
      number: a.number,
      version: a.version ?? 0,
      title: a.title,
      phase: a.phase,
      sla: a.sla,
      holder: a.holder ?? NO_HOLDER,
      dueAt: clock === 'triage' ? (a.triageDue?.dueLabel ?? null) : a.dueLabel,
      remaining: clock === 'triage' ? (a.triageDue?.remaining ?? null) : a.remaining,
      superviseCount: a.superviseCount ?? 0,
      escalation: a.escalation ?? null,
    })),
  };
}

/**
 * Late appeals that still owe their answer, by holder, from one partial index (appeal_queue_late_holder_index). It
 * walks every late appeal (14,000 at 1M appeals, 4 ms with its planning), so it is kept until an appeal changes.
 */
async function lateByHolder(em: EntityManager) {
  return whileNoAppealChanged('board:late-by-holder', await auditVersion(em), () =>
    all<{ dept: number | null; grid: number | null; warned: number; overdue: number }>(
      em,
      `select a.lead_department_id as dept, a.assigned_grid_id as grid,
              count(*) filter (where a.sla = 'warned')::int as warned, count(*) filter (where a.sla = 'overdue')::int as overdue
         from appeal a where a.sla <> 'onTime' and a.tags @> '{awaitingAnswer}' group by 1, 2`,
    ),
  );
}

/**
 * The duty supervisor's view of lateness: who is late, with what, and what waits for a decision. Its lists are the
 * supervisor's queues (the same statements as the navigation bar's counts), each paged on its own cursor.
 */
export async function supervisionBoard(
  em: EntityManager,
  actor: Actor,
  params: URLSearchParams = new URLSearchParams(),
  now = new Date(),
): Promise<SupervisionBoard> {
  if (!BOARD_ROLES.has(actor.role)) throw new Forbidden();
  // The board's parts do not depend on one another: on a server they go out together over pooled connections.
  const [late, pages, lateReferrals] = await Promise.all([
    lateByHolder(em),
    boardQueues(em, { id: actor.userId, role: 'supervisor', departmentId: null, gridIds: [] }, params, now),
    all(
      em,
      `select r.id, r.number, r.kind, d.name as agency, r.phase, r.clock_state, r.next_due_at, r.appeal_id, a.number as appeal_number
         from referral r join department d on d.id = r.agency_id join appeal a on a.id = r.appeal_id
        where r.tags @> '{open}' and r.clock_state in ('warned', 'overdue')
        order by r.clock_state = 'overdue' desc, r.next_due_at asc nulls last, r.id limit 50`,
    ),
  ]);
  const labels = await listLabels(em, { departments: late.map((r) => r.dept), grids: late.map((r) => r.grid) });
  const holders = new Map<string, { holder: string; warned: number; overdue: number }>();
  for (const r of late) {
    const holder =
      (r.dept ? labels.departments.get(r.dept) : undefined) ??
      (r.grid ? labels.grids.get(r.grid) : undefined) ??
      NO_HOLDER;
    const h = holders.get(holder) ?? { holder, warned: 0, overdue: 0 };
    h.warned += r.warned;
    h.overdue += r.overdue;
    holders.set(holder, h);
  }
  const byHolder = [...holders.values()]
    .sort((a, b) => b.overdue - a.overdue || b.warned - a.warned || a.holder.localeCompare(b.holder))
    .slice(0, 15);

  const extensions = section(pages.extensions);
  const ids = extensions.items.map((e) => e.id);
  const requests = ids.length
    ? await all<{ appeal_id: number; payload: unknown }>(
        em,
        `select distinct on (appeal_id) appeal_id, payload from appeal_event where type = 'REQUEST_EXTENSION' and appeal_id in (?) order by appeal_id, seq desc`,
        [ids],
      )
    : [];
  return {
    byHolder,
    overdue: section(pages.overdue),
    warned: section(pages.warned),
    triageLate: section(pages.triageLate, 'triage'),
    extensions: {
      ...extensions,
      items: extensions.items.map((e) => {
        const payload = jsonb<{ days?: number; reason?: string } | undefined>(
          requests.find((r) => r.appeal_id === e.id)?.payload,
        );
        return { ...e, days: payload?.days ?? null, reason: payload?.reason ?? null };
      }),
    },
    escalated: section(pages.escalated),
    lateReferrals: lateReferrals.map((r) => ({
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
