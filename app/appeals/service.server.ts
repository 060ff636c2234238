import { OptimisticLockError, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/sql';
import {
  APPEAL_EVENT_TYPES, eventPayloadSchemas, type Actor, type AppealEvent, type AppealEventType,
} from '../../machines/appeal-events';
import {
  APPEAL_MACHINE_VERSION, applyAppealEvent, persistAppealSnapshot, phaseOf, restoreAppealSnapshot, roleAllowed, slaOf,
} from '../../machines/appeal';
import { AppealEventSchema, AppealSchema, AssignmentSchema, DepartmentSchema, GridSchema, SmsOutboxSchema } from '../../entities';
import type { Appeal } from '../../entities/appeal';
import type { CategoryLimits } from '../../entities/category';
import { getWorkCalendar } from '../calendar/calendar.server';
import { localDateTime, warnInstant, type WorkCalendar } from '../calendar/working-time';
import type { Database } from '../db/orm.server';
import { Conflict, Forbidden, InvalidInput, NotFound, fieldErrorsOf } from '../domain/errors';
import type { TimerJob, Timers } from '../jobs/timers.server';
import { auditHash } from './audit-hash';
import { extendedDeadline, handlingDeadline, limitDeadline } from './deadlines';
import { canSeeAppeal } from './scope';
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
const SERVER_FIELDS = ['acceptDueAt', 'dueAt', 'callbackDueAt', 'newDueAt'] as const;
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

interface Loaded {
  appeal: Appeal;
  limits: CategoryLimits;
  departmentIds: number[];
}

async function loadForEvent(tx: EntityManager, appealId: number): Promise<Loaded> {
  const appeal = await tx.findOne(AppealSchema, appealId, { populate: ['category'] });
  if (!appeal) throw new NotFound('诉求不存在');
  const rows = await tx.getConnection().execute<{ department_id: number }[]>(
    'select distinct department_id from assignment where appeal_id = ? and department_id is not null', [appealId], 'all', tx.getTransactionContext(),
  );
  return { appeal, limits: appeal.category.limits, departmentIds: rows.map((r) => r.department_id) };
}

/** Adds the deadlines the server computes from the category and the working-day calendar. */
function serverFields(type: AppealEventType, input: Record<string, unknown>, loaded: Loaded, cal: WorkCalendar, now: Date): Record<string, unknown> {
  const { appeal, limits } = loaded;
  switch (type) {
    case 'SUBMIT':
      return { dueAt: handlingDeadline(cal, now, limits, appeal.urgency).dueAt.toISOString() };
    case 'DISPATCH':
    case 'ASSIGN_GRID':
    case 'SUB_DISPATCH':
      return { acceptDueAt: limitDeadline(cal, now, limits.accept).toISOString() };
    case 'APPROVE_REPLY':
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
export async function applyEvent(services: AppealServices, cmd: EventCommand): Promise<EventResult> {
  if (!isEventType(cmd.type)) throw new InvalidInput(`未知的操作 ${cmd.type}`, { type: ['unknown event type'] });
  const type = cmd.type;
  if (!roleAllowed(cmd.actor.role, type)) throw new Forbidden();
  const input = stripServerFields(cmd.payload);
  const now = services.now?.() ?? new Date();

  try {
    return await services.db.em().transactional(async (tx) => {
      const loaded = await loadForEvent(tx, cmd.appealId);
      const { appeal } = loaded;
      if (cmd.expectedVersion !== undefined && cmd.expectedVersion !== appeal.version) {
        throw new Conflict('该诉求已被他人更新，请刷新后重试', 'stale');
      }
      const facts = {
        createdById: appeal.createdBy.id, leadDepartmentId: appeal.leadDepartment?.id ?? null, assignedGridId: appeal.assignedGrid?.id ?? null,
        gridId: appeal.grid?.id ?? null, departmentIds: loaded.departmentIds,
        referred: Boolean((appeal.snapshot as { context?: { referralKind?: string | null } }).context?.referralKind),
      };
      if (!canSeeAppeal(cmd.actor, facts)) throw new Forbidden();

      const cal = await getWorkCalendar(tx);
      const computed = serverFields(type, input, loaded, cal, now); // may consume request-only fields (days)
      const payloadIn = { ...input, ...computed };
      const parsed = eventPayloadSchemas[type].safeParse(payloadIn);
      if (!parsed.success) throw new InvalidInput('输入有误', fieldErrorsOf(parsed.error.issues));
      const payload = parsed.data as Record<string, unknown>;
      await validateReferences(tx, type, payload, appeal);

      const snapshot = restoreAppealSnapshot(appeal.snapshot);
      const event = { type, actor: cmd.actor, at: now.toISOString(), ...payload } as AppealEvent;
      const { accepted, next } = applyAppealEvent(snapshot, event);
      if (!accepted) {
        const twin = { ...event, actor: inScopeTwin(cmd.actor, snapshot.context as unknown as Record<string, unknown>) } as AppealEvent;
        if (cmd.actor.role !== 'system' && applyAppealEvent(snapshot, twin).accepted) throw new Forbidden('该诉求不在您的办理范围内');
        throw new Conflict('当前状态不允许此操作', 'notNow');
      }

      const fromPhase = phaseOf(snapshot);
      const fromSla = slaOf(snapshot);
      const toPhase = phaseOf(next);
      const toSla = slaOf(next);
      const ctx = next.context as Record<string, any>;

      appeal.snapshot = persistAppealSnapshot(next) as unknown as Record<string, unknown>;
      appeal.machineVersion = APPEAL_MACHINE_VERSION;
      appeal.phase = toPhase;
      appeal.sla = toSla;
      appeal.leadDepartment = ctx.assigneeDepartmentId ? tx.getReference(DepartmentSchema, ctx.assigneeDepartmentId as number) : null;
      appeal.assignedGrid = ctx.gridId ? tx.getReference(GridSchema, ctx.gridId as number) : null;
      appeal.acceptDueAt = ctx.acceptDueAt ? new Date(ctx.acceptDueAt) : null;
      appeal.dueAt = ctx.dueAt ? new Date(ctx.dueAt) : null;
      appeal.callbackDueAt = ctx.callbackDueAt ? new Date(ctx.callbackDueAt) : null;
      appeal.closedAt = ctx.closedAt ? new Date(ctx.closedAt) : null;
      if (type === 'SUBMIT') appeal.submittedAt = now;

      const seq = appeal.auditSeq + 1;
      const row = {
        appealId: appeal.id, seq, type, actorId: cmd.actor.userId || null, actorRole: cmd.actor.role, at: now,
        fromPhase, toPhase, fromSla, toSla, payload,
      };
      const hash = auditHash(appeal.auditHead, row);
      tx.create(AppealEventSchema, {
        appeal, seq, type, actor: row.actorId, actorRole: row.actorRole, at: now, fromPhase, toPhase, fromSla, toSla, payload,
        prevHash: appeal.auditHead, hash,
      } as never);
      appeal.auditSeq = seq;
      appeal.auditHead = hash;

      await recordAssignments(tx, type, payload, appeal, ctx, now);
      await services.timers.schedule(tx, timersFor(type, appeal, ctx, cal, now));
      queueSms(tx, type, appeal);
      await tx.flush();
      return { appealId: appeal.id, version: appeal.version, phase: toPhase, sla: toSla, seq };
    });
  } catch (err) {
    // Either guard can trip first: the version check on the appeal row, or the audit sequence number.
    if (err instanceof OptimisticLockError || (err instanceof UniqueConstraintViolationException && /appeal_event_appeal_id_seq/.test(err.message))) {
      throw new Conflict('该诉求已被他人更新，请刷新后重试', 'stale');
    }
    throw err;
  }
}

async function validateReferences(tx: EntityManager, type: AppealEventType, payload: Record<string, unknown>, appeal: Appeal) {
  const conn = tx.getConnection();
  const trx = tx.getTransactionContext();
  const exists = async (sql: string, params: unknown[]) => (await conn.execute(sql, params, 'all', trx)).length > 0;
  if (type === 'DISPATCH' || type === 'SUB_DISPATCH') {
    const ids = [payload.departmentId as number, ...((payload.assistingDepartmentIds as number[] | undefined) ?? [])];
    const found = await conn.execute<{ id: number }[]>(`select id from department where active and id in (${ids.map(() => '?').join(',')})`, ids, 'all', trx);
    if (found.length !== new Set(ids).size) throw new InvalidInput('部门不存在', { departmentId: ['unknown or inactive department'] });
    if (type === 'SUB_DISPATCH') {
      const current = appeal.leadDepartment?.id;
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

async function recordAssignments(tx: EntityManager, type: AppealEventType, payload: Record<string, unknown>, appeal: Appeal, ctx: Record<string, any>, now: Date) {
  const conn = tx.getConnection();
  const trx = tx.getTransactionContext();
  const closeActive = (status: string) =>
    conn.execute(`update assignment set status = ?, updated_at = ? where appeal_id = ? and status = 'active'`, [status, now, appeal.id], 'run', trx);
  const acceptDueAt = ctx.acceptDueAt ? new Date(ctx.acceptDueAt) : null;
  switch (type) {
    case 'DISPATCH':
      await closeActive('superseded');
      tx.create(AssignmentSchema, { appeal, department: payload.departmentId as number, role: 'lead', level: ctx.dispatchLevel, acceptDueAt, status: 'active' } as never);
      for (const d of (payload.assistingDepartmentIds as number[]) ?? []) {
        tx.create(AssignmentSchema, { appeal, department: d, role: 'assisting', level: ctx.dispatchLevel, acceptDueAt, status: 'active' } as never);
      }
      break;
    case 'ASSIGN_GRID':
      await closeActive('superseded');
      tx.create(AssignmentSchema, { appeal, grid: payload.gridId as number, role: 'lead', level: ctx.dispatchLevel, acceptDueAt, status: 'active' } as never);
      break;
    case 'SUB_DISPATCH':
      await conn.execute(`update assignment set status = 'superseded', updated_at = ? where appeal_id = ? and status = 'active' and role = 'lead'`, [now, appeal.id], 'run', trx);
      tx.create(AssignmentSchema, { appeal, department: payload.departmentId as number, role: 'lead', level: ctx.dispatchLevel, acceptDueAt, status: 'active' } as never);
      break;
    case 'ACCEPT':
      await conn.execute(`update assignment set accepted_at = ?, updated_at = ? where appeal_id = ? and status = 'active' and role = 'lead'`, [now, now, appeal.id], 'run', trx);
      break;
    case 'APPROVE_RETURN':
      await closeActive('returned');
      break;
    case 'REPLY':
    case 'MERGE_INTO':
    case 'REFER':
      if (type !== 'REPLY') await closeActive('superseded');
      break;
    default:
      break;
  }
}

type TimerPlan = { job: Omit<TimerJob, 'fireAt'>; at: Date };

function timersFor(type: AppealEventType, appeal: Appeal, ctx: Record<string, any>, cal: WorkCalendar, now: Date): TimerPlan[] {
  const handling = (): TimerPlan[] => {
    if (!ctx.dueAt) return [];
    const due = new Date(ctx.dueAt);
    const limit = appeal.category.limits[appeal.urgency];
    const warnAt = warnInstant(cal, now, due, limit.unit);
    return [
      { job: { appealId: appeal.id, event: 'WARN', deadline: ctx.dueAt }, at: warnAt },
      { job: { appealId: appeal.id, event: 'OVERDUE', deadline: ctx.dueAt }, at: due },
    ];
  };
  switch (type) {
    case 'SUBMIT':
    case 'REOPEN':
    case 'APPROVE_EXTENSION':
      return handling();
    case 'APPROVE_REPLY':
      return ctx.callbackDueAt ? [{ job: { appealId: appeal.id, event: 'CALLBACK_DUE', deadline: ctx.callbackDueAt }, at: new Date(ctx.callbackDueAt) }] : [];
    default:
      return [];
  }
}

/** Messages to the citizen, written with the event and sent later by the SMS job. */
function queueSms(tx: EntityManager, type: AppealEventType, appeal: Appeal) {
  const phone = appeal.callerPhone;
  if (!phone || appeal.anonymous) return;
  const templates: Partial<Record<AppealEventType, [string, string]>> = {
    SUBMIT: ['received', `【12345】您的诉求已受理，编号 ${appeal.number}，办理时限 ${appeal.dueAt ? localDateTime(appeal.dueAt) : ''}。`],
    APPROVE_REPLY: ['replied', `【12345】您的诉求 ${appeal.number} 已办理答复，稍后将回访，感谢您的监督。`],
    REOPEN: ['reopened', `【12345】您的诉求 ${appeal.number} 已重新受理。`],
  };
  const t = templates[type];
  if (t) tx.create(SmsOutboxSchema, { appeal, phone, template: t[0], body: t[1], status: 'pending' } as never);
}
