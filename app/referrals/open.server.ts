import type { EntityManager } from '@mikro-orm/sql';
import type { Actor, ReferralKind } from '../../machines/appeal-events';
import {
  createReferralSnapshot, persistReferralSnapshot, referralPhaseOf, referralTagsOf, type ClockSpec, type LegalClock, type ReferralDefinition, type ReferralSnapshot,
} from '../../machines/referral-kit';
import { referralDefinition } from '../../machines/referrals';
import { addLegalDays, addTimeLimit, warnInstant, type WorkCalendar } from '../calendar/working-time';
import type { ReferralTimerJob, Timers } from '../jobs/timers.server';
import { auditHash } from '../cases/audit-chain';
import { ReferralStore, referralNumber, type ReferralAuditRow, type ReferralState } from './referral-store.server';

// Opening a referral case and keeping its legal clocks: shared by the appeal's REFER and by a
// failed mediation handed on to another service.

/** The due time of a clock that starts at `start`: legal periods count calendar days, the others working days. */
export function clockDeadline(cal: WorkCalendar, start: Date, spec: ClockSpec): Date {
  return spec.unit === 'calendarDays' ? addLegalDays(cal, start, spec.amount) : addTimeLimit(cal, start, { amount: spec.amount, unit: 'workingDays' });
}

function clockSpec(def: ReferralDefinition, name: string): ClockSpec {
  if (def.firstClock.name === name) return def.firstClock;
  const found = Object.values(def.serverDeadlines).find((d) => d.clock === name);
  if (!found) throw new Error(`${def.kind} has no clock ${name}`);
  return found;
}

/** Warning and overdue timers for every clock this step started or moved. */
export function clockTimers(def: ReferralDefinition, referralId: number, before: Record<string, LegalClock>, after: Record<string, LegalClock>, cal: WorkCalendar, now: Date) {
  const jobs: { job: Omit<ReferralTimerJob, 'fireAt'>; at: Date }[] = [];
  for (const [clock, c] of Object.entries(after)) {
    if (c.state !== 'running' || before[clock]?.dueAt === c.dueAt) continue;
    const due = new Date(c.dueAt);
    if (due.getTime() > now.getTime()) {
      const unit = clockSpec(def, clock).unit === 'calendarDays' ? 'clockHours' : 'workingDays';
      jobs.push({ job: { referralId, clock, event: 'CLOCK_WARN', deadline: c.dueAt }, at: warnInstant(cal, now, due, unit) });
    }
    jobs.push({ job: { referralId, clock, event: 'CLOCK_OVERDUE', deadline: c.dueAt }, at: due });
  }
  return jobs;
}

/** The queue columns: the nearest open deadline, and the worst state of the open clocks. */
export function mirroredState(def: ReferralDefinition, snapshot: ReferralSnapshot): ReferralState {
  const ctx = snapshot.context;
  const open = Object.values(ctx.clocks).filter((c) => c.state !== 'stopped');
  const next = open.map((c) => Date.parse(c.dueAt)).sort((a, b) => a - b)[0];
  const clockState = open.some((c) => c.state === 'overdue') ? 'overdue' : open.some((c) => c.state === 'warned') ? 'warned' : open.length ? 'onTime' : 'none';
  return {
    snapshot: persistReferralSnapshot(def, snapshot), machineVersion: def.version, phase: referralPhaseOf(snapshot), tags: referralTagsOf(snapshot), handlerId: ctx.handlerId,
    nextDueAt: next === undefined ? null : new Date(next), clockState, outcome: ctx.outcome, closedAt: ctx.closedAt ? new Date(ctx.closedAt) : null,
  };
}

export interface OpenReferral {
  id: number;
  appealId: number;
  kind: ReferralKind;
  agencyId: number;
  parentId: number | null;
  note: string | null;
  actor: Actor;
  /** Who referred the dispute, when the system opens the case on someone's behalf. */
  referredById?: number;
  now: Date;
  cal: WorkCalendar;
}

/**
 * Opens a referral case with its first clock, inside the caller's transaction: the appeal's REFER
 * (or REFER_ON) and the new case commit together or not at all.
 */
export async function openReferral(tx: EntityManager, timers: Timers, r: OpenReferral): Promise<void> {
  const def = referralDefinition(r.kind);
  const firstDueAt = clockDeadline(r.cal, r.now, def.firstClock).toISOString();
  const snapshot = createReferralSnapshot(def, { appealId: r.appealId, agencyId: r.agencyId, referredBy: r.actor.userId, firstDueAt });
  const state = mirroredState(def, snapshot);
  const audit: ReferralAuditRow = {
    referralId: r.id, seq: 1, type: r.parentId ? 'REFER_ON' : 'REFER', actorId: r.actor.userId || null, actorRole: r.actor.role, at: r.now,
    fromPhase: null, toPhase: state.phase,
    payload: { appealId: r.appealId, kind: r.kind, agencyId: r.agencyId, ...(r.parentId ? { parentId: r.parentId } : {}), ...(r.note ? { note: r.note } : {}) },
  };
  const hash = auditHash('', audit);
  await new ReferralStore(tx).insert({
    ...state, id: r.id, number: referralNumber(r.kind, r.id, Number(r.now.toISOString().slice(0, 4))), appealId: r.appealId, kind: r.kind,
    agencyId: r.agencyId, parentId: r.parentId, referredById: r.referredById ?? (r.actor.userId || (await referrerOf(tx, r.parentId))), note: r.note,
  }, audit, hash, r.now);
  await timers.scheduleReferral(tx, clockTimers(def, r.id, {}, snapshot.context.clocks, r.cal, r.now));
}

// A case handed on by the system keeps the person who first referred the dispute.
async function referrerOf(tx: EntityManager, parentId: number | null): Promise<number> {
  const [row] = await tx.getConnection().execute<{ referred_by_id: number }[]>(
    'select referred_by_id from referral where id = ?', [parentId ?? 0], 'all', tx.getTransactionContext());
  if (!row) throw new Error('a referral opened by the system needs the case it comes from');
  return row.referred_by_id;
}

