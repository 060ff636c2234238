import { beforeAll, describe, expect, it } from 'vitest';
import {
  importCalendarText,
  listCalendarYear,
  removeCalendarEntry,
  saveCalendarEntry,
} from '../../app/calendar/calendar-admin.server';
import { getWorkCalendar, invalidateWorkCalendar } from '../../app/calendar/calendar.server';
import { addTimeLimit } from '../../app/calendar/working-time';
import { Forbidden, InvalidInput } from '../../app/domain/errors';
import { DB_KINDS } from '../support/env';
import { useTestServices } from '../support/services';

// Tuesday 2026-12-15, 10:00 in Shanghai; one working day later is the end of Wednesday 12-16.
const RECEIVED = new Date('2026-12-15T02:00:00Z');
const ONE_DAY = { amount: 1, unit: 'workingDays' } as const;

describe.each(DB_KINDS)('working-day calendar admin on %s', (kind) => {
  const t = useTestServices(kind);
  beforeAll(() => {
    invalidateWorkCalendar(); // another database's calendar may be cached in this process
  });
  const admin = () => t.as('admin');
  const due = async () => addTimeLimit(await getWorkCalendar(t.em()), RECEIVED, ONE_DAY).toISOString();

  it('a holiday added on a weekday moves deadlines; removing it moves them back', async () => {
    expect((await getWorkCalendar(t.em())).isWorkingDay('2026-12-16')).toBe(true);
    expect(await due()).toBe('2026-12-16T16:00:00.000Z');
    await saveCalendarEntry(t.em(), admin(), { date: '2026-12-16', kind: 'holiday', name: '临时调整' });
    expect((await getWorkCalendar(t.em())).isWorkingDay('2026-12-16')).toBe(false);
    expect(await due()).toBe('2026-12-17T16:00:00.000Z');
    expect((await listCalendarYear(t.em(), admin(), 2026)).find((e) => e.date === '2026-12-16')).toEqual({
      date: '2026-12-16',
      kind: 'holiday',
      name: '临时调整',
      weekday: 3,
    });
    await removeCalendarEntry(t.em(), admin(), '2026-12-16');
    expect((await getWorkCalendar(t.em())).isWorkingDay('2026-12-16')).toBe(true);
    expect(await due()).toBe('2026-12-16T16:00:00.000Z');
  });

  it('an adjusted working Saturday counts as a working day', async () => {
    await saveCalendarEntry(t.em(), admin(), { date: '2026-12-19', kind: 'workday', name: '调休' });
    expect((await getWorkCalendar(t.em())).isWorkingDay('2026-12-19')).toBe(true);
    await removeCalendarEntry(t.em(), admin(), '2026-12-19');
  });

  it('refuses an adjusted working day on a Tuesday, a non-existent date and non-admins', async () => {
    const before = (await listCalendarYear(t.em(), admin(), 2026)).length;
    const tuesday = await saveCalendarEntry(t.em(), admin(), {
      date: '2026-12-15',
      kind: 'workday',
      name: '调休',
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(tuesday).toBeInstanceOf(InvalidInput);
    expect((tuesday as InvalidInput).fieldErrors).toEqual({ date: ['调休上班日应为周六或周日'] });
    const feb30 = await saveCalendarEntry(t.em(), admin(), {
      date: '2026-02-30',
      kind: 'holiday',
      name: '不存在',
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect((feb30 as InvalidInput).fieldErrors).toEqual({ date: ['日期不存在'] });
    await expect(
      saveCalendarEntry(t.em(), t.as('dispatcher'), { date: '2026-12-16', kind: 'holiday', name: 'x' }),
    ).rejects.toBeInstanceOf(Forbidden);
    expect((await listCalendarYear(t.em(), admin(), 2026)).length).toBe(before);
  });

  it('imports a pasted year file and reports its mistakes', async () => {
    const file = {
      year: 2027,
      entries: [
        { date: '2027-01-01', kind: 'holiday', name: '元旦' },
        { date: '2027-02-20', kind: 'workday', name: '春节' },
      ],
    };
    expect(await importCalendarText(t.em(), admin(), JSON.stringify(file))).toEqual({ year: 2027, entries: 2 });
    expect((await getWorkCalendar(t.em())).isWorkingDay('2027-01-01')).toBe(false);
    const broken = await importCalendarText(
      t.em(),
      admin(),
      '{ "year": 2027, "entries": [{ "date": "2027-03-02", "kind": "workday", "name": "x" }] }',
    ).then(
      () => null,
      (e: unknown) => e,
    );
    expect((broken as InvalidInput).fieldErrors.file).toEqual(['entries.0.date：调休上班日 2027-03-02 应为周六或周日']);
    await expect(importCalendarText(t.em(), admin(), 'not json')).rejects.toBeInstanceOf(InvalidInput);
    expect((await listCalendarYear(t.em(), admin(), 2027)).map((e) => e.date)).toEqual(['2027-01-01', '2027-02-20']);
  });
});
