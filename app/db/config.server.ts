import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Migrator } from '@mikro-orm/migrations';
import type { Options } from '@mikro-orm/sql';
import { entities } from '../../entities';
import { migrationsList } from '../../entities/migrations';

export interface DbTarget {
  /** PostgreSQL connection string; when absent the embedded PGlite is used. */
  databaseUrl?: string;
  /** PGlite data folder. */
  dataDir: string;
}

export function dbTargetFromEnv(env = process.env): DbTarget {
  const dataRoot = path.resolve(env.DATA_DIR ?? '.data');
  return { databaseUrl: env.DATABASE_URL || undefined, dataDir: path.join(dataRoot, 'pglite') };
}

export function ormOptions(target: DbTarget): Options {
  const common = {
    entities,
    extensions: [Migrator],
    migrations: {
      migrationsList,
      snapshot: true,
      // The snapshot is the generator's record of the entities, written only by migration:create, never at run time.
      snapshotName: '.snapshot',
      snapshotOnMigrate: false,
      path: path.resolve('entities/migrations'),
      emit: 'ts' as const,
      transactional: true,
      allOrNothing: true,
      silent: true,
    },
    debug: process.env.DB_DEBUG === '1',
    allowGlobalContext: false,
    forceUtcTimezone: true,
  };
  if (target.databaseUrl)
    return { ...common, clientUrl: target.databaseUrl, pool: { min: 0, max: Number(process.env.DB_POOL_MAX ?? 10) } };
  // PGlite's mkdir is not recursive: the parent must exist.
  mkdirSync(path.dirname(target.dataDir), { recursive: true });
  return { ...common, dbName: target.dataDir };
}
