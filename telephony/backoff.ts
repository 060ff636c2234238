/**
 * Reconnect delays: exponential backoff with jitter.
 *
 * The ceiling doubles per attempt (base, 2·base, 4·base …) up to `maxMs`; the delay is drawn
 * from the upper half of the ceiling ("equal jitter"), so it still grows with every attempt
 * but many browsers reconnecting after a Kamailio restart do not all hit it at the same moment.
 */
export interface BackoffOptions {
  baseMs?: number;
  maxMs?: number;
}

export const DEFAULT_BACKOFF = { baseMs: 1_000, maxMs: 15_000 } as const;

/** Upper bound of the delay for `attempt` (0-based), before jitter. */
export function backoffCeiling(attempt: number, options: BackoffOptions = {}): number {
  const baseMs = Math.max(0, options.baseMs ?? DEFAULT_BACKOFF.baseMs);
  const maxMs = Math.max(baseMs, options.maxMs ?? DEFAULT_BACKOFF.maxMs);
  const n = Math.max(0, Math.floor(Number.isFinite(attempt) ? attempt : 0));
  // 2 ** n overflows to Infinity for huge n; Math.min keeps the cap.
  return Math.min(maxMs, baseMs * 2 ** n);
}

/**
 * Delay in ms before reconnect attempt `attempt` (0 = first retry): uniformly in
 * [ceiling/2, ceiling], never above `maxMs`. `random` is injectable for deterministic tests.
 */
export function nextDelay(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const ceiling = backoffCeiling(attempt, options);
  const r = Math.min(1, Math.max(0, random())); // clamp a misbehaving source
  return Math.round(ceiling / 2 + (ceiling / 2) * r);
}
