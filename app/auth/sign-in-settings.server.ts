// Operator settings for failed sign-ins, read on each use so a test (or an operator's restart) sees the current value.

function setting(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  const n = raw === undefined || raw.trim() === '' ? fallback : Number(raw);
  return Number.isInteger(n) && n >= min ? n : fallback;
}

export interface SignInSettings {
  /** LOGIN_LOCK_FAILURES: failed sign-ins of one account within the window that lock it. */
  lockFailures: number;
  /** LOGIN_LOCK_WINDOW_MINUTES: the window those failures are counted in. */
  lockWindowMinutes: number;
  /** LOGIN_LOCK_MINUTES: how long a lock lasts by itself; 0 keeps it until an admin unlocks the account. */
  lockMinutes: number;
  /** LOGIN_ADDRESS_ATTEMPTS: sign-ins from one address that may fail within its window before it gets 429. */
  addressAttempts: number;
  /** LOGIN_ADDRESS_WINDOW_MINUTES. */
  addressWindowMinutes: number;
}

export function signInSettings(): SignInSettings {
  return {
    lockFailures: setting('LOGIN_LOCK_FAILURES', 5, 1),
    lockWindowMinutes: setting('LOGIN_LOCK_WINDOW_MINUTES', 15, 1),
    lockMinutes: setting('LOGIN_LOCK_MINUTES', 30, 0),
    addressAttempts: setting('LOGIN_ADDRESS_ATTEMPTS', 20, 1),
    addressWindowMinutes: setting('LOGIN_ADDRESS_WINDOW_MINUTES', 1, 1),
  };
}
