import { describe, expect, it } from 'vitest';
import { CN_HOLIDAYS } from '../../app/calendar/holidays-cn';
import {
  OFFICE_HOURS,
  OFFICE_MINUTES_PER_DAY,
  addLegalDays,
  addTimeLimit,
  buildCalendar,
  localDateOf,
  localDateTime,
  remainingTime,
  warnInstant,
  type TimeLimit,
} from '../../app/calendar/working-time';

const cal = buildCalendar(CN_HOLIDAYS);

/** Instant from a Beijing wall-clock time 'YYYY-MM-DD HH:mm'. */
const bj = (s: string) => new Date(`${s.replace(' ', 'T')}:00+08:00`);
const due = (start: string, limit: TimeLimit) => localDateTime(addTimeLimit(cal, bj(start), limit));
const days = (amount: number): TimeLimit => ({ amount, unit: 'workingDays' });
const hours = (amount: number): TimeLimit => ({ amount, unit: 'workingHours' });
const clock = (amount: number): TimeLimit => ({ amount, unit: 'clockHours' });

describe('local time (fixed UTC+08:00)', () => {
  it('shifts the date across UTC midnight', () => {
    expect(localDateOf(new Date('2025-09-30T16:30:00Z'))).toBe('2025-10-01');
    expect(localDateTime(new Date('2025-09-30T16:30:00Z'))).toBe('2025-10-01 00:30');
    expect(localDateOf(new Date('2025-09-30T15:59:59Z'))).toBe('2025-09-30');
  });

  it('office hours are 09–12 and 13–18, 8 hours a day', () => {
    expect(OFFICE_HOURS.map((p) => [p.start / 60, p.end / 60])).toEqual([
      [9, 12],
      [13, 18],
    ]);
    expect(OFFICE_MINUTES_PER_DAY).toBe(480);
  });
});

describe('buildCalendar', () => {
  it('applies holidays and adjusted working weekends around 2025 National Day', () => {
    expect(cal.isWorkingDay('2025-09-26')).toBe(true); // Fri
    expect(cal.isWorkingDay('2025-09-27')).toBe(false); // Sat
    expect(cal.isWorkingDay('2025-09-28')).toBe(true); // Sun, 调休上班
    expect(cal.isWorkingDay('2025-09-30')).toBe(true); // Tue
    expect(cal.isWorkingDay('2025-10-01')).toBe(false);
    expect(cal.isWorkingDay('2025-10-08')).toBe(false); // Wed, last holiday
    expect(cal.isWorkingDay('2025-10-09')).toBe(true);
    expect(cal.isWorkingDay('2025-10-11')).toBe(true); // Sat, 调休上班
    expect(cal.isWorkingDay('2025-10-12')).toBe(false); // Sun
  });

  it('follows the weekday rule in years it has no data for', () => {
    expect(cal.isWorkingDay('2030-01-01')).toBe(true); // a Tuesday; no 2030 data loaded
    expect(cal.isWorkingDay('2030-01-05')).toBe(false); // Sat
    expect(cal.isWorkingDay('2030-01-06')).toBe(false); // Sun
    expect(cal.isWorkingDay('2030-01-07')).toBe(true); // Mon
  });

  it('rejects malformed dates and contradictory entries', () => {
    expect(() => cal.isWorkingDay('2025-02-29')).toThrow(RangeError);
    expect(() => cal.isWorkingDay('2025-9-1')).toThrow(RangeError);
    expect(() =>
      buildCalendar([
        { date: '2030-01-05', kind: 'workday', name: 'a' },
        { date: '2030-01-05', kind: 'holiday', name: 'b' },
      ]),
    ).toThrow(/Conflicting/);
    // Repeating the same fact is fine (e.g. built-in data plus a file for the same year).
    expect(buildCalendar([...CN_HOLIDAYS, ...CN_HOLIDAYS]).isWorkingDay('2025-10-11')).toBe(true);
  });
});

describe('addTimeLimit — workingDays', () => {
  it('counts from the day after receipt, across National Day 2025 and its Saturday make-up day', () => {
    // Oct 1–8 off, Oct 9 = 1, Oct 10 = 2, Oct 11 (Sat, 调休上班) = 3 → end of Oct 11.
    const d = addTimeLimit(cal, bj('2025-09-30 10:00'), days(3));
    expect(d.toISOString()).toBe('2025-10-11T16:00:00.000Z');
    expect(due('2025-09-30 10:00', days(4))).toBe('2025-10-14 00:00'); // Oct 12 Sun rest, Oct 13 Mon = 4
  });

  it('counts Sunday 2025-09-28 as a working day', () => {
    expect(due('2025-09-26 16:00', days(1))).toBe('2025-09-29 00:00'); // Sat rest, Sun 28 = 1
    expect(due('2025-09-26 16:00', days(3))).toBe('2025-10-01 00:00'); // 28, 29, 30
    expect(due('2025-09-26 16:00', days(4))).toBe('2025-10-10 00:00'); // … holiday … Oct 9
  });

  it('skips the 2025 Spring Festival and counts its make-up Sunday and Saturday', () => {
    // Received Fri Jan 24: Sun 26 = 1, Mon 27 = 2, Jan 28–Feb 4 off, Feb 5/6/7 = 3/4/5, Sat Feb 8 = 6.
    expect(due('2025-01-24 15:00', days(1))).toBe('2025-01-27 00:00');
    expect(due('2025-01-24 15:00', days(3))).toBe('2025-02-06 00:00');
    expect(due('2025-01-24 15:00', days(5))).toBe('2025-02-08 00:00');
    expect(due('2025-01-24 15:00', days(6))).toBe('2025-02-09 00:00');
    expect(due('2025-01-24 15:00', days(7))).toBe('2025-02-11 00:00'); // Sun Feb 9 rest, Mon Feb 10 = 7
  });

  it('starts counting after a receipt on a holiday', () => {
    expect(due('2025-10-03 20:00', days(1))).toBe('2025-10-10 00:00'); // Oct 9
    expect(due('2025-10-08 23:59', days(1))).toBe('2025-10-10 00:00'); // last holiday, still Oct 9
  });

  it('does not count the receipt day when it is a Saturday make-up day', () => {
    // Sat Oct 11 works, but is the receipt day; Sun 12 rest; Mon 13 = 1.
    expect(due('2025-10-11 09:30', days(1))).toBe('2025-10-14 00:00');
  });

  it('uses the Beijing date of receipt, not the UTC date', () => {
    // 2025-10-09 00:30 in Beijing is still Oct 8 in UTC.
    expect(addTimeLimit(cal, new Date('2025-10-08T16:30:00Z'), days(1)).toISOString()).toBe('2025-10-10T16:00:00.000Z');
  });

  it('rejects fractional, zero and negative amounts', () => {
    expect(() => addTimeLimit(cal, bj('2025-09-30 10:00'), days(1.5))).toThrow(RangeError);
    expect(() => addTimeLimit(cal, bj('2025-09-30 10:00'), days(0))).toThrow(RangeError);
    expect(() => addTimeLimit(cal, bj('2025-09-30 10:00'), days(-1))).toThrow(RangeError);
    expect(() => addTimeLimit(cal, bj('2025-09-30 10:00'), days(NaN))).toThrow(RangeError);
    expect(() => addTimeLimit(cal, new Date('nope'), days(1))).toThrow(TypeError);
  });
});

describe('addLegalDays — legal periods in calendar days (法定期间)', () => {
  const legal = (start: string, n: number) => localDateTime(addLegalDays(cal, bj(start), n));
  it('does not count the starting day and ends at 24:00 of the last day', () => {
    // Thursday 2025-03-06 + 5 days → Tuesday 2025-03-11, ending at midnight.
    expect(legal('2025-03-06 15:00', 5)).toBe('2025-03-12 00:00');
    expect(legal('2025-03-06 00:01', 5)).toBe('2025-03-12 00:00');
  });
  it('moves a last day on a weekend to the next working day', () => {
    // Monday 2025-03-03 + 5 → Saturday 2025-03-08 → Monday 2025-03-10.
    expect(legal('2025-03-03 10:00', 5)).toBe('2025-03-11 00:00');
  });
  it('moves a last day in the National Day holiday past it, counting the holiday days themselves', () => {
    // 2025-09-26 + 7 → 2025-10-03 (holiday until 10-08) → ends with Thursday 10-09.
    expect(legal('2025-09-26 10:00', 7)).toBe('2025-10-10 00:00');
    // 45 days run straight through the holiday: 2025-09-01 + 45 → Thursday 2025-10-16.
    expect(legal('2025-09-01 10:00', 45)).toBe('2025-10-17 00:00');
  });
  it('refuses a period that is not a whole number of days', () => {
    expect(() => addLegalDays(cal, bj('2025-03-03 10:00'), 0)).toThrow(RangeError);
    expect(() => addLegalDays(cal, bj('2025-03-03 10:00'), 1.5)).toThrow(RangeError);
  });
});

describe('addTimeLimit — workingHours', () => {
  it('skips the lunch break', () => {
    expect(due('2025-09-22 11:00', hours(2))).toBe('2025-09-22 14:00'); // 11–12, 13–14
    expect(due('2025-09-22 11:00', hours(1.5))).toBe('2025-09-22 13:30');
  });

  it('ends at the end of a period when the limit is used up exactly there', () => {
    expect(due('2025-09-22 11:00', hours(1))).toBe('2025-09-22 12:00');
    expect(due('2025-09-22 09:00', hours(8))).toBe('2025-09-22 18:00');
  });

  it('continues the next working morning', () => {
    expect(due('2025-09-22 17:00', hours(2))).toBe('2025-09-23 10:00');
  });

  it('skips a weekend', () => {
    // Fri 16:30–18:00 = 1.5h, Sat/Sun off, Mon 09:00–11:30 = 2.5h.
    expect(due('2025-09-19 16:30', hours(4))).toBe('2025-09-22 11:30');
  });

  it('starts at the next office period when received outside office hours', () => {
    expect(due('2025-09-20 22:00', hours(1))).toBe('2025-09-22 10:00'); // Saturday night
    expect(due('2025-09-22 07:00', hours(3))).toBe('2025-09-22 12:00'); // before opening
    expect(due('2025-09-22 12:30', hours(0.5))).toBe('2025-09-22 13:30'); // lunch
    expect(due('2025-09-22 18:00', hours(1))).toBe('2025-09-23 10:00'); // closing time
  });

  it('works on the 2025-09-28 make-up Sunday and skips National Day', () => {
    // Fri 17–18 = 1h, Sat off, Sun 28 = 8h, Mon 29 09–10 = 1h.
    expect(due('2025-09-26 17:00', hours(10))).toBe('2025-09-29 10:00');
    // Tue 30 16–18 = 2h, Oct 1–8 off, Thu Oct 9 09–12 = 3h.
    expect(due('2025-09-30 16:00', hours(5))).toBe('2025-10-09 12:00');
  });
});

describe('addTimeLimit — clockHours', () => {
  it('runs through holidays unchanged', () => {
    expect(due('2025-09-30 20:00', clock(48))).toBe('2025-10-02 20:00');
    expect(due('2025-10-01 23:00', clock(2))).toBe('2025-10-02 01:00');
    expect(due('2025-10-01 10:00', clock(1.5))).toBe('2025-10-01 11:30');
  });
});

describe('warnInstant at 80%', () => {
  it('clockHours: 80% of wall-clock time', () => {
    const start = bj('2025-10-01 00:00');
    const end = addTimeLimit(cal, start, clock(10));
    expect(localDateTime(warnInstant(cal, start, end, 'clockHours'))).toBe('2025-10-01 08:00');
    expect(localDateTime(warnInstant(cal, start, end, 'clockHours', 0.5))).toBe('2025-10-01 05:00');
  });

  it('workingHours: 80% of office time, skipping the weekend', () => {
    // 10 office hours Fri 17:00 → Mon 10:00; 8h elapse at Sun 28 17:00 (Fri 1h + Sun 7h).
    const start = bj('2025-09-26 17:00');
    const end = addTimeLimit(cal, start, hours(10));
    expect(localDateTime(end)).toBe('2025-09-29 10:00');
    expect(localDateTime(warnInstant(cal, start, end, 'workingHours'))).toBe('2025-09-28 17:00');
  });

  it('workingDays: 80% of working-day time, holidays counting zero', () => {
    // Sep 30 10:00–24:00 = 14h, Oct 9/10/11 = 72h → 86h; 80% = 68h48m.
    // 14h + Oct 9 24h + Oct 10 24h = 62h; 6h48m more → Sat Oct 11 06:48.
    const start = bj('2025-09-30 10:00');
    const end = addTimeLimit(cal, start, days(3));
    expect(localDateTime(warnInstant(cal, start, end, 'workingDays'))).toBe('2025-10-11 06:48');
  });

  it('workingDays from a holiday: only the counted days matter', () => {
    // Oct 9/10/11 = 72h; 80% = 57h36m → Oct 11 09:36.
    const start = bj('2025-10-03 10:00');
    const end = addTimeLimit(cal, start, days(3));
    expect(localDateTime(end)).toBe('2025-10-12 00:00');
    expect(localDateTime(warnInstant(cal, start, end, 'workingDays'))).toBe('2025-10-11 09:36');
  });

  it('share 0 and 1 give start and due; bad input throws', () => {
    const start = bj('2025-09-26 17:00');
    const end = bj('2025-09-29 10:00');
    expect(warnInstant(cal, start, end, 'workingHours', 0).getTime()).toBe(start.getTime());
    expect(warnInstant(cal, start, end, 'workingHours', 1).getTime()).toBe(end.getTime());
    expect(() => warnInstant(cal, start, end, 'workingHours', 1.2)).toThrow(RangeError);
    expect(() => warnInstant(cal, end, start, 'workingHours')).toThrow(RangeError);
  });
});

describe('remainingTime', () => {
  it('clockHours: hours and minutes of wall-clock time', () => {
    expect(remainingTime(cal, bj('2025-10-01 10:00'), bj('2025-10-01 11:20'), 'clockHours')).toEqual({
      minutes: 80,
      label: '剩余 1 小时 20 分',
    });
    expect(remainingTime(cal, bj('2025-10-01 10:40'), bj('2025-10-01 11:20'), 'clockHours').label).toBe('剩余 40 分');
  });

  it('workingDays: working days plus hours, holidays not counted', () => {
    const end = bj('2025-10-12 00:00'); // end of Sat Oct 11
    // Oct 9 21:00–24:00 = 3h + Oct 10, Oct 11.
    expect(remainingTime(cal, bj('2025-10-09 21:00'), end, 'workingDays')).toEqual({
      minutes: 51 * 60,
      label: '剩余 2 个工作日 3 小时',
    });
    // Mid-holiday: all three days still ahead.
    expect(remainingTime(cal, bj('2025-10-05 12:00'), end, 'workingDays')).toEqual({
      minutes: 72 * 60,
      label: '剩余 3 个工作日',
    });
  });

  it('workingHours: office time only', () => {
    // Fri 16:00 → Mon 10:00: Fri 2h + Mon 1h.
    expect(remainingTime(cal, bj('2025-09-19 16:00'), bj('2025-09-22 10:00'), 'workingHours')).toEqual({
      minutes: 180,
      label: '剩余 3 小时',
    });
  });

  it('is negative when overdue, measured in the unit’s time', () => {
    // Due Fri 16:00, now Mon 12:00: Fri 2h + Mon 3h of office time.
    expect(remainingTime(cal, bj('2025-09-22 12:00'), bj('2025-09-19 16:00'), 'workingHours')).toEqual({
      minutes: -300,
      label: '已超期 5 小时',
    });
    expect(remainingTime(cal, bj('2025-10-01 10:30'), bj('2025-10-01 10:00'), 'clockHours')).toEqual({
      minutes: -30,
      label: '已超期 30 分',
    });
    // Due end of Oct 11; Sun Oct 12 does not count, Mon Oct 13 00:00–10:00 does.
    expect(remainingTime(cal, bj('2025-10-13 10:00'), bj('2025-10-12 00:00'), 'workingDays')).toEqual({
      minutes: -600,
      label: '已超期 10 小时',
    });
  });

  it('is still negative when overdue only by non-working time', () => {
    expect(remainingTime(cal, bj('2025-10-12 15:00'), bj('2025-10-12 00:00'), 'workingDays')).toEqual({
      minutes: -1,
      label: '已超期',
    });
  });

  it('is zero at the deadline itself', () => {
    expect(remainingTime(cal, bj('2025-10-01 10:00'), bj('2025-10-01 10:00'), 'clockHours')).toEqual({
      minutes: 0,
      label: '剩余 0 分',
    });
  });
});

describe('remainingTime says every span in one set of units (decision 018)', () => {
  it('says a day or more in working days of the calendar, whatever the limit’s unit: never calendar days', () => {
    expect(remainingTime(cal, bj('2025-03-03 10:00'), bj('2025-04-02 12:30'), 'clockHours').label).toBe(
      '剩余 22 个工作日 2 小时',
    );
    expect(remainingTime(cal, bj('2025-03-03 10:00'), bj('2025-03-05 10:00'), 'clockHours').label).toBe(
      '剩余 2 个工作日',
    );
    expect(remainingTime(cal, bj('2025-03-03 10:00'), bj('2025-03-05 09:00'), 'clockHours').label).toBe(
      '剩余 1 个工作日 23 小时',
    );
    // Overdue by ten calendar days, two of them a weekend.
    expect(remainingTime(cal, bj('2025-03-20 10:00'), bj('2025-03-10 10:00'), 'clockHours').label).toBe(
      '已超期 8 个工作日',
    );
    // The same appeal late by the same time reads the same for a working-day limit.
    expect(remainingTime(cal, bj('2025-03-20 10:00'), bj('2025-03-10 10:00'), 'workingDays').label).toBe(
      '已超期 8 个工作日',
    );
    // 40 office hours Mon 09:00 – Fri 18:00 are 4 working days and 9 hours.
    expect(remainingTime(cal, bj('2025-03-03 09:00'), bj('2025-03-07 18:00'), 'workingHours').label).toBe(
      '剩余 4 个工作日 9 小时',
    );
  });

  it('says less than a day in hours and minutes of the limit’s own time', () => {
    expect(remainingTime(cal, bj('2025-03-03 10:00'), bj('2025-03-03 11:20'), 'clockHours').label).toBe(
      '剩余 1 小时 20 分',
    );
    expect(remainingTime(cal, bj('2025-03-03 10:00'), bj('2025-03-03 20:00'), 'workingDays').label).toBe(
      '剩余 10 小时',
    );
  });

  it('says a legal period (法定期间) in calendar days, as the law counts it', () => {
    const legal = { legalPeriod: true };
    expect(remainingTime(cal, bj('2025-03-03 10:00'), bj('2025-04-02 12:30'), 'clockHours', legal).label).toBe(
      '剩余 30 天 2 小时',
    );
    expect(remainingTime(cal, bj('2025-03-20 10:00'), bj('2025-03-10 10:00'), 'clockHours', legal).label).toBe(
      '已超期 10 天',
    );
    expect(remainingTime(cal, bj('2025-03-03 10:00'), bj('2025-03-03 11:20'), 'clockHours', legal).label).toBe(
      '剩余 1 小时 20 分',
    );
  });

  it('keeps clock hours for a long clock-time span with no working day in it (a holiday week)', () => {
    expect(remainingTime(cal, bj('2025-10-04 00:00'), bj('2025-10-01 00:00'), 'clockHours')).toEqual({
      minutes: -72 * 60,
      label: '已超期 72 小时',
    });
  });
});

describe('long spans (a year-overdue appeal)', () => {
  it('count the same working days as walking the calendar day by day, holidays and 调休 included', async () => {
    const { CN_HOLIDAYS } = await import('../../app/calendar/holidays-cn');
    const {
      buildCalendar: build,
      workingDaysBetween,
      remainingTime: remaining,
    } = await import('../../app/calendar/working-time');
    const cal = build(CN_HOLIDAYS);
    const walk = (from: string, to: string) => {
      let n = 0;
      for (let d = Date.parse(`${from}T00:00:00Z`); d < Date.parse(`${to}T00:00:00Z`); d += 86_400_000) {
        if (cal.isWorkingDay(new Date(d).toISOString().slice(0, 10))) n++;
      }
      return n;
    };
    for (const [from, to] of [
      ['2024-01-01', '2026-12-31'],
      ['2025-09-29', '2025-10-13'],
      ['2024-02-05', '2024-02-26'],
    ]) {
      const days = workingDaysBetween(cal, new Date(`${from}T00:00:00+08:00`), new Date(`${to}T00:00:00+08:00`));
      expect(days, `${from}..${to}`).toBe(walk(from, to));
    }
    // 已超期 labels over a long span agree with the count.
    const late = remaining(
      cal,
      new Date('2026-06-01T00:00:00+08:00'),
      new Date('2025-06-03T00:00:00+08:00'),
      'workingDays',
    );
    expect(late.minutes).toBe(-walk('2025-06-03', '2026-06-01') * 24 * 60);
  });
});
