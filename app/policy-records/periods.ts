import type { PeriodKind } from '../../entities/policy-record';

// A reporting period is named by its label, and its days follow from it: 2026-11 is November 2026, 2026Q4 the
// fourth quarter. The due date of its records is set when the period is opened; by default the 10th day after
// it ends, as cities ask their departments for last month's 落实记录 in the first ten days of the next.

export const PERIOD_LABEL = /^(\d{4})(?:-(0[1-9]|1[0-2])|Q([1-4]))$/;
export const DEFAULT_DUE_DAYS = 10;

export interface PeriodDays {
  label: string;
  kind: PeriodKind;
  startsOn: string;
  endsOn: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const lastDayOf = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** The period a label names, or null when it names none (2026-13, 2026Q5, 26-11). */
export function periodOf(label: string): PeriodDays | null {
  const m = PERIOD_LABEL.exec(label.trim().toUpperCase());
  if (!m) return null;
  const year = Number(m[1]);
  if (year < 2000 || year > 2099) return null;
  const first = m[2] ? Number(m[2]) : (Number(m[3]) - 1) * 3 + 1;
  const last = m[2] ? first : first + 2;
  return {
    label: m[2] ? `${year}-${m[2]}` : `${year}Q${m[3]}`,
    kind: m[2] ? 'month' : 'quarter',
    startsOn: `${year}-${pad(first)}-01`,
    endsOn: `${year}-${pad(last)}-${pad(lastDayOf(year, last))}`,
  };
}

/** A day (YYYY-MM-DD) `days` after another. */
export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The default due date of a period's records. */
export function defaultDueOn(period: PeriodDays): string {
  return addDays(period.endsOn, DEFAULT_DUE_DAYS);
}
