import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { parseCalendarFile } from '../../app/calendar/calendar-file';
import { CN_HOLIDAYS } from '../../app/calendar/holidays-cn';
import { buildCalendar, isValidLocalDate, weekdayOf, type CalendarEntry } from '../../app/calendar/working-time';

const year = (e: CalendarEntry) => Number(e.date.slice(0, 4));

/** Holiday blocks as 'year name' → number of days off. */
function blockSizes(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of CN_HOLIDAYS) {
    if (e.kind !== 'holiday') continue;
    const key = `${year(e)} ${e.name}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

describe('CN_HOLIDAYS data', () => {
  it('every date is a real date in 2024–2026, in order, without duplicates', () => {
    for (const e of CN_HOLIDAYS) {
      expect(isValidLocalDate(e.date), e.date).toBe(true);
      expect([2024, 2025, 2026]).toContain(year(e));
      expect(['holiday', 'workday']).toContain(e.kind);
      expect(e.name.length).toBeGreaterThan(0);
    }
    const dates = CN_HOLIDAYS.map((e) => e.date);
    expect(new Set(dates).size).toBe(dates.length);
    expect([...dates].sort()).toEqual(dates);
  });

  it('every block has the number of days the notices give', () => {
    expect(blockSizes()).toEqual({
      '2024 元旦': 1,
      '2024 春节': 8,
      '2024 清明节': 3,
      '2024 劳动节': 5,
      '2024 端午节': 1,
      '2024 中秋节': 3,
      '2024 国庆节': 7,
      '2025 元旦': 1,
      '2025 春节': 8,
      '2025 清明节': 3,
      '2025 劳动节': 5,
      '2025 端午节': 3,
      '2025 国庆节、中秋节': 8,
      '2026 元旦': 3,
      '2026 春节': 9,
      '2026 清明节': 3,
      '2026 劳动节': 5,
      '2026 端午节': 3,
      '2026 中秋节': 3,
      '2026 国庆节': 7,
    });
  });

  it('every block is a run of consecutive days', () => {
    const byBlock = new Map<string, number[]>();
    for (const e of CN_HOLIDAYS.filter((x) => x.kind === 'holiday')) {
      const key = `${year(e)} ${e.name}`;
      byBlock.set(key, [...(byBlock.get(key) ?? []), Date.parse(`${e.date}T00:00:00Z`) / 86_400_000]);
    }
    for (const [key, days] of byBlock) {
      expect(days[days.length - 1] - days[0] + 1, key).toBe(days.length);
    }
  });

  it('adjusted working days are exactly the notices’ weekend days', () => {
    const workdays = CN_HOLIDAYS.filter((e) => e.kind === 'workday');
    for (const e of workdays) expect([0, 6], e.date).toContain(weekdayOf(e.date));
    expect(workdays.map((e) => e.date)).toEqual([
      '2024-02-04',
      '2024-02-18',
      '2024-04-07',
      '2024-04-28',
      '2024-05-11',
      '2024-09-14',
      '2024-09-29',
      '2024-10-12',
      '2025-01-26',
      '2025-02-08',
      '2025-04-27',
      '2025-09-28',
      '2025-10-11',
      '2026-01-04',
      '2026-02-14',
      '2026-02-28',
      '2026-05-09',
      '2026-09-20',
      '2026-10-10',
    ]);
  });

  it('working days per year = weekdays − statutory holidays (11 in 2024, 13 from 2025)', () => {
    // Make-up days and 补休 for holidays falling on weekends cancel out, so the
    // year total only depends on the number of statutory days.
    const cal = buildCalendar(CN_HOLIDAYS);
    const count = (y: number) => {
      let n = 0;
      for (let t = Date.UTC(y, 0, 1); t < Date.UTC(y + 1, 0, 1); t += 86_400_000) {
        if (cal.isWorkingDay(new Date(t).toISOString().slice(0, 10))) n++;
      }
      return n;
    };
    expect(count(2024)).toBe(262 - 11); // 2024: 262 weekdays
    expect(count(2025)).toBe(261 - 13);
    expect(count(2026)).toBe(261 - 13);
  });

  it('each year of the built-in data passes the calendar-file schema', () => {
    for (const y of [2024, 2025, 2026]) {
      const entries = CN_HOLIDAYS.filter((e) => year(e) === y);
      expect(parseCalendarFile({ year: y, entries }).entries).toHaveLength(entries.length);
    }
  });
});

describe('parseCalendarFile', () => {
  const ok = {
    year: 2027,
    entries: [
      { date: '2027-01-01', kind: 'holiday', name: '元旦' },
      { date: '2027-02-20', kind: 'workday', name: '春节' }, // Sat
    ],
  };

  /** The messages of the ZodError thrown for `input`. */
  function issues(input: unknown): string[] {
    try {
      parseCalendarFile(input);
    } catch (e) {
      expect(e).toBeInstanceOf(ZodError);
      return (e as ZodError).issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    }
    throw new Error('expected parseCalendarFile to throw');
  }
  const withEntry = (entry: object) => ({ ...ok, entries: [...ok.entries, entry] });

  it('accepts a valid file and the documented example', () => {
    expect(parseCalendarFile(ok)).toEqual(ok);
    const example = JSON.parse(readFileSync(new URL('../../docs/calendar-2027.example.json', import.meta.url), 'utf8'));
    const parsed = parseCalendarFile(example);
    expect(parsed.year).toBe(2027);
    expect(parsed.note).toMatch(/示例/);
    expect(buildCalendar(parsed.entries).isWorkingDay('2027-01-01')).toBe(false);
  });

  it('rejects dates that do not exist or are malformed', () => {
    expect(issues(withEntry({ date: '2027-02-29', kind: 'holiday', name: 'x' }))).toEqual([
      'entries.2.date: 日期不存在：2027-02-29',
    ]);
    expect(issues(withEntry({ date: '2027-13-01', kind: 'holiday', name: 'x' }))).toEqual([
      'entries.2.date: 日期不存在：2027-13-01',
    ]);
    expect(issues(withEntry({ date: '2027-1-5', kind: 'holiday', name: 'x' }))[0]).toMatch(
      /^entries\.2\.date: 日期格式应为 YYYY-MM-DD/,
    );
  });

  it('rejects dates outside the file’s year', () => {
    expect(issues(withEntry({ date: '2026-12-31', kind: 'holiday', name: 'x' }))).toEqual([
      'entries.2.date: 日期 2026-12-31 不在 2027 年内',
    ]);
  });

  it('rejects duplicate dates', () => {
    expect(issues(withEntry({ date: '2027-01-01', kind: 'holiday', name: '元旦' }))).toEqual([
      'entries.2.date: 日期 2027-01-01 重复（与第 1 条相同）',
    ]);
  });

  it('rejects a make-up working day on a weekday', () => {
    expect(issues(withEntry({ date: '2027-01-04', kind: 'workday', name: 'x' }))).toEqual([
      'entries.2.date: 调休上班日 2027-01-04 应为周六或周日',
    ]);
  });

  it('rejects wrong shapes', () => {
    expect(issues(withEntry({ date: '2027-01-04', kind: 'rest', name: 'x' }))[0]).toMatch(/^entries\.2\.kind:/);
    expect(issues(withEntry({ date: '2027-01-04', kind: 'holiday', name: ' ' }))[0]).toMatch(/^entries\.2\.name:/);
    expect(issues({ ...ok, year: 2027.5 })).toEqual(['year: year 必须是整数']);
    expect(issues({ ...ok, year: '2027' })).toEqual(['year: year 必须是数字']);
    expect(issues({ ...ok, extra: true })).toEqual([': 未知字段：extra']);
    expect(issues(null)).toEqual([': 日历文件应为 JSON 对象 { year, entries }']);
  });
});
