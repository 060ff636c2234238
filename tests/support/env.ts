import { inject } from 'vitest';

// Which databases the integration tests run on: always PGlite; PostgreSQL too when TEST_DATABASE_URL is set.
export type DbKind = 'pglite' | 'postgres';
export const DB_KINDS: DbKind[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplateDir: string;
    pgTemplateDb: string;
  }
}

/** Per-run templates built by the global setup, so concurrent runs never share one. */
export const templates = () => ({ pgliteDir: inject('pgliteTemplateDir'), pgDb: inject('pgTemplateDb') });

/** The admin URL with another database name. */
export function urlFor(dbName: string): string {
  const url = new URL(process.env.TEST_DATABASE_URL!);
  url.pathname = `/${dbName}`;
  return url.toString();
}

/** The key that seals ID numbers in tests: the workers' (tests/setup.ts) and the seeded template's, so what the seed seals opens. */
export const TEST_DATA_KEY = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
