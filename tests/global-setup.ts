import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase, type Database } from '../app/db/orm.server';
import { startBoss } from '../app/jobs/timers.server';
import { seedReferenceData } from '../app/seed/demo-city.server';
import { TEST_DATA_KEY, urlFor } from './support/env';

// The seed seals the demo records' ID numbers with the key the test workers open them with.
process.env.DATA_KEY ??= TEST_DATA_KEY;

async function prepare(db: Database) {
  const boss = await startBoss(db); // creates the pg-boss schema once, in the template
  await boss.stop({ graceful: false });
  await seedReferenceData(db.em());
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Builds a migrated, seeded template once per run; each test file copies it (PGlite) or clones it (PostgreSQL). */
export default async function setup(project: TestProject) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'hotline-template-'));
  const pgliteDir = path.join(root, 'pglite');
  const lite = await openDatabase({ dataDir: pgliteDir });
  await prepare(lite);
  await lite.close();
  project.provide('pgliteTemplateDir', pgliteDir);

  const pgDb = `hotline_tpl_${randomBytes(4).toString('hex')}`;
  project.provide('pgTemplateDb', pgDb);
  if (process.env.TEST_DATABASE_URL) {
    await admin((c) => c.query(`create database "${pgDb}"`));
    const db = await openDatabase({ dataDir: '', databaseUrl: urlFor(pgDb) });
    await prepare(db);
    await db.close();
  }
  return async () => {
    rmSync(root, { recursive: true, force: true });
    if (process.env.TEST_DATABASE_URL) await admin((c) => c.query(`drop database if exists "${pgDb}" with (force)`));
  };
}
