/*
 * Working-time arithmetic for handling time limits (办理时限).
 *
 * These rules are the product's definition of a deadline; change them only
 * together with the tests in tests/calendar.
 *
 * Local time is always Asia/Shanghai. China has used a fixed UTC+08:00 with
 * no daylight saving since 1991, so local dates and times are derived with a
 * fixed offset instead of a time-zone database. Inputs and outputs are `Date`
 * values (UTC instants).
 *
 * Working days: Monday–Friday work, Saturday/Sunday rest; calendar entries
 * override that rule ('holiday' = rest even on a weekday, 'workday' = an
 * adjusted working day 调休上班 on a weekend). Dates the calendar has no entry
 * for — including whole years nobody has loaded yet — follow the weekday rule.
 *
 * Units of a time limit:
 * - clockHours: natural time, start + amount hours. Emergencies run round the
 *   clock, so holidays and nights are not skipped.
 * - workingDays: "within N working days from the day of receipt". Working days
 *   are counted strictly after the local date of receipt (the receipt day never
 *   counts, even if it is a working day); the deadline is the end (24:00 local,
 *   i.e. 00:00 of the following day) of the Nth such working day. Only whole
 *   days make sense here, so a fractional amount is rejected.
 *   Example: received Tue 2025-09-30 10:00, 3 working days → Oct 1–8 holiday,
 *   Oct 9 (Thu) = 1, Oct 10 (Fri) = 2, Oct 11 (Sat, adjusted working day) = 3
 *   → due 2025-10-12 00:00 +08:00 (2025-10-11T16:00Z).
 * - workingHours: only minutes inside office hours (OFFICE_HOURS) on working
 *   days count. A start outside office hours begins at the next office period.
 *   When the limit is used up exactly at the end of a period, the deadline is
 *   that end (e.g. 18:00), not the start of the next period.
 *
 * Elapsed and remaining time are measured in the limit's own kind of time:
 * - clockHours: wall-clock time;
 * - workingHours: office minutes on working days;
 * - workingDays: minutes inside working days — a whole working day counts 24h,
 *   a non-working day counts 0. This includes the rest of the receipt day when
 *   that is a working day: the handler can already act on it.
 * warnInstant is the instant when `share` of that time between start and due
 * has elapsed; remainingTime reports that time from now to due (negative once
 * overdue).
 */

export interface CalendarEntry {
  /** Local date, YYYY-MM-DD. */
  date: string;
  kind: 'holiday' | 'workday';
  /** Chinese name of the holiday the entry belongs to, e.g. '国庆节、中秋节'. */
  name: string;
}

export interface WorkCalendar {
  isWorkingDay(localDate: string /* YYYY-MM-DD */): boolean;
}

export type LimitUnit = 'clockHours' | 'workingHours' | 'workingDays';

export interface TimeLimit {
  amount: number;
  unit: LimitUnit;
}

export interface OfficePeriod {
  /** Minutes after local midnight. */
  start: number;
  /** Minutes after local midnight, exclusive. */
  end: number;
}

/** Office periods on a working day: 09:00–12:00 and 13:00–18:00 local. */
export const OFFICE_HOURS: readonly OfficePeriod[] = Object.freeze([
  Object.freeze({ start: 9 * 60, end: 12 * 60 }),
  Object.freeze({ start: 13 * 60, end: 18 * 60 }),
]);

/** 8 working hours a day. */
export const OFFICE_MINUTES_PER_DAY = OFFICE_HOURS.reduce((sum, p) => sum + p.end - p.start, 0);

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const OFFSET = 8 * HOUR; // Asia/Shanghai, fixed UTC+08:00

// A calendar that marks ten years in a row as non-working is broken; stop
// instead of looping forever.
const MAX_IDLE_DAYS = 3660;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a YYYY-MM-DD string, or null when it is not a real date. */
function parseDay(localDate: string): number | null {
  const m = DATE_RE.exec(localDate);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  // Date.UTC rolls over (Feb 30 → Mar 2); a round trip exposes that.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return ms / DAY;
}

/** True when the string is a YYYY-MM-DD date that exists in the calendar. */
export function isValidLocalDate(localDate: string): boolean {
  return parseDay(localDate) !== null;
}

/** 0 = Sunday … 6 = Saturday, for a YYYY-MM-DD string. */
export function weekdayOf(localDate: string): number {
  const day = parseDay(localDate);
  if (day === null) throw new RangeError(`Invalid local date: ${JSON.stringify(localDate)}`);
  return new Date(day * DAY).getUTCDay();
}

function dayString(day: number): string {
  return new Date(day * DAY).toISOString().slice(0, 10);
}

/** Local day number (days since 1970-01-01 local) containing the instant. */
function localDay(ms: number): number {
  return Math.floor((ms + OFFSET) / DAY);
}

/** UTC instant of local midnight starting the given local day. */
function dayStart(day: number): number {
  return day * DAY - OFFSET;
}

function instantMs(d: Date, what: string): number {
  const ms = d instanceof Date ? d.getTime() : NaN;
  if (!Number.isFinite(ms)) throw new TypeError(`${what} must be a valid Date`);
  return ms;
}

/** Local calendar date (YYYY-MM-DD) of an instant. */
export function localDateOf(d: Date): string {
  return dayString(localDay(instantMs(d, 'date')));
}

/**
 * The instant today began in the city: local (Asia/Shanghai) midnight of the calendar day containing `now`. What
 * "today" means on every screen (今日本人登记 lists from here on), never the last 24 hours.
 */
export function startOfLocalDay(now: Date): Date {
  return new Date(dayStart(localDay(instantMs(now, 'now'))));
}

/** The instant a local date (YYYY-MM-DD) begins, `plusDays` days later: `localDateStart(to, 1)` ends a range of days. */
export function localDateStart(localDate: string, plusDays = 0): Date {
  const day = parseDay(localDate);
  if (day === null) throw new RangeError(`Invalid local date: ${JSON.stringify(localDate)}`);
  return new Date(dayStart(day + plusDays));
}

/** Local date and time 'YYYY-MM-DD HH:mm' of an instant. */
export function localDateTime(d: Date): string {
  const iso = new Date(instantMs(d, 'date') + OFFSET).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/** Weekdays work, Saturday/Sunday rest, entries override. */
export function buildCalendar(entries: CalendarEntry[]): WorkCalendar {
  const overrides = new Map<string, CalendarEntry>();
  for (const e of entries) {
    if (parseDay(e.date) === null) throw new RangeError(`Invalid calendar date: ${JSON.stringify(e.date)}`);
    if (e.kind !== 'holiday' && e.kind !== 'workday') {
      throw new RangeError(`Invalid calendar entry kind for ${e.date}: ${JSON.stringify(e.kind)}`);
    }
    const prev = overrides.get(e.date);
    // Repeating a day is harmless; contradicting it means one source is wrong.
    if (prev && prev.kind !== e.kind) {
      throw new Error(
        `Conflicting calendar entries for ${e.date}: ${prev.kind} (${prev.name}) vs ${e.kind} (${e.name})`,
      );
    }
    overrides.set(e.date, e);
  }
  return {
    isWorkingDay(localDate: string): boolean {
      const day = parseDay(localDate);
      if (day === null) throw new RangeError(`Invalid local date: ${JSON.stringify(localDate)}`);
      const entry = overrides.get(localDate);
      if (entry) return entry.kind === 'workday';
      const wd = new Date(day * DAY).getUTCDay();
      return wd !== 0 && wd !== 6;
    },
  };
}

// Deadline labels walk every day of a long-overdue span; the calendar's string API is too slow for that.
const dayCache = new WeakMap<WorkCalendar, Map<number, boolean>>();

function isWorkingDayNum(cal: WorkCalendar, day: number): boolean {
  let days = dayCache.get(cal);
  if (!days) dayCache.set(cal, (days = new Map()));
  let working = days.get(day);
  if (working === undefined) days.set(day, (working = cal.isWorkingDay(dayString(day))));
  return working;
}

type Span = readonly [start: number, end: number];

/**
 * The stretches of countable time at or after `from` and before `until`, in
 * order: office periods (workingHours), whole working days (workingDays) or
 * everything (clockHours).
 */
function* countableSpans(cal: WorkCalendar, unit: LimitUnit, from: number, until = Infinity): Generator<Span> {
  if (unit === 'clockHours') {
    if (from < until) yield [from, until];
    return;
  }
  let idle = 0;
  for (let day = localDay(from); dayStart(day) < until; day++) {
    if (!isWorkingDayNum(cal, day)) {
      if (++idle > MAX_IDLE_DAYS)
        throw new Error(`No working day within ${MAX_IDLE_DAYS} days after ${dayString(day - idle + 1)}`);
      continue;
    }
    idle = 0;
    const base = dayStart(day);
    const periods = unit === 'workingDays' ? [{ start: 0, end: 24 * 60 }] : OFFICE_HOURS;
    for (const p of periods) {
      const s = Math.max(base + p.start * MINUTE, from);
      const e = Math.min(base + p.end * MINUTE, until);
      if (s < e) yield [s, e];
    }
  }
}

function spanSum(cal: WorkCalendar, unit: LimitUnit, a: number, b: number): number {
  let total = 0;
  for (const [s, e] of countableSpans(cal, unit, a, b)) total += e - s;
  return total;
}

/** Countable time between two instants (a <= b), in ms; whole days in between are counted without walking their periods. */
function measure(cal: WorkCalendar, unit: LimitUnit, a: number, b: number): number {
  const first = localDay(a);
  const last = localDay(b);
  if (unit === 'clockHours' || last - first < 2) return spanSum(cal, unit, a, b);
  const perDay = unit === 'workingDays' ? DAY : OFFICE_MINUTES_PER_DAY * MINUTE;
  return (
    spanSum(cal, unit, a, dayStart(first + 1)) +
    spanSum(cal, unit, dayStart(last), b) +
    workingDaysFrom(cal, first + 1, last) * perDay
  );
}

// Working days counted from this day on, cumulatively, per calendar: a count over any span is then two lookups.
const COUNT_BASE = 10957; // 2000-01-01
const cumulative = new WeakMap<WorkCalendar, number[]>();

/** Working days in [from, to) (day numbers). */
function workingDaysFrom(cal: WorkCalendar, from: number, to: number): number {
  if (to <= from) return 0;
  if (from < COUNT_BASE) {
    let n = 0;
    for (let day = from; day < to; day++) if (isWorkingDayNum(cal, day)) n++;
    return n;
  }
  let cum = cumulative.get(cal);
  if (!cum) cumulative.set(cal, (cum = [0]));
  // cum[i] = working days in [COUNT_BASE, COUNT_BASE + i)
  while (cum.length <= to - COUNT_BASE) {
    const i = cum.length - 1;
    cum.push(cum[i] + (isWorkingDayNum(cal, COUNT_BASE + i) ? 1 : 0));
  }
  return cum[to - COUNT_BASE] - cum[from - COUNT_BASE];
}

/** Earliest instant by which `amount` ms of countable time has elapsed after `from`. */
function advance(cal: WorkCalendar, unit: LimitUnit, from: number, amount: number): number {
  if (amount <= 0) return from;
  let left = amount;
  for (const [s, e] of countableSpans(cal, unit, from)) {
    if (left <= e - s) return s + left;
    left -= e - s;
  }
  throw new Error('unreachable: countable time is unbounded');
}

function checkUnit(unit: LimitUnit): void {
  if (unit !== 'clockHours' && unit !== 'workingHours' && unit !== 'workingDays') {
    throw new RangeError(`Unknown time-limit unit: ${JSON.stringify(unit)}`);
  }
}

/** The deadline of a time limit that starts at `start` (see the rules above). */
export function addTimeLimit(cal: WorkCalendar, start: Date, limit: TimeLimit): Date {
  const from = instantMs(start, 'start');
  const { amount, unit } = limit;
  checkUnit(unit);
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0) {
    throw new RangeError(`Time-limit amount must be a positive number, got ${String(amount)}`);
  }
  switch (unit) {
    case 'clockHours':
      return new Date(from + Math.round(amount * HOUR));
    case 'workingHours':
      return new Date(advance(cal, unit, from, Math.round(amount * HOUR)));
    case 'workingDays': {
      if (!Number.isInteger(amount)) throw new RangeError(`Working-day limits must be whole days, got ${amount}`);
      let day = localDay(from);
      let counted = 0;
      let idle = 0;
      while (counted < amount) {
        day++;
        if (isWorkingDayNum(cal, day)) {
          counted++;
          idle = 0;
        } else if (++idle > MAX_IDLE_DAYS) {
          throw new Error(`No working day within ${MAX_IDLE_DAYS} days after ${dayString(day - idle + 1)}`);
        }
      }
      return new Date(dayStart(day + 1));
    }
  }
}

/**
 * A legal period in calendar days (法定期间): the starting day does not count, the period ends at
 * 24:00 of its last day, and a last day that falls on a rest day or holiday moves to the end of the
 * next working day.
 */
export function addLegalDays(cal: WorkCalendar, start: Date, days: number): Date {
  if (!Number.isInteger(days) || days <= 0) throw new RangeError(`Legal periods are whole days, got ${String(days)}`);
  let day = localDay(instantMs(start, 'start')) + days;
  let idle = 0;
  while (!isWorkingDayNum(cal, day)) {
    day++;
    if (++idle > MAX_IDLE_DAYS)
      throw new Error(`No working day within ${MAX_IDLE_DAYS} days after ${dayString(day - idle)}`);
  }
  return new Date(dayStart(day + 1));
}

/**
 * The instant at which `share` of the countable time between start and due has
 * elapsed — when a case should be flagged as about to run out.
 */
export function warnInstant(cal: WorkCalendar, start: Date, due: Date, unit: LimitUnit, share = 0.8): Date {
  const from = instantMs(start, 'start');
  const to = instantMs(due, 'due');
  checkUnit(unit);
  if (!(share >= 0 && share <= 1)) throw new RangeError(`share must be between 0 and 1, got ${share}`);
  if (to < from) throw new RangeError('due must not be before start');
  const target = Math.round(measure(cal, unit, from, to) * share);
  return new Date(Math.min(advance(cal, unit, from, target), to));
}

/** Working days between two instants (a whole working day counts 24 h), as a fraction; 0 if b is not after a. */
export function workingDaysBetween(cal: WorkCalendar, a: Date, b: Date): number {
  const from = instantMs(a, 'start');
  const to = instantMs(b, 'due');
  return to <= from ? 0 : measure(cal, 'workingDays', from, to) / (24 * HOUR);
}

export interface RemainingTime {
  /** Countable minutes left until due; negative once overdue (at least -1 then). */
  minutes: number;
  /** e.g. '剩余 2 个工作日 3 小时', '已超期 5 小时', '剩余 1 小时 20 分': days are always working days. */
  label: string;
}

const DAY_MINUTES = 24 * 60;

function hoursAndMinutes(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const mins = minutes % 60;
  if (hours === 0) return `${mins} 分`;
  return mins > 0 ? `${hours} 小时 ${mins} 分` : `${hours} 小时`;
}

/**
 * The one way a span of deadline time is said (decision 018). Under a day of the limit's own time it is hours and
 * minutes of that time (an emergency's clock hours, office hours, or a working day's hours). From a day on it is
 * working days of the calendar, as deadlines are (decision 003: a working day counts 24 h), plus hours: never
 * calendar days, whatever the limit's unit. A long clock-time span that holds no whole working day (a holiday week)
 * keeps its own hours. The one exception is a legal period (法定期间, addLegalDays): the law counts it in calendar
 * days, so its time reads in calendar days ("剩余 12 天").
 */
function formatSpan(
  cal: WorkCalendar,
  unit: LimitUnit,
  a: number,
  b: number,
  ownMinutes: number,
  legal: boolean,
): string {
  if (ownMinutes < DAY_MINUTES) return hoursAndMinutes(ownMinutes);
  if (legal) {
    const days = Math.floor(ownMinutes / DAY_MINUTES);
    const hours = Math.floor((ownMinutes % DAY_MINUTES) / 60);
    return hours > 0 ? `${days} 天 ${hours} 小时` : `${days} 天`;
  }
  const working = unit === 'workingDays' ? ownMinutes : Math.floor(measure(cal, 'workingDays', a, b) / MINUTE);
  if (working < DAY_MINUTES) return hoursAndMinutes(ownMinutes);
  const days = Math.floor(working / DAY_MINUTES);
  const hours = Math.floor((working % DAY_MINUTES) / 60);
  return hours > 0 ? `${days} 个工作日 ${hours} 小时` : `${days} 个工作日`;
}

/**
 * Time left until due, measured in the unit's own kind of time. Remaining time
 * rounds down and overdue time rounds up, so neither is overstated in the
 * case's favour. A case is overdue as soon as now is past due, even when no
 * countable time has passed since (e.g. a weekend right after the deadline):
 * minutes is then -1 and the label just '已超期'.
 */
export function remainingTime(
  cal: WorkCalendar,
  now: Date,
  due: Date,
  unit: LimitUnit,
  opts: { legalPeriod?: boolean } = {},
): RemainingTime {
  const legal = opts.legalPeriod === true && unit === 'clockHours';
  const at = instantMs(now, 'now');
  const to = instantMs(due, 'due');
  checkUnit(unit);
  if (at <= to) {
    const minutes = Math.floor(measure(cal, unit, at, to) / MINUTE);
    return { minutes, label: `剩余 ${formatSpan(cal, unit, at, to, minutes, legal)}` };
  }
  const late = measure(cal, unit, to, at);
  if (late === 0) return { minutes: -1, label: '已超期' };
  const minutes = Math.ceil(late / MINUTE);
  return { minutes: -minutes, label: `已超期 ${formatSpan(cal, unit, to, at, minutes, legal)}` };
}
