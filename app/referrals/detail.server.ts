import type { EntityManager } from '@mikro-orm/sql';
import type { ReferralKind } from '../../machines/appeal-events';
import type { Actor } from '../../machines/actor';
import { phaseOf, restoreAppealSnapshot } from '../../machines/appeal';
import {
  acceptedReferralEvents,
  restoreReferralSnapshot,
  type ReferralBaseContext,
  type ReferralDefinition,
} from '../../machines/referral-kit';
import { referralDefinition } from '../../machines/referrals';
import { maskPhone } from '../cases/masking';
import { getWorkCalendar } from '../calendar/calendar.server';
import { localDateTime, remainingTime, type LimitUnit } from '../calendar/working-time';
import { caseTimeline, timelineView, type TimelineView } from '../cases/timeline.server';
import { all, jsonb, one, type Row } from '../db/sql.server';
import { NotFound } from '../domain/errors';
import { REFERRAL_TRAIL } from './audit.server';
import { listReferralDocuments, type ReferralDocumentItem } from './documents.server';
import { maskedIdNumber } from '../security/id-number.server';
import { referralPrintLog } from './print.server';
import { canAddReferralDocument, canPrintReferralDocument, canSeeReferral } from './scope';
import { NEXT_ROUTE_LABELS, PARTY_SIDE_NAMES, REFERRAL_CLOCK_LABELS } from '../ui/referral-labels';

// Everything the referral case page shows, scoped on the server: a case the actor may not see is a
// 404, the caller of the appeal is never sent, and the parties' phone numbers are masked.

export interface ReferralLink {
  id: number;
  number: string;
  kind: ReferralKind;
  phase: string;
}

export interface ReferralClockView {
  name: string;
  /** Chinese label, a t() key. */
  label: string;
  dueAt: string;
  state: string;
  /** Time left or overdue, while the clock runs. */
  remaining: string | null;
}

export interface ReferralTimelineEntry extends TimelineView {
  /** A t() key naming what the payload is about (a side, a route, a clock), if any. */
  summaryLabel: string | null;
  /** The user's own words or times from the payload, shown as plain text. */
  summaryText: string | null;
}

export interface ReferralSessionView {
  no: number;
  scheduledAt: string;
  place: string;
  heldAt: string | null;
  /** Minutes (调解笔录, 庭审笔录) or counselling notes. */
  record: string | null;
  attendees: string[];
  by: string | null;
}

export interface ReferralDetail {
  id: number;
  number: string;
  kind: ReferralKind;
  agencyId: number;
  agencyName: string;
  phase: string;
  final: boolean;
  version: number;
  outcome: string | null;
  outcomeNote: string | null;
  note: string | null;
  createdAt: string;
  closedAt: string | null;
  handlerName: string | null;
  referredByName: string | null;
  appeal: { id: number; number: string; title: string; content: string; categoryName: string; phase: string };
  parent: ReferralLink | null;
  children: ReferralLink[];
  /** Mediation's parties: phones and ID numbers masked; the printed agreement names them in full. */
  parties: { id: number; name: string; side: string; phone: string; idNumber: string; address: string | null }[];
  /** Arbitration's applicant and respondent employer, with the claims; masked as the mediation parties are. */
  arbitrationParties: ArbitrationPartiesView | null;
  /** Whether this actor may print the case's legal document (agreement or award) now. */
  mayPrint: boolean;
  /** Who printed the case's documents, for those who may print them. */
  prints: { who: string; field: string; at: string }[];
  sessions: ReferralSessionView[];
  agreement: { text: string; signedBy: string[]; reachedAt: string } | null;
  failure: { reason: string; nextRoute: string } | null;
  confirmation: { court: string; requestedAt: string; ruling: string | null; rejectionReason: string | null } | null;
  refusalReason: string | null;
  withdrawalReason: string | null;
  lawyer: { name: string; firm: string; phone: string; assignedAt: string } | null;
  /** Legal aid's result, counselling's summary, or arbitration's award. */
  conclusion: { text: string; resolved: boolean; at: string | null } | null;
  extension: { reason: string; state: string; requestedBy: string; decidedBy: string | null } | null;
  clocks: ReferralClockView[];
  timeline: ReferralTimelineEntry[];
  documents: ReferralDocumentItem[];
  mayAddDocument: boolean;
  /** Event types this actor can send now (timers excluded). */
  actions: string[];
  /** Sessions or hearings whose planned time has come and that are not yet recorded, for RECORD_SESSION / RECORD_HEARING. */
  openSessions: { no: number; scheduledAt: string; place: string }[];
  /** For FAIL: agencies that can take a failed mediation on, by route. */
  referOnAgencies: { id: number; name: string; kind: string }[];
}

export interface ArbitrationPartiesView {
  applicant: { name: string; idNumber: string; phone: string; address: string };
  respondent: { name: string; creditCode: string; address: string; representative: string | null; phone: string };
  claims: string;
}

interface LoadedReferral {
  row: Row;
  def: ReferralDefinition;
  snapshot: ReturnType<typeof restoreReferralSnapshot>;
  ctx: ReferralBaseContext & Row;
}

const local = (iso: string | Date | null | undefined) => (iso ? localDateTime(new Date(iso)) : null);

async function loadVisible(em: EntityManager, actor: Actor, id: number): Promise<LoadedReferral> {
  const row = await one(
    em,
    `select r.*, d.name as agency_name from referral r join department d on d.id = r.agency_id where r.id = ?`,
    [id],
  );
  if (!row || !canSeeReferral(actor, { agencyId: row.agency_id })) throw new NotFound('转介案件不存在');
  const def = referralDefinition(row.kind);
  const snapshot = restoreReferralSnapshot(def, jsonb(row.snapshot));
  return { row, def, snapshot, ctx: snapshot.context as ReferralBaseContext & Row };
}

/** Calendar-day legal periods run around the clock; working-day ones count working time. */
function clockUnit(def: ReferralDefinition, clock: string): LimitUnit {
  const spec =
    def.firstClock.name === clock ? def.firstClock : Object.values(def.serverDeadlines).find((d) => d.clock === clock);
  return spec?.unit === 'workingDays' ? 'workingDays' : 'clockHours';
}

async function userNames(em: EntityManager, ids: (number | null | undefined)[]): Promise<Map<number, string>> {
  const wanted = [...new Set(ids.filter((x): x is number => typeof x === 'number' && x > 0))];
  if (!wanted.length) return new Map();
  const rows = await all<{ id: number; display_name: string }>(
    em,
    'select id, display_name from app_user where id in (?)',
    [wanted],
  );
  return new Map(rows.map((r) => [r.id, r.display_name]));
}

const clip = (s: unknown, n = 120) => (typeof s === 'string' ? (s.length > n ? `${s.slice(0, n)}…` : s) : null);

/** A short, plain-text account of an event's payload; phone numbers are never repeated here. */
function summarize(type: string, p: Row, parties: Map<number, string>): { label: string | null; text: string | null } {
  switch (type) {
    case 'ADD_PARTY':
      return { label: PARTY_SIDE_NAMES[p.side] ?? null, text: clip(p.name) };
    case 'SET_PARTIES':
      return { label: null, text: `${clip(p.applicantName, 40) ?? ''} · ${clip(p.respondentName, 80) ?? ''}` };
    case 'SCHEDULE_SESSION':
    case 'SCHEDULE_HEARING':
      return { label: null, text: `${local(p.scheduledAt) ?? ''} · ${clip(p.place) ?? ''}` };
    case 'RECORD_SESSION':
    case 'RECORD_HEARING': {
      const who = Array.isArray(p.attendeePartyIds)
        ? p.attendeePartyIds.map((id: number) => parties.get(id) ?? `#${id}`).join('、')
        : '';
      return { label: null, text: `#${p.no}${who ? `（${who}）` : ''} ${clip(p.minutes ?? p.notes) ?? ''}`.trim() };
    }
    case 'REACH_AGREEMENT':
    case 'AWARD':
      return { label: null, text: clip(p.text) };
    case 'FAIL':
      return { label: NEXT_ROUTE_LABELS[p.nextRoute] ?? null, text: clip(p.reason) };
    case 'GRANT':
      return { label: null, text: `${clip(p.lawyerName, 40) ?? ''} · ${clip(p.lawyerFirm, 80) ?? ''}` };
    case 'REQUEST_CONFIRMATION':
      return { label: null, text: clip(p.court) };
    // The new due time the server computed: the record says how far the award deadline moved.
    case 'APPROVE_EXTENSION':
      return { label: REFERRAL_CLOCK_LABELS.award ?? null, text: local(p.dueAt) };
    case 'CONFIRM':
      return { label: null, text: clip(p.ruling) };
    case 'CONCLUDE':
      return { label: null, text: clip(p.result ?? p.summary ?? p.note) };
    case 'CLOCK_WARN':
    case 'CLOCK_OVERDUE': {
      return { label: REFERRAL_CLOCK_LABELS[p.clock] ?? null, text: null };
    }
    default:
      return { label: null, text: clip(p.reason ?? p.text ?? p.note) };
  }
}

export async function referralDetail(
  em: EntityManager,
  actor: Actor,
  id: number,
  now = new Date(),
): Promise<ReferralDetail> {
  const { row, def, snapshot, ctx } = await loadVisible(em, actor, id);
  const [appeal, links, events, cal] = await Promise.all([
    one(
      em,
      `select a.id, a.number, a.title, a.content, a.snapshot, c.name as category_name from appeal a join category c on c.id = a.category_id where a.id = ?`,
      [row.appeal_id],
    ),
    all(em, `select id, number, kind, phase, parent_id from referral where id = ? or parent_id = ? order by id`, [
      row.parent_id ?? -1,
      row.id,
    ]),
    caseTimeline(em, REFERRAL_TRAIL, row.id),
    getWorkCalendar(em),
  ]).then(([a, ...rest]) => [a!, ...rest] as const);
  const c = ctx;
  const sessionsRaw: Row[] = (c.sessions ?? c.hearings ?? []) as Row[];
  const names = await userNames(em, [
    row.handler_id,
    row.referred_by_id,
    c.extension?.requestedBy,
    c.extension?.decidedBy,
    ...sessionsRaw.map((s) => s.mediatorId ?? s.counsellorId),
  ]);
  const partyNames = new Map<number, string>(
    // Mediation's list of parties; arbitration's applicant and respondent are not attendees.
    (Array.isArray(c.parties) ? (c.parties as { id: number; name: string }[]) : []).map((p) => [p.id, p.name]),
  );
  const final = def.finalPhases.includes(row.phase);
  const actions = final
    ? []
    : acceptedReferralEvents(def, snapshot, actor, now.toISOString()).filter(
        (t) => t !== 'CLOCK_WARN' && t !== 'CLOCK_OVERDUE',
      );
  const referOnAgencies = actions.includes('FAIL')
    ? await all<{ id: number; name: string; referral_kind: string }>(
        em,
        `select id, name, referral_kind from department where active and referral_kind is not null order by code`,
      ).then((rows) =>
        rows
          .filter((r) => r.referral_kind === 'legalAid' || r.referral_kind === 'arbitration')
          .map((r) => ({ id: r.id, name: r.name, kind: r.referral_kind })),
      )
    : [];
  const link = (r: Row): ReferralLink => ({ id: r.id, number: r.number, kind: r.kind, phase: r.phase });

  const clocks: ReferralClockView[] = def.clockNames
    .filter((n) => c.clocks[n])
    .map((name) => {
      const clock = c.clocks[name];
      const running = clock.state !== 'stopped';
      return {
        name,
        label: REFERRAL_CLOCK_LABELS[name] ?? name,
        dueAt: local(clock.dueAt)!,
        state: clock.state,
        // Legal periods are calendar days (法定期间): their time reads in calendar days; working-day clocks in working days.
        remaining: running
          ? remainingTime(cal, now, new Date(clock.dueAt), clockUnit(def, name), { legalPeriod: true }).label
          : null,
      };
    });

  const conclusion = c.conclusion
    ? {
        text: (c.conclusion.result ?? c.conclusion.summary) as string,
        resolved: Boolean(c.conclusion.resolved),
        at: local(c.closedAt),
      }
    : c.award
      ? { text: c.award.text as string, resolved: Boolean(c.award.resolved), at: local(c.award.awardedAt) }
      : null;

  return {
    id: row.id,
    number: row.number,
    kind: row.kind,
    agencyId: row.agency_id,
    agencyName: row.agency_name,
    phase: row.phase,
    final,
    version: row.version,
    outcome: row.outcome,
    outcomeNote: c.outcomeNote,
    note: row.note,
    createdAt: local(row.created_at)!,
    closedAt: local(row.closed_at),
    handlerName: row.handler_id ? (names.get(row.handler_id) ?? null) : null,
    referredByName: names.get(row.referred_by_id) ?? null,
    // The appeal as the case needs it: never the caller's name or number (he may be confidential).
    appeal: {
      id: appeal.id,
      number: appeal.number,
      title: appeal.title,
      content: appeal.content,
      categoryName: appeal.category_name,
      phase: phaseOf(restoreAppealSnapshot(jsonb(appeal.snapshot))),
    },
    parent: links.find((r) => r.id === row.parent_id) ? link(links.find((r) => r.id === row.parent_id)!) : null,
    children: links.filter((r) => r.parent_id === row.id).map(link),
    parties: (Array.isArray(c.parties) ? (c.parties as Row[]) : []).map((p) => ({
      id: p.id,
      name: p.name,
      side: p.side,
      phone: maskPhone(p.phone),
      idNumber: maskedIdNumber(p.idNumberSealed),
      address: p.address ?? null,
    })),
    arbitrationParties:
      row.kind === 'arbitration' && c.parties
        ? {
            applicant: {
              name: c.parties.applicant.name,
              idNumber: maskedIdNumber(c.parties.applicant.idNumberSealed),
              phone: maskPhone(c.parties.applicant.phone),
              address: c.parties.applicant.address,
            },
            respondent: { ...c.parties.respondent, phone: maskPhone(c.parties.respondent.phone) },
            claims: c.parties.claims,
          }
        : null,
    mayPrint: Boolean(
      (row.kind === 'mediation' ? c.agreement : row.kind === 'arbitration' ? c.award && c.parties : null) &&
      canPrintReferralDocument(actor, { agencyId: row.agency_id }),
    ),
    prints: (await referralPrintLog(em, actor, row.id, row.agency_id)).map((l) => ({
      who: l.who,
      field: l.field,
      at: local(l.at)!,
    })),
    sessions: sessionsRaw.map((s) => ({
      no: s.no,
      scheduledAt: local(s.scheduledAt)!,
      place: s.place,
      heldAt: local(s.heldAt),
      record: s.minutes ?? s.notes ?? null,
      attendees: ((s.attendeePartyIds ?? []) as number[]).map((pid) => partyNames.get(pid) ?? `#${pid}`),
      by: names.get(s.mediatorId ?? s.counsellorId) ?? null,
    })),
    agreement: c.agreement
      ? {
          text: c.agreement.text,
          signedBy: (c.agreement.signedPartyIds as number[]).map((pid) => partyNames.get(pid) ?? `#${pid}`),
          reachedAt: local(c.agreement.reachedAt)!,
        }
      : null,
    failure: c.failure ?? null,
    confirmation: c.confirmation
      ? {
          court: c.confirmation.court,
          requestedAt: local(c.confirmation.requestedAt)!,
          ruling: c.confirmation.ruling,
          rejectionReason: c.confirmation.rejectionReason,
        }
      : null,
    refusalReason: c.refusalReason ?? null,
    withdrawalReason: c.withdrawalReason ?? null,
    lawyer: c.lawyer
      ? {
          name: c.lawyer.name,
          firm: c.lawyer.firm,
          phone: maskPhone(c.lawyer.phone),
          assignedAt: local(c.lawyer.assignedAt)!,
        }
      : null,
    conclusion,
    extension: c.extension
      ? {
          reason: c.extension.reason,
          state: c.extension.state,
          requestedBy: names.get(c.extension.requestedBy) ?? '',
          decidedBy: c.extension.decidedBy ? (names.get(c.extension.decidedBy) ?? null) : null,
        }
      : null,
    clocks,
    timeline: events.map((e) => {
      const s = summarize(e.type, e.payload, partyNames);
      return { ...timelineView(e), summaryLabel: s.label, summaryText: s.text };
    }),
    documents: (await listReferralDocuments({ em: () => em }, row.id)).map((d) => ({
      ...d,
      createdAt: local(d.createdAt)!,
    })),
    mayAddDocument: !final && row.closed_at === null && canAddReferralDocument(actor, { agencyId: row.agency_id }),
    actions,
    // Only those whose planned time has come can be recorded as held.
    openSessions: sessionsRaw
      .filter((s) => s.heldAt === null && Date.parse(s.scheduledAt) <= now.getTime())
      .map((s) => ({ no: s.no, scheduledAt: local(s.scheduledAt)!, place: s.place })),
    referOnAgencies,
  };
}
