import type { EntityManager } from '@mikro-orm/sql';
import type { Actor } from '../../machines/actor';
import { appealDetail, type AppealDetail } from '../appeals/detail.server';
import { localDateTime } from '../calendar/working-time';
import { all } from '../db/sql.server';
import { canSeeReferral } from '../referrals/scope';

/** A referral case opened from the appeal; `visible` when this user may open the case itself. */
export interface AppealReferral {
  id: number;
  number: string;
  kind: string;
  agency: string;
  phase: string;
  outcome: string | null;
  nextDueAt: string | null;
  clockState: string;
  visible: boolean;
}

export type AppealPage = AppealDetail & { referrals: AppealReferral[] };

/** The appeal page: the appeal as its scope shows it, with the referral cases it waits or waited for, oldest first. */
export async function appealPage(em: EntityManager, actor: Actor, id: number, now = new Date()): Promise<AppealPage> {
  const appeal = await appealDetail(em, actor, id, now);
  const rows = await all(
    em,
    `select r.id, r.number, r.kind, r.agency_id, d.name as agency, r.phase, r.outcome, r.next_due_at, r.clock_state
       from referral r join department d on d.id = r.agency_id where r.appeal_id = ? order by r.id`,
    [id],
  );
  return {
    ...appeal,
    referrals: rows.map((r) => ({
      id: r.id,
      number: r.number,
      kind: r.kind,
      agency: r.agency,
      phase: r.phase,
      outcome: r.outcome,
      clockState: r.clock_state,
      nextDueAt: r.next_due_at ? localDateTime(new Date(r.next_due_at)) : null,
      visible: canSeeReferral(actor, { agencyId: r.agency_id }),
    })),
  };
}
