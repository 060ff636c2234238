import type { EntityManager } from '@mikro-orm/sql';
import type { AppealEventType, Classification } from '../../machines/appeal-events';
import type { Actor } from '../../machines/actor';
import { acceptedEventTypes, restoreAppealSnapshot, stateConcerns } from '../../machines/appeal';
import { sendAppealEvent } from '../case-links/refer.server';
import { localDateTime } from '../calendar/working-time';
import { matchCatalogue, type CatalogueMatch } from '../dispatch/catalogue.server';
import { dispatchUnits, type DispatchUnit } from '../dispatch/units.server';
import { all, inTransaction, jsonb, one } from '../db/sql.server';
import type { UploadedFile } from '../storage/stored-file.server';
import { addStepFiles } from './attachments.server';
import { MAX_STEP_FILES, STEPS_WITH_FILES } from './step-files';
import { applyEvent } from './service.server';
import { InvalidInput, NotFound } from '../domain/errors';
import { can } from '../domain/permissions';
import { redoChoices, replyUnderReview, type ReplyUnderReview } from './review.server';
import type { AppealServices, EventResult } from './service.server';

// Events people send from the appeal page; timers and referral outcomes arrive by other routes.
const PAGE_EVENTS: AppealEventType[] = [
  'SUBMIT',
  'DISCARD',
  'DISPATCH',
  'ASSIGN_GRID',
  'RESOLVE_ON_SPOT',
  'MERGE_INTO',
  'REFER',
  'RECLASSIFY',
  'ACCEPT',
  'RETURN',
  'SUB_DISPATCH',
  'ASSIST_ACCEPT',
  'ASSIST_OPINION',
  'APPROVE_RETURN',
  'REJECT_RETURN',
  'NOTE',
  'FIELD_UPDATE',
  'REQUEST_EXTENSION',
  'APPROVE_EXTENSION',
  'REJECT_EXTENSION',
  'REPLY',
  'APPROVE_REPLY',
  'REJECT_REPLY',
  'VERIFY_APPROVE',
  'VERIFY_REJECT',
  'FEEDBACK',
  'UNREACHABLE',
  'REDO',
  'SUPERVISOR_CLOSE',
  'REOPEN',
  'SUPERVISE',
  'ESCALATE',
  'MARK_UNREASONABLE',
];

export interface ActionOptions {
  types: AppealEventType[];
  /** The units DISPATCH may choose, grouped for the picker (no referral agencies, no bureaus' sub-units). */
  departments: DispatchUnit[];
  subUnits: { id: number; name: string }[];
  grids: { id: number; name: string }[];
  /** The 派单目录's entry, the category's default unit, and where this category in this place went most often before. */
  suggestions: { id: number; name: string; reason: 'catalogue' | 'categoryDefault' | 'history'; count?: number }[];
  suggestedDepartmentId: number | null;
  suggestedAssistingIds: number[];
  /** The 派单目录 entry that decides this appeal's category and place today: DISPATCH in one click. */
  catalogue: CatalogueMatch | null;
  /** While a 退单 awaits the ruling: the department's reason, shown beside 同意退单 / 驳回退单. */
  returnReason: string | null;
  /** RECLASSIFY's form: the active categories and the appeal's classification now (grids are `grids`). */
  reclassify: { categories: { id: number; label: string; depth: number }[]; current: Classification } | null;
  /** Referral agencies (调解委员会, 法律援助中心 …) with the kind of case each takes. */
  agencies: { id: number; name: string; kind: string }[];
  /** While the appeal awaits verification (待核查): its photos, earliest first, so the verifier compares before and after. */
  verificationPhotos: VerificationPhoto[];
  /** A draft its creator may go on editing in the intake form (继续编辑). */
  mayEditDraft: boolean;
  /** While a reply is reviewed or verified: the reply itself, shown beside the buttons that decide on it. */
  underReview: ReplyUnderReview | null;
  /** Where each redo (重办) may go now: the machine's guards decide, the form offers only these. */
  redoTargets: ReturnType<typeof redoChoices>;
  /** Assisting units that have not answered yet: the lead's reply must wait for them or say why not. */
  openAssists: number;
  /** While an extension awaits approval: the days and the reason the handling unit asked for. */
  extensionRequest: ExtensionRequest | null;
}

export interface ExtensionRequest {
  days: number | null;
  reason: string | null;
}

/** `uploadedAt` is local time, as shown on the page. */
export interface VerificationPhoto {
  id: number;
  fileName: string;
  uploadedBy: string;
  uploadedAt: string;
  stage: 'before' | 'after' | null;
}

const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'];

/** Exactly the actions the appeal's snapshot accepts from this user now, with the choices their forms need. */
export async function actionOptions(
  em: EntityManager,
  actor: Actor,
  appealId: number,
  now = new Date(),
): Promise<ActionOptions> {
  const a = await one<{
    snapshot: unknown;
    lead_department_id: number | null;
    default_department_id: number | null;
    default_name: string | null;
    category_id: number;
    grid_id: number | null;
    type: Classification['appealType'];
    urgency: Classification['urgency'];
    address: string | null;
  }>(
    em,
    `select a.snapshot, a.lead_department_id, a.category_id, a.grid_id, a.type, a.urgency, a.address,
            c.default_department_id, dd.name as default_name
       from appeal a join category c on c.id = a.category_id left join department dd on dd.id = c.default_department_id where a.id = ?`,
    [appealId],
  );
  if (!a) throw new NotFound('诉求不存在');
  const snapshot = restoreAppealSnapshot(jsonb(a.snapshot));
  const accepted = acceptedEventTypes(snapshot, actor, now.toISOString());
  const types = accepted.filter((t) => PAGE_EVENTS.includes(t));
  const mayEditDraft = accepted.includes('EDIT_DRAFT') && can(actor, 'appeal:intake');
  const needs = (t: AppealEventType) => types.includes(t);
  const departments = needs('DISPATCH') ? await dispatchUnits(em) : [];
  const subUnits =
    needs('SUB_DISPATCH') && a.lead_department_id
      ? await all<{ id: number; name: string }>(
          em,
          `select id, name from department where active and path like ? and id <> ? order by path`,
          [`%/${a.lead_department_id}/%`, a.lead_department_id],
        )
      : [];
  const agencies = needs('REFER')
    ? await all<{ id: number; name: string; kind: string }>(
        em,
        `select id, name, referral_kind as kind from department where active and referral_kind is not null order by code`,
      )
    : [];
  const grids =
    needs('ASSIGN_GRID') || needs('RECLASSIFY')
      ? await all<{ id: number; name: string }>(em, 'select id, name from grid order by code')
      : [];
  const suggestions: ActionOptions['suggestions'] = [];
  const catalogue = needs('DISPATCH')
    ? await matchCatalogue(em, { categoryId: a.category_id, gridId: a.grid_id }, now)
    : null;
  if (catalogue) suggestions.push({ id: catalogue.lead.id, name: catalogue.lead.name, reason: 'catalogue' });
  if (needs('DISPATCH')) {
    if (a.default_department_id)
      suggestions.push({ id: a.default_department_id, name: a.default_name!, reason: 'categoryDefault' });
    // "This area" is the appeal's grid when known, else the whole city.
    const top = await one<{ id: number; name: string; n: number }>(
      em,
      `select s.department_id as id, d.name, count(*)::int as n from assignment s join appeal x on x.id = s.appeal_id join department d on d.id = s.department_id
        where s.role = 'lead' and x.category_id = ? and (?::int is null or x.grid_id = ?) and x.id <> ? and s.status <> 'returned'
        group by 1, 2 order by 3 desc, 1 limit 1`,
      [a.category_id, a.grid_id, a.grid_id, appealId],
    );
    if (top) suggestions.push({ id: top.id, name: top.name, reason: 'history', count: top.n });
  }
  const suggestedDepartmentId =
    catalogue?.lead.id ?? suggestions.find((s) => s.reason === 'history')?.id ?? a.default_department_id;
  const reclassify = needs('RECLASSIFY')
    ? {
        categories: (
          await all<{ id: number; code: string; name: string; parent_id: number | null }>(
            em,
            'select id, code, name, parent_id from category where active order by code',
          )
        ).map((c) => ({ id: c.id, label: `${c.code} ${c.name}`, depth: c.parent_id ? 1 : 0 })),
        current: {
          categoryId: a.category_id,
          appealType: a.type,
          urgency: a.urgency,
          address: a.address,
          gridId: a.grid_id,
        },
      }
    : null;
  const returnReason = needs('APPROVE_RETURN') || needs('REJECT_RETURN') ? snapshot.context.lastReturnReason : null;
  const verificationPhotos = stateConcerns(snapshot).verification
    ? (
        await all<{
          id: number;
          file_name: string;
          display_name: string | null;
          created_at: Date | string;
          stage: 'before' | 'after' | null;
        }>(
          em,
          `select f.id, f.file_name, u.display_name, f.created_at, f.stage from attachment f left join app_user u on u.id = f.uploaded_by_id
        where f.appeal_id = ? and f.content_type in (${PHOTO_TYPES.map(() => '?').join(', ')}) order by f.created_at, f.id`,
          [appealId, ...PHOTO_TYPES],
        )
      ).map((f) => ({
        id: f.id,
        fileName: f.file_name,
        uploadedBy: f.display_name ?? '',
        uploadedAt: localDateTime(new Date(f.created_at)),
        stage: f.stage ?? null,
      }))
    : [];
  const underReview = await replyUnderReview(em, appealId, types);
  const openAssists = snapshot.context.assists.filter((x) => x.status === 'pending' || x.status === 'accepted').length;
  const extensionRequest = needs('APPROVE_EXTENSION') ? await lastExtensionRequest(em, appealId) : null;
  return {
    types,
    departments,
    subUnits,
    grids,
    agencies,
    suggestions,
    suggestedDepartmentId,
    verificationPhotos,
    mayEditDraft,
    underReview,
    redoTargets: redoChoices(snapshot, actor, types, now),
    openAssists,
    suggestedAssistingIds: catalogue?.assisting.map((d) => d.id) ?? [],
    catalogue,
    returnReason,
    reclassify,
    extensionRequest,
  };
}

/** The request the pending extension answers: the appeal's latest REQUEST_EXTENSION in its trail. */
async function lastExtensionRequest(em: EntityManager, appealId: number): Promise<ExtensionRequest> {
  const row = await one<{ payload: unknown }>(
    em,
    `select payload from appeal_event where appeal_id = ? and type = 'REQUEST_EXTENSION' order by seq desc limit 1`,
    [appealId],
  );
  const payload = jsonb<{ days?: unknown; reason?: unknown } | null>(row?.payload ?? null);
  return {
    days: typeof payload?.days === 'number' ? payload.days : null,
    reason: typeof payload?.reason === 'string' ? payload.reason : null,
  };
}

// Which action and which appeal version a form is about; never part of the event itself.
const ENVELOPE_FIELDS = ['intent', 'version', 'appealId'];
const NUMBER_FIELDS = ['departmentId', 'gridId', 'days', 'agencyId', 'categoryId'];
const BOOLEAN_FIELDS = ['resolved', 'unreasonable'];

/**
 * Turns a submitted action form into the event's payload: empty fields are left out (so the schema
 * reports them as missing), ids and days become numbers, yes/no become booleans. Everything else
 * is validated by the event's own schema in the service.
 */
export function payloadFromForm(form: FormData): Record<string, unknown> {
  const payload: Record<string, unknown> = {};
  for (const [key, raw] of form.entries()) {
    if (ENVELOPE_FIELDS.includes(key) || typeof raw !== 'string') continue;
    const value = raw.trim();
    if (key === 'assistingDepartmentIds') {
      if (value)
        payload.assistingDepartmentIds = [...((payload.assistingDepartmentIds as number[]) ?? []), Number(value)];
      continue;
    }
    if (!value) continue;
    if (NUMBER_FIELDS.includes(key)) payload[key] = /^\d+$/.test(value) ? Number(value) : value;
    else if (BOOLEAN_FIELDS.includes(key)) payload[key] = value === 'yes' ? true : value === 'no' ? false : value;
    else payload[key] = value;
  }
  return payload;
}

/**
 * Applies an action form; a merge target is given by its readable number and resolved here. Files sent with a
 * reply or an assisting opinion are stored in the step's own transaction and named in its audit row: either the
 * step and its files, or neither.
 */
export async function performAction(
  services: AppealServices,
  actor: Actor,
  appealId: number,
  type: string,
  version: number,
  form: FormData,
  files: UploadedFile[] = [],
): Promise<EventResult> {
  // Steps of other screens (a draft's edit in the intake form) and of the system are never taken from this form.
  if (!PAGE_EVENTS.includes(type as AppealEventType))
    throw new InvalidInput('无效的操作', { intent: ['not a page action'] });
  const payload = payloadFromForm(form);
  if (files.length) {
    if (!STEPS_WITH_FILES.includes(type as AppealEventType))
      throw new InvalidInput('此操作不能附带文件', { file: ['此操作不能附带文件'] });
    if (files.length > MAX_STEP_FILES)
      throw new InvalidInput(`最多附带 ${MAX_STEP_FILES} 个文件`, { file: [`最多附带 ${MAX_STEP_FILES} 个文件`] });
    const cmd = { appealId, expectedVersion: version, type, payload, actor };
    return inTransaction(services.db.em(), (tx) =>
      applyEvent(services, cmd, {
        tx,
        link: {
          fields: async (em) => ({
            attachments: await addStepFiles(em, actor, appealId, files, services.now?.() ?? new Date()),
          }),
        },
      }),
    );
  }
  if (type === 'MERGE_INTO') {
    const number = payload.targetNumber;
    delete payload.targetNumber;
    if (typeof number !== 'string')
      throw new InvalidInput('请输入要合并到的诉求编号', { targetNumber: ['请输入诉求编号'] });
    const row = await one<{ id: number }>(services.db.em(), 'select id from appeal where number = ?', [number]);
    if (!row) throw new InvalidInput('诉求编号不存在', { targetNumber: ['诉求编号不存在'] });
    payload.targetAppealId = row.id;
  }
  return sendAppealEvent(services, { appealId, expectedVersion: version, type, payload, actor });
}
