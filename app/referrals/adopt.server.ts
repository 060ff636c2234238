import type { ReferralKind } from '../../machines/appeal-events';
import { SYSTEM_ACTOR } from '../cases/actor';
import { applyEvent, type AppealServices } from '../appeals/service.server';
import { getWorkCalendar } from '../calendar/calendar.server';
import { openReferral } from './open.server';
import { ReferralStore } from './referral-store.server';

/**
 * Appeals referred before referral cases existed wait in 已转介 with no case to answer them. Each
 * gets a case at the first agency of its kind, opened the way a hand-on is (REFER_ON from no case),
 * so the agency can take it from there. Runs at start; an appeal that has its case is left alone.
 */
export async function adoptUnlinkedReferrals(services: AppealServices, log: (line: string) => void = () => {}): Promise<number> {
  const conn = services.db.em().getConnection();
  const waiting = await conn.execute<{ id: number; kind: ReferralKind; referred_by: number }[]>(
    `select a.id, a.snapshot->'context'->>'referralKind' as kind,
            coalesce((select e.actor_id from appeal_event e where e.appeal_id = a.id and e.type = 'REFER' order by e.seq desc limit 1), a.created_by_id) as referred_by
       from appeal a
      where a.phase = 'referred' and a.snapshot->'context'->>'referralId' is null and not exists (select 1 from referral r where r.appeal_id = a.id)`);
  let adopted = 0;
  for (const a of waiting) {
    const [agency] = await conn.execute<{ id: number }[]>(
      'select id from department where active and referral_kind = ? order by code limit 1', [a.kind]);
    if (!agency) {
      log(`[referrals] appeal ${a.id} waits for a ${a.kind} case, but no active department takes that kind: add a referral agency of that kind at /admin/departments and restart`);
      continue;
    }
    const now = services.now?.() ?? new Date();
    await services.db.em().transactional(async (tx) => {
      const id = await new ReferralStore(tx).nextId();
      await applyEvent(services, {
        appealId: a.id, type: 'REFER_ON', actor: SYSTEM_ACTOR, payload: { kind: a.kind, agencyId: agency.id, referralId: id, fromReferralId: null },
      }, tx);
      await openReferral(tx, services.timers, {
        id, appealId: a.id, kind: a.kind, agencyId: agency.id, parentId: null, note: null, actor: SYSTEM_ACTOR, referredById: a.referred_by, now,
        cal: await getWorkCalendar(tx),
      });
    });
    adopted++;
  }
  if (adopted) log(`[referrals] opened cases for ${adopted} appeals referred before referral cases existed`);
  return adopted;
}
