// Verifies every appeal's, every referral case's and every policy's audit hash chain; exits 1 and names each broken one.
import { verifyAuditChains } from '../app/appeals/audit.server';
import { dbTargetFromEnv } from '../app/db/config.server';
import { openDatabase } from '../app/db/orm.server';
import { verifyChains } from '../app/cases/audit-chain';
import { POLICY_TRAIL } from '../app/policies/catalogue.server';
import { verifyReferralChains } from '../app/referrals/audit.server';

const db = await openDatabase(dbTargetFromEnv());
try {
  const { appeals, events, broken } = await verifyAuditChains(db.em());
  for (const b of broken)
    console.log(`BROKEN ${b.number} (appeal ${b.appealId})${b.seq ? ` at event ${b.seq}` : ''}: ${b.reason}`);
  console.log(
    `checked ${appeals} appeals, ${events} audit rows: ${broken.length ? `${broken.length} broken` : 'all chains intact'}`,
  );
  const cases = await verifyReferralChains(db.em());
  for (const b of cases.broken)
    console.log(`BROKEN ${b.number} (referral ${b.referralId})${b.seq ? ` at event ${b.seq}` : ''}: ${b.reason}`);
  console.log(
    `checked ${cases.referrals} referral cases, ${cases.events} audit rows: ${cases.broken.length ? `${cases.broken.length} broken` : 'all chains intact'}`,
  );
  const policies = await verifyChains(db.em(), POLICY_TRAIL);
  for (const b of policies.broken)
    console.log(`BROKEN ${b.number} (policy ${b.caseId})${b.seq ? ` at event ${b.seq}` : ''}: ${b.reason}`);
  console.log(
    `checked ${policies.cases} policies, ${policies.events} audit rows: ${policies.broken.length ? `${policies.broken.length} broken` : 'all chains intact'}`,
  );
  process.exitCode = broken.length || cases.broken.length || policies.broken.length ? 1 : 0;
} finally {
  await db.close();
}
