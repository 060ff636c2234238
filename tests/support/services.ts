import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/sql';
import pg from 'pg';
import type { PgBoss } from 'pg-boss';
import { afterAll, beforeAll } from 'vitest';
import { openDatabase, type Database } from '../../app/db/orm.server';
import { all, type Row } from '../../app/db/sql.server';
import { bossTimers, startBoss, type Timers } from '../../app/jobs/timers.server';
import type { AppealServices } from '../../app/appeals/service.server';
import { actorFor, loadReferenceIds, type ReferenceIds } from '../../app/seed/demo-city.server';
import type { Actor } from '../../machines/actor';
import { templates, urlFor, type DbKind } from './env';

// One way for a test file to get its database: call `useTestDatabase(kind)` or `useTestServices(kind)`
// at the top of its describe block. That registers the file's beforeAll/afterAll and hands back an
// object whose fields are filled in by the time the tests run.

/** A test file's private copy of the seeded template, open, with the demo city's reference ids. */
export interface TestDatabase {
  /** The open database; a test that restarts it puts the handle of `reopen()` back here. */
  db: Database;
  ids: ReferenceIds;
  /** Opens the same database again (a "restart"); the previous handle must be closed first. */
  reopen(): Promise<Database>;
  /** The PGlite data folder (PGlite only). */
  pgliteDir?: string;
  /** The file's own DATA_DIR, for what the code under test stores (only with `{ dataDir: true }`). */
  dataDir: string;
  /** A fresh EntityManager on `db`. */
  em(): EntityManager;
  /** The demo user's actor. */
  as(username: string): Actor;
  /** Every row a statement returns; each call runs on its own. */
  sql<T extends object = Row>(text: string, params?: readonly unknown[]): Promise<T[]>;
}

/** The database with pg-boss started on it and the appeal services over both. */
export interface TestServices extends TestDatabase {
  boss: PgBoss;
  timers: Timers;
  services: AppealServices;
}

export interface TestOptions {
  /** Give the file its own DATA_DIR folder, set before the database opens and removed after. */
  dataDir?: boolean;
}

/** Registers the hooks that open a private database for this file and close and drop it after. */
export function useTestDatabase(kind: DbKind, options: TestOptions = {}): TestDatabase {
  const { t, open, close } = lifecycle(kind, options);
  beforeAll(open);
  afterAll(close);
  return t;
}

/** As `useTestDatabase`, with pg-boss started after the database opens and stopped before it closes. */
export function useTestServices(kind: DbKind, options: TestOptions = {}): TestServices {
  const { t, open, close } = lifecycle(kind, options);
  const s = t as TestServices;
  beforeAll(async () => {
    await open();
    s.boss = await startBoss(s.db);
    s.timers = bossTimers(s.boss);
    s.services = { db: s.db, timers: s.timers };
  });
  afterAll(async () => {
    await s.boss?.stop({ graceful: false }).catch(() => {});
    await close();
  });
  return s;
}

function lifecycle(kind: DbKind, options: TestOptions) {
  const t = {
    em: () => t.db.em(),
    as: (username: string) => actorFor(t.ids, username),
    sql: <T extends object = Row>(text: string, params: readonly unknown[] = []) => all<T>(t.db.em(), text, params),
  } as TestDatabase;
  let previousDataDir: string | undefined;
  let drop = async () => {};
  const open = async () => {
    if (options.dataDir) {
      previousDataDir = process.env.DATA_DIR;
      t.dataDir = mkdtempSync(path.join(os.tmpdir(), 'hotline-files-'));
      process.env.DATA_DIR = t.dataDir;
    }
    const copy = await copyTemplate(kind);
    drop = copy.drop;
    t.pgliteDir = copy.pgliteDir;
    t.reopen = copy.open;
    t.db = await copy.open();
    t.ids = await loadReferenceIds(t.em());
  };
  const close = async () => {
    try {
      await t.db?.close();
      await drop();
    } finally {
      if (options.dataDir) {
        if (previousDataDir === undefined) delete process.env.DATA_DIR;
        else process.env.DATA_DIR = previousDataDir;
        if (t.dataDir) rmSync(t.dataDir, { recursive: true, force: true });
      }
    }
  };
  return { t, open, close };
}

interface TemplateCopy {
  open(): Promise<Database>;
  pgliteDir?: string;
  drop(): Promise<void>;
}

/** A private copy of the seeded template: PGlite folder copy, or a PostgreSQL database cloned from the template. */
async function copyTemplate(kind: DbKind): Promise<TemplateCopy> {
  if (kind === 'pglite') {
    const root = mkdtempSync(path.join(os.tmpdir(), 'hotline-t-'));
    const pgliteDir = path.join(root, 'pglite');
    cpSync(templates().pgliteDir, pgliteDir, { recursive: true });
    return {
      pgliteDir,
      open: () => openDatabase({ dataDir: pgliteDir }),
      drop: async () => rmSync(root, { recursive: true, force: true }),
    };
  }
  const name = `hotline_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`create database "${name}" template "${templates().pgDb}"`);
  await admin.end();
  const url = urlFor(name);
  return {
    open: () => openDatabase({ dataDir: '', databaseUrl: url }),
    drop: async () => {
      const a = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await a.connect();
      await a.query(`drop database if exists "${name}" with (force)`);
      await a.end();
    },
  };
}
