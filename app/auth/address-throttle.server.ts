import type { EntityManager } from '@mikro-orm/sql';
import { all, run } from '../db/sql.server';
import type { SignInSettings } from './sign-in-settings.server';

// Per-address throttling of sign-in attempts, in the database so it holds across app instances. An attempt takes a
// point before the password is checked (one atomic upsert, so parallel attempts cannot all slip under the limit)
// and a successful sign-in gives it back: a call centre behind one NAT address signing in at the start of a shift
// is never throttled; a guesser is.

const MINUTE = 60_000;

export interface AddressAttempt {
  throttled: boolean;
  /** Seconds until the address's window ends (for Retry-After). */
  retryAfterSeconds: number;
}

export async function takeAddressAttempt(
  em: EntityManager,
  address: string,
  s: SignInSettings,
  now: Date,
): Promise<AddressAttempt> {
  const cutoff = new Date(now.getTime() - s.addressWindowMinutes * MINUTE);
  const [row] = await all<{ failures: number; window_start: Date | string }>(
    em,
    `insert into sign_in_failure as f (scope, key, failures, window_start) values ('address', ?, 1, ?)
     on conflict (scope, key) do update set
       failures = case when f.window_start <= ? then 1 else f.failures + 1 end,
       window_start = case when f.window_start <= ? then excluded.window_start else f.window_start end
     returning failures, window_start`,
    [address.slice(0, 100), now, cutoff, cutoff],
  );
  const ends = new Date(row.window_start).getTime() + s.addressWindowMinutes * MINUTE;
  return {
    throttled: Number(row.failures) > s.addressAttempts,
    retryAfterSeconds: Math.max(1, Math.ceil((ends - now.getTime()) / 1000)),
  };
}

/** A successful sign-in gives its point back. */
export async function returnAddressAttempt(em: EntityManager, address: string): Promise<void> {
  await run(em, `update sign_in_failure set failures = greatest(failures - 1, 0) where scope = 'address' and key = ?`, [
    address.slice(0, 100),
  ]);
}
