// Reseals every ID number and every interface client's signing secret with the current DATA_KEY after a key change (docs/decisions/016-personal-data-at-rest.md).
// Usage: DATA_KEY=<new> DATA_KEY_PREVIOUS=<old> [DATABASE_URL=…] npm run data-key:rotate
import { resealSigningSecrets, signingSecretKeyUse } from '../app/api-clients/credentials.server';
import { dbTargetFromEnv } from '../app/db/config.server';
import { openDatabase } from '../app/db/orm.server';
import { dataKeyring } from '../app/security/data-key.server';
import { idNumberKeyUse, resealIdNumbers } from '../app/security/id-number-rotation.server';

const ring = dataKeyring();
const db = await openDatabase(dbTargetFromEnv());
try {
  const em = db.em();
  console.log(`current key ${ring.current.id}; ID numbers before: ${JSON.stringify(await idNumberKeyUse(em))}`);
  console.log(`signing secrets before: ${JSON.stringify(await signingSecretKeyUse(em))}`);
  const n = await resealIdNumbers(em, ring);
  const secrets = await resealSigningSecrets(em, ring);
  const after = { ...(await idNumberKeyUse(em)) };
  for (const [id, count] of Object.entries(await signingSecretKeyUse(em))) after[id] = (after[id] ?? 0) + count;
  console.log(`resealed ${n} ID numbers and ${secrets} signing secrets; after: ${JSON.stringify(after)}`);
  const left = Object.keys(after).filter((id) => id !== ring.current.id);
  if (left.length) console.log(`still sealed with ${left.join(', ')}: run again, or check DATA_KEY_PREVIOUS`);
  else console.log('everything is sealed with the current key: the previous keys may be removed');
  process.exitCode = left.length ? 1 : 0;
} finally {
  await db.close();
}
