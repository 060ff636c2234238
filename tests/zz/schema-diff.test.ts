import { it } from 'vitest';
import { openDatabase } from '../../app/db/orm.server';
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
it('diff', async () => {
  const dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'dispdiff-')), 'db');
  const db = await openDatabase({ dataDir }, { migrate: false });
  try {
    await db.orm.migrator.up();
    const sql = await db.orm.schema.getUpdateSchemaSQL({ wrap: false });
    process.stdout.write('DIFF>>>' + (sql || 'NO DIFF') + '<<<\n');
  } finally {
    await db.close();
  }
});
