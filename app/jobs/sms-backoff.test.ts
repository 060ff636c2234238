import { describe, expect, it } from 'vitest';
import { MAX_SMS_ATTEMPTS, RETRY_DELAYS_MS, nextAttemptAt } from './sms.server';

// The outbox's retry schedule: 1 min, 5 min, 30 min, 2 h after the 1st–4th failure, then given up.

const T0 = new Date('2026-12-07T02:00:00Z');
const after = (attempts: number) => {
  const at = nextAttemptAt(attempts, T0);
  return at ? (at.getTime() - T0.getTime()) / 60_000 : null;
};

describe('SMS retry backoff', () => {
  it('waits longer after each failure', () => {
    expect([1, 2, 3, 4].map(after)).toEqual([1, 5, 30, 120]);
    expect(RETRY_DELAYS_MS).toHaveLength(MAX_SMS_ATTEMPTS - 1);
  });

  it('gives up after the fifth attempt', () => {
    expect(MAX_SMS_ATTEMPTS).toBe(5);
    expect(after(5)).toBeNull();
    expect(after(6)).toBeNull();
  });
});
