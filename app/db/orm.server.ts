import type { MikroORM as PgOrm } from '@mikro-orm/postgresql';
import type { EntityManager } from '@mikro-orm/sql';
import { acquireDataDirLock, type DataDirLock } from './lock.server';
import { dbTargetFromEnv, ormOptions, type DbTarget } from './config.server';

export type Orm = PgOrm;

export interface Database {
  orm: Orm;
  target: DbTarget;
  embedded: boolean;
  /** A fresh EntityManager for one unit of work; never use the global one. */
  em(): EntityManager;
  close(): Promise<void>;
}

/** Opens the database (PGlite under a process lock, or PostgreSQL) and brings its schema up to date. */
export async function openDatabase(
  target: DbTarget = dbTargetFromEnv(),
  opts: { migrate?: boolean } = {},
): Promise<Database> {
  const embedded = !target.databaseUrl;
  let lock: DataDirLock | undefined;
  if (embedded) lock = acquireDataDirLock(target.dataDir);
  let orm: Orm;
  try {
    const options = ormOptions(target);
    // The driver packages are loaded lazily so a PostgreSQL deployment never loads the WASM build.
    if (embedded) {
      const { MikroORM } = await import('@mikro-orm/pglite');
      const { SerialPgliteDriver } = await import('./pglite-serial.server');
      orm = (await MikroORM.init({ ...options, driver: SerialPgliteDriver } as never)) as unknown as Orm;
    } else {
      const { MikroORM } = await import('@mikro-orm/postgresql');
      orm = await MikroORM.init(options as never);
    }
    if (opts.migrate !== false) await orm.migrator.up();
  } catch (err) {
    lock?.release();
    throw err;
  }
  let closed = false;
  return {
    orm,
    target,
    embedded,
    em: () => orm.em.fork() as unknown as EntityManager,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await orm.close(true);
      } finally {
        lock?.release();
      }
    },
  };
}
