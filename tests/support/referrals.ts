import type { AppealServices } from '../../app/appeals/service.server';
import type { Actor } from '../../machines/actor';
import { sendAppealEvent, sendReferralEvent } from '../../app/case-links/refer.server';
import { all, one } from '../../app/db/sql.server';
import { actorFor, type ReferenceIds } from '../../app/seed/demo-city.server';
import { submitAppeal } from './appeals';

/** A new appeal referred by the dispatcher to the agency with `agencyCode`: the appeal and its referral case. */
export async function referAppeal(services: AppealServices, ids: ReferenceIds, agencyCode: string, note = '邻里纠纷') {
  const a = await submitAppeal(services, ids);
  await sendAppealEvent(services, {
    appealId: a.id,
    expectedVersion: a.version,
    type: 'REFER',
    payload: { agencyId: ids.departments.get(agencyCode)!, note },
    actor: actorFor(ids, 'dispatcher'),
  });
  const r = await one<{ id: number; number: string }>(
    services.db.em(),
    'select id, number from referral where appeal_id = ? order by id',
    [a.id],
  );
  return { appealId: a.id, appealNumber: a.number, referralId: r!.id, number: r!.number };
}

/** One step of a referral case at its current version, as `actor` takes it. */
export async function stepReferral(
  services: AppealServices,
  referralId: number,
  actor: Actor,
  type: string,
  payload: Record<string, unknown> = {},
) {
  const [row] = await all<{ version: number }>(services.db.em(), 'select version from referral where id = ?', [
    referralId,
  ]);
  return sendReferralEvent(services, { referralId, expectedVersion: row.version, type, payload, actor });
}
