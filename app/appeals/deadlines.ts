import type { CategoryLimits, TimeLimitSpec } from '../../entities/category';
import type { AppealSource, Urgency } from '../../entities/appeal';
import { addTimeLimit, warnInstant, type WorkCalendar } from '../calendar/working-time';

/**
 * City defaults (the category may override): 2 clock hours for emergencies and risk to life or
 * property, 24 clock hours for water/power/gas/heating outages, 7 working days for general
 * matters, 15 for complex ones; accept within 1 working day, call back within 2.
 */
export const DEFAULT_LIMITS = {
  emergency: {
    emergency: { amount: 2, unit: 'clockHours' },
    urgent: { amount: 2, unit: 'clockHours' },
    normal: { amount: 2, unit: 'clockHours' },
    accept: { amount: 1, unit: 'clockHours' },
    callback: { amount: 1, unit: 'workingDays' },
  },
  utilities: {
    emergency: { amount: 2, unit: 'clockHours' },
    urgent: { amount: 24, unit: 'clockHours' },
    normal: { amount: 24, unit: 'clockHours' },
    accept: { amount: 2, unit: 'clockHours' },
    callback: { amount: 1, unit: 'workingDays' },
  },
  general: {
    emergency: { amount: 2, unit: 'clockHours' },
    urgent: { amount: 3, unit: 'workingDays' },
    normal: { amount: 7, unit: 'workingDays' },
    accept: { amount: 1, unit: 'workingDays' },
    callback: { amount: 2, unit: 'workingDays' },
  },
  complex: {
    emergency: { amount: 2, unit: 'clockHours' },
    urgent: { amount: 7, unit: 'workingDays' },
    normal: { amount: 15, unit: 'workingDays' },
    accept: { amount: 1, unit: 'workingDays' },
    callback: { amount: 2, unit: 'workingDays' },
  },
} satisfies Record<string, CategoryLimits>;

/**
 * The web channel's accept clock: an appeal filed on the citizens' site is taken out of triage (dispatched, answered
 * on the spot or otherwise) within 2 working hours, the standard's figure for web submissions. Calls are accepted
 * while the citizen is on the line, so the hotline has no such clock.
 */
export const TRIAGE_LIMITS: Partial<Record<AppealSource, TimeLimitSpec>> = {
  web: { amount: 2, unit: 'workingHours' },
};

/** When the centre must have taken an appeal of this source out of triage, or null when its channel has no clock. */
export function triageDeadline(cal: WorkCalendar, submittedAt: Date, source: AppealSource): Date | null {
  const limit = TRIAGE_LIMITS[source];
  return limit ? addTimeLimit(cal, submittedAt, limit) : null;
}

export function handlingLimit(limits: CategoryLimits, urgency: Urgency): TimeLimitSpec {
  return limits[urgency];
}

export interface HandlingDeadline {
  dueAt: Date;
  warnAt: Date;
}

export function handlingDeadline(
  cal: WorkCalendar,
  start: Date,
  limits: CategoryLimits,
  urgency: Urgency,
): HandlingDeadline {
  const limit = handlingLimit(limits, urgency);
  const dueAt = addTimeLimit(cal, start, limit);
  return { dueAt, warnAt: warnInstant(cal, start, dueAt, limit.unit) };
}

/**
 * An extension adds working days after the current due day. A working-day deadline is stored as
 * 24:00, i.e. 00:00 of the next date, so counting starts from the instant just before it.
 */
export function extendedDeadline(cal: WorkCalendar, currentDue: Date, days: number): Date {
  return addTimeLimit(cal, new Date(currentDue.getTime() - 1), { amount: days, unit: 'workingDays' });
}

export function limitDeadline(cal: WorkCalendar, start: Date, limit: TimeLimitSpec): Date {
  return addTimeLimit(cal, start, limit);
}

/**
 * When the assisting units' opinions (协办意见) are due: half the handling limit (at least one of its units), so the
 * lead has them before its own deadline.
 */
export function assistDeadline(cal: WorkCalendar, start: Date, limits: CategoryLimits, urgency: Urgency): Date {
  const limit = handlingLimit(limits, urgency);
  return addTimeLimit(cal, start, { ...limit, amount: Math.max(1, Math.ceil(limit.amount / 2)) });
}
