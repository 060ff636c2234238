import { describe, expect, it } from 'vitest';
import { backoffCeiling, nextDelay } from './backoff';

describe('nextDelay', () => {
  const opts = { baseMs: 1_000, maxMs: 15_000 };

  it('grows with each attempt for the same random draw', () => {
    for (const r of [0, 0.3, 1]) {
      const delays = [0, 1, 2, 3].map((a) => nextDelay(a, opts, () => r));
      for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThan(delays[i - 1]);
    }
  });

  it('is capped at maxMs however many attempts failed', () => {
    for (const attempt of [4, 5, 10, 100, 10_000]) {
      expect(nextDelay(attempt, opts, () => 1)).toBe(15_000);
      expect(backoffCeiling(attempt, opts)).toBe(15_000);
    }
  });

  it('keeps jitter within [ceiling/2, ceiling]', () => {
    for (let attempt = 0; attempt < 8; attempt++) {
      const ceiling = backoffCeiling(attempt, opts);
      for (let i = 0; i < 200; i++) {
        const d = nextDelay(attempt, opts);
        expect(d).toBeGreaterThanOrEqual(ceiling / 2);
        expect(d).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  it('is deterministic with an injected random source', () => {
    expect(nextDelay(0, opts, () => 0)).toBe(500);
    expect(nextDelay(0, opts, () => 1)).toBe(1_000);
    expect(nextDelay(2, opts, () => 0.5)).toBe(3_000);
    expect(nextDelay(3, opts, () => 0.25)).toBe(5_000);
    expect(nextDelay(3, opts, () => 0.25)).toBe(nextDelay(3, opts, () => 0.25));
  });

  it('uses base 1 s / max 15 s by default and tolerates odd input', () => {
    expect(nextDelay(0, {}, () => 1)).toBe(1_000);
    expect(nextDelay(50, {}, () => 1)).toBe(15_000);
    expect(nextDelay(-3, {}, () => 1)).toBe(1_000);
    expect(nextDelay(Number.NaN, {}, () => 1)).toBe(1_000);
    expect(nextDelay(1, {}, () => 7)).toBe(2_000); // random() > 1 is clamped
    expect(nextDelay(1, { baseMs: 2_000, maxMs: 1_000 }, () => 1)).toBe(2_000); // max below base: base wins
  });

  it('reaches the cap within 30 s of cumulative worst-case waiting', () => {
    let total = 0;
    let attempt = 0;
    while (backoffCeiling(attempt, opts) < 15_000) total += nextDelay(attempt++, opts, () => 1);
    expect(total).toBeLessThan(30_000);
  });
});
