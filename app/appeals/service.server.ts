import { UniqueConstraintViolationException } from '@mikro-orm/core';
import {
  APPEAL_EVENT_TYPES, eventPayloadSchemas, type Actor, type AppealEvent, type AppealEventType,
} from '../../machines/appeal-events';
import {
  APPEAL_MACHINE_VERSION, appealTagsOf, applyAppealEvent, persistAppealSnapshot, phaseOf, restoreAppealSnapshot, roleAllowed, slaOf,
  type AppealContext,
} from '../../machines/appeal';
import { getWorkCalendar } from '../calendar/calendar.server';
import { localDateTime, warnInstant, type WorkCalendar } from '../calendar/working-time';
import type { Database } from '../db/orm.server';
import { Conflict, Forbidden, InvalidInput, NotFound, fieldErrorsOf } from '../domain/errors';
import type { TimerJob, Timers } from '../jobs/timers.server';
import { AppealStore, sideWrites, type AppealRow, type SideWrite } from './appeal-store.server';
import { auditHash } from '../cases/audit-chain';
import { extendedDeadline, handlingDeadline, limitDeadline } from './deadlines';
import { canSeeAppeal } from './scope';
import type { EntityManager } from '@mikro-orm/sql';
import type { ReferralKind } from '../../machines/appeal-events';
import { openReferral } from '../referrals/open.server';
import { ReferralStore } from '../referrals/referral-store.server';
import { z } from 'zod';

export interface AppealServices {
  db: Database;
  timers: Timers;
  /** Injected so tests can pin time; production uses the wall clock. */
  now?: () => Date;
}

export interface EventCommand {
  appealId: number;
  /** The version the user was looking at; omitted only by automatic steps that re-read first. */
  expectedVersion?: number;
  type: string;
  payload?: unknown;
  actor: Actor;
}

export interface EventResult {
  appealId: number;
  version: number;
  phase: string;
  sla: string;
  seq: number;
}

// Fields the server computes; a request that sends them is overridden, never trusted.
const SERVER_FIELDS = ['acceptDueAt', 'dueAt', 'callbackDueAt', 'newDueAt', 'referralId'] as const;
const approveExtensionInput = z.object({ days: z.number().int().min(1).max(30) }).strict();

function isEventType(type: string): type is AppealEventType {
  return (APPEAL_EVENT_TYPES as readonly string[]).includes(type);
}

function stripServerFields(payload: unknown): Record<string, unknown> {
  if (payload === undefined || payload === null) return {};
  if (typeof payload !== 'object' || Array.isArray(payload)) throw new InvalidInput('请求内容必须是对象', { _form: ['payload must be an object'] });
  const copy = { ...(payload as Record<string, unknown>) };
  for (const f of SERVER_FIELDS) delete copy[f];
  return copy;
}

/** Adds the deadlines the server computes from the category and the working-day calendar. */
function serverFields(type: AppealEventType, input: Record<string, unknown>, appeal: AppealRow, cal: WorkCalendar, now: Date): Record<string, unknown> {
  const { limits } = appeal;
  switch (type) {
    case 'SUBMIT':
    case 'SELF_HANDLE':
      return { dueAt: handlingDeadline(cal, now, limits, appeal.urgency).dueAt.toISOString() };
    case 'DISPATCH':
    case 'ASSIGN_GRID':
    case 'SUB_DISPATCH':
      return { acceptDueAt: limitDeadline(cal, now, limits.accept).toISOString() };
    case 'APPROVE_REPLY':
    case 'VERIFY_APPROVE':
      return { callbackDueAt: limitDeadline(cal, now, limits.callback).toISOString() };
    case 'REOPEN':
      return { dueAt: handlingDeadline(cal, now, limits, appeal.urgency).dueAt.toISOString() };
    case 'APPROVE_EXTENSION': {
      const parsed = approveExtensionInput.safeParse(input);
      if (!parsed.success) throw new InvalidInput('延期天数无效', fieldErrorsOf(parsed.error.issues));
      if (!appeal.dueAt) throw new Conflict('该诉求没有办理时限', 'notNow');
      delete input.days;
      return { newDueAt: extendedDeadline(cal, appeal.dueAt, parsed.data.days).toISOString() };
    }
    default:
      return {};
  }
}

/** An actor of the same role whose scope is exactly this appeal: tells "not yours" (403) from "not now" (409). */
function inScopeTwin(actor: Actor, ctx: Record<string, unknown>): Actor {
  const dept = ctx.assigneeDepartmentId as number | null;
  const grid = ctx.gridId as number | null;
  return { ...actor, departmentIds: dept ? [dept] : actor.departmentIds, gridIds: grid ? [grid] : actor.gridIds };
}

/**
 * The single way an appeal changes: validate, check role and scope, let the machine decide, then
 * write snapshot, state columns, audit row and side effects in one transaction guarded by the
 * appeal's version. Any failure leaves the database as it was.
 */
export async function applyEvent(services: AppealServices, cmd: EventCommand, tx?: EntityManager): Promise<EventResult> {
  if (!isEventType(cmd.type)) throw new InvalidInput(`未知的操作 ${cmd.type}`, { type: ['unknown event type'] });
  const type = cmd.type;
  if (!roleAllowed(cmd.actor.role, type)) throw new Forbidden();
  // The referral service answers an appeal from inside its own transaction, naming the case itself.
  const input = cmd.actor.role === 'system' ? { ...(cmd.payload as Record<string, unknown> | undefined) } : stripServerFields(cmd.payload);
  const now = services.now?.() ?? new Date();

  const em = tx ?? services.db.em();
  const store = new AppealStore(em);
  const appeal = await store.load(cmd.appealId);
  if (!appeal) throw new NotFound('诉求不存在');
  if (cmd.expectedVersion !== undefined && cmd.expectedVersion !== appeal.version) throw stale();
  const snapshot = restoreAppealSnapshot(appeal.snapshot);
  const facts = {
    createdById: appeal.createdById, leadDepartmentId: appeal.leadDepartmentId, assignedGridId: appeal.assignedGridId,
    gridId: appeal.gridId, departmentIds: appeal.departmentIds, referralAgencyIds: snapshot.context.referralAgencyIds,
  };
  if (!canSeeAppeal(cmd.actor, facts)) throw new Forbidden();

  const cal = await getWorkCalendar(em);
  const computed = serverFields(type, input, appeal, cal, now); // may consume request-only fields (days)
  if (type === 'REFER') Object.assign(computed, await referralFields(new ReferralStore(em), input));
  const parsed = eventPayloadSchemas[type].safeParse({ ...input, ...computed });
  if (!parsed.success) throw new InvalidInput('输入有误', fieldErrorsOf(parsed.error.issues));
  const payload = parsed.data as Record<string, unknown>;
  await validateReferences(store, type, payload, appeal);

  const event = { type, actor: cmd.actor, at: now.toISOString(), ...payload } as AppealEvent;
  const { accepted, next } = applyAppealEvent(snapshot, event);
  if (!accepted) {
    const twin = { ...event, actor: inScopeTwin(cmd.actor, snapshot.context as unknown as Record<string, unknown>) } as AppealEvent;
    if (cmd.actor.role !== 'system' && applyAppealEvent(snapshot, twin).accepted) throw new Forbidden('该诉求不在您的办理范围内');
    throw new Conflict('当前状态不允许此操作', 'notNow');
  }

  const ctx = next.context;
  const row = {
    appealId: appeal.id, seq: appeal.auditSeq + 1, type, actorId: cmd.actor.userId || null, actorRole: cmd.actor.role, at: now,
    fromPhase: phaseOf(snapshot), toPhase: phaseOf(next), fromSla: slaOf(snapshot), toSla: slaOf(next), payload,
  };
  const hash = auditHash(appeal.auditHead, row);
  const state = {
    snapshot: persistAppealSnapshot(next), machineVersion: APPEAL_MACHINE_VERSION, phase: row.toPhase, sla: row.toSla, tags: appealTagsOf(next),
    leadDepartmentId: ctx.assigneeDepartmentId, assignedGridId: ctx.gridId, acceptDueAt: toDate(ctx.acceptDueAt), dueAt: toDate(ctx.dueAt),
    callbackDueAt: toDate(ctx.callbackDueAt), closedAt: toDate(ctx.closedAt), submittedAt: type === 'SUBMIT' || type === 'SELF_HANDLE' ? now : null,
    auditSeq: row.seq, auditHead: hash,
  };
  const side = [...assignmentWrites(type, payload, ctx, now), ...smsWrites(type, appeal, ctx, now), sideWrites.queueForReports(now)];
  const timers = timersFor(type, appeal, ctx, cal, now);
  const result = { appealId: appeal.id, version: appeal.version + 1, phase: row.toPhase, sla: row.toSla, seq: row.seq };
  // A referral opens its case (and its first legal clock) with the event.
  const opensCase = type === 'REFER'
    ? (t: EntityManager) => openReferral(t, services.timers, {
      id: payload.referralId as number, appealId: appeal.id, kind: payload.kind as ReferralKind, agencyId: payload.agencyId as number, parentId: null,
      note: (payload.note as string | undefined) ?? null, actor: cmd.actor, now, cal,
    })
    : null;
  const write = async (t: EntityManager) => {
    if (!(await new AppealStore(t).save(appeal.id, appeal.version, state, row, appeal.auditHead, now, side))) throw stale();
    await services.timers.schedule(t, timers);
    await opensCase?.(t);
    return result;
  };

  try {
    // The appeal, its audit row and its side writes are one guarded statement; timers live in
    // pg-boss's tables, so a step that schedules them wraps both in a transaction.
    if (tx) return await write(tx);
    if (!timers.length && !opensCase) {
      if (!(await store.save(appeal.id, appeal.version, state, row, appeal.auditHead, now, side))) throw stale();
      return result;
    }
    return await em.transactional(write);
  } catch (err) {
    // A concurrent writer that slipped past the version check still collides on the audit sequence.
    if (err instanceof UniqueConstraintViolationException && /appeal_event_appeal_id_seq/.test(err.message)) throw stale();
    throw err;
  }
}

const stale = () => new Conflict('该诉求已被他人更新，请刷新后重试', 'stale');
const toDate = (iso: string | null) => (iso ? new Date(iso) : null);

/** The case a referral opens: its id, and its kind from the chosen agency (which must take that kind). */
async function referralFields(store: ReferralStore, input: Record<string, unknown>): Promise<Record<string, unknown>> {
  const agencyId = Number(input.agencyId);
  const agency = Number.isInteger(agencyId) && agencyId > 0 ? await store.agency(agencyId) : null;
  if (!agency?.active || !agency.referralKind) throw new InvalidInput('请选择转介机构', { agencyId: ['unknown referral agency'] });
  if (input.kind !== undefined && input.kind !== agency.referralKind) throw new InvalidInput('该机构不受理此类转介', { kind: ['the agency does not take this kind'] });
  return { agencyId, kind: agency.referralKind, referralId: await store.nextId() };
}

async function validateReferences(store: AppealStore, type: AppealEventType, payload: Record<string, unknown>, appeal: AppealRow) {
  const exists = (sql: string, params: unknown[]) => store.exists(sql, params);
  if (type === 'DISPATCH' || type === 'SUB_DISPATCH') {
    const ids = [payload.departmentId as number, ...((payload.assistingDepartmentIds as number[] | undefined) ?? [])];
    const found = await store.activeDepartments(ids);
    if (found.length !== new Set(ids).size) throw new InvalidInput('部门不存在', { departmentId: ['unknown or inactive department'] });
    if (type === 'SUB_DISPATCH') {
      const current = appeal.leadDepartmentId;
      const below = await exists(`select 1 from department where id = ? and path like ? and id <> ?`, [payload.departmentId, `%/${current}/%`, current]);
      if (!below) throw new InvalidInput('二级派单只能派往下级单位', { departmentId: ['must be a unit below the current department'] });
    }
  }
  if (type === 'ASSIGN_GRID' && !(await exists('select 1 from grid where id = ?', [payload.gridId]))) {
    throw new InvalidInput('网格不存在', { gridId: ['unknown grid'] });
  }
  if (type === 'MERGE_INTO') {
    if (payload.targetAppealId === appeal.id) throw new InvalidInput('不能合并到自身', { targetAppealId: ['cannot merge into itself'] });
    if (!(await exists(`select 1 from appeal where id = ? and phase not in ('merged', 'void', 'draft')`, [payload.targetAppealId]))) {
      throw new InvalidInput('目标诉求不存在或已结束', { targetAppealId: ['unknown target appeal'] });
    }
  }
}

function assignmentWrites(type: AppealEventType, payload: Record<string, unknown>, ctx: AppealContext, now: Date): SideWrite[] {
  const acceptDueAt = toDate(ctx.acceptDueAt);
  const add = (row: Parameters<typeof sideWrites.addAssignment>[0]) => sideWrites.addAssignment(row, ctx.dispatchLevel, acceptDueAt, now);
  switch (type) {
    case 'DISPATCH':
      return [
        sideWrites.closeAssignments('superseded', now),
        add({ departmentId: payload.departmentId as number, role: 'lead' }),
        ...((payload.assistingDepartmentIds as number[]) ?? []).map((d) => add({ departmentId: d, role: 'assisting' })),
      ];
    case 'ASSIGN_GRID':
      return [sideWrites.closeAssignments('superseded', now), add({ gridId: payload.gridId as number, role: 'lead' })];
    case 'SELF_HANDLE':
      return [add({ gridId: payload.gridId as number, role: 'lead' })];
    case 'SUB_DISPATCH':
      return [sideWrites.closeAssignments('superseded', now, true), add({ departmentId: payload.departmentId as number, role: 'lead' })];
    case 'ACCEPT':
      return [sideWrites.markAccepted(now)];
    case 'APPROVE_RETURN':
      return [sideWrites.closeAssignments('returned', now)];
    case 'MERGE_INTO':
    case 'REFER':
      return [sideWrites.closeAssignments('superseded', now)];
    default:
      return [];
  }
}

type TimerPlan = { job: Omit<TimerJob, 'fireAt'>; at: Date };

function timersFor(type: AppealEventType, appeal: AppealRow, ctx: AppealContext, cal: WorkCalendar, now: Date): TimerPlan[] {
  const handling = (): TimerPlan[] => {
    if (!ctx.dueAt) return [];
    const due = new Date(ctx.dueAt);
    const limit = appeal.limits[appeal.urgency];
    const overdue: TimerPlan = { job: { appealId: appeal.id, event: 'OVERDUE', deadline: ctx.dueAt }, at: due };
    // An extension that still ends in the past (a long-overdue appeal) has nothing left to warn about.
    if (due.getTime() <= now.getTime()) return [overdue];
    return [{ job: { appealId: appeal.id, event: 'WARN', deadline: ctx.dueAt }, at: warnInstant(cal, now, due, limit.unit) }, overdue];
  };
  switch (type) {
    case 'SUBMIT':
    case 'SELF_HANDLE':
    case 'REOPEN':
    case 'APPROVE_EXTENSION':
      return handling();
    case 'APPROVE_REPLY':
    case 'VERIFY_APPROVE':
      return ctx.callbackDueAt ? [{ job: { appealId: appeal.id, event: 'CALLBACK_DUE', deadline: ctx.callbackDueAt }, at: new Date(ctx.callbackDueAt) }] : [];
    default:
      return [];
  }
}

/** Messages to the citizen, written with the event and sent later by the SMS job. */
function smsWrites(type: AppealEventType, appeal: AppealRow, ctx: AppealContext, now: Date): SideWrite[] {
  const phone = appeal.callerPhone;
  if (!phone || appeal.anonymous) return [];
  const due = ctx.dueAt ? localDateTime(new Date(ctx.dueAt)) : '';
  const templates: Partial<Record<AppealEventType, [string, string]>> = {
    SUBMIT: ['received', `【12345】您的诉求已受理，编号 ${appeal.number}，办理时限 ${due}。`],
    APPROVE_REPLY: ['replied', `【12345】您的诉求 ${appeal.number} 已办理答复，稍后将回访，感谢您的监督。`],
    VERIFY_APPROVE: ['replied', `【12345】您的诉求 ${appeal.number} 已办理答复，稍后将回访，感谢您的监督。`],
    REOPEN: ['reopened', `【12345】您的诉求 ${appeal.number} 已重新受理。`],
  };
  const t = templates[type];
  return t ? [sideWrites.queueSms(phone, t[0], t[1], now)] : [];
}
