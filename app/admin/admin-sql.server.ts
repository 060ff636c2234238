import type { EntityManager } from '@mikro-orm/sql';

export type Tx = { conn: ReturnType<EntityManager['getConnection']>; trx: ReturnType<EntityManager['getTransactionContext']> };

export const run = <T extends Record<string, any>[] = Record<string, any>[]>(tx: Tx, sql: string, params: unknown[] = []) =>
  tx.conn.execute<T>(sql, params, 'all', tx.trx);

export function inTransaction<T>(em: EntityManager, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return em.transactional((t: EntityManager) => fn({ conn: t.getConnection(), trx: t.getTransactionContext() }));
}
