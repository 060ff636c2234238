// Reseals every ID number with the current DATA_KEY after a key change (docs/decisions/016-personal-data-at-rest.md).
// Usage: DATA_KEY=<new> DATA_KEY_PREVIOUS=<old> [DATABASE_URL=…] npm run data-key:rotate
import { dbTargetFromEnv } from '../app/db/config.server';
import { openDatabase } from '../app/db/orm.server';
import { dataKeyring } from '../app/security/data-key.server';
import { idNumberKeyUse, resealIdNumbers } from '../app/security/id-number-rotation.server';

const ring = dataKeyring();
const db = await openDatabase(dbTargetFromEnv());
try {
  console.log(`current key ${ring.current.id}; before: ${JSON.stringify(await idNumberKeyUse(db.em()))}`);
  const n = await resealIdNumbers(db.em(), ring);
  const after = await idNumberKeyUse(db.em());
  console.log(`resealed ${n} ID numbers; after: ${JSON.stringify(after)}`);
  const left = Object.keys(after).filter((id) => id !== ring.current.id);
  if (left.length) console.log(`still sealed with ${left.join(', ')}: run again, or check DATA_KEY_PREVIOUS`);
  else console.log('every ID number is sealed with the current key: the previous keys may be removed');
  process.exitCode = left.length ? 1 : 0;
} finally {
  await db.close();
}
