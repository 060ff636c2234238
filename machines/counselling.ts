import { and, assertEvent, assign, setup } from 'xstate';
import { z } from 'zod';
import type { Actor, Role } from './actor';
import {
  baseContext,
  clockEventSchema,
  clockMarked,
  closing,
  heldInWindow,
  idSchema,
  isoInstant,
  referralBaseContextShape,
  referralGuards,
  stopClock,
  text,
  type ReferralBaseContext,
  type ReferralDefinition,
  type ReferralEnvelope,
  type ReferralInput,
} from './referral-kit';

// Psychological counselling (心理服务): the service accepts the referral within 2 working days or
// refuses it, holds sessions with the caller, and concludes after at least one session was held.

export const COUNSELLING_EVENT_TYPES = [
  'ACCEPT',
  'REFUSE',
  'SCHEDULE_SESSION',
  'RECORD_SESSION',
  'CONCLUDE',
  'NOTE',
  'CLOCK_WARN',
  'CLOCK_OVERDUE',
] as const;
export type CounsellingEventType = (typeof COUNSELLING_EVENT_TYPES)[number];

export const MAX_COUNSELLING_SESSIONS = 20;
export const ACCEPT_WORKING_DAYS = 2;

export interface CounsellingSession {
  no: number;
  scheduledAt: string;
  place: string;
  heldAt: string | null;
  notes: string | null;
  counsellorId: number | null;
}
export interface CounsellingContext extends ReferralBaseContext {
  sessions: CounsellingSession[];
  refusalReason: string | null;
  conclusion: { summary: string; resolved: boolean } | null;
}

const reason = text(1000);
export const counsellingPayloadSchemas = {
  ACCEPT: z.object({}).strict(),
  REFUSE: z.object({ reason }).strict(),
  SCHEDULE_SESSION: z.object({ scheduledAt: isoInstant, place: text(200) }).strict(),
  RECORD_SESSION: z.object({ no: idSchema, notes: text(8000), heldAt: isoInstant.optional() }).strict(),
  CONCLUDE: z.object({ summary: text(4000), resolved: z.boolean() }).strict(),
  NOTE: z.object({ text: text(4000) }).strict(),
  CLOCK_WARN: clockEventSchema,
  CLOCK_OVERDUE: clockEventSchema,
} satisfies Record<CounsellingEventType, z.ZodType>;

type Payload<T extends CounsellingEventType> = z.output<(typeof counsellingPayloadSchemas)[T]>;
export type CounsellingEvent = {
  [T in CounsellingEventType]: { type: T } & ReferralEnvelope & Payload<T>;
}[CounsellingEventType];

const STAFF: Role[] = ['mediator'];
export const counsellingEventRoles: Record<CounsellingEventType, Role[]> = {
  ACCEPT: STAFF,
  REFUSE: STAFF,
  SCHEDULE_SESSION: STAFF,
  RECORD_SESSION: STAFF,
  CONCLUDE: STAFF,
  NOTE: STAFF,
  CLOCK_WARN: ['system'],
  CLOCK_OVERDUE: ['system'],
};

export const counsellingMachine = setup({
  types: { context: {} as CounsellingContext, events: {} as CounsellingEvent, input: {} as ReferralInput },
  guards: {
    ...referralGuards(counsellingEventRoles),
    roomForSession: ({ context }) => context.sessions.length < MAX_COUNSELLING_SESSIONS,
    sessionOpen: ({ context, event }) => {
      if (event.type !== 'RECORD_SESSION') return false;
      const s = context.sessions.find((x) => x.no === event.no);
      return s !== undefined && s.heldAt === null && heldInWindow(s.scheduledAt, event.heldAt, event.at);
    },
    // A resolved conclusion needs a session held; a client who never came can still be closed as unresolved.
    heldOrUnresolved: ({ context, event }) =>
      event.type === 'CONCLUDE' && (!event.resolved || context.sessions.some((s) => s.heldAt !== null)),
  },
  actions: {
    accept: assign(({ context, event }) => {
      assertEvent(event, 'ACCEPT');
      return { handlerId: event.actor.userId, clocks: stopClock(context.clocks, 'accept') };
    }),
    refuse: assign(({ context, event }) => {
      assertEvent(event, 'REFUSE');
      return { refusalReason: event.reason, ...closing(context, event.at, 'refused', event.reason) };
    }),
    scheduleSession: assign(({ context, event }) => {
      assertEvent(event, 'SCHEDULE_SESSION');
      const session: CounsellingSession = {
        no: context.sessions.length + 1,
        scheduledAt: event.scheduledAt,
        place: event.place,
        heldAt: null,
        notes: null,
        counsellorId: null,
      };
      return { sessions: [...context.sessions, session] };
    }),
    recordSession: assign(({ context, event }) => {
      assertEvent(event, 'RECORD_SESSION');
      return {
        sessions: context.sessions.map((s) =>
          s.no === event.no
            ? { ...s, heldAt: event.heldAt ?? event.at, notes: event.notes, counsellorId: event.actor.userId }
            : s,
        ),
      };
    }),
    conclude: assign(({ context, event }) => {
      assertEvent(event, 'CONCLUDE');
      return {
        conclusion: { summary: event.summary, resolved: event.resolved },
        ...closing(context, event.at, event.resolved ? 'resolved' : 'unresolved', event.summary),
      };
    }),
    markClockState: assign(({ context, event }) => clockMarked(context, event)),
    // The audit row is the record of a note.
    acknowledge: () => {},
  },
}).createMachine({
  id: 'counselling',
  initial: 'referred',
  context: ({ input }) => ({
    ...baseContext(input, 'accept'),
    sessions: [],
    refusalReason: null,
    conclusion: null,
  }),
  on: {
    CLOCK_WARN: { guard: and(['system', 'clockAccepts']), actions: 'markClockState' },
  },
  states: {
    referred: {
      tags: ['open'],
      on: {
        ACCEPT: { guard: 'staff', target: 'inSessions', actions: 'accept' },
        REFUSE: { guard: 'staff', target: 'refused', actions: 'refuse' },
        NOTE: { guard: 'staff', actions: 'acknowledge' },
        CLOCK_OVERDUE: { guard: and(['system', 'clockAccepts']), actions: 'markClockState' },
      },
    },
    inSessions: {
      tags: ['open'],
      on: {
        SCHEDULE_SESSION: { guard: and(['staff', 'roomForSession']), actions: 'scheduleSession' },
        RECORD_SESSION: { guard: and(['staff', 'sessionOpen']), actions: 'recordSession' },
        CONCLUDE: { guard: and(['staff', 'heldOrUnresolved']), target: 'concluded', actions: 'conclude' },
        NOTE: { guard: 'staff', actions: 'acknowledge' },
      },
    },
    refused: { type: 'final', tags: ['closed'] },
    concluded: { type: 'final', tags: ['closed'] },
  },
});

export const COUNSELLING_PHASES = ['referred', 'inSessions', 'refused', 'concluded'] as const;
export const COUNSELLING_FINAL_PHASES = ['refused', 'concluded'] as const;

const sessionSchema = z
  .object({
    no: z.number().int(),
    scheduledAt: z.string(),
    place: z.string(),
    heldAt: z.string().nullable(),
    notes: z.string().nullable(),
    counsellorId: z.number().int().nullable(),
  })
  .strict();
export const counsellingContextSchema = z
  .object({
    ...referralBaseContextShape,
    sessions: z.array(sessionSchema),
    refusalReason: z.string().nullable(),
    conclusion: z.object({ summary: z.string(), resolved: z.boolean() }).strict().nullable(),
  })
  .strict();

function sampleCounsellingEvents(
  type: string,
  context: ReferralBaseContext,
  _actor: Actor,
  at: string,
): Record<string, unknown>[] {
  const c = context as CounsellingContext;
  const later = new Date(Date.parse(at) + 24 * 3600 * 1000).toISOString();
  switch (type as CounsellingEventType) {
    case 'ACCEPT':
      return [{}];
    case 'REFUSE':
      return [{ reason: 'reason' }];
    case 'SCHEDULE_SESSION':
      return [{ scheduledAt: later, place: 'place' }];
    case 'RECORD_SESSION': {
      const due = c.sessions.find((s) => s.heldAt === null && heldInWindow(s.scheduledAt, undefined, at));
      return due ? [{ no: due.no, notes: 'notes' }] : [];
    }
    case 'CONCLUDE':
      return [
        { summary: 'summary', resolved: true },
        { summary: 'summary', resolved: false },
      ];
    case 'NOTE':
      return [{ text: 'note' }];
    case 'CLOCK_WARN':
    case 'CLOCK_OVERDUE':
      return Object.keys(c.clocks).map((clock) => ({ clock }));
  }
  return [];
}

export const counsellingDefinition: ReferralDefinition = {
  kind: 'counselling',
  machine: counsellingMachine,
  version: 1,
  eventTypes: COUNSELLING_EVENT_TYPES,
  payloadSchemas: counsellingPayloadSchemas,
  eventRoles: counsellingEventRoles,
  phases: COUNSELLING_PHASES,
  finalPhases: COUNSELLING_FINAL_PHASES,
  firstClock: { name: 'accept', amount: ACCEPT_WORKING_DAYS, unit: 'workingDays' },
  serverDeadlines: {},
  clockNames: ['accept'],
  contextSchema: counsellingContextSchema,
  sampleEvents: sampleCounsellingEvents,
};
