import { describe, expect, it } from 'vitest';
import { addDays, defaultDueOn, periodOf } from './periods';

describe('reporting periods by label', () => {
  it('reads months and quarters with their first and last days', () => {
    expect(periodOf('2026-11')).toEqual({
      label: '2026-11',
      kind: 'month',
      startsOn: '2026-11-01',
      endsOn: '2026-11-30',
    });
    expect(periodOf('2028-02')?.endsOn).toBe('2028-02-29');
    expect(periodOf('2026q4')).toEqual({
      label: '2026Q4',
      kind: 'quarter',
      startsOn: '2026-10-01',
      endsOn: '2026-12-31',
    });
    expect(periodOf('2027Q1')?.endsOn).toBe('2027-03-31');
  });

  it('names no period for a label that is none', () => {
    for (const bad of ['2026-13', '2026-00', '2026Q5', '26-11', '2026-1', '1999-01', '2026/11', ''])
      expect(periodOf(bad), bad).toBeNull();
  });

  it('is due ten days after it ends unless told otherwise', () => {
    expect(defaultDueOn(periodOf('2026-11')!)).toBe('2026-12-10');
    expect(defaultDueOn(periodOf('2026Q4')!)).toBe('2027-01-10');
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
  });
});
