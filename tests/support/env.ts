// Which databases the integration tests run on: always PGlite; PostgreSQL too when TEST_DATABASE_URL is set.
export type DbKind = 'pglite' | 'postgres';
export const DB_KINDS: DbKind[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
export const TEMPLATE_DB = 'hotline_test_template';
export const PGLITE_TEMPLATE_DIR = process.env.PGLITE_TEMPLATE_DIR ?? '/tmp/hotline-test-template/pglite';

/** The admin URL with another database name. */
export function urlFor(dbName: string): string {
  const url = new URL(process.env.TEST_DATABASE_URL!);
  url.pathname = `/${dbName}`;
  return url.toString();
}
