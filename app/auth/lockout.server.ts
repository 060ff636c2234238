import type { EntityManager } from '@mikro-orm/sql';
import { all, one, run } from '../db/sql.server';
import type { SignInSettings } from './sign-in-settings.server';

// Account lockout: failed sign-ins per account name in a window, in the database so that every app instance counts
// into the same row. Each failure is one upsert whose row lock serialises concurrent attempts, so 20 parallel wrong
// passwords leave exactly 20 and lock the account exactly once. Keyed by the lower-cased name as typed: an unknown
// name locks like a real one, so the lock message tells nobody which names exist.

const MINUTE = 60_000;

export function accountKey(username: string): string {
  return username.trim().toLowerCase().slice(0, 100);
}

/** Before this instant a lock has run out by itself; with no lock duration, never. */
function lockCutoff(s: SignInSettings, now: Date): Date {
  return s.lockMinutes > 0 ? new Date(now.getTime() - s.lockMinutes * MINUTE) : new Date(0);
}

/** Whether the account name is locked now. */
export async function isLocked(em: EntityManager, username: string, s: SignInSettings, now: Date): Promise<boolean> {
  const row = await one(
    em,
    `select 1 from sign_in_failure where scope = 'account' and key = ? and locked_at is not null and locked_at > ?`,
    [accountKey(username), lockCutoff(s, now)],
  );
  return Boolean(row);
}

export interface AccountFailure {
  failures: number;
  locked: boolean;
  /** This failure is the one that locked the account (true for exactly one attempt per lock). */
  lockedNow: boolean;
}

/**
 * Counts one failed attempt. A lock in force stays (attempts while locked still count); a window that has passed,
 * or a lock that ran out, starts again at 1.
 */
export async function countAccountFailure(
  em: EntityManager,
  username: string,
  s: SignInSettings,
  now: Date,
): Promise<AccountFailure> {
  const windowCutoff = new Date(now.getTime() - s.lockWindowMinutes * MINUTE);
  const lockedCut = lockCutoff(s, now);
  const inForce = `(f.locked_at is not null and f.locked_at > ?)`;
  const fresh = `(not ${inForce} and (f.window_start <= ? or f.locked_at is not null))`;
  const [row] = await all<{ failures: number; locked_at: Date | string | null }>(
    em,
    `insert into sign_in_failure as f (scope, key, failures, window_start, locked_at)
     values ('account', ?, 1, ?, case when 1 >= ? then ?::timestamptz else null end)
     on conflict (scope, key) do update set
       failures = case when ${fresh} then 1 else f.failures + 1 end,
       window_start = case when ${fresh} then excluded.window_start else f.window_start end,
       locked_at = case
         when ${inForce} then f.locked_at
         when (case when ${fresh} then 1 else f.failures + 1 end) >= ? then excluded.window_start
         else null end
     returning failures, locked_at`,
    [
      accountKey(username),
      now,
      s.lockFailures,
      now,
      ...[lockedCut, windowCutoff], // failures: fresh
      ...[lockedCut, windowCutoff], // window_start: fresh
      lockedCut, // locked_at: lock in force
      ...[lockedCut, windowCutoff], // locked_at: fresh, then the count reaches the limit
      s.lockFailures,
    ],
  );
  const failures = Number(row.failures);
  const locked = row.locked_at !== null;
  // The count rises by one per attempt and a lock keeps counting, so it equals the limit once per lock.
  return { failures, locked, lockedNow: locked && failures === s.lockFailures };
}

/** A right password ends the run of failures (a lock set meanwhile by a parallel attempt stays). */
export async function clearAccountFailures(
  em: EntityManager,
  username: string,
  s: SignInSettings,
  now: Date,
): Promise<void> {
  await run(
    em,
    `delete from sign_in_failure where scope = 'account' and key = ? and (locked_at is null or locked_at <= ?)`,
    [accountKey(username), lockCutoff(s, now)],
  );
}

/** Lifts a lock and forgets the failures; whether there was a lock in force to lift. */
export async function unlockAccount(
  em: EntityManager,
  username: string,
  s: SignInSettings,
  now: Date,
): Promise<boolean> {
  const rows = await all<{ locked: boolean }>(
    em,
    `delete from sign_in_failure where scope = 'account' and key = ?
     returning (locked_at is not null and locked_at > ?) as locked`,
    [accountKey(username), lockCutoff(s, now)],
  );
  return rows.some((r) => r.locked);
}

/** Of these user names, the ones locked now (lower-cased). */
export async function lockedNames(
  em: EntityManager,
  usernames: string[],
  s: SignInSettings,
  now: Date,
): Promise<Set<string>> {
  if (!usernames.length) return new Set();
  const rows = await all<{ key: string }>(
    em,
    `select key from sign_in_failure where scope = 'account' and key in (?) and locked_at is not null and locked_at > ?`,
    [usernames.map(accountKey), lockCutoff(s, now)],
  );
  return new Set(rows.map((r) => r.key));
}
