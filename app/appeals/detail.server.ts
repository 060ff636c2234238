import type { EntityManager } from '@mikro-orm/sql';
import type { Actor } from '../../machines/actor';
import { callsForAppeal, type AppealCallView } from '../telephony/call-links.server';
import { MAX_CALLBACK_ATTEMPTS, phaseOf, slaOf, restoreAppealSnapshot, stateConcerns } from '../../machines/appeal';
import { getWorkCalendar } from '../calendar/calendar.server';
import { localDateTime, remainingTime, type LimitUnit } from '../calendar/working-time';
import { all, jsonb, one, type Row } from '../db/sql.server';
import { Forbidden, NotFound } from '../domain/errors';
import { maskName, maskPhone } from '../cases/masking';
import { maskedIdNumber } from '../security/id-number.server';
import { can } from '../domain/permissions';
import { caseTimeline, timelineView, type TimelineView } from '../cases/timeline.server';
import { APPEAL_TRAIL } from './audit.server';
import { revealLog } from './reveal.server';
import { appealSms, type AppealSmsView } from './sms-log.server';
import { canSeeAppeal, canSeeComplainant } from './scope';
import { gridForPoint, outlinesOf, type GridOutline } from '../grids/grids.server';
import { reclassificationChanges, reclassificationNames, type ReclassificationChange } from './reclassification.server';

export interface DeadlineView {
  kind: 'accept' | 'handling' | 'callback';
  at: string;
  remaining: string | null;
}

export interface TimelineEntry extends TimelineView {
  fromSla: string | null;
  toSla: string;
  /** Human text carried by the event (reason, result, note), shown as plain text. */
  text: string | null;
  /** What a RECLASSIFY changed, old and new values as the page shows them (type and urgency as their codes). */
  changes: ReclassificationChange[] | null;
  /** A callback's answer (FEEDBACK): the rating and whether the matter is resolved; the citizen's words are `text`. */
  feedback?: { satisfaction: string; resolved: boolean };
  /** A failed callback (UNREACHABLE): which attempt of how many. */
  attempt?: { n: number; max: number };
  /** Files stored with the step (a reply, an assisting opinion), as its audit row names them. */
  files: { id: number; fileName: string }[];
  /** The lead's reason for replying before every assisting unit had answered. */
  assistOverride: string | null;
  /** A dispatch the 派单目录 decided on its own: the entry's category code and area. */
  catalogue: { categoryCode: string; area: string } | null;
}

/** An assisting unit's order (协办) as the appeal page shows it, with its opinion once given. */
export interface AssistView {
  departmentId: number;
  unit: string;
  status: 'pending' | 'accepted' | 'answered' | 'waived';
  dueAt: string | null;
  /** Past its deadline without an opinion, or answered after it. */
  late: boolean;
  acceptedAt: string | null;
  answeredAt: string | null;
  opinion: string | null;
  files: { id: number; fileName: string }[];
}

export interface AppealDetail {
  id: number;
  number: string;
  version: number;
  title: string;
  content: string;
  type: string;
  urgency: string;
  source: string;
  category: string;
  address: string | null;
  grid: string | null;
  /** Where the matter is, when a point was recorded: the grid it falls in now, and the shapes for a small map. */
  location: {
    lat: number;
    lng: number;
    grid: { id: number; code: string; name: string } | null;
    outlines: GridOutline[];
  } | null;
  /** The grid ASSIGN_GRID starts on: where the point falls, else the grid chosen at intake. */
  suggestedGrid: { id: number; name: string; from: 'point' | 'intake' } | null;
  phase: string;
  sla: string;
  confidential: boolean;
  anonymous: boolean;
  complainant: { name: string | null; phone: string; idNumber: string; mayReveal: boolean } | null;
  /** Who revealed the full numbers (supervisors and admins only). */
  reveals: { who: string; field: string; at: string }[];
  holder: string | null;
  assignments: { unit: string; role: string; level: number; status: string; acceptedAt: string | null }[];
  deadlines: DeadlineView[];
  timeline: TimelineEntry[];
  attachments: { id: number; fileName: string; size: number; contentType: string }[];
  /** Whether this user may add files now: the role may, and the appeal is not closed (the server checks again on upload). */
  mayAttach: boolean;
  calls: AppealCallView[];
  /** Messages to the citizen about this appeal, with their delivery status. */
  sms: AppealSmsView[];
  counts: { redo: number; reopen: number; extensions: number; supervise: number };
  /** Marked by a supervisor as an unreasonable demand (不合理诉求). */
  unreasonable: boolean;
  escalation: string | null;
  /** The callback agent's script while the citizen is to be called back. */
  callback: {
    attempts: number;
    maxAttempts: number;
    script: string;
    overdue: boolean;
    /** Whether this user has the softphone to dial the citizen from the page; others record the result by hand. */
    mayDial: boolean;
  } | null;
  /** The assisting units' orders of the current dispatch. */
  assists: AssistView[];
  /** The policy items (政策条款) the answer cited, as the cited version reads. */
  policyCitations: PolicyCitationView[];
  /** The policy the appeal is about when handed to its lead department (转首席代表, 政策异议). */
  policy: AppealPolicyView | null;
}

export interface AppealPolicyView {
  policyId: number;
  number: string;
  title: string;
  reason: 'consultation' | 'complaint';
  complaintKind: string | null;
  /** Named to answer a consultation: the policy's chief representative at the handover. */
  chiefRepresentative: { name: string; phone: string | null } | null;
  /** The implementation record a complaint is about: the name masked, amount and day as reported. */
  record: { period: string; name: string; amount: string; paidOn: string } | null;
}

export interface PolicyCitationView {
  policyId: number;
  number: string;
  title: string;
  versionNo: number;
  itemNo: number;
  text: string;
}

const TEXT_FIELDS = ['reason', 'result', 'text', 'note', 'answer', 'comment'];

/** Everything the appeal page shows, scoped on the server: out of scope is 403, a hidden complainant is never sent. */
export async function appealDetail(
  em: EntityManager,
  actor: Actor,
  id: number,
  now = new Date(),
): Promise<AppealDetail> {
  const a = await one(
    em,
    `select a.*, c.name as category_name, c.limits, g.name as grid_name, d.name as department_name, ag.name as assigned_grid_name,
            z.name as citizen_name, z.id_number_sealed as citizen_id_number_sealed,
            array(select distinct s.department_id from assignment s where s.appeal_id = a.id and s.department_id is not null) as department_ids
       from appeal a join category c on c.id = a.category_id left join grid g on g.id = a.grid_id
       left join department d on d.id = a.lead_department_id left join grid ag on ag.id = a.assigned_grid_id
       left join citizen z on z.id = a.citizen_id
      where a.id = ?`,
    [id],
  );
  if (!a) throw new NotFound('诉求不存在');
  const snapshot = restoreAppealSnapshot(a.snapshot);
  const facts = {
    createdById: a.created_by_id,
    leadDepartmentId: a.lead_department_id,
    assignedGridId: a.assigned_grid_id,
    gridId: a.grid_id,
    departmentIds: a.department_ids ?? [],
    referralAgencyIds: snapshot.context.referralAgencyIds,
  };
  if (!canSeeAppeal(actor, facts)) throw new Forbidden('您无权查看此诉求');

  const [events, assignments, attachments, calls, citations, [about]] = await Promise.all([
    caseTimeline(em, APPEAL_TRAIL, id),
    all(
      em,
      `select coalesce(d.name, g.name) as unit, s.role, s.level, s.status, s.accepted_at
         from assignment s left join department d on d.id = s.department_id left join grid g on g.id = s.grid_id
        where s.appeal_id = ? order by s.id`,
      [id],
    ),
    all(em, 'select id, file_name, size, content_type from attachment where appeal_id = ? order by id', [id]),
    callsForAppeal(em, actor, id),
    // The cited version's own text, so a later revision does not change what the caller was told.
    all(
      em,
      `select c.policy_id, c.version_no, c.item_no, v.content->>'number' as number, v.content->>'title' as title,
              (select i->>'text' from jsonb_array_elements(v.content->'items') i where (i->>'no')::int = c.item_no) as text
         from appeal_policy_citation c join policy_version v on v.policy_id = c.policy_id and v.version_no = c.version_no
        where c.appeal_id = ? order by c.id`,
      [id],
    ),
    all(
      em,
      `select l.policy_id, l.reason, l.complaint_kind, p.number, p.title, r.beneficiary_kind, r.name as record_name,
              r.amount::text as amount, to_char(r.paid_on, 'YYYY-MM-DD') as paid_on, pp.label as period, r.id as record_id
         from appeal_policy l join policy p on p.id = l.policy_id
         left join policy_record r on r.id = l.record_id left join policy_period pp on pp.id = r.period_id
        where l.appeal_id = ?`,
      [id],
    ),
  ]);
  const chief = snapshot.context.chiefRepresentativeId
    ? await one<{ name: string; phone: string | null }>(
        em,
        'select display_name as name, phone from app_user where id = ?',
        [snapshot.context.chiefRepresentativeId],
      )
    : null;
  // A handover to a policy's lead department runs on the policy's limit, whose unit the step recorded.
  const handover = [...events].reverse().find((e) => e.type === 'HAND_TO_POLICY_LEAD');
  const handlingUnit = (handover?.payload.dueUnit as LimitUnit | undefined) ?? null;

  const location = await locationOf(em, a);
  const names = await reclassificationNames(em, events);
  const cal = await getWorkCalendar(em);
  const limits = jsonb<Record<string, { unit: LimitUnit }>>(a.limits);
  const open = !snapshot.hasTag('closed');
  const concerns = stateConcerns(snapshot);
  const deadline = (kind: DeadlineView['kind'], at: Date | null, unit: LimitUnit, running = open): DeadlineView[] =>
    at
      ? [
          {
            kind,
            at: localDateTime(new Date(at)),
            remaining: running ? remainingTime(cal, now, new Date(at), unit).label : null,
          },
        ]
      : [];
  const showComplainant = !a.anonymous && canSeeComplainant(actor, a.confidential);
  const ctx = snapshot.context;
  const lastAnswer = [...events].reverse().find((e) => e.type === 'REPLY' || e.type === 'RESOLVE_ON_SPOT');
  const answerPayload = lastAnswer?.payload as { result?: string; answer?: string } | undefined;
  const callback = snapshot.hasTag('needsCitizen')
    ? {
        attempts: ctx.callbackAttempts,
        maxAttempts: MAX_CALLBACK_ATTEMPTS,
        overdue: ctx.callbackOverdue,
        mayDial: can(actor, 'calls:answer'),
        script:
          `您好，这里是 12345 政务服务便民热线回访。您于 ${localDateTime(new Date(a.created_at)).slice(0, 10)} 反映的“${a.title}”，` +
          `${a.department_name ?? a.assigned_grid_name ?? '我们'}的答复是：“${answerPayload?.result ?? answerPayload?.answer ?? '—'}”。` +
          '请问您对办理结果是否满意？问题是否已经解决？',
      }
    : null;

  return {
    id: a.id,
    number: a.number,
    version: a.version,
    title: a.title,
    content: a.content,
    type: a.type,
    urgency: a.urgency,
    source: a.source,
    category: a.category_name,
    address: a.address,
    grid: a.grid_name,
    location,
    suggestedGrid: location?.grid
      ? { id: location.grid.id, name: location.grid.name, from: 'point' }
      : a.grid_id
        ? { id: a.grid_id, name: a.grid_name, from: 'intake' }
        : null,
    phase: phaseOf(snapshot),
    sla: slaOf(snapshot),
    confidential: a.confidential,
    anonymous: a.anonymous,
    complainant: showComplainant
      ? {
          name: a.citizen_name,
          phone: maskPhone(a.caller_phone),
          idNumber: maskedIdNumber(a.citizen_id_number_sealed),
          mayReveal:
            ['operator', 'dispatcher', 'reviewer', 'supervisor'].includes(actor.role) && Boolean(a.caller_phone),
        }
      : null,
    reveals: (await revealLog(em, actor, id)).map((r) => ({
      who: r.who,
      field: r.field,
      at: localDateTime(new Date(r.at)),
    })),
    holder: a.department_name ?? a.assigned_grid_name,
    assignments: assignments.map((s) => ({
      unit: s.unit,
      role: s.role,
      level: s.level,
      status: s.status,
      acceptedAt: s.accepted_at ? localDateTime(new Date(s.accepted_at)) : null,
    })),
    deadlines: [
      ...deadline('accept', concerns.acceptance ? a.accept_due_at : null, limits.accept.unit),
      // The handling deadline is met by the answer (decision 018): once answered, no time left or overdue to show.
      ...deadline(
        'handling',
        a.due_at,
        handlingUnit ?? limits[a.urgency]?.unit ?? 'workingDays',
        snapshot.hasTag('awaitingAnswer'),
      ),
      ...deadline('callback', concerns.callback ? a.callback_due_at : null, limits.callback.unit),
    ],
    timeline: withCallbackDetails(
      events.map((e) => ({
        ...timelineView(e),
        fromSla: e.fromSla as string | null,
        toSla: e.toSla as string,
        // A policy handover's `reason` is a code (consultation, complaint), shown by the policy section, not as text.
        text:
          e.type === 'HAND_TO_POLICY_LEAD'
            ? null
            : ((TEXT_FIELDS.map((f) => e.payload[f]).find((v) => typeof v === 'string') as string | undefined) ?? null),
        files: filesOf(e.payload),
        assistOverride: typeof e.payload.assistOverride === 'string' ? e.payload.assistOverride : null,
        catalogue: e.type === 'DISPATCH' ? catalogueOf(e.payload.catalogue) : null,
        changes: e.type === 'RECLASSIFY' ? reclassificationChanges(e.payload, names) : null,
      })),
      events.map((e) => e.payload),
    ),
    attachments: attachments.map((f) => ({
      id: f.id,
      fileName: f.file_name,
      size: f.size,
      contentType: f.content_type,
    })),
    mayAttach: open && can(actor, 'appeal:attach'),
    calls,
    sms: await appealSms(em, id, showComplainant),
    counts: {
      redo: ctx.redoCount,
      reopen: ctx.reopenCount,
      extensions: ctx.extensionCount,
      supervise: ctx.superviseCount,
    },
    escalation: ctx.escalation,
    unreasonable: ctx.unreasonable,
    callback,
    assists: await assistViews(em, ctx.assists, events, now),
    policyCitations: citations.map((c) => ({
      policyId: c.policy_id,
      number: c.number,
      title: c.title,
      versionNo: c.version_no,
      itemNo: c.item_no,
      text: c.text ?? '',
    })),
    policy: about
      ? {
          policyId: about.policy_id,
          number: about.number,
          title: about.title,
          reason: about.reason,
          complaintKind: about.complaint_kind ?? null,
          chiefRepresentative: chief ? { name: chief.name, phone: chief.phone ?? null } : null,
          record: about.record_id
            ? {
                period: about.period,
                name: maskName(about.record_name, about.beneficiary_kind),
                amount: about.amount,
                paidOn: about.paid_on,
              }
            : null,
        }
      : null,
  };
}

function catalogueOf(v: unknown): { categoryCode: string; area: string } | null {
  if (!v || typeof v !== 'object') return null;
  const c = v as Record<string, unknown>;
  return typeof c.categoryCode === 'string' && typeof c.area === 'string'
    ? { categoryCode: c.categoryCode, area: c.area }
    : null;
}

// Each callback round starts with the approval that opens it (or a reopening): the machine counts attempts per round.
const CALLBACK_ROUND_STARTS = ['APPROVE_REPLY', 'VERIFY_APPROVE', 'REOPEN'];

/** Adds what a callback's rows carry: the rating and resolved answer of FEEDBACK, the attempt number of UNREACHABLE. */
function withCallbackDetails(rows: TimelineEntry[], payloads: Record<string, unknown>[]): TimelineEntry[] {
  let attempts = 0;
  return rows.map((row, i) => {
    const p = payloads[i];
    if (CALLBACK_ROUND_STARTS.includes(row.type)) attempts = 0;
    if (row.type === 'UNREACHABLE') return { ...row, attempt: { n: ++attempts, max: MAX_CALLBACK_ATTEMPTS } };
    if (row.type === 'FEEDBACK' && typeof p.satisfaction === 'string' && typeof p.resolved === 'boolean')
      return { ...row, feedback: { satisfaction: p.satisfaction, resolved: p.resolved } };
    return row;
  });
}

type TrailEvent = Awaited<ReturnType<typeof caseTimeline>>[number];

function filesOf(payload: Record<string, unknown>): { id: number; fileName: string }[] {
  const refs = Array.isArray(payload.attachments) ? (payload.attachments as { id: number; fileName: string }[]) : [];
  return refs.map((f) => ({ id: f.id, fileName: f.fileName }));
}

async function assistViews(
  em: EntityManager,
  assists: {
    departmentId: number;
    status: AssistView['status'];
    dueAt: string | null;
    acceptedAt: string | null;
    answeredAt: string | null;
  }[],
  events: TrailEvent[],
  now: Date,
): Promise<AssistView[]> {
  if (!assists.length) return [];
  const names = new Map(
    (
      await all<{ id: number; name: string }>(em, 'select id, name from department where id in (?)', [
        assists.map((a) => a.departmentId),
      ])
    ).map((d) => [d.id, d.name]),
  );
  const local = (iso: string | null) => (iso ? localDateTime(new Date(iso)) : null);
  return assists.map((a) => {
    const opinion = [...events]
      .reverse()
      .find((e) => e.type === 'ASSIST_OPINION' && e.payload.assistDepartmentId === a.departmentId);
    const due = a.dueAt ? Date.parse(a.dueAt) : null;
    const late =
      due !== null &&
      (a.status === 'answered'
        ? a.answeredAt !== null && Date.parse(a.answeredAt) > due
        : a.status !== 'waived' && now.getTime() > due);
    return {
      departmentId: a.departmentId,
      unit: names.get(a.departmentId) ?? '',
      status: a.status,
      dueAt: local(a.dueAt),
      late,
      acceptedAt: local(a.acceptedAt),
      answeredAt: local(a.answeredAt),
      opinion: a.status === 'answered' && opinion ? (opinion.payload.text as string) : null,
      files: a.status === 'answered' && opinion ? filesOf(opinion.payload) : [],
    };
  });
}

/**
 * The point, the grid it falls in today (grids can be redrawn after intake) and the outlines to draw:
 * that grid and, if different, the grid recorded on the appeal.
 */
async function locationOf(em: EntityManager, a: Row): Promise<AppealDetail['location']> {
  if (a.lat === null || a.lng === null || a.lat === undefined || a.lng === undefined) return null;
  const point = { lat: Number(a.lat), lng: Number(a.lng) };
  const grid = await gridForPoint(em, point);
  const ids = [grid?.id, a.grid_id].filter((id): id is number => typeof id === 'number');
  return { ...point, grid, outlines: ids.length ? await outlinesOf(em, ids) : [] };
}
