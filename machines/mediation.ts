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
  startClock,
  stopClock,
  text,
  type ReferralBaseContext,
  type ReferralDefinition,
  type ReferralEnvelope,
  type ReferralInput,
} from './referral-kit';

// People's mediation (人民调解): accepted or refused, sessions with the parties, then an agreement
// signed by every party or a failure with the route it should take next. An agreement may go to
// the court for judicial confirmation (司法确认) within 30 days.

export const MEDIATION_EVENT_TYPES = [
  'ACCEPT',
  'REFUSE',
  'ADD_PARTY',
  'SCHEDULE_SESSION',
  'RECORD_SESSION',
  'REACH_AGREEMENT',
  'FAIL',
  'CONCLUDE',
  'REQUEST_CONFIRMATION',
  'CONFIRM',
  'REJECT_CONFIRMATION',
  'NOTE',
  'CLOCK_WARN',
  'CLOCK_OVERDUE',
] as const;
export type MediationEventType = (typeof MEDIATION_EVENT_TYPES)[number];

export const PARTY_SIDES = ['applicant', 'respondent', 'thirdParty'] as const;
export const NEXT_ROUTES = ['arbitration', 'litigation', 'legalAid'] as const;
export type NextRoute = (typeof NEXT_ROUTES)[number];
export const MAX_PARTIES = 10;
export const MAX_SESSIONS = 20;
/** 民事诉讼法: judicial confirmation is applied for within 30 days of the agreement. */
export const CONFIRMATION_WINDOW_DAYS = 30;

export interface Party {
  id: number;
  name: string;
  side: (typeof PARTY_SIDES)[number];
  phone: string | null;
  /** Sealed by the server (app/security/id-number.server.ts); the machine never sees the clear number. */
  idNumberSealed: string | null;
  address: string | null;
}
export interface MediationSession {
  no: number;
  scheduledAt: string;
  place: string;
  heldAt: string | null;
  minutes: string | null;
  attendeePartyIds: number[];
  mediatorId: number | null;
}
export interface MediationContext extends ReferralBaseContext {
  parties: Party[];
  sessions: MediationSession[];
  agreement: { text: string; signedPartyIds: number[]; reachedAt: string } | null;
  failure: { reason: string; nextRoute: NextRoute } | null;
  confirmation: { court: string; requestedAt: string; ruling: string | null; rejectionReason: string | null } | null;
  refusalReason: string | null;
}

const reason = text(1000);
export const mediationPayloadSchemas = {
  ACCEPT: z.object({ dueAt: isoInstant }).strict(),
  REFUSE: z.object({ reason }).strict(),
  ADD_PARTY: z
    .object({
      name: text(100),
      side: z.enum(PARTY_SIDES),
      phone: z
        .string()
        .trim()
        .regex(/^[0-9+\-\s]{5,20}$/, '电话号码格式不正确')
        .optional(),
      address: text(200).optional(),
      idNumberSealed: z.string().min(1).max(500).optional(),
    })
    .strict(),
  SCHEDULE_SESSION: z.object({ scheduledAt: isoInstant, place: text(200) }).strict(),
  RECORD_SESSION: z
    .object({
      no: idSchema,
      minutes: text(8000),
      attendeePartyIds: z.array(idSchema).min(1).max(MAX_PARTIES),
      heldAt: isoInstant.optional(),
    })
    .strict(),
  REACH_AGREEMENT: z
    .object({ text: text(8000), signedPartyIds: z.array(idSchema).min(2).max(MAX_PARTIES), dueAt: isoInstant })
    .strict(),
  FAIL: z
    .object({ reason, nextRoute: z.enum(NEXT_ROUTES), referOnAgencyId: idSchema.optional() })
    .strict()
    .refine((p) => p.referOnAgencyId === undefined || p.nextRoute !== 'litigation', {
      message: 'only arbitration or legal aid can take the case on',
      path: ['referOnAgencyId'],
    }),
  CONCLUDE: z.object({ note: text(2000).optional() }).strict(),
  REQUEST_CONFIRMATION: z.object({ court: text(200), dueAt: isoInstant }).strict(),
  CONFIRM: z.object({ ruling: text(200) }).strict(),
  REJECT_CONFIRMATION: z.object({ reason }).strict(),
  NOTE: z.object({ text: text(4000) }).strict(),
  CLOCK_WARN: clockEventSchema,
  CLOCK_OVERDUE: clockEventSchema,
} satisfies Record<MediationEventType, z.ZodType>;

type Payload<T extends MediationEventType> = z.output<(typeof mediationPayloadSchemas)[T]>;
export type MediationEvent = {
  [T in MediationEventType]: { type: T } & ReferralEnvelope & Payload<T>;
}[MediationEventType];

const STAFF: Role[] = ['mediator'];
export const mediationEventRoles: Record<MediationEventType, Role[]> = {
  ACCEPT: STAFF,
  REFUSE: STAFF,
  ADD_PARTY: STAFF,
  SCHEDULE_SESSION: STAFF,
  RECORD_SESSION: STAFF,
  REACH_AGREEMENT: STAFF,
  FAIL: STAFF,
  CONCLUDE: STAFF,
  REQUEST_CONFIRMATION: STAFF,
  CONFIRM: STAFF,
  REJECT_CONFIRMATION: STAFF,
  NOTE: STAFF,
  CLOCK_WARN: ['system'],
  CLOCK_OVERDUE: ['system'],
};

export const mediationMachine = setup({
  types: { context: {} as MediationContext, events: {} as MediationEvent, input: {} as ReferralInput },
  guards: {
    ...referralGuards(mediationEventRoles),
    isConfirmationWindow: ({ event }) => event.type === 'CLOCK_OVERDUE' && event.clock === 'confirmationWindow',
    roomForParty: ({ context }) => context.parties.length < MAX_PARTIES,
    roomForSession: ({ context }) => context.sessions.length < MAX_SESSIONS,
    sessionOpen: ({ context, event }) => {
      if (event.type !== 'RECORD_SESSION') return false;
      const s = context.sessions.find((x) => x.no === event.no);
      const known = new Set(context.parties.map((p) => p.id));
      return (
        s !== undefined &&
        s.heldAt === null &&
        heldInWindow(s.scheduledAt, event.heldAt, event.at) &&
        event.attendeePartyIds.every((id) => known.has(id))
      );
    },
    sessionHeld: ({ context }) => context.sessions.some((s) => s.heldAt !== null),
    // An agreement binds only if every party to the dispute signed it.
    signedByAll: ({ context, event }) => {
      if (event.type !== 'REACH_AGREEMENT') return false;
      const signed = new Set(event.signedPartyIds);
      return (
        context.parties.length >= 2 &&
        signed.size === context.parties.length &&
        context.parties.every((p) => signed.has(p.id))
      );
    },
    withinConfirmationWindow: ({ context, event }) => {
      const window = context.clocks.confirmationWindow;
      return window !== undefined && window.state !== 'overdue' && Date.parse(event.at) <= Date.parse(window.dueAt);
    },
  },
  actions: {
    accept: assign(({ context, event }) => {
      assertEvent(event, 'ACCEPT');
      return {
        handlerId: event.actor.userId,
        clocks: startClock(stopClock(context.clocks, 'accept'), 'mediation', event.dueAt, event.at),
      };
    }),
    refuse: assign(({ context, event }) => {
      assertEvent(event, 'REFUSE');
      return { refusalReason: event.reason, ...closing(context, event.at, 'refused', event.reason) };
    }),
    addParty: assign(({ context, event }) => {
      assertEvent(event, 'ADD_PARTY');
      const id = context.parties.reduce((m, p) => Math.max(m, p.id), 0) + 1;
      const party: Party = {
        id,
        name: event.name,
        side: event.side,
        phone: event.phone ?? null,
        idNumberSealed: event.idNumberSealed ?? null,
        address: event.address ?? null,
      };
      return { parties: [...context.parties, party] };
    }),
    scheduleSession: assign(({ context, event }) => {
      assertEvent(event, 'SCHEDULE_SESSION');
      const session: MediationSession = {
        no: context.sessions.length + 1,
        scheduledAt: event.scheduledAt,
        place: event.place,
        heldAt: null,
        minutes: null,
        attendeePartyIds: [],
        mediatorId: null,
      };
      return { sessions: [...context.sessions, session] };
    }),
    recordSession: assign(({ context, event }) => {
      assertEvent(event, 'RECORD_SESSION');
      return {
        sessions: context.sessions.map((s) =>
          s.no === event.no
            ? {
                ...s,
                heldAt: event.heldAt ?? event.at,
                minutes: event.minutes,
                attendeePartyIds: [...new Set(event.attendeePartyIds)],
                mediatorId: event.actor.userId,
              }
            : s,
        ),
      };
    }),
    recordAgreement: assign(({ context, event }) => {
      assertEvent(event, 'REACH_AGREEMENT');
      return {
        agreement: {
          text: event.text,
          signedPartyIds: [...event.signedPartyIds].sort((a, b) => a - b),
          reachedAt: event.at,
        },
        clocks: startClock(stopClock(context.clocks, 'mediation'), 'confirmationWindow', event.dueAt, event.at),
      };
    }),
    recordFailure: assign(({ context, event }) => {
      assertEvent(event, 'FAIL');
      const referOn =
        event.referOnAgencyId !== undefined && event.nextRoute !== 'litigation'
          ? { kind: event.nextRoute, agencyId: event.referOnAgencyId }
          : null;
      return {
        failure: { reason: event.reason, nextRoute: event.nextRoute },
        referOn,
        ...closing(context, event.at, referOn ? 'referredOn' : 'unresolved', event.reason),
      };
    }),
    concludeWithAgreement: assign(({ context, event }) =>
      closing(context, event.at, 'resolved', event.type === 'CONCLUDE' ? (event.note ?? null) : null),
    ),
    requestConfirmation: assign(({ context, event }) => {
      assertEvent(event, 'REQUEST_CONFIRMATION');
      return {
        confirmation: { court: event.court, requestedAt: event.at, ruling: null, rejectionReason: null },
        clocks: startClock(stopClock(context.clocks, 'confirmationWindow'), 'courtDecision', event.dueAt, event.at),
      };
    }),
    confirm: assign(({ context, event }) => {
      assertEvent(event, 'CONFIRM');
      return {
        confirmation: context.confirmation && { ...context.confirmation, ruling: event.ruling },
        ...closing(context, event.at, 'resolved', event.ruling),
      };
    }),
    rejectConfirmation: assign(({ context, event }) => {
      assertEvent(event, 'REJECT_CONFIRMATION');
      return {
        confirmation: context.confirmation && { ...context.confirmation, rejectionReason: event.reason },
        ...closing(context, event.at, 'unresolved', event.reason),
      };
    }),
    markClockState: assign(({ context, event }) => clockMarked(context, event)),
    // The audit row is the record of a note.
    acknowledge: () => {},
  },
}).createMachine({
  id: 'mediation',
  initial: 'referred',
  context: ({ input }) => ({
    ...baseContext(input, 'accept'),
    parties: [],
    sessions: [],
    agreement: null,
    failure: null,
    confirmation: null,
    refusalReason: null,
  }),
  on: {
    CLOCK_WARN: { guard: and(['system', 'clockAccepts']), actions: 'markClockState' },
  },
  states: {
    referred: {
      tags: ['open'],
      on: {
        ACCEPT: { guard: 'staff', target: 'inProgress', actions: 'accept' },
        REFUSE: { guard: 'staff', target: 'refused', actions: 'refuse' },
        NOTE: { guard: 'staff', actions: 'acknowledge' },
        CLOCK_OVERDUE: { guard: and(['system', 'clockAccepts']), actions: 'markClockState' },
      },
    },
    inProgress: {
      tags: ['open'],
      on: {
        ADD_PARTY: { guard: and(['staff', 'roomForParty']), actions: 'addParty' },
        SCHEDULE_SESSION: { guard: and(['staff', 'roomForSession']), actions: 'scheduleSession' },
        RECORD_SESSION: { guard: and(['staff', 'sessionOpen']), actions: 'recordSession' },
        REACH_AGREEMENT: {
          guard: and(['staff', 'sessionHeld', 'signedByAll']),
          target: 'agreed',
          actions: 'recordAgreement',
        },
        FAIL: { guard: 'staff', target: 'failed', actions: 'recordFailure' },
        NOTE: { guard: 'staff', actions: 'acknowledge' },
        CLOCK_OVERDUE: { guard: and(['system', 'clockAccepts']), actions: 'markClockState' },
      },
    },
    agreed: {
      tags: ['open'],
      on: {
        REQUEST_CONFIRMATION: {
          guard: and(['staff', 'withinConfirmationWindow']),
          target: 'confirmationRequested',
          actions: 'requestConfirmation',
        },
        CONCLUDE: { guard: 'staff', target: 'concluded', actions: 'concludeWithAgreement' },
        NOTE: { guard: 'staff', actions: 'acknowledge' },
        // The window for judicial confirmation (the only clock running here) has passed: the agreement stands on its own.
        CLOCK_OVERDUE: {
          guard: and(['system', 'clockAccepts', 'isConfirmationWindow']),
          target: 'concluded',
          actions: ['markClockState', 'concludeWithAgreement'],
        },
      },
    },
    confirmationRequested: {
      tags: ['open'],
      on: {
        CONFIRM: { guard: 'staff', target: 'confirmed', actions: 'confirm' },
        REJECT_CONFIRMATION: { guard: 'staff', target: 'confirmationRejected', actions: 'rejectConfirmation' },
        NOTE: { guard: 'staff', actions: 'acknowledge' },
        CLOCK_OVERDUE: { guard: and(['system', 'clockAccepts']), actions: 'markClockState' },
      },
    },
    refused: { type: 'final', tags: ['closed'] },
    failed: { type: 'final', tags: ['closed'] },
    concluded: { type: 'final', tags: ['closed'] },
    confirmed: { type: 'final', tags: ['closed'] },
    confirmationRejected: { type: 'final', tags: ['closed'] },
  },
});

export const MEDIATION_PHASES = [
  'referred',
  'inProgress',
  'agreed',
  'confirmationRequested',
  'refused',
  'failed',
  'concluded',
  'confirmed',
  'confirmationRejected',
] as const;
export const MEDIATION_FINAL_PHASES = ['refused', 'failed', 'concluded', 'confirmed', 'confirmationRejected'] as const;

const partySchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    side: z.enum(PARTY_SIDES),
    phone: z.string().nullable(),
    // Parties added before ID numbers and addresses were recorded restore without them.
    idNumberSealed: z.string().nullable().default(null),
    address: z.string().nullable().default(null),
  })
  .strict();
const sessionSchema = z
  .object({
    no: z.number().int(),
    scheduledAt: z.string(),
    place: z.string(),
    heldAt: z.string().nullable(),
    minutes: z.string().nullable(),
    attendeePartyIds: z.array(z.number().int()),
    mediatorId: z.number().int().nullable(),
  })
  .strict();
export const mediationContextSchema = z
  .object({
    ...referralBaseContextShape,
    parties: z.array(partySchema),
    sessions: z.array(sessionSchema),
    agreement: z
      .object({ text: z.string(), signedPartyIds: z.array(z.number().int()), reachedAt: z.string() })
      .strict()
      .nullable(),
    failure: z
      .object({ reason: z.string(), nextRoute: z.enum(NEXT_ROUTES) })
      .strict()
      .nullable(),
    confirmation: z
      .object({
        court: z.string(),
        requestedAt: z.string(),
        ruling: z.string().nullable(),
        rejectionReason: z.string().nullable(),
      })
      .strict()
      .nullable(),
    refusalReason: z.string().nullable(),
  })
  .strict();

function sampleMediationEvents(
  type: string,
  context: ReferralBaseContext,
  _actor: Actor,
  at: string,
): Record<string, unknown>[] {
  const c = context as MediationContext;
  const later = new Date(Date.parse(at) + 24 * 3600 * 1000).toISOString();
  switch (type as MediationEventType) {
    case 'ACCEPT':
      return [{ dueAt: later }];
    case 'REFUSE':
      return [{ reason: 'reason' }];
    case 'ADD_PARTY':
      return [{ name: 'name', side: 'applicant' }];
    case 'SCHEDULE_SESSION':
      return [{ scheduledAt: later, place: 'place' }];
    case 'RECORD_SESSION': {
      const due = c.sessions.find((s) => s.heldAt === null && heldInWindow(s.scheduledAt, undefined, at));
      return due && c.parties.length ? [{ no: due.no, minutes: 'minutes', attendeePartyIds: [c.parties[0].id] }] : [];
    }
    case 'REACH_AGREEMENT':
      return [{ text: 'text', signedPartyIds: c.parties.map((p) => p.id), dueAt: later }];
    case 'FAIL':
      return [{ reason: 'reason', nextRoute: 'litigation' }];
    case 'CONCLUDE':
      return [{}];
    case 'REQUEST_CONFIRMATION':
      return [{ court: 'court', dueAt: later }];
    case 'CONFIRM':
      return [{ ruling: 'ruling' }];
    case 'REJECT_CONFIRMATION':
      return [{ reason: 'reason' }];
    case 'NOTE':
      return [{ text: 'note' }];
    case 'CLOCK_WARN':
    case 'CLOCK_OVERDUE':
      return Object.keys(c.clocks).map((clock) => ({ clock }));
  }
  return [];
}

export const mediationDefinition: ReferralDefinition = {
  kind: 'mediation',
  machine: mediationMachine,
  version: 1,
  eventTypes: MEDIATION_EVENT_TYPES,
  payloadSchemas: mediationPayloadSchemas,
  eventRoles: mediationEventRoles,
  phases: MEDIATION_PHASES,
  finalPhases: MEDIATION_FINAL_PHASES,
  firstClock: { name: 'accept', amount: 3, unit: 'workingDays' },
  serverDeadlines: {
    // 人民调解: a dispute is mediated within 30 days of acceptance.
    ACCEPT: { clock: 'mediation', amount: 30, unit: 'calendarDays' },
    REACH_AGREEMENT: { clock: 'confirmationWindow', amount: CONFIRMATION_WINDOW_DAYS, unit: 'calendarDays' },
    // The court decides within 15 days of accepting the application.
    REQUEST_CONFIRMATION: { clock: 'courtDecision', amount: 15, unit: 'calendarDays' },
  },
  clockNames: ['accept', 'mediation', 'confirmationWindow', 'courtDecision'],
  contextSchema: mediationContextSchema,
  sampleEvents: sampleMediationEvents,
};
