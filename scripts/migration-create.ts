// Generates a migration from the difference between the entities and the last snapshot.
import { openDatabase } from '../app/db/orm.server';
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';

const dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'migr-')), 'db');
const db = await openDatabase({ dataDir }, { migrate: false });
try {
  await db.orm.migrator.up();
  const result = await db.orm.migrator.create(undefined, false, false, process.argv[2]);
  console.log(result.fileName ? `created ${result.fileName}` : 'no changes');
} finally {
  await db.close();
}
