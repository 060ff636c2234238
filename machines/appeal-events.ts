import { z } from 'zod';
import type { Actor, Role } from './actor';

const idSchema = z.number().int().positive();

export const APPEAL_EVENT_TYPES = [
  'SUBMIT',
  'DISCARD',
  'EDIT_DRAFT',
  'DISPATCH',
  'HAND_TO_POLICY_LEAD',
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
  'REFERRAL_DONE',
  'REFER_ON',
  'APPROVE_REPLY',
  'REJECT_REPLY',
  'SELF_HANDLE',
  'VERIFY_APPROVE',
  'VERIFY_REJECT',
  'FEEDBACK',
  'UNREACHABLE',
  'REDO',
  'SUPERVISOR_CLOSE',
  'REOPEN',
  'SUPERVISE',
  'MARK_UNREASONABLE',
  'ESCALATE',
  'WARN',
  'OVERDUE',
  'CALLBACK_DUE',
  'WITHDRAW',
  'SUPPLEMENT',
] as const;
export type AppealEventType = (typeof APPEAL_EVENT_TYPES)[number];

export const APPEAL_TYPES = ['consultation', 'help', 'complaint', 'report', 'suggestion', 'praise'] as const;
export type AppealType = (typeof APPEAL_TYPES)[number];
export const URGENCIES = ['emergency', 'urgent', 'normal'] as const;
export type Urgency = (typeof URGENCIES)[number];
export const LIMIT_UNITS = ['clockHours', 'workingHours', 'workingDays'] as const;

/** Why an appeal is handed to a policy's lead department (政策转办): a consultation for its chief representative (首席代表), or a complaint about the policy (异议处置). */
export const POLICY_HANDOVER_REASONS = ['consultation', 'complaint'] as const;
export type PolicyHandoverReason = (typeof POLICY_HANDOVER_REASONS)[number];
/** What a complaint about a policy says went wrong: not received, wrong amount, refused, favouritism (优亲厚友), other. */
export const POLICY_COMPLAINT_KINDS = ['notReceived', 'wrongAmount', 'refused', 'favouritism', 'other'] as const;
export type PolicyComplaintKind = (typeof POLICY_COMPLAINT_KINDS)[number];

export const REFERRAL_KINDS = ['mediation', 'legalAid', 'arbitration', 'counselling'] as const;
export type ReferralKind = (typeof REFERRAL_KINDS)[number];
export const SATISFACTION_LEVELS = ['satisfied', 'basicallySatisfied', 'dissatisfied'] as const;
export type Satisfaction = (typeof SATISFACTION_LEVELS)[number];
export const REFERRAL_OUTCOMES = ['resolved', 'unresolved', 'refused'] as const;
export type ReferralOutcome = (typeof REFERRAL_OUTCOMES)[number];
export const ESCALATION_TARGETS = ['leader', 'jointMeeting'] as const;
/**
 * Where a redo (重办) goes: back to the unit that answered (原承办单位重办) or back to the dispatch desk to be
 * sent again (退回派单重新派单). Left out, the unit redoes it when there is one, else the dispatcher decides.
 */
export const REDO_TARGETS = ['sameUnit', 'triage'] as const;
export type RedoTarget = (typeof REDO_TARGETS)[number];
export type EscalationTarget = (typeof ESCALATION_TARGETS)[number];

const text = (max: number) => z.string().trim().min(1).max(max);
const reason = text(1000);
const longText = text(4000);
const isoInstant = z.iso.datetime({ offset: true });
const redoTo = z.enum(REDO_TARGETS).optional();

/** One edited field of a draft, as the audit keeps it: what it held and what it holds now. */
const change = <T extends z.ZodType>(value: T) => z.object({ from: value.nullable(), to: value.nullable() }).strict();

/**
 * The fields of a draft an edit may change, by name. The caller's ID number is not among them: it is stored sealed on
 * the citizen, and the audit only says that it changed (`idNumberChanged`).
 */
export const draftChangesSchema = z
  .object({
    type: change(z.string().max(32)),
    urgency: change(z.string().max(32)),
    categoryId: change(idSchema),
    callerPhone: change(z.string().max(32)),
    citizenId: change(idSchema),
    citizenName: change(z.string().max(100)),
    title: change(z.string().max(200)),
    content: change(z.string().max(8000)),
    address: change(z.string().max(255)),
    gridId: change(idSchema),
    lat: change(z.number().min(-90).max(90)),
    lng: change(z.number().min(-180).max(180)),
    confidential: change(z.boolean()),
    anonymous: change(z.boolean()),
  })
  .partial()
  .strict();
export type DraftChanges = z.output<typeof draftChangesSchema>;
export type DraftField = keyof DraftChanges;

/** A file stored with a step (a reply, an assisting opinion): the server writes it, the audit row names it. */
export const attachmentRefSchema = z
  .object({
    id: idSchema,
    fileName: z.string().min(1).max(255),
    size: z.number().int().min(0),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();
export type AttachmentRef = z.output<typeof attachmentRefSchema>;
const attachmentRefs = z.array(attachmentRefSchema).max(10).optional();

/** What a dispatcher may correct about an appeal in triage (RECLASSIFY). */
const classification = {
  categoryId: idSchema,
  appealType: z.enum(APPEAL_TYPES),
  urgency: z.enum(URGENCIES),
  address: z.string().trim().max(255).nullable().default(null),
  gridId: idSchema.nullable().default(null),
};
export type Classification = { [K in keyof typeof classification]: z.output<(typeof classification)[K]> };

export const eventPayloadSchemas = {
  // The handling deadline starts at submission; the server computes it from the category and calendar.
  SUBMIT: z.object({ dueAt: isoInstant.optional(), triageDueAt: isoInstant.optional() }).strict(),
  DISCARD: z.object({}).strict(),
  // The recorder corrects a saved draft: every changed field with its old and new value.
  EDIT_DRAFT: z
    .object({ changes: draftChangesSchema, idNumberChanged: z.literal(true).optional() })
    .strict()
    .refine((p) => Object.keys(p.changes).length > 0 || p.idNumberChanged === true, {
      message: 'an edit changes at least one field',
      path: ['changes'],
    }),
  DISPATCH: z
    .object({
      departmentId: idSchema,
      assistingDepartmentIds: z.array(idSchema).max(20).default([]),
      acceptDueAt: isoInstant,
      dueAt: isoInstant.optional(),
      // When the assisting units' opinions are due; the server computes it from the category's handling limit.
      assistDueAt: isoInstant.optional(),
      // Set by the server when the 派单目录 decided the dispatch on its own (an inbound city event): which entry, and
      // the reason as the dispatcher's quick dispatch shows it ("0401 × 向阳街道").
      catalogue: z
        .object({ entryId: idSchema, categoryCode: z.string().min(1).max(40), area: z.string().min(1).max(200) })
        .strict()
        .optional(),
    })
    .strict()
    .refine((p) => !p.assistingDepartmentIds.includes(p.departmentId), {
      message: 'the lead department cannot also be an assisting department',
      path: ['assistingDepartmentIds'],
    })
    .refine((p) => new Set(p.assistingDepartmentIds).size === p.assistingDepartmentIds.length, {
      message: 'assisting departments must not repeat',
      path: ['assistingDepartmentIds'],
    }),
  // 转首席代表 / 政策异议: the policy the operator chose; the lead department, its chief representative and the
  // deadlines are the server's, from the policy's current published version and the policy limits.
  HAND_TO_POLICY_LEAD: z
    .object({
      policyId: idSchema,
      reason: z.enum(POLICY_HANDOVER_REASONS),
      complaintKind: z.enum(POLICY_COMPLAINT_KINDS).optional(),
      // The implementation record (政策落实记录) of the caller a complaint is about.
      recordId: idSchema.optional(),
      leadDepartmentId: idSchema,
      chiefRepresentativeId: idSchema.nullable(),
      acceptDueAt: isoInstant,
      dueAt: isoInstant,
      // The unit of the handling limit, for its warning.
      dueUnit: z.enum(LIMIT_UNITS),
    })
    .strict()
    .refine((p) => (p.reason === 'complaint') === (p.complaintKind !== undefined), {
      message: '投诉须选择异议类型，咨询不选',
      path: ['complaintKind'],
    })
    .refine((p) => p.reason === 'complaint' || p.recordId === undefined, {
      message: '只有投诉可以指明落实记录',
      path: ['recordId'],
    }),
  ASSIGN_GRID: z.object({ gridId: idSchema, acceptDueAt: isoInstant }).strict(),
  // The answer may cite a published policy's item (政策条款): which policy, the version read, the item's number.
  RESOLVE_ON_SPOT: z
    .object({
      answer: longText,
      knowledgeArticleId: idSchema.optional(),
      policyCitation: z.object({ policyId: idSchema, versionNo: idSchema, itemNo: idSchema }).strict().optional(),
    })
    .strict(),
  MERGE_INTO: z.object({ targetAppealId: idSchema }).strict(),
  // The referral case is opened with the event; the server allocates its id.
  REFER: z
    .object({ kind: z.enum(REFERRAL_KINDS), agencyId: idSchema, note: text(2000).optional(), referralId: idSchema })
    .strict(),
  // The dispatcher corrects the classification in triage; the server adds the values before and the handling
  // deadline recomputed from submission with the new category's limit for the new urgency.
  RECLASSIFY: z
    .object({
      ...classification,
      from: z.object(classification).strict(),
      previousDueAt: isoInstant.nullable(),
      dueAt: isoInstant,
      dueUnit: z.enum(LIMIT_UNITS),
    })
    .strict(),
  ACCEPT: z.object({}).strict(),
  RETURN: z.object({ reason }).strict(),
  SUB_DISPATCH: z.object({ departmentId: idSchema, acceptDueAt: isoInstant }).strict(),
  // An assisting unit's own order (协办): the server names which of the actor's units it is for.
  ASSIST_ACCEPT: z.object({ assistDepartmentId: idSchema }).strict(),
  ASSIST_OPINION: z.object({ assistDepartmentId: idSchema, text: longText, attachments: attachmentRefs }).strict(),
  APPROVE_RETURN: z.object({}).strict(),
  REJECT_RETURN: z.object({ reason }).strict(),
  NOTE: z.object({ text: longText }).strict(),
  FIELD_UPDATE: z
    .object({
      text: longText,
      lat: z.number().min(-90).max(90).optional(),
      lng: z.number().min(-180).max(180).optional(),
    })
    .strict(),
  REQUEST_EXTENSION: z.object({ days: z.number().int().min(1).max(30), reason }).strict(),
  APPROVE_EXTENSION: z.object({ newDueAt: isoInstant }).strict(),
  REJECT_EXTENSION: z.object({ reason }).strict(),
  // While an assisting order is open the reply needs the lead's reason for not waiting (assistOverride).
  REPLY: z
    .object({ result: longText, resolved: z.boolean(), assistOverride: reason.optional(), attachments: attachmentRefs })
    .strict(),
  // Sent by the referral case itself when it ends; it names the case so a second delivery is refused.
  REFERRAL_DONE: z
    .object({ outcome: z.enum(REFERRAL_OUTCOMES), note: text(2000).optional(), referralId: idSchema })
    .strict(),
  // A failed mediation hands the dispute on to arbitration or legal aid; the appeal keeps waiting.
  // From no case at all (null): an appeal referred before referral cases existed gets its case.
  REFER_ON: z
    .object({
      kind: z.enum(REFERRAL_KINDS),
      agencyId: idSchema,
      referralId: idSchema,
      fromReferralId: idSchema.nullable(),
    })
    .strict(),
  APPROVE_REPLY: z.object({ callbackDueAt: isoInstant }).strict(),
  REJECT_REPLY: z.object({ reason, redoTo }).strict(),
  // A grid worker's own patrol report, handled on the spot: the server has checked the grid is his.
  SELF_HANDLE: z.object({ result: longText, gridId: idSchema, dueAt: isoInstant.optional() }).strict(),
  // Like APPROVE_REPLY, approval starts the callback; the server computes its deadline.
  VERIFY_APPROVE: z.object({ note: text(2000).optional(), callbackDueAt: isoInstant }).strict(),
  VERIFY_REJECT: z.object({ reason, redoTo }).strict(),
  FEEDBACK: z
    .object({
      satisfaction: z.enum(SATISFACTION_LEVELS),
      resolved: z.boolean(),
      comment: text(2000).optional(),
    })
    .strict(),
  UNREACHABLE: z.object({ note: text(1000).optional() }).strict(),
  REDO: z.object({ reason, redoTo }).strict(),
  SUPERVISOR_CLOSE: z.object({ reason }).strict(),
  REOPEN: z.object({ reason, dueAt: isoInstant }).strict(),
  SUPERVISE: z.object({ note: text(2000) }).strict(),
  // 不合理诉求: a demand the city cannot meet; it leaves the satisfaction rate, and can be unmarked.
  MARK_UNREASONABLE: z.object({ unreasonable: z.boolean(), reason: text(1000) }).strict(),
  ESCALATE: z.object({ to: z.enum(ESCALATION_TARGETS), note: text(2000) }).strict(),
  WARN: z.object({}).strict(),
  OVERDUE: z.object({}).strict(),
  CALLBACK_DUE: z.object({}).strict(),
  // 撤回: the citizen takes back what he filed on the site before anyone has worked on it.
  WITHDRAW: z.object({ reason: text(200) }).strict(),
  // 补充材料: the citizen's own words added while the appeal is open; the trail row is the record.
  SUPPLEMENT: z.object({ text: z.string().trim().min(5).max(1000) }).strict(),
} satisfies Record<AppealEventType, z.ZodObject>;

export type AppealEventPayload<T extends AppealEventType> = z.output<(typeof eventPayloadSchemas)[T]>;
/** Envelope fields are set by the server, never taken from the request body. */
export interface AppealEventEnvelope {
  actor: Actor;
  at: string;
}
export type AppealEventOf<T extends AppealEventType> = { type: T } & AppealEventEnvelope & AppealEventPayload<T>;
export type AppealEvent = { [T in AppealEventType]: AppealEventOf<T> }[AppealEventType];

const ASSIGNEES: Role[] = ['handler', 'gridWorker'];
const DISPATCH_DESK: Role[] = ['dispatcher', 'supervisor'];
const REVIEW_DESK: Role[] = ['reviewer', 'supervisor'];
const SYSTEM: Role[] = ['system'];

export const eventRoles: Record<AppealEventType, Role[]> = {
  // A citizen's own submission on the public site enters triage as a recorded call does.
  // So does what another city system files through the interfaces.
  SUBMIT: ['operator', 'dispatcher', 'gridWorker', 'citizen', 'client'],
  DISCARD: ['operator', 'dispatcher', 'gridWorker'],
  // Whoever may record a draft may correct it; the machine lets only its creator.
  EDIT_DRAFT: ['operator', 'dispatcher', 'gridWorker'],
  // The system dispatches an inbound city event at once when the 派单目录 decides it (the machine checks it carries the
  // entry); everything else is the desk's.
  DISPATCH: [...DISPATCH_DESK, 'system'],
  // The operator on the call hands a policy's question to its lead department; general dispatch stays the desk's.
  HAND_TO_POLICY_LEAD: ['operator', ...DISPATCH_DESK],
  ASSIGN_GRID: DISPATCH_DESK,
  // The operator on the call recognises a repeat of an open appeal as often as the dispatcher does.
  MERGE_INTO: ['operator', ...DISPATCH_DESK],
  APPROVE_RETURN: DISPATCH_DESK,
  REJECT_RETURN: DISPATCH_DESK,
  RESOLVE_ON_SPOT: ['operator', 'dispatcher'],
  REFER: ['dispatcher', 'supervisor', 'handler', 'gridWorker'],
  RECLASSIFY: DISPATCH_DESK,
  ACCEPT: ASSIGNEES,
  RETURN: ASSIGNEES,
  SUB_DISPATCH: ASSIGNEES,
  ASSIST_ACCEPT: ['handler'],
  ASSIST_OPINION: ['handler'],
  REQUEST_EXTENSION: ASSIGNEES,
  REPLY: ASSIGNEES,
  FIELD_UPDATE: ASSIGNEES,
  NOTE: ['handler', 'gridWorker', 'dispatcher', 'supervisor'],
  APPROVE_EXTENSION: DISPATCH_DESK,
  REJECT_EXTENSION: DISPATCH_DESK,
  REFERRAL_DONE: SYSTEM,
  REFER_ON: SYSTEM,
  APPROVE_REPLY: REVIEW_DESK,
  REJECT_REPLY: REVIEW_DESK,
  SELF_HANDLE: ['gridWorker'],
  VERIFY_APPROVE: REVIEW_DESK,
  VERIFY_REJECT: REVIEW_DESK,
  // The callback agent's record of the call, or on the public site the citizen's own rating.
  FEEDBACK: [...REVIEW_DESK, 'citizen'],
  UNREACHABLE: REVIEW_DESK,
  REDO: REVIEW_DESK,
  SUPERVISOR_CLOSE: ['supervisor'],
  SUPERVISE: ['supervisor'],
  MARK_UNREASONABLE: ['supervisor'],
  ESCALATE: ['supervisor'],
  REOPEN: ['operator', 'dispatcher', 'supervisor'],
  WARN: SYSTEM,
  OVERDUE: SYSTEM,
  CALLBACK_DUE: SYSTEM,
  // Only the citizen who filed it on the site, by its tracking link (app/citizen/ decides which appeal).
  WITHDRAW: ['citizen'],
  SUPPLEMENT: ['citizen'],
};

export function isAppealEventType(type: unknown): type is AppealEventType {
  return typeof type === 'string' && (APPEAL_EVENT_TYPES as readonly string[]).includes(type);
}

export type ParseAppealEventResult =
  { success: true; event: AppealEvent } | { success: false; error: string; issues: z.core.$ZodIssue[] };

/**
 * Builds a machine event from untrusted input: the type is allow-listed and the
 * payload parsed strictly; actor and time come from the server.
 */
export function parseAppealEvent(
  type: unknown,
  payload: unknown,
  envelope: AppealEventEnvelope,
): ParseAppealEventResult {
  if (!isAppealEventType(type)) {
    return { success: false, error: `unknown event type: ${String(type)}`, issues: [] };
  }
  const parsed = eventPayloadSchemas[type].safeParse(payload ?? {});
  if (!parsed.success) {
    return { success: false, error: z.prettifyError(parsed.error), issues: parsed.error.issues };
  }
  const event = { ...parsed.data, type, actor: envelope.actor, at: envelope.at } as AppealEvent;
  return { success: true, event };
}
