import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/sql';
import type { Actor } from '../../machines/appeal-events';
import {
  applyReferralEvent as applyToMachine, referralPhaseOf, restoreReferralSnapshot, type ReferralBaseContext, type ReferralDefinition,
} from '../../machines/referral-kit';
import { referralDefinition } from '../../machines/referrals';
import { SYSTEM_ACTOR } from '../cases/actor';
import { applyEvent, type AppealServices } from '../appeals/service.server';
import { getWorkCalendar } from '../calendar/calendar.server';
import type { WorkCalendar } from '../calendar/working-time';
import { Conflict, Forbidden, InvalidInput, NotFound, fieldErrorsOf } from '../domain/errors';
import type { ReferralTimerJob } from '../jobs/timers.server';
import { clockDeadline, clockTimers, mirroredState, openReferral } from './open.server';
import { auditHash } from '../cases/audit-chain';
import { ReferralStore, type ReferralAuditRow } from './referral-store.server';
import { canSeeReferral } from './scope';

export interface ReferralCommand {
  referralId: number;
  /** The version the user was looking at; omitted by timers, which re-read first. */
  expectedVersion?: number;
  type: string;
  payload?: unknown;
  actor: Actor;
}

export interface ReferralResult {
  referralId: number;
  version: number;
  phase: string;
  seq: number;
  /** The appeal step the outcome caused, if this event ended the case. */
  appeal: 'moved' | 'referredOn' | null;
}

const stale = () => new Conflict('该转介案件已被他人更新，请刷新后重试', 'stale');

/** Server-computed deadlines: a clock's length from the event, or (an extension) its whole new length from when it started. */
function serverDeadline(def: ReferralDefinition, type: string, ctx: ReferralBaseContext, cal: WorkCalendar, now: Date): Record<string, unknown> {
  const d = def.serverDeadlines[type];
  if (!d) return {};
  if (d.from === 'clockStart') {
    const started = ctx.clocks[d.clock]?.startedAt;
    if (!started) throw new Conflict('该期限尚未开始', 'notNow');
    return { dueAt: clockDeadline(cal, new Date(started), d).toISOString() };
  }
  return { dueAt: clockDeadline(cal, now, d).toISOString() };
}

/**
 * The single way a referral case changes, mirroring the appeal's: validate, check scope, let the
 * kind's machine decide, then write snapshot, queue columns, audit row and clock timers in one
 * transaction guarded by the case's version. An event that ends the case answers its appeal in
 * the same transaction, so the appeal moves exactly when the case ends.
 */
export async function applyReferralEvent(services: AppealServices, cmd: ReferralCommand): Promise<ReferralResult> {
  const now = services.now?.() ?? new Date();
  const em = services.db.em();
  const referral = await new ReferralStore(em).load(cmd.referralId);
  if (!referral || !canSeeReferral(cmd.actor, { agencyId: referral.agencyId })) throw new NotFound('转介案件不存在');
  if (cmd.expectedVersion !== undefined && cmd.expectedVersion !== referral.version) throw stale();
  const def = referralDefinition(referral.kind);
  const type = cmd.type;
  if (!def.eventTypes.includes(type)) throw new InvalidInput(`未知的操作 ${type}`, { type: ['unknown event type'] });
  if (!def.eventRoles[type]?.includes(cmd.actor.role)) throw new Forbidden();
  if (cmd.payload !== undefined && (typeof cmd.payload !== 'object' || cmd.payload === null || Array.isArray(cmd.payload))) {
    throw new InvalidInput('请求内容必须是对象', { _form: ['payload must be an object'] });
  }
  const input: Record<string, unknown> = { ...(cmd.payload as Record<string, unknown> | undefined) };
  delete input.dueAt; // computed by the server, never trusted

  const snapshot = restoreReferralSnapshot(def, referral.snapshot);
  const cal = await getWorkCalendar(em);
  const parsed = def.payloadSchemas[type].safeParse({ ...input, ...serverDeadline(def, type, snapshot.context, cal, now) });
  if (!parsed.success) throw new InvalidInput('输入有误', fieldErrorsOf(parsed.error.issues));
  const payload = parsed.data as Record<string, unknown>;
  await validateReferences(new ReferralStore(em), payload);

  const { accepted, next } = applyToMachine(def, snapshot, { ...payload, type, actor: cmd.actor, at: now.toISOString() });
  if (!accepted) {
    if (cmd.actor.role === 'mediator' && !cmd.actor.departmentIds.includes(referral.agencyId)) throw new Forbidden('该案件不属于您的机构');
    throw new Conflict('当前状态不允许此操作', 'notNow');
  }

  const audit: ReferralAuditRow = {
    referralId: referral.id, seq: referral.auditSeq + 1, type, actorId: cmd.actor.userId || null, actorRole: cmd.actor.role, at: now,
    fromPhase: referralPhaseOf(snapshot), toPhase: referralPhaseOf(next), payload,
  };
  const hash = auditHash(referral.auditHead, audit);
  const state = mirroredState(def, next);
  const timers = clockTimers(def, referral.id, snapshot.context.clocks, next.context.clocks, cal, now);
  const ends = snapshot.context.outcome === null && next.context.outcome !== null;

  try {
    return await em.transactional(async (tx) => {
      if (!(await new ReferralStore(tx).save(referral.id, referral.version, state, audit, referral.auditHead, hash, now))) throw stale();
      await services.timers.scheduleReferral(tx, timers);
      const appeal = ends ? await answerAppeal({ ...services, now: () => now }, tx, referral.id) : null;
      return { referralId: referral.id, version: referral.version + 1, phase: state.phase, seq: audit.seq, appeal: appeal === 'already' ? null : appeal };
    });
  } catch (err) {
    if (err instanceof UniqueConstraintViolationException && /referral_event_referral_id_seq/.test(err.message)) throw stale();
    throw err;
  }
}

async function validateReferences(store: ReferralStore, payload: Record<string, unknown>) {
  if (payload.referOnAgencyId === undefined) return;
  const agency = await store.agency(payload.referOnAgencyId as number);
  if (!agency || !agency.active || agency.referralKind !== payload.nextRoute) {
    throw new InvalidInput('转介机构不存在或不受理此类案件', { referOnAgencyId: ['unknown agency for this route'] });
  }
}

/**
 * Answers the appeal a finished case came from: REFERRAL_DONE with its outcome, or for a failed
 * mediation handed on, a new case and REFER_ON. Idempotent: the appeal takes an answer only from
 * the case it waits for, and a case is handed on once, so a second delivery changes nothing.
 */
export async function answerAppeal(services: AppealServices, tx: EntityManager, referralId: number): Promise<'moved' | 'referredOn' | 'already'> {
  const store = new ReferralStore(tx);
  const referral = await store.load(referralId);
  if (!referral) throw new NotFound('转介案件不存在');
  const def = referralDefinition(referral.kind);
  const ctx = restoreReferralSnapshot(def, referral.snapshot).context;
  if (ctx.outcome === null) throw new Conflict('案件尚未办结', 'notNow');
  const now = services.now?.() ?? new Date();
  try {
    if (ctx.outcome === 'referredOn' && ctx.referOn) {
      if ((await store.childOf(referral.id)) !== null) return 'already';
      const childId = await store.nextId();
      await applyEvent(services, {
        appealId: referral.appealId, type: 'REFER_ON', actor: SYSTEM_ACTOR,
        payload: { kind: ctx.referOn.kind, agencyId: ctx.referOn.agencyId, referralId: childId, fromReferralId: referral.id },
      }, tx);
      await openReferral(tx, services.timers, {
        id: childId, appealId: referral.appealId, kind: ctx.referOn.kind, agencyId: ctx.referOn.agencyId, parentId: referral.id,
        note: ctx.outcomeNote, actor: SYSTEM_ACTOR, now, cal: await getWorkCalendar(tx),
      });
      return 'referredOn';
    }
    const outcome = ctx.outcome === 'referredOn' ? 'unresolved' : ctx.outcome;
    await applyEvent(services, {
      appealId: referral.appealId, type: 'REFERRAL_DONE', actor: SYSTEM_ACTOR,
      payload: { outcome, referralId: referral.id, ...(ctx.outcomeNote ? { note: ctx.outcomeNote.slice(0, 2000) } : {}) },
    }, tx);
    return 'moved';
  } catch (err) {
    // The appeal no longer waits for this case: the answer was delivered before.
    if (err instanceof Conflict && err.code === 'notNow') return 'already';
    throw err;
  }
}

/** Delivers a finished case's answer on its own, e.g. again after a failure; changes nothing the second time. */
export async function deliverReferralOutcome(services: AppealServices, referralId: number) {
  return services.db.em().transactional((tx) => answerAppeal(services, tx, referralId));
}

/**
 * A legal clock's timer fires through the same service as people do. A timer whose clock has
 * since moved or stopped is finished quietly; a concurrent change is thrown so pg-boss retries.
 */
export async function fireReferralTimer(services: AppealServices, job: Omit<ReferralTimerJob, 'fireAt'>): Promise<'applied' | 'stale' | 'refused'> {
  const referral = await new ReferralStore(services.db.em()).load(job.referralId);
  if (!referral) return 'stale';
  const clock = restoreReferralSnapshot(referralDefinition(referral.kind), referral.snapshot).context.clocks[job.clock];
  if (!clock || clock.state === 'stopped' || clock.dueAt !== job.deadline) return 'stale';
  try {
    await applyReferralEvent(services, { referralId: job.referralId, type: job.event, payload: { clock: job.clock }, actor: SYSTEM_ACTOR });
    return 'applied';
  } catch (err) {
    if (err instanceof Conflict && err.code === 'notNow') return 'refused';
    throw err;
  }
}
