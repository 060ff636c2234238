import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import type { Actor } from '../../machines/actor';
import type { AppealTag } from '../../machines/appeal';
import { APPEAL_TYPES, URGENCIES } from '../../entities/appeal';
import {
  POLICY_COMPLAINT_KINDS,
  POLICY_HANDOVER_REASONS,
  type PolicyComplaintKind,
  type PolicyHandoverReason,
} from '../../machines/appeal-events';
import { createDraft, editDraft, editableDraft, idNumberSchema, type EditableDraft } from '../appeals/intake.server';
import { applyEvent, type AppealServices } from '../appeals/service.server';
import { localDateTime } from '../calendar/working-time';
import { all, one, type Row } from '../db/sql.server';
import { gridForPoint, pointQuery } from '../grids/grids.server';
import { entitlementsByPhone } from '../policies/entitlements.server';
import { citableItem } from '../policies/published.server';
import { linkCallToAppeal } from '../telephony/call-links.server';
import type { CallerAppeal, CallerHistory } from '../telephony/screen-pop';
import { Conflict, Forbidden, InvalidInput, fieldErrorsOf } from '../domain/errors';
import { activeBlock, lastDay } from '../security/blocked-numbers.server';
import { idNumberIndexes, maskedIdNumber } from '../security/id-number.server';
import {
  NOT_HANDED_OVER,
  NOT_THE_CALLERS,
  callerRecords,
  handoverTarget,
  type CallerRecord,
} from '../appeals/policy-handover.server';

const OPEN = `a.tags @> '{open}'`;
const INTAKE_ROLES = new Set(['operator', 'dispatcher']);

const phoneSchema = z
  .string()
  .trim()
  .regex(/^(1\d{10}|0\d{2,3}-?\d{7,8}|\d{3,12})$/, '电话号码格式不正确');

const toItem = (r: Row): CallerAppeal => ({
  id: r.id,
  number: r.number,
  title: r.title,
  phase: r.phase,
  createdAt: new Date(r.created_at).toISOString(),
});

/**
 * The caller's citizen record and last 50 non-draft appeals in ONE statement (one round trip while the phone rings):
 * a single-row anchor, the citizen (phone is unique) and the appeals as lateral left joins. Always at least one row;
 * `known` says whether the citizen exists, and a null `id` means no appeals. `?` = `$1`: both joins take the same phone.
 * bench/screenpop.ts sends the same text (with $1) as its raw baseline.
 */
export const CALLER_HISTORY_SQL = `select c.known, c.name, c.address, c.id_number_sealed,
       a.id, a.number, a.title, a.phase, a.created_at, a.open
  from (select 1) one
  left join lateral (select true as known, name, address, id_number_sealed from citizen where phone = ? limit 1) c on true
  left join lateral (select a.id, a.number, a.title, a.phase, a.created_at, ${OPEN} as open from appeal a
                      where a.caller_phone = ? and not a.tags @> '{draft}' order by a.created_at desc limit 50) a on true
 order by a.created_at desc`;

/**
 * The screen pop for a caller: who they are, what is still open, whether they keep calling, and the policies they
 * (or a firm the phone speaks for) may be entitled to.
 */
export async function callerHistory(
  em: EntityManager,
  actor: Actor,
  rawPhone: string,
  now = new Date(),
): Promise<CallerHistory | null> {
  if (!INTAKE_ROLES.has(actor.role)) throw new Forbidden();
  const parsed = phoneSchema.safeParse(rawPhone);
  if (!parsed.success) return null;
  const phone = parsed.data;
  // The history and the caller's possible policies do not wait for each other: on a server they share the ring's
  // one round trip over pooled connections.
  const [joined, policies, block] = await Promise.all([
    all(em, CALLER_HISTORY_SQL, [phone, phone]),
    entitlementsByPhone(em, phone, now),
    activeBlock(em, phone, now),
  ]);
  const citizen = joined[0]?.known ? joined[0] : null;
  const rows = joined[0]?.id == null ? [] : joined;
  const since = now.getTime() - 30 * 24 * 3600_000;
  const last30Days = rows.filter((r) => new Date(r.created_at).getTime() >= since).length;
  return {
    phone,
    citizen: citizen
      ? { name: citizen.name, address: citizen.address, idNumber: maskedIdNumber(citizen.id_number_sealed) }
      : null,
    open: rows.filter((r) => r.open).map(toItem),
    recent: rows.slice(0, 10).map(toItem),
    repeatCaller: last30Days >= 3,
    last30Days,
    blocked: block ? { reason: block.reason, until: block.until ? lastDay(block.until) : null } : null,
    policies,
  };
}

export interface DuplicateHint extends CallerAppeal {
  reason: 'sameCaller' | 'samePlace';
  address: string | null;
  /** When it was recorded, local time, to tell it from the call in hand. */
  createdLocal: string;
}

const toHint = (r: Row, reason: DuplicateHint['reason']): DuplicateHint => ({
  ...toItem(r),
  address: r.address,
  reason,
  createdLocal: localDateTime(new Date(r.created_at)),
});

const hintQuery = z.object({
  phone: phoneSchema.optional().catch(undefined),
  categoryId: z.coerce.number().int().positive().optional().catch(undefined),
  gridId: z.coerce.number().int().positive().optional().catch(undefined),
  address: z.string().trim().max(255).optional().catch(undefined),
  /** The appeal the hints are for, when it is already recorded (the dispatcher's triage): never its own hint. */
  excludeId: z.coerce.number().int().positive().optional().catch(undefined),
});

/**
 * Possible duplicates while the operator types: open appeals from the same caller, or open appeals
 * of the same category at the same place (same grid, or the same street address) in the last 30 days.
 */
export async function duplicateHints(
  em: EntityManager,
  actor: Actor,
  raw: Record<string, unknown>,
  now = new Date(),
): Promise<DuplicateHint[]> {
  if (!INTAKE_ROLES.has(actor.role)) throw new Forbidden();
  const q = hintQuery.parse(raw);
  const hints: DuplicateHint[] = [];
  if (q.phone) {
    const rows = await all(
      em,
      `select a.id, a.number, a.title, a.phase, a.created_at, a.address from appeal a
        where a.caller_phone = ? and ${OPEN} and a.id <> ? order by a.created_at desc limit 5`,
      [q.phone, q.excludeId ?? 0],
    );
    hints.push(...rows.map((r) => toHint(r, 'sameCaller')));
  }
  const street = q.address && q.address.length >= 4 ? q.address.slice(0, Math.min(q.address.length, 12)) : null;
  if (q.categoryId && (q.gridId || street)) {
    // Only the place the query has: a grid, a street, or either.
    const place = [q.gridId ? 'a.grid_id = ?' : null, street ? 'a.address like ?' : null].filter(Boolean).join(' or ');
    const placeParams = [...(q.gridId ? [q.gridId] : []), ...(street ? [`${street.replace(/[%_\\]/g, '')}%`] : [])];
    const rows = await all(
      em,
      `select a.id, a.number, a.title, a.phase, a.created_at, a.address from appeal a
        where a.category_id = ? and ${OPEN} and a.id <> ? and a.created_at >= ? and (${place})
        order by a.created_at desc limit 5`,
      [q.categoryId, q.excludeId ?? 0, new Date(now.getTime() - 30 * 24 * 3600_000), ...placeParams],
    );
    for (const r of rows) if (!hints.some((h) => h.id === r.id)) hints.push(toHint(r, 'samePlace'));
  }
  return hints;
}

/**
 * The same hints for an appeal waiting in triage, for the dispatcher who decides whether to merge it: what reached
 * the centre without an operator (the citizens' site, a patrol report) gets them here. Empty once it left triage.
 */
export async function triageDuplicateHints(
  em: EntityManager,
  actor: Actor,
  appealId: number,
  now = new Date(),
): Promise<DuplicateHint[]> {
  if (actor.role !== 'dispatcher') return [];
  const appeal = await one<{
    caller_phone: string | null;
    category_id: number;
    grid_id: number | null;
    address: string | null;
  }>(
    em,
    `select caller_phone, category_id, grid_id, address from appeal where id = ? and tags @> '{awaitingDispatch}'`,
    [appealId],
  );
  if (!appeal) return [];
  return duplicateHints(
    em,
    actor,
    {
      phone: appeal.caller_phone ?? undefined,
      categoryId: appeal.category_id,
      gridId: appeal.grid_id ?? undefined,
      address: appeal.address ?? undefined,
      excludeId: appealId,
    },
    now,
  );
}

export async function intakeOptions(em: EntityManager) {
  const categories = await all<{ id: number; code: string; name: string; parent: string | null }>(
    em,
    `select c.id, c.code, c.name, p.name as parent from category c left join category p on p.id = c.parent_id
      where c.active and c.parent_id is not null order by c.code`,
  );
  const grids = await all<{ id: number; name: string }>(em, 'select id, name from grid order by code');
  return { categories, grids };
}

const checkbox = z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean());
const optionalText = (max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.string().trim().max(max).optional(),
  );

const blankToUndefined = (v: unknown) =>
  v === undefined || v === null || (typeof v === 'string' && v.trim() === '') ? undefined : v;

const optionalId = z.preprocess(blankToUndefined, z.coerce.number().int().positive().max(2_147_483_647).optional());

const intakeForm = z.object({
  intent: z.enum(['draft', 'submit', 'merge', 'answer', 'policy']),
  requestKey: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, '表单已失效，请刷新页面'),
  callerPhone: z.preprocess((v) => (v === '' ? undefined : v), phoneSchema.optional()),
  citizenName: optionalText(100),
  idNumber: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), idNumberSchema.optional()),
  type: z.enum(APPEAL_TYPES, { message: '请选择诉求类型' }),
  urgency: z.enum(URGENCIES).default('normal'),
  category: z
    .string({ message: '请选择分类' })
    .trim()
    .regex(/^\d{2,8}\b/, '请从列表中选择分类'),
  title: z.string({ message: '此项为必填' }).trim().min(2, '标题至少 2 个字').max(200),
  content: z.string({ message: '此项为必填' }).trim().min(5, '内容至少 5 个字').max(8000),
  address: optionalText(255),
  gridId: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().positive().optional()),
  lat: z.preprocess(blankToUndefined, pointQuery.shape.lat.optional()),
  lng: z.preprocess(blankToUndefined, pointQuery.shape.lng.optional()),
  confidential: checkbox,
  anonymous: checkbox,
  mergeInto: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().positive().optional()),
  answer: optionalText(4000),
  knowledgeArticleId: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().positive().optional()),
  // The policy item (条款) the answer cites: policy, the published version read, the item's number; all or none.
  policyId: optionalId,
  policyVersion: optionalId,
  policyItem: optionalId,
  // 转首席代表 / 政策异议: the policy chosen in the policy search, why, and for a complaint its kind and maybe a record.
  handoverPolicyId: optionalId,
  handoverReason: z.preprocess(blankToUndefined, z.enum(POLICY_HANDOVER_REASONS).optional()),
  complaintKind: z.preprocess(
    blankToUndefined,
    z.enum(POLICY_COMPLAINT_KINDS, { message: '请选择异议类型' }).optional(),
  ),
  recordId: optionalId,
  callId: z.preprocess((v) => (v === '' ? undefined : v), z.string().trim().min(1).max(255).optional()),
  // A saved draft reopened in the form: which one, and the version the form was filled from.
  draftId: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().positive().optional()),
  draftVersion: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().positive().optional()),
});

/** One per rendered intake form. */
export function newRequestKey(): string {
  return randomUUID();
}

export interface IntakeResult {
  appealId: number;
  number: string;
  phase: string;
}

/**
 * The intake form's four outcomes, each one idempotent per rendered form: keep a draft, submit
 * for dispatch, merge into an earlier open appeal, or answer a consultation on the spot.
 */
export async function recordIntake(
  services: AppealServices,
  actor: Actor,
  raw: Record<string, unknown>,
): Promise<IntakeResult> {
  if (!INTAKE_ROLES.has(actor.role)) throw new Forbidden();
  // A policy handover records the appeal as what it is: a consultation for the chief representative, or a complaint.
  // Without a reason the form's one error is the missing reason (checkedHandover), not the type it would decide.
  const reason = POLICY_HANDOVER_REASONS.find((r) => r === raw.handoverReason) ?? 'consultation';
  const parsed = intakeForm.safeParse(raw.intent === 'policy' ? { ...raw, type: reason } : raw);
  if (!parsed.success) throw new InvalidInput('请检查标红的项目', fieldErrorsOf(parsed.error.issues));
  const form = parsed.data;
  const code = form.category.match(/^\d+/)![0];
  const category = await one<{ id: number }>(services.db.em(), 'select id from category where code = ? and active', [
    code,
  ]);
  if (!category) throw new InvalidInput('请检查标红的项目', { category: ['分类不存在'] });
  if (form.intent === 'merge' && !form.mergeInto)
    throw new InvalidInput('请选择要合并到的诉求', { mergeInto: ['请选择要合并到的诉求'] });
  if (form.intent === 'answer' && !form.answer)
    throw new InvalidInput('请填写答复内容', { answer: ['请填写答复内容'] });
  // Checked before anything is written: a citation or a handover that cannot stand refuses the whole form.
  const f: IntakeInput = {
    ...form,
    citation: form.intent === 'answer' ? await checkedCitation(services.db.em(), form) : undefined,
    handover: form.intent === 'policy' ? await checkedHandover(services.db.em(), form) : undefined,
  };
  if ((f.lat === undefined) !== (f.lng === undefined)) {
    throw new InvalidInput('请检查标红的项目', { [f.lat === undefined ? 'lat' : 'lng']: ['请同时填写经度和纬度'] });
  }
  // With a point, the grid is where the point falls, decided here and not by the browser: a grid
  // chosen in the form that disagrees is overridden, and a point outside every grid leaves the
  // appeal without one for the dispatcher to decide. Without a point the chosen grid is kept.
  const gridId =
    f.lat !== undefined && f.lng !== undefined
      ? (await gridForPoint(services.db.em(), { lat: f.lat, lng: f.lng }))?.id
      : f.gridId;

  const fields = {
    type: f.type,
    urgency: f.urgency,
    categoryId: category.id,
    callerPhone: f.callerPhone,
    citizenName: f.citizenName,
    idNumber: f.idNumber,
    title: f.title,
    content: f.content,
    address: f.address,
    gridId,
    lat: f.lat,
    lng: f.lng,
    confidential: f.confidential,
    anonymous: f.anonymous,
  };
  if (f.draftId) return continueDraft(services, actor, f, f.draftId, fields);
  const draft = await createDraft(services, actor, { ...fields, source: 'hotline', requestKey: f.requestKey });
  if (f.callId) await linkIntakeCall(services, actor, f.callId, draft.id);
  // A repeated submit finds the appeal already past these steps and leaves it as it is. Submits of one form
  // racing each other collide on the appeal's version: the loser looks again and finds the work done.
  let state = await currentState(services, draft.id);
  for (let attempt = 1; ; attempt++) {
    try {
      state = await advanceIntake(services, actor, f, draft.id, state);
      break;
    } catch (err) {
      if (!(err instanceof Conflict && err.code === 'stale') || attempt >= 3) throw err;
      state = await currentState(services, draft.id);
    }
  }
  return { appealId: draft.id, number: draft.number, phase: state.phase };
}

/**
 * The form over a saved draft: its edit first (refused as stale when someone else changed the draft since the form
 * was filled, unless the form says just what is stored), then the steps its intent asks for from the version it left.
 */
async function continueDraft(
  services: AppealServices,
  actor: Actor,
  f: IntakeInput,
  appealId: number,
  fields: Record<string, unknown>,
): Promise<IntakeResult> {
  if (!f.draftVersion) throw new InvalidInput('表单已失效，请刷新页面', { draftVersion: ['missing'] });
  for (let attempt = 1; ; attempt++) {
    try {
      // After the edit the draft holds what the form says, at `edit.version`; anyone else's step since is a conflict.
      const edit = await editDraft(services, actor, appealId, f.draftVersion, fields);
      const seen = await currentState(services, appealId);
      if (seen.version !== edit.version) throw new Conflict('该诉求已被他人更新，请刷新后重试', 'stale');
      const state = await advanceIntake(services, actor, f, appealId, seen);
      if (f.callId) await linkIntakeCall(services, actor, f.callId, appealId);
      return { appealId, number: edit.number, phase: state.phase };
    } catch (err) {
      if (!(err instanceof Conflict && err.code === 'stale') || attempt >= 3) throw err;
    }
  }
}

/** The draft for the intake form, if it is still one (else null: its appeal page shows what became of it). */
export async function draftForIntake(em: EntityManager, actor: Actor, appealId: number): Promise<EditableDraft | null> {
  if (!INTAKE_ROLES.has(actor.role)) throw new Forbidden();
  return editableDraft(em, actor, appealId);
}

/** The steps the form's intent asks for that the appeal has not taken yet; each expects the version it saw. */
async function advanceIntake(
  services: AppealServices,
  actor: Actor,
  f: IntakeInput,
  appealId: number,
  seen: IntakeState,
): Promise<IntakeState> {
  let state = seen;
  const step = async (type: string, payload: Record<string, unknown> = {}) => {
    await applyEvent(services, { appealId, expectedVersion: state.version, type, payload, actor });
    state = await currentState(services, appealId);
  };
  if (f.intent !== 'draft' && state.tags.includes('draft')) await step('SUBMIT');
  if (f.intent === 'merge' && state.tags.includes('awaitingDispatch')) {
    await step('MERGE_INTO', { targetAppealId: f.mergeInto });
  }
  if (f.intent === 'policy' && f.handover && state.tags.includes('awaitingDispatch')) {
    await step('HAND_TO_POLICY_LEAD', { ...f.handover });
  }
  if (f.intent === 'answer' && state.tags.includes('awaitingDispatch')) {
    await step('RESOLVE_ON_SPOT', {
      answer: f.answer,
      knowledgeArticleId: f.knowledgeArticleId,
      ...(f.citation ? { policyCitation: f.citation } : {}),
    });
  }
  return state;
}

/** The appeal is saved whatever happens to the call's record: a lost call report must not stop intake. */
async function linkIntakeCall(services: AppealServices, actor: Actor, callId: string, appealId: number): Promise<void> {
  try {
    await linkCallToAppeal(services.db.em(), { callId, appealId, actor });
  } catch (err) {
    console.warn(`[intake] appeal ${appealId} not linked to call ${callId}: ${(err as Error).message}`);
  }
}

type IntakeForm = z.output<typeof intakeForm>;
type PolicyCitation = { policyId: number; versionNo: number; itemNo: number };
type PolicyHandover = {
  policyId: number;
  reason: PolicyHandoverReason;
  complaintKind?: PolicyComplaintKind;
  recordId?: number;
};
/** The parsed form with the policy item its answer cites, or the policy it hands over, once checked. */
type IntakeInput = IntakeForm & { citation?: PolicyCitation; handover?: PolicyHandover };

/**
 * The handover the form asks for, checked as the step will check it: a policy in force (its current published
 * version has a lead department), a complaint's kind, and a record only of that policy and of this caller.
 */
async function checkedHandover(em: EntityManager, f: IntakeForm): Promise<PolicyHandover> {
  const problem = (field: string, message: string) => new InvalidInput(message, { [field]: [message] });
  if (!f.handoverReason) throw problem('handoverReason', '请选择转首席代表或政策异议');
  if (!f.handoverPolicyId) throw problem('handoverPolicyId', '请先在政策库中选择政策');
  if (!(await handoverTarget(em, f.handoverPolicyId))) throw problem('handoverPolicyId', NOT_HANDED_OVER);
  if (f.handoverReason === 'consultation') return { policyId: f.handoverPolicyId, reason: 'consultation' };
  if (!f.complaintKind) throw problem('complaintKind', '请选择异议类型');
  if (f.recordId) {
    const indexes = f.idNumber ? idNumberIndexes(f.idNumber) : [];
    const records = f.callerPhone ? await callerRecords(em, f.callerPhone, indexes, f.handoverPolicyId) : [];
    if (!records.some((r) => r.id === f.recordId)) throw problem('recordId', NOT_THE_CALLERS);
  }
  return { policyId: f.handoverPolicyId, reason: 'complaint', complaintKind: f.complaintKind, recordId: f.recordId };
}

/** The caller's recorded benefits for the intake form's complaint (政策异议), by phone. */
export async function recordsForCaller(em: EntityManager, actor: Actor, rawPhone: string): Promise<CallerRecord[]> {
  if (!INTAKE_ROLES.has(actor.role)) throw new Forbidden();
  const parsed = phoneSchema.safeParse(rawPhone);
  return parsed.success ? callerRecords(em, parsed.data) : [];
}

/** The cited item, all three parts or none, of a policy's current published version; else a clear field error. */
async function checkedCitation(em: EntityManager, f: IntakeForm): Promise<PolicyCitation | undefined> {
  const parts = [f.policyId, f.policyVersion, f.policyItem];
  if (parts.every((p) => p === undefined)) return undefined;
  const message = '引用的政策条款不存在或已不是现行版本，请重新查找后引用';
  if (parts.some((p) => p === undefined)) throw new InvalidInput(message, { policyItem: [message] });
  const item = await citableItem(em, f.policyId!, f.policyVersion!, f.policyItem!);
  if (!item) throw new InvalidInput(message, { policyItem: [message] });
  return { policyId: f.policyId!, versionNo: f.policyVersion!, itemNo: f.policyItem! };
}

interface IntakeState {
  phase: string;
  tags: AppealTag[];
  version: number;
}

/** The appeal's phase, to report back, its tags, to decide the next step by, and the version a step expects. */
async function currentState(services: AppealServices, id: number): Promise<IntakeState> {
  const [row] = await all<IntakeState>(services.db.em(), 'select phase, tags, version from appeal where id = ?', [id]);
  return row;
}
