import type { EntityManager } from '@mikro-orm/sql';
import type { ReferralKind } from '../../machines/appeal-events';
import { restoreReferralSnapshot } from '../../machines/referral-kit';
import { referralDefinition } from '../../machines/referrals';
import {
  applyEvent,
  type AppealLink,
  type AppealServices,
  type EventCommand,
  type EventResult,
} from '../appeals/service.server';
import { getWorkCalendar } from '../calendar/calendar.server';
import { SYSTEM_ACTOR } from '../cases/actor';
import { inTransaction } from '../db/sql.server';
import { Conflict, InvalidInput, NotFound } from '../domain/errors';
import type { ReferralTimerJob } from '../jobs/timers.server';
import { openReferral } from '../referrals/open.server';
import { childOf, loadReferral, nextReferralId, referralAgency } from '../referrals/referral-store.server';
import { endsCase, transitionReferral, type ReferralCommand, type ReferralLink } from '../referrals/service.server';

// Appeals and referral cases meet here and nowhere else: an appeal's REFER opens a case in the
// appeal's transaction, a failed mediation hands the dispute on, and a case that ends (by a
// person or by its legal clock) answers the appeal in the case's transaction.

export interface ReferralResult {
  referralId: number;
  version: number;
  phase: string;
  seq: number;
  /** The appeal step the outcome caused, if this event ended the case. */
  appeal: 'moved' | 'referredOn' | null;
}

/** The case a referral opens: its id, and its kind from the chosen agency (which must take that kind). */
async function referralFields(em: EntityManager, input: Record<string, unknown>): Promise<Record<string, unknown>> {
  const agencyId = Number(input.agencyId);
  const agency = Number.isInteger(agencyId) && agencyId > 0 ? await referralAgency(em, agencyId) : null;
  if (!agency?.active || !agency.referralKind) {
    throw new InvalidInput('请选择转介机构', { agencyId: ['unknown referral agency'] });
  }
  if (input.kind !== undefined && input.kind !== agency.referralKind) {
    throw new InvalidInput('该机构不受理此类转介', { kind: ['the agency does not take this kind'] });
  }
  return { agencyId, kind: agency.referralKind, referralId: await nextReferralId(em) };
}

/** REFER: the case and its first legal clock open with the appeal's step. */
const refer: AppealLink = {
  fields: referralFields,
  writes:
    ({ services, row, payload, actor, now, cal }) =>
    (tx) =>
      openReferral(tx, services.timers, {
        id: payload.referralId as number,
        appealId: row.id,
        kind: payload.kind as ReferralKind,
        agencyId: payload.agencyId as number,
        parentId: null,
        note: (payload.note as string | undefined) ?? null,
        actor,
        now,
        cal,
      }),
};

/** An appeal's step with what it means for referral cases: a REFER opens its case. */
export function sendAppealEvent(services: AppealServices, cmd: EventCommand): Promise<EventResult> {
  return applyEvent(services, cmd, cmd.type === 'REFER' ? { link: refer } : {});
}

type Answer = 'moved' | 'referredOn' | 'already';

/** A case that ends answers its appeal with the step that ended it. */
const answer: ReferralLink<Answer> = {
  writes: (step) =>
    endsCase(step) ? (tx) => answerAppeal({ ...step.services, now: () => step.now }, tx, step.row.id) : null,
};

/** A referral case's step; one that ends the case answers the appeal in the same transaction. */
export async function sendReferralEvent(services: AppealServices, cmd: ReferralCommand): Promise<ReferralResult> {
  const r = await transitionReferral(services, cmd, { link: answer });
  const appeal = r.linked === 'already' ? null : r.linked;
  return { referralId: r.referralId, version: r.version, phase: r.phase, seq: r.seq, appeal };
}

/**
 * Opens a case for an appeal that waits in 已转介 with none (REFER_ON from no case, or from a failed
 * mediation), inside the caller's transaction.
 */
export async function referOn(
  services: AppealServices,
  tx: EntityManager,
  r: {
    appealId: number;
    kind: ReferralKind;
    agencyId: number;
    from: number | null;
    note: string | null;
    referredById?: number;
  },
): Promise<number> {
  const id = await nextReferralId(tx);
  await applyEvent(
    services,
    {
      appealId: r.appealId,
      type: 'REFER_ON',
      actor: SYSTEM_ACTOR,
      payload: { kind: r.kind, agencyId: r.agencyId, referralId: id, fromReferralId: r.from },
    },
    { tx },
  );
  await openReferral(tx, services.timers, {
    id,
    appealId: r.appealId,
    kind: r.kind,
    agencyId: r.agencyId,
    parentId: r.from,
    note: r.note,
    actor: SYSTEM_ACTOR,
    referredById: r.referredById,
    now: services.now?.() ?? new Date(),
    cal: await getWorkCalendar(tx),
  });
  return id;
}

/**
 * Answers the appeal a finished case came from: REFERRAL_DONE with its outcome, or for a failed
 * mediation handed on, a new case and REFER_ON. Idempotent: the appeal takes an answer only from
 * the case it waits for, and a case is handed on once, so a second delivery changes nothing.
 */
export async function answerAppeal(services: AppealServices, tx: EntityManager, referralId: number): Promise<Answer> {
  const referral = await loadReferral(tx, referralId);
  if (!referral) throw new NotFound('转介案件不存在');
  const ctx = restoreReferralSnapshot(referralDefinition(referral.kind), referral.snapshot).context;
  if (ctx.outcome === null) throw new Conflict('案件尚未办结', 'notNow');
  try {
    if (ctx.outcome === 'referredOn' && ctx.referOn) {
      if ((await childOf(tx, referral.id)) !== null) return 'already';
      const { appealId } = referral;
      await referOn(services, tx, { appealId, ...ctx.referOn, from: referral.id, note: ctx.outcomeNote });
      return 'referredOn';
    }
    const outcome = ctx.outcome === 'referredOn' ? 'unresolved' : ctx.outcome;
    await applyEvent(
      services,
      {
        appealId: referral.appealId,
        type: 'REFERRAL_DONE',
        actor: SYSTEM_ACTOR,
        payload: {
          outcome,
          referralId: referral.id,
          ...(ctx.outcomeNote ? { note: ctx.outcomeNote.slice(0, 2000) } : {}),
        },
      },
      { tx },
    );
    return 'moved';
  } catch (err) {
    // The appeal no longer waits for this case: the answer was delivered before.
    if (err instanceof Conflict && err.code === 'notNow') return 'already';
    throw err;
  }
}

/** Delivers a finished case's answer on its own, e.g. again after a failure; changes nothing the second time. */
export function deliverReferralOutcome(services: AppealServices, referralId: number) {
  return inTransaction(services.db.em(), (tx) => answerAppeal(services, tx, referralId));
}

/**
 * A legal clock's timer fires through the same path as people do, so a timer that ends the case
 * answers its appeal. A timer whose clock has since moved or stopped is finished quietly; a
 * concurrent change is thrown so pg-boss retries.
 */
export async function fireReferralTimer(
  services: AppealServices,
  job: Omit<ReferralTimerJob, 'fireAt'>,
): Promise<'applied' | 'stale' | 'refused'> {
  const referral = await loadReferral(services.db.em(), job.referralId);
  if (!referral) return 'stale';
  const clock = restoreReferralSnapshot(referralDefinition(referral.kind), referral.snapshot).context.clocks[job.clock];
  if (!clock || clock.state === 'stopped' || clock.dueAt !== job.deadline) return 'stale';
  try {
    const { referralId, event: type, clock } = job;
    await sendReferralEvent(services, { referralId, type, payload: { clock }, actor: SYSTEM_ACTOR });
    return 'applied';
  } catch (err) {
    if (err instanceof Conflict && err.code === 'notNow') return 'refused';
    throw err;
  }
}
