import { initialTransition } from 'xstate';
import { pureScope } from './pure-scope';
import type { AnyStateMachine, StateValue } from 'xstate';
import { z } from 'zod';
import type { ReferralKind } from './appeal-events';
import type { Actor, Role } from './actor';
import { stateValuePath, stateValueSchema } from './state-path';

// What every referral machine (mediation, legal aid, arbitration, counselling) shares: its
// legal clocks, the fields the service reads, and the pure apply / persist / restore helpers.

export const CLOCK_STATES = ['running', 'warned', 'overdue', 'stopped'] as const;
export type ClockState = (typeof CLOCK_STATES)[number];

/** A legal time limit (法定期限): started by a transition, warned and made overdue by durable timers. */
export interface LegalClock {
  dueAt: string;
  state: ClockState;
  /** When the period began (absent for a case's first clock, which begins with the referral). */
  startedAt?: string;
}

/** How a finished referral answers the appeal it came from; `referredOn` hands it to another service instead. */
export const REFERRAL_CASE_OUTCOMES = ['resolved', 'unresolved', 'refused', 'referredOn'] as const;
export type ReferralCaseOutcome = (typeof REFERRAL_CASE_OUTCOMES)[number];

/** Context fields every referral machine has. */
export interface ReferralBaseContext {
  appealId: number;
  agencyId: number;
  referredBy: number;
  /** The mediator, lawyer, arbitrator or counsellor who took the case. */
  handlerId: number | null;
  clocks: Record<string, LegalClock>;
  /** Set exactly when the machine reaches a final state. */
  outcome: ReferralCaseOutcome | null;
  outcomeNote: string | null;
  closedAt: string | null;
  /** Mediation only: the service a failed mediation is handed on to. */
  referOn: { kind: ReferralKind; agencyId: number } | null;
}

export interface ReferralInput {
  appealId: number;
  agencyId: number;
  referredBy: number;
  /** The first clock (acceptance or decision), computed by the server at referral. */
  firstDueAt: string;
}

export const legalClockSchema = z
  .object({ dueAt: z.string(), state: z.enum(CLOCK_STATES), startedAt: z.string().optional() })
  .strict();
export const referralBaseContextShape = {
  appealId: z.number().int(),
  agencyId: z.number().int(),
  referredBy: z.number().int(),
  handlerId: z.number().int().nullable(),
  clocks: z.record(z.string(), legalClockSchema),
  outcome: z.enum(REFERRAL_CASE_OUTCOMES).nullable(),
  outcomeNote: z.string().nullable(),
  closedAt: z.string().nullable(),
  referOn: z
    .object({ kind: z.enum(['mediation', 'legalAid', 'arbitration', 'counselling']), agencyId: z.number().int() })
    .strict()
    .nullable(),
};

export const baseContext = (input: ReferralInput, firstClock: string): ReferralBaseContext => ({
  appealId: input.appealId,
  agencyId: input.agencyId,
  referredBy: input.referredBy,
  handlerId: null,
  clocks: { [firstClock]: { dueAt: input.firstDueAt, state: 'running' } },
  outcome: null,
  outcomeNote: null,
  closedAt: null,
  referOn: null,
});

// --- clock helpers used by the machines' actions ---------------------------------------------

export function startClock(
  clocks: Record<string, LegalClock>,
  name: string,
  dueAt: string,
  startedAt?: string,
): Record<string, LegalClock> {
  return { ...clocks, [name]: { dueAt, state: 'running', ...(startedAt ? { startedAt } : {}) } };
}

export function stopClock(clocks: Record<string, LegalClock>, name: string): Record<string, LegalClock> {
  const c = clocks[name];
  return c ? { ...clocks, [name]: { ...c, state: 'stopped' } } : clocks;
}

export function stopAllClocks(clocks: Record<string, LegalClock>): Record<string, LegalClock> {
  return Object.fromEntries(
    Object.entries(clocks).map(([k, c]) => [k, c.state === 'stopped' ? c : { ...c, state: 'stopped' as const }]),
  );
}

export function markClock(
  clocks: Record<string, LegalClock>,
  name: string,
  state: 'warned' | 'overdue',
): Record<string, LegalClock> {
  const c = clocks[name];
  return c ? { ...clocks, [name]: { ...c, state } } : clocks;
}

/** A timer may warn a running clock and make a running or warned clock overdue; anything else is stale. */
export function clockAccepts(
  clocks: Record<string, LegalClock>,
  name: string,
  event: 'CLOCK_WARN' | 'CLOCK_OVERDUE',
): boolean {
  const c = clocks[name];
  if (!c) return false;
  return event === 'CLOCK_WARN' ? c.state === 'running' : c.state === 'running' || c.state === 'warned';
}

// --- common event payloads ---------------------------------------------------------------------

export const text = (max: number) => z.string().trim().min(1).max(max);
export const isoInstant = z.iso.datetime({ offset: true });
export const idSchema = z.number().int().positive();
export const clockEventSchema = z.object({ clock: z.string().min(1).max(40) }).strict();

/**
 * When a session or hearing was held, as staff record it: never before the time it was planned for,
 * never after the moment it is recorded. Without a time of its own it was held when it is recorded.
 */
export function heldInWindow(scheduledAt: string, heldAt: string | undefined, at: string): boolean {
  const held = Date.parse(heldAt ?? at);
  return Date.parse(scheduledAt) <= held && held <= Date.parse(at);
}

/** The same rule as a schema for the service, with the reason a person is told. */
export function heldAtSchema(scheduledAt: string, at: string) {
  return z
    .object({ heldAt: isoInstant.optional() })
    .refine((p) => p.heldAt !== undefined || Date.parse(scheduledAt) <= Date.parse(at), {
      message: '尚未到约定时间，不能记录为已举行',
      path: ['heldAt'],
    })
    .refine((p) => p.heldAt === undefined || Date.parse(scheduledAt) <= Date.parse(p.heldAt), {
      message: '举行时间不能早于约定时间',
      path: ['heldAt'],
    })
    .refine((p) => p.heldAt === undefined || Date.parse(p.heldAt) <= Date.parse(at), {
      message: '举行时间不能晚于当前时间',
      path: ['heldAt'],
    });
}

export interface ReferralEnvelope {
  actor: Actor;
  at: string;
}

/** The agency's own staff act on its cases; the system fires the clocks. */
export function isAgencyStaff(context: ReferralBaseContext, actor: Actor | undefined): boolean {
  return actor !== undefined && actor.role === 'mediator' && actor.departmentIds.includes(context.agencyId);
}

// --- guards and context updates every referral machine shares ----------------------------------

type SharedGuardArgs = { context: ReferralBaseContext; event: { type: string; actor?: Actor; clock?: unknown } };

/** staff: the event's role, from the case's own agency; system: timers only; clockAccepts: the timer's clock still runs. */
export function referralGuards(roles: Record<string, readonly Role[]>) {
  return {
    staff: ({ context, event }: SharedGuardArgs) =>
      event.actor !== undefined &&
      (roles[event.type]?.includes(event.actor.role) ?? false) &&
      isAgencyStaff(context, event.actor),
    system: ({ event }: SharedGuardArgs) => event.actor?.role === 'system',
    clockAccepts: ({ context, event }: SharedGuardArgs) =>
      (event.type === 'CLOCK_WARN' || event.type === 'CLOCK_OVERDUE') &&
      typeof event.clock === 'string' &&
      clockAccepts(context.clocks, event.clock, event.type),
  };
}

/** What every transition into a final state records: the answer for the appeal, when, and all clocks stopped. */
export function closing(context: ReferralBaseContext, at: string, outcome: ReferralCaseOutcome, note: string | null) {
  return { outcome, outcomeNote: note, closedAt: at, clocks: stopAllClocks(context.clocks) };
}

/** A timer's mark on its clock: warned or overdue. */
export function clockMarked(context: ReferralBaseContext, event: { type: string; clock?: unknown }) {
  if (typeof event.clock !== 'string') return {};
  return { clocks: markClock(context.clocks, event.clock, event.type === 'CLOCK_WARN' ? 'warned' : 'overdue') };
}

// --- the definition each kind exports ------------------------------------------------------------

/** How the server computes a deadline a transition starts: legal periods in calendar days (法定期间) or working days. */
export interface ClockSpec {
  amount: number;
  unit: 'calendarDays' | 'workingDays';
}

export interface ReferralDefinition {
  kind: ReferralKind;
  machine: AnyStateMachine;
  version: number;
  eventTypes: readonly string[];
  payloadSchemas: Record<string, z.ZodType>;
  eventRoles: Record<string, readonly Role[]>;
  /** Dotted state paths, in lifecycle order. */
  phases: readonly string[];
  finalPhases: readonly string[];
  /** The clock the referral starts with and its length. */
  firstClock: { name: string } & ClockSpec;
  /**
   * Events whose `dueAt` the server computes: the clock they start and its length. For an
   * extension (`from: 'clockStart'`) the length is the whole period counted again from when the clock
   * started, so an extension never gains the days a holiday added to the original last day.
   */
  serverDeadlines: Record<string, { clock: string; from?: 'event' | 'clockStart' } & ClockSpec>;
  /** Clocks in the order the case page shows them. */
  clockNames: readonly string[];
  contextSchema: z.ZodType;
  /** Representative events of a type, for the UI's "what can I do now". */
  sampleEvents(type: string, context: ReferralBaseContext, actor: Actor, at: string): Record<string, unknown>[];
}

export interface PersistedReferralSnapshot {
  machine: string;
  machineVersion: number;
  value: StateValue;
  context: ReferralBaseContext & Record<string, unknown>;
}

// A snapshot of any referral machine, as far as the shared helpers are concerned.
export interface ReferralSnapshot {
  value: StateValue;
  context: ReferralBaseContext & Record<string, unknown>;
  status: string;
  tags: Set<string>;
  can(event: unknown): boolean;
}

export function createReferralSnapshot(def: ReferralDefinition, input: ReferralInput): ReferralSnapshot {
  const [snapshot] = initialTransition(def.machine, input);
  return snapshot as unknown as ReferralSnapshot;
}

export function persistReferralSnapshot(
  def: ReferralDefinition,
  snapshot: ReferralSnapshot,
): PersistedReferralSnapshot {
  return JSON.parse(
    JSON.stringify({
      machine: def.kind,
      machineVersion: def.version,
      value: snapshot.value,
      context: snapshot.context,
    }),
  ) as PersistedReferralSnapshot;
}

export function restoreReferralSnapshot(def: ReferralDefinition, persisted: unknown): ReferralSnapshot {
  const parsed = z
    .object({
      machine: z.literal(def.kind),
      machineVersion: z.literal(def.version),
      value: stateValueSchema,
      context: def.contextSchema,
    })
    .safeParse(persisted);
  if (!parsed.success) throw new Error(`invalid persisted ${def.kind} snapshot: ${z.prettifyError(parsed.error)}`);
  return def.machine.resolveState({
    value: parsed.data.value,
    context: parsed.data.context as never,
  }) as unknown as ReferralSnapshot;
}

export function applyReferralEvent(
  def: ReferralDefinition,
  snapshot: ReferralSnapshot,
  event: { type: string } & ReferralEnvelope & Record<string, unknown>,
): { accepted: boolean; next: ReferralSnapshot } {
  if (!snapshot.can(event)) return { accepted: false, next: snapshot };
  const input: ReferralInput = { appealId: 0, agencyId: 0, referredBy: 0, firstDueAt: new Date(0).toISOString() };
  const next = def.machine.transition(
    snapshot as never,
    event as never,
    pureScope(def.machine, input),
  ) as unknown as ReferralSnapshot;
  return { accepted: true, next };
}

/** The tags of the case's current state, sorted: written beside the phase so queries group by them. */
export function referralTagsOf(snapshot: Pick<ReferralSnapshot, 'tags'>): string[] {
  return [...snapshot.tags].sort();
}

export function referralPhaseOf(snapshot: Pick<ReferralSnapshot, 'value'>): string {
  return stateValuePath(snapshot.value);
}

/** Event types this actor could send now, judged with representative payloads. */
export function acceptedReferralEvents(
  def: ReferralDefinition,
  snapshot: ReferralSnapshot,
  actor: Actor,
  at: string = new Date().toISOString(),
): string[] {
  return def.eventTypes.filter(
    (type) =>
      def.eventRoles[type]?.includes(actor.role) &&
      def
        .sampleEvents(type, snapshot.context, actor, at)
        .some((payload) => snapshot.can({ ...payload, type, actor, at })),
  );
}

/** Parses an untrusted payload for a type of this kind; actor and time come from the server. */
export function parseReferralPayload(
  def: ReferralDefinition,
  type: string,
  payload: unknown,
): { success: true; data: Record<string, unknown> } | { success: false; issues: z.core.$ZodIssue[] } {
  const schema = def.payloadSchemas[type];
  if (!schema)
    return {
      success: false,
      issues: [{ code: 'custom', path: ['type'], message: 'unknown event type', input: type } as z.core.$ZodIssue],
    };
  const parsed = schema.safeParse(payload ?? {});
  return parsed.success
    ? { success: true, data: parsed.data as Record<string, unknown> }
    : { success: false, issues: parsed.error.issues };
}
