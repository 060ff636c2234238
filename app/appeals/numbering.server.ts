import type { EntityManager } from '@mikro-orm/sql';
import { localDateOf } from '../calendar/working-time';

/**
 * Appeal numbers people can read over the phone: local date + a 6-digit daily sequence
 * (20261122-000123). The upsert takes a row lock, so concurrent creators never share a number;
 * inside the caller's transaction, a rollback gives the number back.
 */
export async function nextAppealNumber(em: EntityManager, at: Date): Promise<string> {
  const day = localDateOf(at).replaceAll('-', '');
  const [row] = await em.getConnection().execute<{ last: number }[]>(
    `insert into appeal_counter (day, last) values (?, 1)
     on conflict (day) do update set last = appeal_counter.last + 1 returning last`,
    [day], 'all', em.getTransactionContext(),
  );
  return `${day}-${String(row.last).padStart(6, '0')}`;
}
