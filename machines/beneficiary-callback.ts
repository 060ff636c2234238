import { and, assertEvent, assign, initialTransition, setup } from 'xstate';
import type { StateValue } from 'xstate';
import { z } from 'zod';
import type { Actor, Role } from './actor';
import { SATISFACTION_LEVELS } from './appeal-events';
import { pureScope } from './pure-scope';
import { stateValuePath, stateValueSchema } from './state-path';

// A beneficiary callback (回访核实): one drawn implementation record the hotline calls back to check the benefit
// arrived. It waits for a call (late once its due time passes, by the durable timer), counts failed attempts until
// the configured number makes it unreachable, and ends with the beneficiary's answers: confirmed, or a problem when
// anything did not arrive as reported or he names one (the step that opens the complaint appeal). A supervisor may
// cancel it with a reason (a wrong number, a beneficiary who asked not to be called).

export const CALLBACK_EVENT_TYPES = ['ATTEMPT_FAILED', 'RECORD_RESULT', 'OVERDUE', 'CANCEL'] as const;
export type CallbackEventType = (typeof CALLBACK_EVENT_TYPES)[number];

export const CALLBACK_MACHINE_VERSION = 1;

export const ATTEMPT_FAILURES = ['noAnswer', 'busy', 'switchedOff'] as const;
export type AttemptFailure = (typeof ATTEMPT_FAILURES)[number];

export interface CallbackAttempt {
  at: string;
  by: number;
  reason: AttemptFailure;
}

export interface CallbackResult {
  received: boolean;
  amountRight: boolean;
  onTime: boolean;
  satisfaction: (typeof SATISFACTION_LEVELS)[number];
  problem: string | null;
}

export interface CallbackContext {
  recordId: number;
  departmentId: number;
  /** Failed attempts after which the callback ends unreachable (the draw's setting). */
  maxAttempts: number;
  dueAt: string;
  attempts: CallbackAttempt[];
  overdue: boolean;
  /** The agent who last worked the callback. */
  agentId: number | null;
  result: CallbackResult | null;
  outcome: 'confirmed' | 'problem' | 'unreachable' | 'cancelled' | null;
  closedAt: string | null;
  cancelReason: string | null;
}

export interface CallbackInput {
  recordId: number;
  departmentId: number;
  maxAttempts: number;
  dueAt: string;
}

const text = (max: number) => z.string().trim().min(2).max(max);
export const callbackPayloadSchemas = {
  ATTEMPT_FAILED: z.object({ reason: z.enum(ATTEMPT_FAILURES) }).strict(),
  RECORD_RESULT: z
    .object({
      received: z.boolean(),
      amountRight: z.boolean(),
      onTime: z.boolean(),
      satisfaction: z.enum(SATISFACTION_LEVELS),
      problem: text(2000).optional(),
    })
    .strict(),
  OVERDUE: z.object({}).strict(),
  CANCEL: z.object({ reason: text(500) }).strict(),
} satisfies Record<CallbackEventType, z.ZodType>;

interface Envelope {
  actor: Actor;
  at: string;
}
export type CallbackEvent =
  | ({ type: 'ATTEMPT_FAILED' } & Envelope & z.output<typeof callbackPayloadSchemas.ATTEMPT_FAILED>)
  | ({ type: 'RECORD_RESULT' } & Envelope & z.output<typeof callbackPayloadSchemas.RECORD_RESULT>)
  | ({ type: 'OVERDUE' } & Envelope)
  | ({ type: 'CANCEL' } & Envelope & z.output<typeof callbackPayloadSchemas.CANCEL>);

// The callback agents are operators at the softphone; a problem they record opens an appeal in their name.
export const callbackEventRoles: Record<CallbackEventType, Role[]> = {
  ATTEMPT_FAILED: ['operator'],
  RECORD_RESULT: ['operator'],
  OVERDUE: ['system'],
  CANCEL: ['supervisor'],
};

/** Whether the answers mean the benefit did not arrive as reported: the callback then opens a complaint. */
export function isProblem(r: Pick<CallbackResult, 'received' | 'amountRight' | 'onTime' | 'problem'>): boolean {
  return !r.received || !r.amountRight || !r.onTime || Boolean(r.problem);
}

export const callbackMachine = setup({
  types: { context: {} as CallbackContext, events: {} as CallbackEvent, input: {} as CallbackInput },
  guards: {
    roleAllowed: ({ event }) => callbackEventRoles[event.type].includes(event.actor.role),
    lastAttempt: ({ context }) => context.attempts.length + 1 >= context.maxAttempts,
    problemFound: ({ event }) => event.type === 'RECORD_RESULT' && isProblem({ problem: null, ...event }),
  },
  actions: {
    countAttempt: assign(({ context, event }) => {
      assertEvent(event, 'ATTEMPT_FAILED');
      return {
        attempts: [...context.attempts, { at: event.at, by: event.actor.userId, reason: event.reason }],
        agentId: event.actor.userId,
      };
    }),
    recordResult: assign(({ event }) => {
      assertEvent(event, 'RECORD_RESULT');
      const result: CallbackResult = {
        received: event.received,
        amountRight: event.amountRight,
        onTime: event.onTime,
        satisfaction: event.satisfaction,
        problem: event.problem ?? null,
      };
      return { result, agentId: event.actor.userId, closedAt: event.at };
    }),
    markOverdue: assign({ overdue: true }),
    confirmed: assign({ outcome: 'confirmed' as const }),
    problem: assign({ outcome: 'problem' as const }),
    unreachable: assign(({ event }) => ({ outcome: 'unreachable' as const, closedAt: event.at })),
    cancel: assign(({ event }) => {
      assertEvent(event, 'CANCEL');
      return { outcome: 'cancelled' as const, closedAt: event.at, cancelReason: event.reason };
    }),
  },
}).createMachine({
  id: 'beneficiaryCallback',
  initial: 'awaitingCall',
  context: ({ input }) => ({
    recordId: input.recordId,
    departmentId: input.departmentId,
    maxAttempts: input.maxAttempts,
    dueAt: input.dueAt,
    attempts: [],
    overdue: false,
    agentId: null,
    result: null,
    outcome: null,
    closedAt: null,
    cancelReason: null,
  }),
  states: {
    awaitingCall: {
      tags: ['open', 'awaitingCall'],
      initial: 'onTime',
      states: {
        onTime: {
          on: { OVERDUE: { guard: 'roleAllowed', target: 'overdue', actions: 'markOverdue' } },
        },
        // Past its due time: still worked, shown first, and counted late.
        overdue: { tags: ['overdue'] },
      },
      on: {
        ATTEMPT_FAILED: [
          {
            guard: and(['roleAllowed', 'lastAttempt']),
            target: 'unreachable',
            actions: ['countAttempt', 'unreachable'],
          },
          { guard: 'roleAllowed', actions: 'countAttempt' },
        ],
        RECORD_RESULT: [
          { guard: and(['roleAllowed', 'problemFound']), target: 'problem', actions: ['recordResult', 'problem'] },
          { guard: 'roleAllowed', target: 'confirmed', actions: ['recordResult', 'confirmed'] },
        ],
        CANCEL: { guard: 'roleAllowed', target: 'cancelled', actions: 'cancel' },
      },
    },
    confirmed: { type: 'final', tags: ['closed', 'reached'] },
    // The step into this state opens the complaint appeal to the lead department (app/case-links).
    problem: { type: 'final', tags: ['closed', 'reached', 'opensComplaint'] },
    unreachable: { type: 'final', tags: ['closed'] },
    cancelled: { type: 'final', tags: ['closed'] },
  },
});

export const CALLBACK_PHASES = [
  'awaitingCall.onTime',
  'awaitingCall.overdue',
  'confirmed',
  'problem',
  'unreachable',
  'cancelled',
] as const;
export type CallbackPhase = (typeof CALLBACK_PHASES)[number];

const iso = z.string().datetime();
const id = z.number().int().positive();
export const callbackContextSchema = z
  .object({
    recordId: id,
    departmentId: id,
    maxAttempts: z.number().int().min(1).max(10),
    dueAt: iso,
    attempts: z.array(z.object({ at: iso, by: z.number().int(), reason: z.enum(ATTEMPT_FAILURES) }).strict()),
    overdue: z.boolean(),
    agentId: id.nullable(),
    result: z
      .object({
        received: z.boolean(),
        amountRight: z.boolean(),
        onTime: z.boolean(),
        satisfaction: z.enum(SATISFACTION_LEVELS),
        problem: z.string().nullable(),
      })
      .strict()
      .nullable(),
    outcome: z.enum(['confirmed', 'problem', 'unreachable', 'cancelled']).nullable(),
    closedAt: iso.nullable(),
    cancelReason: z.string().nullable(),
  })
  .strict();

export interface CallbackSnapshot {
  value: StateValue;
  context: CallbackContext;
  status: string;
  tags: Set<string>;
  can(event: CallbackEvent): boolean;
  hasTag(tag: string): boolean;
}

export interface PersistedCallbackSnapshot {
  machine: 'beneficiaryCallback';
  machineVersion: number;
  value: StateValue;
  context: CallbackContext;
}

export function createCallbackSnapshot(input: CallbackInput): CallbackSnapshot {
  const [snapshot] = initialTransition(callbackMachine, input);
  return snapshot as unknown as CallbackSnapshot;
}

export function persistCallbackSnapshot(snapshot: CallbackSnapshot): PersistedCallbackSnapshot {
  return JSON.parse(
    JSON.stringify({
      machine: 'beneficiaryCallback',
      machineVersion: CALLBACK_MACHINE_VERSION,
      value: snapshot.value,
      context: snapshot.context,
    }),
  ) as PersistedCallbackSnapshot;
}

export function restoreCallbackSnapshot(persisted: unknown): CallbackSnapshot {
  const parsed = z
    .object({
      machine: z.literal('beneficiaryCallback'),
      machineVersion: z.literal(CALLBACK_MACHINE_VERSION),
      value: stateValueSchema,
      context: callbackContextSchema,
    })
    .safeParse(persisted);
  if (!parsed.success) throw new Error(`invalid persisted callback snapshot: ${z.prettifyError(parsed.error)}`);
  return callbackMachine.resolveState({
    value: parsed.data.value,
    context: parsed.data.context,
  }) as unknown as CallbackSnapshot;
}

const SCOPE_INPUT: CallbackInput = { recordId: 1, departmentId: 1, maxAttempts: 1, dueAt: new Date(0).toISOString() };

/** The pure step: the next snapshot, or `accepted: false` with the snapshot unchanged. */
export function applyCallbackEvent(
  snapshot: CallbackSnapshot,
  event: CallbackEvent,
): { accepted: boolean; next: CallbackSnapshot } {
  if (!snapshot.can(event)) return { accepted: false, next: snapshot };
  const next = callbackMachine.transition(
    snapshot as never,
    event,
    pureScope(callbackMachine, SCOPE_INPUT),
  ) as unknown as CallbackSnapshot;
  return { accepted: true, next };
}

export function callbackPhaseOf(snapshot: Pick<CallbackSnapshot, 'value'>): CallbackPhase {
  return stateValuePath(snapshot.value) as CallbackPhase;
}

/** The steps an actor could take now, judged with sample payloads. */
export function acceptedCallbackEvents(snapshot: CallbackSnapshot, actor: Actor, at: string): CallbackEventType[] {
  const samples: Record<CallbackEventType, CallbackEvent> = {
    ATTEMPT_FAILED: { type: 'ATTEMPT_FAILED', actor, at, reason: 'noAnswer' },
    RECORD_RESULT: {
      type: 'RECORD_RESULT',
      actor,
      at,
      received: true,
      amountRight: true,
      onTime: true,
      satisfaction: 'satisfied',
    },
    OVERDUE: { type: 'OVERDUE', actor, at },
    CANCEL: { type: 'CANCEL', actor, at, reason: 'reason' },
  };
  return CALLBACK_EVENT_TYPES.filter((t) => snapshot.can(samples[t]));
}
