import type { EntityManager } from '@mikro-orm/sql';
import type { z } from 'zod';
import { InvalidInput, fieldErrorsOf } from '../domain/errors';

// What the admin modules share: parse a form with its schema, and run plain SQL in one transaction.

export function parseInput<T>(schema: z.ZodType<T>, raw: unknown): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new InvalidInput('请检查填写的内容', fieldErrorsOf(parsed.error.issues));
  return parsed.data;
}

export type Tx = { conn: ReturnType<EntityManager['getConnection']>; trx: ReturnType<EntityManager['getTransactionContext']> };

export const run = <T extends Record<string, any>[] = Record<string, any>[]>(tx: Tx, sql: string, params: unknown[] = []) =>
  tx.conn.execute<T>(sql, params, 'all', tx.trx);

export function inTransaction<T>(em: EntityManager, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return em.transactional((t: EntityManager) => fn({ conn: t.getConnection(), trx: t.getTransactionContext() }));
}
