import type { EntityManager } from '@mikro-orm/sql';
import type { ReferralKind } from '../../machines/appeal-events';
import type { Actor } from '../../machines/actor';
import { createReferralSnapshot } from '../../machines/referral-kit';
import { referralDefinition } from '../../machines/referrals';
import type { WorkCalendar } from '../calendar/working-time';
import { openCase } from '../cases/transition.server';
import { one } from '../db/sql.server';
import type { Timers } from '../jobs/timers.server';
import { referralNumber } from './referral-store.server';
import { clockDeadline, clockTimers, referralKind } from './service.server';

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
 * Opens a referral case with its first clock, inside the caller's transaction: the step that opens
 * it (an appeal's REFER or REFER_ON) and the new case commit together or not at all.
 */
export async function openReferral(tx: EntityManager, timers: Timers, r: OpenReferral): Promise<void> {
  const def = referralDefinition(r.kind);
  const firstDueAt = clockDeadline(r.cal, r.now, def.firstClock).toISOString();
  const snapshot = createReferralSnapshot(def, {
    appealId: r.appealId,
    agencyId: r.agencyId,
    referredBy: r.actor.userId,
    firstDueAt,
  });
  await openCase(tx, referralKind, {
    id: r.id,
    row: { kind: r.kind },
    snapshot,
    actor: r.actor,
    at: r.now,
    type: r.parentId ? 'REFER_ON' : 'REFER',
    payload: {
      appealId: r.appealId,
      kind: r.kind,
      agencyId: r.agencyId,
      ...(r.parentId ? { parentId: r.parentId } : {}),
      ...(r.note ? { note: r.note } : {}),
    },
    columns: {
      number: referralNumber(r.kind, r.id, Number(r.now.toISOString().slice(0, 4))),
      appeal_id: r.appealId,
      kind: r.kind,
      agency_id: r.agencyId,
      parent_id: r.parentId,
      note: r.note,
      referred_by_id: r.referredById ?? (r.actor.userId || (await referrerOf(tx, r.parentId))),
    },
  });
  await timers.scheduleReferral(tx, clockTimers(def, r.id, {}, snapshot.context.clocks, r.cal, r.now));
}

// A case handed on by the system keeps the person who first referred the dispute.
async function referrerOf(tx: EntityManager, parentId: number | null): Promise<number> {
  const row = await one<{ referred_by_id: number }>(tx, 'select referred_by_id from referral where id = ?', [
    parentId ?? 0,
  ]);
  if (!row) throw new Error('a referral opened by the system needs the case it comes from');
  return row.referred_by_id;
}
