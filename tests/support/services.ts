import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { PgBoss } from 'pg-boss';
import { openDatabase, type Database } from '../../app/db/orm.server';
import { bossTimers, startBoss, type Timers } from '../../app/jobs/timers.server';
import type { AppealServices } from '../../app/appeals/service.server';
import { loadReferenceIds, type ReferenceIds } from '../../app/seed/demo-city.server';
import { templates, urlFor, type DbKind } from './env';

export interface TestDatabase {
  kind: DbKind;
  db: Database;
  /** Reopens the same database (a "restart"); the previous handle must be closed first. */
  reopen(): Promise<Database>;
  url?: string;
  dataDir?: string;
  drop(): Promise<void>;
}

/** A private copy of the seeded template: PGlite folder copy, or a PostgreSQL database cloned from the template. */
export async function createTestDatabase(kind: DbKind): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const root = mkdtempSync(path.join(os.tmpdir(), 'hotline-t-'));
    const dataDir = path.join(root, 'pglite');
    cpSync(templates().pgliteDir, dataDir, { recursive: true });
    const open = () => openDatabase({ dataDir });
    const db = await open();
    return { kind, db, dataDir, reopen: open, drop: async () => rmSync(root, { recursive: true, force: true }) };
  }
  const name = `hotline_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`create database "${name}" template "${templates().pgDb}"`);
  await admin.end();
  const url = urlFor(name);
  const open = () => openDatabase({ dataDir: '', databaseUrl: url });
  const db = await open();
  return {
    kind, db, url, reopen: open,
    drop: async () => {
      const a = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await a.connect();
      await a.query(`drop database if exists "${name}" with (force)`);
      await a.end();
    },
  };
}

export interface TestServices {
  tdb: TestDatabase;
  db: Database;
  boss: PgBoss;
  timers: Timers;
  services: AppealServices;
  ids: ReferenceIds;
  close(): Promise<void>;
}

export async function createTestServices(kind: DbKind): Promise<TestServices> {
  const tdb = await createTestDatabase(kind);
  const boss = await startBoss(tdb.db);
  const timers = bossTimers(boss);
  const ids = await loadReferenceIds(tdb.db.em());
  return {
    tdb, db: tdb.db, boss, timers, ids,
    services: { db: tdb.db, timers },
    async close() {
      await boss.stop({ graceful: false }).catch(() => {});
      await tdb.db.close();
      await tdb.drop();
    },
  };
}
