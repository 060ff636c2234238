import type { EntityManager } from '@mikro-orm/sql';
import type { ReferralKind } from '../../machines/appeal-events';
import { restoreAppealSnapshot } from '../../machines/appeal';
import type { AppealServices } from '../appeals/service.server';
import { all, jsonb, one, run } from '../db/sql.server';
import { referOn } from './refer.server';

// Appeals referred before referral cases existed wait in 已转介 with no case to answer them. Each
// gets a case at the first active agency of its kind, opened the way a hand-on is (REFER_ON from no
// case), so the agency can take it from there. Run once, by a migration, in its transaction.

/** Where a waiting appeal goes when the city has no agency of its kind yet: one to rename and staff. */
const PLACEHOLDER_AGENCIES: Record<ReferralKind, { code: string; name: string }> = {
  mediation: { code: 'MEDIATION-TBD', name: '人民调解委员会（待设置）' },
  legalAid: { code: 'LEGAL-AID-TBD', name: '法律援助中心（待设置）' },
  arbitration: { code: 'ARBITRATION-TBD', name: '劳动人事争议仲裁院（待设置）' },
  counselling: { code: 'COUNSELLING-TBD', name: '心理援助中心（待设置）' },
};

/** Opens a case for every appeal waiting for one; an appeal that has its case is left alone. How many it opened. */
export async function adoptWaitingReferrals(
  services: AppealServices,
  tx: EntityManager,
  log: (line: string) => void,
): Promise<number> {
  const candidates = await all<{ id: number; snapshot: unknown; referred_by: number }>(
    tx,
    `select a.id, a.snapshot,
            coalesce((select e.actor_id from appeal_event e where e.appeal_id = a.id and e.type = 'REFER'
                       order by e.seq desc limit 1), a.created_by_id) as referred_by
       from appeal a
      where a.snapshot->'context'->>'referralKind' is not null and a.snapshot->'context'->>'referralId' is null
        and not exists (select 1 from referral r where r.appeal_id = a.id)
      order by a.id`,
  );
  const agencies = new Map<ReferralKind, number>();
  let adopted = 0;
  for (const a of candidates) {
    const snapshot = restoreAppealSnapshot(jsonb(a.snapshot));
    if (!snapshot.hasTag('needsMediator')) continue;
    const kind = snapshot.context.referralKind!;
    const agencyId = agencies.get(kind) ?? (await agencyFor(tx, kind, log));
    agencies.set(kind, agencyId);
    await referOn(services, tx, {
      appealId: a.id,
      kind,
      agencyId,
      from: null,
      note: null,
      referredById: a.referred_by,
    });
    adopted++;
  }
  if (adopted) log(`[referrals] opened cases for ${adopted} appeals referred before referral cases existed`);
  return adopted;
}

async function agencyFor(tx: EntityManager, kind: ReferralKind, log: (line: string) => void): Promise<number> {
  const found = await one<{ id: number }>(
    tx,
    'select id from department where active and referral_kind = ? order by code limit 1',
    [kind],
  );
  if (found) return found.id;
  const { code, name } = PLACEHOLDER_AGENCIES[kind];
  const city = await one<{ id: number; path: string }>(
    tx,
    `select id, path from department where parent_id is null and kind = 'city' order by id limit 1`,
  );
  const now = new Date();
  const created = (await one<{ id: number }>(
    tx,
    `insert into department (code, name, kind, parent_id, path, hotline, referral_kind, active, created_at, updated_at)
     values (?, ?, 'functional', ?, '', '', ?, true, ?, ?)
     on conflict (code) do update set active = true, referral_kind = excluded.referral_kind, updated_at = excluded.updated_at
     returning id`,
    [code, name, city?.id ?? null, kind, now, now],
  ))!;
  await run(tx, 'update department set path = ? where id = ?', [`${city?.path ?? '/'}${created.id}/`, created.id]);
  log(
    `[referrals] created the agency ${name} (code ${code}) for appeals waiting for a ${kind} case: ` +
      'rename it and add its staff at /admin/departments',
  );
  return created.id;
}
