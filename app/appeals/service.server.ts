import {
  APPEAL_EVENT_TYPES,
  URGENCIES,
  eventPayloadSchemas,
  type Classification,
  type Urgency,
  eventRoles,
  type AppealEvent,
  type AppealEventType,
  type DraftChanges,
  type PolicyComplaintKind,
  type PolicyHandoverReason,
} from '../../machines/appeal-events';
import type { Actor } from '../../machines/actor';
import {
  APPEAL_MACHINE_VERSION,
  applyAppealEvent,
  persistAppealSnapshot,
  phaseOf,
  restoreAppealSnapshot,
  slaOf,
  type AppealSnapshot,
} from '../../machines/appeal';
import { localDateTime, warnInstant, type LimitUnit } from '../calendar/working-time';
import type { CategoryLimits } from '../../entities/category';
import { jsonb, one } from '../db/sql.server';
import {
  KeepUnlessSet,
  transition,
  type CaseKind,
  type CaseServices,
  type SideWrite,
  type Step,
  type StepLink,
  type StepInput,
} from '../cases/transition.server';
import { Conflict, Forbidden, InvalidInput, fieldErrorsOf } from '../domain/errors';
import type { EntityManager } from '@mikro-orm/sql';
import type { TimerJob, Timers } from '../jobs/timers.server';
import { activeDepartments, exists, loadAppeal, sideWrites, type AppealRow } from './appeal-store.server';
import { draftEditColumns, validateDraftEdit } from './draft-fields.server';
import { APPEAL_TRAIL } from './audit.server';
import { matchCatalogue } from '../dispatch/catalogue.server';
import { dispatchableIds } from '../dispatch/units.server';
import { assistDeadline, extendedDeadline, handlingDeadline, limitDeadline, triageDeadline } from './deadlines';
import { canSeeAppeal } from './scope';
import { checkHandoverRecord, handoverFields } from './policy-handover.server';
import { citizenSiteHome, queueTemplatedSms, type SmsTemplateCode } from './sms-templates.server';
import { queueStatusChange } from './status-changes.server';
import { z } from 'zod';

// Appeals on the case kernel: the appeal machine, its scope rule, its deadlines, assignments,
// messages and timers. Everything else about a step is the kernel's.

export interface AppealServices extends CaseServices {
  timers: Timers;
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

/** A step of an appeal, as its hooks and links see it. */
export type AppealStep = Step<AppealRow, AppealSnapshot, AppealServices>;
export type AppealLink<T = unknown> = StepLink<AppealRow, AppealSnapshot, T, AppealServices>;

const approveExtensionInput = z.object({ days: z.number().int().min(1).max(30) }).strict();

/** Adds the deadlines the server computes from the category and the working-day calendar. */
type AppealStepInput = StepInput<AppealRow, AppealSnapshot, AppealServices>;

/** Which of the actor's units an assisting step is for: the one with an order on this appeal, else his first. */
function assistUnitOf(snapshot: AppealSnapshot, actor: Actor): number | undefined {
  const ordered = snapshot.context.assists.map((a) => a.departmentId);
  return actor.departmentIds.find((d) => ordered.includes(d)) ?? actor.departmentIds[0];
}

function serverFields(step: AppealStepInput): Record<string, unknown> | Promise<Record<string, unknown>> {
  const { type, input, row: appeal, before, actor, cal, now } = step;
  const { limits } = appeal;
  switch (type as AppealEventType) {
    case 'RECLASSIFY':
      return reclassificationFields(step);
    case 'SUBMIT':
      return {
        dueAt: handlingDeadline(cal, now, limits, appeal.urgency).dueAt.toISOString(),
        triageDueAt: triageDeadline(cal, now, appeal.source)?.toISOString(),
      };
    case 'SELF_HANDLE':
      return { dueAt: handlingDeadline(cal, now, limits, appeal.urgency).dueAt.toISOString() };
    case 'DISPATCH':
      return dispatchFields(step);
    case 'HAND_TO_POLICY_LEAD':
      return handoverFields(step.em, cal, now, appeal, input);
    case 'ASSIGN_GRID':
    case 'SUB_DISPATCH':
      return { acceptDueAt: limitDeadline(cal, now, limits.accept).toISOString() };
    case 'ASSIST_ACCEPT':
    case 'ASSIST_OPINION':
      return { assistDepartmentId: assistUnitOf(before, actor) };
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

/**
 * DISPATCH's deadlines; when the system dispatches, the 派单目录 entry that decides it today, matched again here so
 * the system can send an appeal only where the catalogue says (the machine refuses a system dispatch without it).
 */
async function dispatchFields({ em, input, row: appeal, actor, cal, now }: AppealStepInput) {
  const { limits } = appeal;
  const fields: Record<string, unknown> = {
    acceptDueAt: limitDeadline(cal, now, limits.accept).toISOString(),
    assistDueAt: assistDeadline(cal, now, limits, appeal.urgency).toISOString(),
  };
  if (actor.role !== 'system') return fields;
  const match = await matchCatalogue(em, { categoryId: appeal.categoryId, gridId: appeal.gridId }, now);
  if (!match || match.lead.id !== input.departmentId)
    throw new Conflict('派单目录没有为该诉求指定这个承办单位', 'notNow');
  return { ...fields, catalogue: { entryId: match.entryId, categoryCode: match.categoryCode, area: match.area } };
}

/**
 * RECLASSIFY: the values before, and the handling deadline counted again from submission with the new
 * category's limit for the new urgency (an invalid urgency is the schema's to refuse; the old one stands in).
 */
async function reclassificationFields({ em, input, row: appeal, cal, now }: AppealStepInput) {
  const categoryId = Number(input.categoryId);
  const category = Number.isInteger(categoryId)
    ? await one<{ limits: unknown; active: boolean }>(em, 'select limits, active from category where id = ?', [
        categoryId,
      ])
    : null;
  if (!category?.active) throw new InvalidInput('分类不存在', { categoryId: ['请选择有效的分类'] });
  const limits = jsonb<CategoryLimits>(category.limits);
  const urgency = (URGENCIES as readonly unknown[]).includes(input.urgency)
    ? (input.urgency as Urgency)
    : appeal.urgency;
  const from: Classification = {
    categoryId: appeal.categoryId,
    appealType: appeal.type,
    urgency: appeal.urgency,
    address: appeal.address,
    gridId: appeal.gridId,
  };
  return {
    from,
    previousDueAt: appeal.dueAt?.toISOString() ?? null,
    dueAt: handlingDeadline(cal, appeal.submittedAt ?? now, limits, urgency).dueAt.toISOString(),
    dueUnit: limits[urgency].unit,
  };
}

/** An actor of the same role whose scope is exactly this appeal: tells "not yours" (403) from "not now" (409). */
function notYours({ actor, before, type, payload, now }: Omit<AppealStep, 'next'>): string | null {
  if (actor.role === 'system') return null;
  const ctx = before.context;
  // An assisting step is judged for the unit of an open order: the lead's handler is told it is not his.
  const assist = type === 'ASSIST_ACCEPT' || type === 'ASSIST_OPINION';
  const openUnit = ctx.assists.find((a) => a.status === 'pending' || a.status === 'accepted')?.departmentId;
  const twin: Actor = {
    ...actor,
    departmentIds: assist
      ? openUnit
        ? [openUnit]
        : actor.departmentIds
      : ctx.assigneeDepartmentId
        ? [ctx.assigneeDepartmentId]
        : actor.departmentIds,
    gridIds: ctx.gridId ? [ctx.gridId] : actor.gridIds,
  };
  const twinPayload = assist && openUnit ? { ...payload, assistDepartmentId: openUnit } : payload;
  const event = { ...twinPayload, type, actor: twin, at: now.toISOString() } as AppealEvent;
  return applyAppealEvent(before, event).accepted ? '该诉求不在您的办理范围内' : null;
}

const toDate = (iso: string | null) => (iso ? new Date(iso) : null);

/** Appeals as a kind of case; intake opens them with it too. */
export const appealKind: CaseKind<AppealRow, AppealSnapshot, AppealServices> = {
  trail: APPEAL_TRAIL,
  staleMessage: '该诉求已被他人更新，请刷新后重试',
  notFoundMessage: '诉求不存在',
  load: loadAppeal,
  restore: (row) => restoreAppealSnapshot(row.snapshot),
  events: () => ({ types: APPEAL_EVENT_TYPES, roles: eventRoles, schemas: eventPayloadSchemas }),
  canSee: (actor, row, snapshot) =>
    canSeeAppeal(actor, {
      createdById: row.createdById,
      leadDepartmentId: row.leadDepartmentId,
      assignedGridId: row.assignedGridId,
      gridId: row.gridId,
      departmentIds: row.departmentIds,
      referralAgencyIds: snapshot.context.referralAgencyIds,
    }),
  hidden: () => new Forbidden(),
  serverFields: [
    'acceptDueAt',
    'triageDueAt',
    'dueAt',
    'callbackDueAt',
    'newDueAt',
    'referralId',
    'assistDueAt',
    'assistDepartmentId',
    'attachments',
    'from',
    'previousDueAt',
    'dueUnit',
    'leadDepartmentId',
    'chiefRepresentativeId',
    'catalogue',
  ],
  compute: serverFields,
  validate: validateReferences,
  apply: (snapshot, event) => applyAppealEvent(snapshot, event as unknown as AppealEvent),
  notYours,
  persist: (snapshot) => ({ snapshot: persistAppealSnapshot(snapshot), machineVersion: APPEAL_MACHINE_VERSION }),
  phaseOf,
  auditExtra: (before, next) => ({ fromSla: before ? slaOf(before) : null, toSla: slaOf(next) }),
  mirror: (next, step) => {
    const ctx = next.context;
    return {
      sla: slaOf(next),
      lead_department_id: ctx.assigneeDepartmentId,
      assigned_grid_id: ctx.gridId,
      accept_due_at: toDate(ctx.acceptDueAt),
      triage_due_at: toDate(ctx.triageDueAt),
      due_at: toDate(ctx.dueAt),
      callback_due_at: toDate(ctx.callbackDueAt),
      closed_at: toDate(ctx.closedAt),
      submitted_at: new KeepUnlessSet(step?.type === 'SUBMIT' || step?.type === 'SELF_HANDLE' ? step.now : null),
      // A draft's edit writes its new values with the step, in the same guarded statement.
      ...(step?.type === 'EDIT_DRAFT' ? draftEditColumns(step.payload.changes as DraftChanges) : {}),
      ...(step?.type === 'RECLASSIFY' ? classificationColumns(step.payload as unknown as Classification) : {}),
    };
  },
  sideWrites: (step) => [
    ...assignmentWrites(step),
    ...smsWrites(step),
    ...citationWrites(step),
    ...policyLinkWrites(step),
    ...statusChangeWrites(step),
    sideWrites.queueForReports(step.now),
  ],
  timers: (step) => {
    const plans = timersFor(step);
    return plans.length ? (tx) => step.services.timers.schedule(tx, plans) : null;
  },
};

/**
 * The single way an appeal changes: the kernel's guarded transition with the appeal's rules. A
 * link adds what another kind must write with the step, in the same transaction.
 */
export async function applyEvent(
  services: AppealServices,
  cmd: EventCommand,
  opts: { tx?: EntityManager; link?: AppealLink } = {},
): Promise<EventResult> {
  const r = await transition(appealKind, services, { ...cmd, caseId: cmd.appealId }, opts);
  return { appealId: r.id, version: r.version, phase: r.phase, sla: slaOf(r.next), seq: r.seq };
}

/** The row's own columns a RECLASSIFY corrects. */
const classificationColumns = (c: Classification) => ({
  category_id: c.categoryId,
  type: c.appealType,
  urgency: c.urgency,
  address: c.address,
  grid_id: c.gridId,
});

async function validateReferences(step: AppealStepInput, payload: Record<string, unknown>) {
  const { em, type, row: appeal, before } = step;
  if (type === 'EDIT_DRAFT') await validateDraftEdit(em, appeal.id, payload.changes as DraftChanges);
  // The machine refuses it anyway; this says why, beside the field that lets the lead go on.
  const openAssist = before.context.assists.some((x) => x.status === 'pending' || x.status === 'accepted');
  if (type === 'REPLY' && openAssist && !payload.assistOverride && before.context.assigneeDepartmentId !== null) {
    const message = '协办单位尚未全部反馈意见：请等待，或填写直接答复的理由';
    throw new InvalidInput(message, { assistOverride: [message] });
  }
  if (type === 'RECLASSIFY') {
    const { from, ...to } = payload as unknown as Classification & { from: Classification };
    if (to.gridId !== null && !(await exists(em, 'select 1 from grid where id = ?', [to.gridId])))
      throw new InvalidInput('网格不存在', { gridId: ['请选择有效的网格'] });
    const fields = ['categoryId', 'appealType', 'urgency', 'address', 'gridId'] as const;
    if (fields.every((f) => (to[f] ?? null) === (from[f] ?? null)))
      throw new InvalidInput('没有需要更正的内容', { _form: ['nothing to change'] });
  }
  if (type === 'DISPATCH' || type === 'SUB_DISPATCH') {
    const ids = [payload.departmentId as number, ...((payload.assistingDepartmentIds as number[] | undefined) ?? [])];
    // The dispatch desk sends to units that may lead or assist (no referral agency: that is REFER).
    const found = type === 'DISPATCH' ? await dispatchableIds(em, ids) : await activeDepartments(em, ids);
    if (found.length !== new Set(ids).size)
      throw new InvalidInput('部门不存在', { departmentId: ['unknown or inactive department'] });
    if (type === 'SUB_DISPATCH') {
      const current = appeal.leadDepartmentId;
      const below = await exists(em, `select 1 from department where id = ? and path like ? and id <> ?`, [
        payload.departmentId,
        `%/${current}/%`,
        current,
      ]);
      if (!below)
        throw new InvalidInput('二级派单只能派往下级单位', {
          departmentId: ['must be a unit below the current department'],
        });
    }
  }
  if (type === 'RESOLVE_ON_SPOT' && payload.policyCitation) {
    // An answer cites an item of a policy's current published version: not a superseded, retired or unknown one.
    const c = payload.policyCitation as PolicyCitation;
    const citable = await exists(
      em,
      `select 1 from policy_version v where v.policy_id = ? and v.version_no = ? and v.current
          and exists (select 1 from jsonb_array_elements(v.content->'items') i where (i->>'no')::int = ?)`,
      [c.policyId, c.versionNo, c.itemNo],
    );
    if (!citable) {
      const message = '引用的政策条款不存在或已不是现行版本，请重新查找后引用';
      throw new InvalidInput(message, { policyItem: [message] });
    }
  }
  if (type === 'HAND_TO_POLICY_LEAD') {
    // The appeal's type says what it is: a consultation is handed to the chief representative, a complaint disputed.
    const reason = payload.reason as PolicyHandoverReason;
    if (appeal.type !== reason) {
      const message = reason === 'consultation' ? '转首席代表的诉求须为咨询类' : '政策异议须登记为投诉类';
      throw new InvalidInput(message, { reason: [message] });
    }
    if (payload.recordId !== undefined)
      await checkHandoverRecord(em, appeal.id, payload.policyId as number, payload.recordId as number);
  }
  if (type === 'ASSIGN_GRID' && !(await exists(em, 'select 1 from grid where id = ?', [payload.gridId]))) {
    throw new InvalidInput('网格不存在', { gridId: ['unknown grid'] });
  }
  if (type === 'MERGE_INTO') {
    if (payload.targetAppealId === appeal.id)
      throw new InvalidInput('不能合并到自身', { targetAppealId: ['cannot merge into itself'] });
    // A duplicate merges into an appeal that was submitted and is not itself merged: one the reports count.
    const target = await exists(em, `select 1 from appeal where id = ? and tags @> '{counted}'`, [
      payload.targetAppealId,
    ]);
    if (!target) {
      throw new InvalidInput('目标诉求不存在或已结束', { targetAppealId: ['unknown target appeal'] });
    }
  }
}

function assignmentWrites({ type, payload, next, now }: AppealStep): SideWrite[] {
  const ctx = next.context;
  const acceptDueAt = toDate(ctx.acceptDueAt);
  const add = (row: Parameters<typeof sideWrites.addAssignment>[0]) =>
    sideWrites.addAssignment(row, ctx.dispatchLevel, acceptDueAt, now);
  const assistUnit = payload.assistDepartmentId as number;
  switch (type as AppealEventType) {
    case 'DISPATCH':
      return [
        sideWrites.closeAssignments('superseded', now),
        add({ departmentId: payload.departmentId as number, role: 'lead' }),
        ...ctx.assists.map((a) =>
          add({ departmentId: a.departmentId, role: 'assisting', dueAt: toDate(a.dueAt) ?? undefined }),
        ),
      ];
    case 'ASSIST_ACCEPT':
      return [sideWrites.markAssist(assistUnit, { acceptedAt: now }, now)];
    case 'ASSIST_OPINION':
      return [sideWrites.markAssist(assistUnit, { status: 'done', answeredAt: now }, now)];
    case 'REPLY':
      // The machine waived whatever assisting order was still open; their rows follow.
      return ctx.assists.some((a) => a.status === 'waived') ? [sideWrites.waiveAssists(now)] : [];
    case 'HAND_TO_POLICY_LEAD':
      return [
        sideWrites.closeAssignments('superseded', now),
        add({ departmentId: payload.leadDepartmentId as number, role: 'lead' }),
      ];
    case 'ASSIGN_GRID':
      return [sideWrites.closeAssignments('superseded', now), add({ gridId: payload.gridId as number, role: 'lead' })];
    case 'SELF_HANDLE':
      return [add({ gridId: payload.gridId as number, role: 'lead' })];
    case 'SUB_DISPATCH':
      return [
        sideWrites.closeAssignments('superseded', now, true),
        add({ departmentId: payload.departmentId as number, role: 'lead' }),
      ];
    case 'ACCEPT':
      return [sideWrites.markAccepted(now)];
    case 'APPROVE_RETURN':
      return [sideWrites.closeAssignments('returned', now)];
    case 'MERGE_INTO':
    case 'REFER':
      return [sideWrites.closeAssignments('superseded', now)];
    // 退回派单重新派单: the unit's order ends; the dispatcher sends the appeal again.
    case 'REJECT_REPLY':
    case 'REDO':
    case 'VERIFY_REJECT':
      return next.hasTag('awaitingDispatch') ? [sideWrites.closeAssignments('superseded', now)] : [];
    default:
      return [];
  }
}

type TimerPlan = { job: Omit<TimerJob, 'fireAt'>; at: Date };

function timersFor({ type, payload, row: appeal, before, next, cal, now }: AppealStep): TimerPlan[] {
  const ctx = next.context;
  const handling = (): TimerPlan[] => {
    if (!ctx.dueAt) return [];
    const due = new Date(ctx.dueAt);
    // A reclassified appeal's deadline follows its new category and urgency, a policy handover the policy limits.
    const limit =
      type === 'RECLASSIFY' || type === 'HAND_TO_POLICY_LEAD'
        ? { unit: payload.dueUnit as LimitUnit }
        : appeal.limits[appeal.urgency];
    const overdue: TimerPlan = { job: { appealId: appeal.id, event: 'OVERDUE', deadline: ctx.dueAt }, at: due };
    // An extension that still ends in the past (a long-overdue appeal) has nothing left to warn about.
    if (due.getTime() <= now.getTime()) return [overdue];
    return [
      { job: { appealId: appeal.id, event: 'WARN', deadline: ctx.dueAt }, at: warnInstant(cal, now, due, limit.unit) },
      overdue,
    ];
  };
  switch (type as AppealEventType) {
    case 'SUBMIT':
    case 'SELF_HANDLE':
    case 'REOPEN':
    case 'APPROVE_EXTENSION':
    case 'RECLASSIFY':
      return handling();
    // The policy's own handling limit replaces the category's: the timers of the new deadline (the old ones are stale).
    case 'HAND_TO_POLICY_LEAD':
      return ctx.dueAt !== before.context.dueAt ? handling() : [];
    case 'APPROVE_REPLY':
    case 'VERIFY_APPROVE':
      return ctx.callbackDueAt
        ? [
            {
              job: { appealId: appeal.id, event: 'CALLBACK_DUE', deadline: ctx.callbackDueAt },
              at: new Date(ctx.callbackDueAt),
            },
          ]
        : [];
    default:
      // An answer sent back (redo, a rejected on-the-spot answer, a refused referral) owes it again: the handling
      // deadline runs again, and a deadline that passed while it was answered makes it overdue at once.
      return next.hasTag('awaitingAnswer') && !before.hasTag('awaitingAnswer') ? handling() : [];
  }
}

type PolicyCitation = { policyId: number; versionNo: number; itemNo: number };

function citationWrites({ type, payload, actor, now }: AppealStep): SideWrite[] {
  if (type !== 'RESOLVE_ON_SPOT' || !payload.policyCitation) return [];
  return [sideWrites.citePolicy(payload.policyCitation as PolicyCitation, actor.userId, now)];
}

/** The change pushed to the subscribed city systems (status webhooks), written with the step. */
function statusChangeWrites({ type, row, next, now }: AppealStep): SideWrite[] {
  const write = queueStatusChange({
    number: row.number,
    type,
    sequence: row.auditSeq + 1,
    next,
    leadDepartmentId: next.context.assigneeDepartmentId,
    at: now,
  });
  return write ? [write] : [];
}

/** The policy the appeal is about (appeal_policy), written with the handover; a later handover says it anew. */
function policyLinkWrites({ type, payload, actor, now }: AppealStep): SideWrite[] {
  if (type !== 'HAND_TO_POLICY_LEAD') return [];
  return [
    sideWrites.linkPolicy(
      {
        policyId: payload.policyId as number,
        recordId: (payload.recordId as number | undefined) ?? null,
        reason: payload.reason as PolicyHandoverReason,
        complaintKind: (payload.complaintKind as PolicyComplaintKind | undefined) ?? null,
      },
      actor.userId,
      now,
    ),
  ];
}

/** Messages to the citizen, written with the event and sent later by the SMS job, in the admin's current wording. */
function smsWrites({ type, row: appeal, next: { context: ctx }, now }: AppealStep): SideWrite[] {
  const phone = appeal.callerPhone;
  if (!phone || appeal.anonymous) return [];
  const templates: Partial<Record<AppealEventType, Extract<SmsTemplateCode, 'received' | 'replied' | 'reopened'>>> = {
    SUBMIT: 'received',
    APPROVE_REPLY: 'replied',
    VERIFY_APPROVE: 'replied',
    REOPEN: 'reopened',
  };
  const code = templates[type as AppealEventType];
  if (!code) return [];
  const dueAt = ctx.dueAt ? localDateTime(new Date(ctx.dueAt)) : '';
  const values = { appealNo: appeal.number, dueAt };
  if (code !== 'replied') return [queueTemplatedSms(phone, code, values, now)];
  // An appeal filed on the site is not called back: its citizen is asked to rate the answer instead.
  return [
    queueTemplatedSms(phone, 'replied', values, now, { webAppeal: false }),
    queueTemplatedSms(phone, 'rate', { appealNo: appeal.number, link: citizenSiteHome() }, now, { webAppeal: true }),
  ];
}
