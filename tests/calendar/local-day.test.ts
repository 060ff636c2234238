import { describe, expect, it } from 'vitest';
import { localDateOf, localDateStart, startOfLocalDay } from '../../app/calendar/working-time';

/** Instant from a Beijing wall-clock time 'YYYY-MM-DD HH:mm:ss'. */
const bj = (s: string) => new Date(`${s.replace(' ', 'T')}+08:00`);

describe('today in the city (Asia/Shanghai)', () => {
  it('starts at local midnight, whatever the UTC date is', () => {
    // 05:17 in the city is 21:17 UTC the day before: today is still the local date.
    expect(startOfLocalDay(bj('2026-12-02 05:17:00')).toISOString()).toBe('2026-12-01T16:00:00.000Z');
    expect(startOfLocalDay(bj('2026-12-02 23:59:59')).toISOString()).toBe('2026-12-01T16:00:00.000Z');
    expect(startOfLocalDay(bj('2026-12-02 12:00:00')).toISOString()).toBe('2026-12-01T16:00:00.000Z');
  });

  it('turns over exactly at midnight, not 24 hours back', () => {
    const midnight = bj('2026-12-02 00:00:00');
    expect(startOfLocalDay(midnight).getTime()).toBe(midnight.getTime());
    expect(startOfLocalDay(new Date(midnight.getTime() - 1)).toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(startOfLocalDay(new Date(midnight.getTime() + 1)).getTime()).toBe(midnight.getTime());
    // Yesterday 23:30 is before today's start, 00:10 is after it.
    const today = startOfLocalDay(bj('2026-12-02 05:17:00'));
    expect(bj('2026-12-01 23:30:00') < today).toBe(true);
    expect(bj('2026-12-02 00:10:00') >= today).toBe(true);
  });

  it('agrees with the local date across month and year ends and leap days', () => {
    for (const s of ['2026-12-31 23:59:59', '2027-01-01 00:00:00', '2028-02-29 00:30:00', '2028-03-01 07:59:59']) {
      const start = startOfLocalDay(bj(s));
      expect(localDateOf(start), s).toBe(s.slice(0, 10));
      expect(localDateOf(new Date(start.getTime() - 1)), s).not.toBe(s.slice(0, 10));
      expect(start.getTime(), s).toBe(localDateStart(s.slice(0, 10)).getTime());
    }
  });

  it('gives the start of a local date, and of the day after for ranges', () => {
    expect(localDateStart('2026-12-02').toISOString()).toBe('2026-12-01T16:00:00.000Z');
    expect(localDateStart('2026-12-31', 1).toISOString()).toBe('2026-12-31T16:00:00.000Z');
    expect(() => localDateStart('2026-02-30')).toThrow(RangeError);
    expect(() => startOfLocalDay(new Date(Number.NaN))).toThrow(TypeError);
  });
});
