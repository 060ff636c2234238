import { localDateOf } from '../calendar/working-time';

/**
 * Appeal numbers people can read over the phone: local date + a 6-digit daily sequence
 * (20261122-000123). The counter row is bumped with an upsert that holds its row lock until the
 * creating transaction ends, so concurrent creators never share a number and a rollback gives it back.
 */
export function appealCounterCte(at: Date): { sql: string; params: unknown[]; day: string } {
  const day = localDateOf(at).replaceAll('-', '');
  return {
    sql: `counter as (insert into appeal_counter (day, last) values (?, 1)
           on conflict (day) do update set last = appeal_counter.last + 1 returning last)`,
    params: [day],
    day,
  };
}

export function formatAppealNumber(day: string, n: number): string {
  return `${day}-${String(n).padStart(6, '0')}`;
}
