import type { EntityManager } from '@mikro-orm/sql';

// The one way the app talks SQL (decision 012): plain statements with `?` placeholders, run on
// an EntityManager so that inside `inTransaction` they join its transaction, and outside it
// each statement runs on its own. MikroORM owns the schema and migrations; nothing here maps
// rows to entities.

/** A column value as the driver hands it over; typed rows name their own shapes. */
export type Row = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Every row a statement returns. */
export function all<T extends object = Row>(
  em: EntityManager,
  sql: string,
  params: readonly unknown[] = [],
): Promise<T[]> {
  return em.getConnection().execute<T[]>(sql, params as unknown[], 'all', em.getTransactionContext());
}

/** The first row, or undefined. */
export async function one<T extends object = Row>(
  em: EntityManager,
  sql: string,
  params: readonly unknown[] = [],
): Promise<T | undefined> {
  const [row] = await all<T>(em, sql, params);
  return row;
}

/** A statement run for its effect: how many rows it touched. */
export async function run(em: EntityManager, sql: string, params: readonly unknown[] = []): Promise<number> {
  const res = (await em.getConnection().execute(sql, params as unknown[], 'run', em.getTransactionContext())) as {
    affectedRows?: number;
  };
  return res.affectedRows ?? 0;
}

/** Runs `fn` in one transaction: every statement it makes through `tx` commits together or not at all. */
export function inTransaction<T>(em: EntityManager, fn: (tx: EntityManager) => Promise<T>): Promise<T> {
  return em.transactional((tx: EntityManager) => fn(tx));
}

/** A jsonb column: PostgreSQL's driver parses it, PGlite in some paths hands over the text. */
export function jsonb<T = unknown>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

/** A timestamp column or ISO string as a Date, keeping null. */
export function dateOrNull(value: unknown): Date | null {
  return value === null || value === undefined ? null : new Date(value as string);
}

/** A text[] parameter: bound arrays expand into `?, ?` lists, so arrays travel as literals cast with `?::text[]`. */
export function textArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}
