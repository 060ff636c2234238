import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, type Database } from '../app/db/orm.server';
import { startBoss } from '../app/jobs/timers.server';
import { seedReferenceData } from '../app/seed/demo-city.server';
import { PGLITE_TEMPLATE_DIR, TEMPLATE_DB, urlFor } from './support/env';

async function prepare(db: Database) {
  const boss = await startBoss(db); // creates the pg-boss schema once, in the template
  await boss.stop({ graceful: false });
  await seedReferenceData(db.em());
}

/** Builds a migrated, seeded template once; each test file copies it (PGlite) or clones it (PostgreSQL). */
export default async function setup() {
  rmSync(path.dirname(PGLITE_TEMPLATE_DIR), { recursive: true, force: true });
  const lite = await openDatabase({ dataDir: PGLITE_TEMPLATE_DIR });
  await prepare(lite);
  await lite.close();
  if (!existsSync(PGLITE_TEMPLATE_DIR)) throw new Error('PGlite template was not written');

  if (process.env.TEST_DATABASE_URL) {
    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    const stale = await admin.query(`select datname from pg_database where datname like 'hotline_t_%' or datname = $1`, [TEMPLATE_DB]);
    for (const r of stale.rows) await admin.query(`drop database if exists "${r.datname}" with (force)`);
    await admin.query(`create database "${TEMPLATE_DB}"`);
    const db = await openDatabase({ dataDir: '', databaseUrl: urlFor(TEMPLATE_DB) });
    await prepare(db);
    await db.close();
    await admin.end();
  }
}
