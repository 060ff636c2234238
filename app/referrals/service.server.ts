import type { EntityManager } from '@mikro-orm/sql';
import type { Actor } from '../../machines/actor';
import {
  applyReferralEvent as applyToMachine,
  heldAtSchema,
  persistReferralSnapshot,
  referralPhaseOf,
  restoreReferralSnapshot,
  type ClockSpec,
  type LegalClock,
  type ReferralBaseContext,
  type ReferralDefinition,
  type ReferralSnapshot,
} from '../../machines/referral-kit';
import { referralDefinition } from '../../machines/referrals';
import { addLegalDays, addTimeLimit, warnInstant, type WorkCalendar } from '../calendar/working-time';
import {
  transition,
  type CaseKind,
  type CaseServices,
  type Step,
  type StepInput,
  type StepLink,
} from '../cases/transition.server';
import { Conflict, InvalidInput, NotFound, fieldErrorsOf } from '../domain/errors';
import type { ReferralTimerJob, Timers } from '../jobs/timers.server';
import { isResidentIdNumber } from '../../machines/identifiers';
import { normaliseIdNumber, sealIdNumber } from '../security/id-number.server';
import { REFERRAL_TRAIL } from './audit.server';
import { loadReferral, referralAgency, type ReferralRow } from './referral-store.server';
import { canSeeReferral } from './scope';

// Referral cases on the case kernel: each kind's machine (mediation, legal aid, arbitration,
// counselling), the agency's scope, and the legal clocks with their durable timers.

export interface ReferralServices extends CaseServices {
  timers: Timers;
}

export interface ReferralCommand {
  referralId: number;
  /** The version the user was looking at; omitted by timers, which re-read first. */
  expectedVersion?: number;
  type: string;
  payload?: unknown;
  actor: Actor;
}

export type ReferralStep = Step<ReferralRow, ReferralSnapshot, ReferralServices>;
export type ReferralLink<T> = StepLink<ReferralRow, ReferralSnapshot, T, ReferralServices>;

/** The due time of a clock that starts at `start`: legal periods count calendar days, the others working days. */
export function clockDeadline(cal: WorkCalendar, start: Date, spec: ClockSpec): Date {
  return spec.unit === 'calendarDays'
    ? addLegalDays(cal, start, spec.amount)
    : addTimeLimit(cal, start, { amount: spec.amount, unit: 'workingDays' });
}

function clockSpec(def: ReferralDefinition, name: string): ClockSpec {
  if (def.firstClock.name === name) return def.firstClock;
  const found = Object.values(def.serverDeadlines).find((d) => d.clock === name);
  if (!found) throw new Error(`${def.kind} has no clock ${name}`);
  return found;
}

/** Warning and overdue timers for every clock this step started or moved. */
export function clockTimers(
  def: ReferralDefinition,
  referralId: number,
  before: Record<string, LegalClock>,
  after: Record<string, LegalClock>,
  cal: WorkCalendar,
  now: Date,
) {
  const jobs: { job: Omit<ReferralTimerJob, 'fireAt'>; at: Date }[] = [];
  for (const [clock, c] of Object.entries(after)) {
    if (c.state !== 'running' || before[clock]?.dueAt === c.dueAt) continue;
    const due = new Date(c.dueAt);
    if (due.getTime() > now.getTime()) {
      const unit = clockSpec(def, clock).unit === 'calendarDays' ? 'clockHours' : 'workingDays';
      const at = warnInstant(cal, now, due, unit);
      jobs.push({ job: { referralId, clock, event: 'CLOCK_WARN', deadline: c.dueAt }, at });
    }
    jobs.push({ job: { referralId, clock, event: 'CLOCK_OVERDUE', deadline: c.dueAt }, at: due });
  }
  return jobs;
}

/** Server-computed deadlines: a clock's length from the event, or (an extension) its whole new length from when it started. */
type ReferralStepInput = StepInput<ReferralRow, ReferralSnapshot, ReferralServices>;

function serverDeadline({ row, before, type, cal, now }: ReferralStepInput): Record<string, unknown> {
  const d = referralDefinition(row.kind).serverDeadlines[type];
  if (!d) return {};
  if (d.from === 'clockStart') {
    const started = (before.context as ReferralBaseContext).clocks[d.clock]?.startedAt;
    if (!started) throw new Conflict('该期限尚未开始', 'notNow');
    return { dueAt: clockDeadline(cal, new Date(started), d).toISOString() };
  }
  return { dueAt: clockDeadline(cal, now, d).toISOString() };
}

/** A session or hearing is recorded as held only once its planned time has come, and never for a time still ahead. */
function validateHeldAt({ before, type, now }: ReferralStepInput, payload: Record<string, unknown>) {
  if (type !== 'RECORD_SESSION' && type !== 'RECORD_HEARING') return;
  const ctx = before.context as ReferralBaseContext & { sessions?: HeldRecord[]; hearings?: HeldRecord[] };
  const planned = (ctx.sessions ?? ctx.hearings ?? []).find((s) => s.no === payload.no);
  if (!planned) return; // the machine refuses an unknown session
  const checked = heldAtSchema(planned.scheduledAt, now.toISOString()).safeParse({ heldAt: payload.heldAt });
  if (!checked.success) throw new InvalidInput('请检查举行时间', fieldErrorsOf(checked.error.issues));
}

interface HeldRecord {
  no: number;
  scheduledAt: string;
}

/** The form's ID number field of an event, and the sealed field the machine keeps instead. */
const SEALED_FIELDS: Record<string, string> = {
  idNumber: 'idNumberSealed',
  applicantIdNumber: 'applicantIdNumberSealed',
};
const ID_NUMBER_EVENTS = new Set(['ADD_PARTY', 'SET_PARTIES']);

/**
 * A party's ID number is checked (GB 11643 check character) and sealed before the payload is parsed, so the
 * audit row and the snapshot only ever hold the sealed value; the clear number is consumed here.
 */
function sealedIdNumbers({ type, input, before }: ReferralStepInput): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, sealedField] of Object.entries(SEALED_FIELDS)) {
    if (!(field in input)) continue;
    const raw = input[field];
    delete input[field];
    if (!ID_NUMBER_EVENTS.has(type)) throw new InvalidInput('输入有误', { [field]: ['unknown field'] });
    if (raw === undefined || raw === null || raw === '') continue;
    const value = typeof raw === 'string' ? normaliseIdNumber(raw) : '';
    if (!isResidentIdNumber(value))
      throw new InvalidInput('身份证号不正确', { [field]: ['身份证号不正确，请核对（18 位，末位为校验码）'] });
    out[sealedField] = sealIdNumber(value).sealed;
  }
  // An arbitration's applicant is named with his ID number: the first recording of the parties needs it.
  const parties = (before.context as { parties?: unknown }).parties as
    { applicant?: { idNumberSealed?: string | null } } | null | undefined;
  if (type === 'SET_PARTIES' && !out.applicantIdNumberSealed && !parties?.applicant?.idNumberSealed)
    throw new InvalidInput('请填写申请人身份证号', { applicantIdNumber: ['请填写申请人身份证号'] });
  return out;
}

async function validateReferences(step: ReferralStepInput, payload: Record<string, unknown>) {
  validateHeldAt(step, payload);
  const { em } = step;
  if (payload.referOnAgencyId === undefined) return;
  const agency = await referralAgency(em, payload.referOnAgencyId as number);
  if (!agency || !agency.active || agency.referralKind !== payload.nextRoute) {
    throw new InvalidInput('转介机构不存在或不受理此类案件', { referOnAgencyId: ['unknown agency for this route'] });
  }
}

/** Referral cases as a kind: one definition over the four machines, the row's kind choosing the machine. */
export const referralKind: CaseKind<ReferralRow, ReferralSnapshot, ReferralServices> = {
  trail: REFERRAL_TRAIL,
  staleMessage: '该转介案件已被他人更新，请刷新后重试',
  notFoundMessage: '转介案件不存在',
  load: loadReferral,
  restore: (row) => restoreReferralSnapshot(referralDefinition(row.kind), row.snapshot),
  events: (row) => {
    const def = referralDefinition(row.kind);
    return { types: def.eventTypes, roles: def.eventRoles, schemas: def.payloadSchemas };
  },
  canSee: (actor, row) => canSeeReferral(actor, { agencyId: row.agencyId }),
  hidden: () => new NotFound('转介案件不存在'),
  serverFields: ['dueAt', ...Object.values(SEALED_FIELDS)],
  compute: (step) => ({ ...serverDeadline(step), ...sealedIdNumbers(step) }),
  validate: validateReferences,
  apply: (snapshot, event, row) => applyToMachine(referralDefinition(row.kind), snapshot, event),
  notYours: ({ actor, row }) =>
    actor.role === 'mediator' && !actor.departmentIds.includes(row.agencyId) ? '该案件不属于您的机构' : null,
  persist: (snapshot, row) => {
    const def = referralDefinition(row.kind!);
    return { snapshot: persistReferralSnapshot(def, snapshot), machineVersion: def.version };
  },
  phaseOf: referralPhaseOf,
  // The queue columns: the nearest open deadline, and the worst state of the open clocks.
  mirror: (next) => {
    const ctx = next.context;
    const open = Object.values(ctx.clocks).filter((c) => c.state !== 'stopped');
    const nextDue = open.map((c) => Date.parse(c.dueAt)).sort((a, b) => a - b)[0];
    const worst = open.some((c) => c.state === 'overdue')
      ? 'overdue'
      : open.some((c) => c.state === 'warned')
        ? 'warned'
        : open.length
          ? 'onTime'
          : 'none';
    return {
      handler_id: ctx.handlerId,
      next_due_at: nextDue === undefined ? null : new Date(nextDue),
      clock_state: worst,
      outcome: ctx.outcome,
      closed_at: ctx.closedAt ? new Date(ctx.closedAt) : null,
    };
  },
  timers: ({ services, row, before, next, cal, now }) => {
    const def = referralDefinition(row.kind);
    const jobs = clockTimers(def, row.id, before.context.clocks, next.context.clocks, cal, now);
    return jobs.length ? (tx) => services.timers.scheduleReferral(tx, jobs) : null;
  },
};

/** Whether this step ended the case: its machine recorded an outcome just now. */
export function endsCase(step: ReferralStep): boolean {
  return step.before.context.outcome === null && step.next.context.outcome !== null;
}

/**
 * The single way a referral case changes: the kernel's guarded transition with the kind's machine.
 * A link adds what another kind must write with the step (an ended case answers its appeal).
 */
export async function transitionReferral<T>(
  services: ReferralServices,
  cmd: ReferralCommand,
  opts: { tx?: EntityManager; link?: ReferralLink<T> } = {},
) {
  const r = await transition(referralKind, services, { ...cmd, caseId: cmd.referralId }, opts);
  return { referralId: r.id, version: r.version, phase: r.phase, seq: r.seq, linked: r.linked };
}
