// Verifies every appeal's audit hash chain; exits 1 and names each broken appeal.
import { verifyAuditChains } from '../app/appeals/audit.server';
import { dbTargetFromEnv } from '../app/db/config.server';
import { openDatabase } from '../app/db/orm.server';

const db = await openDatabase(dbTargetFromEnv());
try {
  const { appeals, events, broken } = await verifyAuditChains(db.em());
  for (const b of broken) console.log(`BROKEN ${b.number} (appeal ${b.appealId})${b.seq ? ` at event ${b.seq}` : ''}: ${b.reason}`);
  console.log(`checked ${appeals} appeals, ${events} audit rows: ${broken.length ? `${broken.length} broken` : 'all chains intact'}`);
  process.exitCode = broken.length ? 1 : 0;
} finally {
  await db.close();
}
