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

// Labour dispute arbitration (劳动争议仲裁): the commission accepts the application within 5 days or
// refuses it, holds hearings, and makes its award within 45 days of acceptance; the time limit may be
// extended once, by up to 15 days, with the approval of a second member of the commission. The
// applicant may withdraw at any time before the award.

export const ARBITRATION_EVENT_TYPES = [
  'ACCEPT',
  'REFUSE',
  'SCHEDULE_HEARING',
  'RECORD_HEARING',
  'REQUEST_EXTENSION',
  'APPROVE_EXTENSION',
  'REJECT_EXTENSION',
  'WITHDRAW',
  'AWARD',
  'NOTE',
  'CLOCK_WARN',
  'CLOCK_OVERDUE',
] as const;
export type ArbitrationEventType = (typeof ARBITRATION_EVENT_TYPES)[number];

export const MAX_HEARINGS = 20;
/** 劳动争议调解仲裁法: accept or refuse within 5 days, award within 45 days, extendable once by 15. */
export const ACCEPTANCE_DAYS = 5;
export const AWARD_DAYS = 45;
export const EXTENSION_DAYS = 15;
export const EXTENSION_STATES = ['pending', 'approved', 'rejected'] as const;

export interface Hearing {
  no: number;
  scheduledAt: string;
  place: string;
  heldAt: string | null;
  minutes: string | null;
}
export interface Extension {
  requestedBy: number;
  reason: string;
  state: (typeof EXTENSION_STATES)[number];
  decidedBy: number | null;
}
export interface ArbitrationContext extends ReferralBaseContext {
  hearings: Hearing[];
  extension: Extension | null;
  award: { text: string; resolved: boolean; awardedAt: string } | null;
  refusalReason: string | null;
  withdrawalReason: string | null;
}

const reason = text(1000);
export const arbitrationPayloadSchemas = {
  ACCEPT: z.object({ dueAt: isoInstant }).strict(),
  REFUSE: z.object({ reason }).strict(),
  SCHEDULE_HEARING: z.object({ scheduledAt: isoInstant, place: text(200) }).strict(),
  RECORD_HEARING: z.object({ no: idSchema, minutes: text(8000), heldAt: isoInstant.optional() }).strict(),
  REQUEST_EXTENSION: z.object({ reason }).strict(),
  APPROVE_EXTENSION: z.object({ dueAt: isoInstant }).strict(),
  REJECT_EXTENSION: z.object({ reason }).strict(),
  WITHDRAW: z.object({ reason }).strict(),
  AWARD: z.object({ text: text(8000), resolved: z.boolean() }).strict(),
  NOTE: z.object({ text: text(4000) }).strict(),
  CLOCK_WARN: clockEventSchema,
  CLOCK_OVERDUE: clockEventSchema,
} satisfies Record<ArbitrationEventType, z.ZodType>;

type Payload<T extends ArbitrationEventType> = z.output<(typeof arbitrationPayloadSchemas)[T]>;
export type ArbitrationEvent = {
  [T in ArbitrationEventType]: { type: T } & ReferralEnvelope & Payload<T>;
}[ArbitrationEventType];

const STAFF: Role[] = ['mediator'];
export const arbitrationEventRoles: Record<ArbitrationEventType, Role[]> = {
  ACCEPT: STAFF,
  REFUSE: STAFF,
  SCHEDULE_HEARING: STAFF,
  RECORD_HEARING: STAFF,
  REQUEST_EXTENSION: STAFF,
  APPROVE_EXTENSION: STAFF,
  REJECT_EXTENSION: STAFF,
  WITHDRAW: STAFF,
  AWARD: STAFF,
  NOTE: STAFF,
  CLOCK_WARN: ['system'],
  CLOCK_OVERDUE: ['system'],
};

export const arbitrationMachine = setup({
  types: { context: {} as ArbitrationContext, events: {} as ArbitrationEvent, input: {} as ReferralInput },
  guards: {
    ...referralGuards(arbitrationEventRoles),
    roomForHearing: ({ context }) => context.hearings.length < MAX_HEARINGS,
    hearingOpen: ({ context, event }) => {
      if (event.type !== 'RECORD_HEARING') return false;
      const h = context.hearings.find((x) => x.no === event.no);
      return h !== undefined && h.heldAt === null && heldInWindow(h.scheduledAt, event.heldAt, event.at);
    },
    hearingHeld: ({ context }) => context.hearings.some((h) => h.heldAt !== null),
    // The time limit is extended at most once.
    noExtensionYet: ({ context }) => context.extension === null,
    // Another member of the commission decides on the extension, never the one who asked for it.
    extensionPendingForOther: ({ context, event }) =>
      context.extension !== null &&
      context.extension.state === 'pending' &&
      event.actor?.userId !== context.extension.requestedBy,
  },
  actions: {
    accept: assign(({ context, event }) => {
      assertEvent(event, 'ACCEPT');
      return {
        handlerId: event.actor.userId,
        clocks: startClock(stopClock(context.clocks, 'acceptance'), 'award', event.dueAt, event.at),
      };
    }),
    refuse: assign(({ context, event }) => {
      assertEvent(event, 'REFUSE');
      return { refusalReason: event.reason, ...closing(context, event.at, 'refused', event.reason) };
    }),
    scheduleHearing: assign(({ context, event }) => {
      assertEvent(event, 'SCHEDULE_HEARING');
      const hearing: Hearing = {
        no: context.hearings.length + 1,
        scheduledAt: event.scheduledAt,
        place: event.place,
        heldAt: null,
        minutes: null,
      };
      return { hearings: [...context.hearings, hearing] };
    }),
    recordHearing: assign(({ context, event }) => {
      assertEvent(event, 'RECORD_HEARING');
      return {
        hearings: context.hearings.map((h) =>
          h.no === event.no ? { ...h, heldAt: event.heldAt ?? event.at, minutes: event.minutes } : h,
        ),
      };
    }),
    requestExtension: assign(({ event }) => {
      assertEvent(event, 'REQUEST_EXTENSION');
      return {
        extension: {
          requestedBy: event.actor.userId,
          reason: event.reason,
          state: 'pending' as const,
          decidedBy: null,
        },
      };
    }),
    approveExtension: assign(({ context, event }) => {
      assertEvent(event, 'APPROVE_EXTENSION');
      return {
        extension: context.extension && {
          ...context.extension,
          state: 'approved' as const,
          decidedBy: event.actor.userId,
        },
        clocks: startClock(context.clocks, 'award', event.dueAt, context.clocks.award?.startedAt),
      };
    }),
    rejectExtension: assign(({ context, event }) => {
      assertEvent(event, 'REJECT_EXTENSION');
      return {
        extension: context.extension && {
          ...context.extension,
          state: 'rejected' as const,
          decidedBy: event.actor.userId,
        },
      };
    }),
    withdraw: assign(({ context, event }) => {
      assertEvent(event, 'WITHDRAW');
      return { withdrawalReason: event.reason, ...closing(context, event.at, 'unresolved', event.reason) };
    }),
    recordAward: assign(({ context, event }) => {
      assertEvent(event, 'AWARD');
      return {
        award: { text: event.text, resolved: event.resolved, awardedAt: event.at },
        ...closing(context, event.at, event.resolved ? 'resolved' : 'unresolved', event.text),
      };
    }),
    markClockState: assign(({ context, event }) => clockMarked(context, event)),
    // The audit row is the record of a note.
    acknowledge: () => {},
  },
}).createMachine({
  id: 'arbitration',
  initial: 'applied',
  context: ({ input }) => ({
    ...baseContext(input, 'acceptance'),
    hearings: [],
    extension: null,
    award: null,
    refusalReason: null,
    withdrawalReason: null,
  }),
  on: {
    CLOCK_WARN: { guard: and(['system', 'clockAccepts']), actions: 'markClockState' },
  },
  states: {
    applied: {
      tags: ['open'],
      on: {
        ACCEPT: { guard: 'staff', target: 'accepted', actions: 'accept' },
        REFUSE: { guard: 'staff', target: 'refused', actions: 'refuse' },
        NOTE: { guard: 'staff', actions: 'acknowledge' },
        CLOCK_OVERDUE: { guard: and(['system', 'clockAccepts']), actions: 'markClockState' },
      },
    },
    accepted: {
      tags: ['open'],
      on: {
        SCHEDULE_HEARING: { guard: and(['staff', 'roomForHearing']), actions: 'scheduleHearing' },
        RECORD_HEARING: { guard: and(['staff', 'hearingOpen']), target: 'heard', actions: 'recordHearing' },
        REQUEST_EXTENSION: { guard: and(['staff', 'noExtensionYet']), actions: 'requestExtension' },
        APPROVE_EXTENSION: { guard: and(['staff', 'extensionPendingForOther']), actions: 'approveExtension' },
        REJECT_EXTENSION: { guard: and(['staff', 'extensionPendingForOther']), actions: 'rejectExtension' },
        WITHDRAW: { guard: 'staff', target: 'withdrawn', actions: 'withdraw' },
        NOTE: { guard: 'staff', actions: 'acknowledge' },
        CLOCK_OVERDUE: { guard: and(['system', 'clockAccepts']), actions: 'markClockState' },
      },
    },
    heard: {
      tags: ['open'],
      on: {
        SCHEDULE_HEARING: { guard: and(['staff', 'roomForHearing']), actions: 'scheduleHearing' },
        RECORD_HEARING: { guard: and(['staff', 'hearingOpen']), actions: 'recordHearing' },
        REQUEST_EXTENSION: { guard: and(['staff', 'noExtensionYet']), actions: 'requestExtension' },
        APPROVE_EXTENSION: { guard: and(['staff', 'extensionPendingForOther']), actions: 'approveExtension' },
        REJECT_EXTENSION: { guard: and(['staff', 'extensionPendingForOther']), actions: 'rejectExtension' },
        WITHDRAW: { guard: 'staff', target: 'withdrawn', actions: 'withdraw' },
        // A hearing has been held by construction; the guard keeps that explicit.
        AWARD: { guard: and(['staff', 'hearingHeld']), target: 'awarded', actions: 'recordAward' },
        NOTE: { guard: 'staff', actions: 'acknowledge' },
        CLOCK_OVERDUE: { guard: and(['system', 'clockAccepts']), actions: 'markClockState' },
      },
    },
    refused: { type: 'final', tags: ['closed'] },
    withdrawn: { type: 'final', tags: ['closed'] },
    awarded: { type: 'final', tags: ['closed'] },
  },
});

export const ARBITRATION_PHASES = ['applied', 'accepted', 'heard', 'refused', 'withdrawn', 'awarded'] as const;
export const ARBITRATION_FINAL_PHASES = ['refused', 'withdrawn', 'awarded'] as const;

const hearingSchema = z
  .object({
    no: z.number().int(),
    scheduledAt: z.string(),
    place: z.string(),
    heldAt: z.string().nullable(),
    minutes: z.string().nullable(),
  })
  .strict();
export const arbitrationContextSchema = z
  .object({
    ...referralBaseContextShape,
    hearings: z.array(hearingSchema),
    extension: z
      .object({
        requestedBy: z.number().int(),
        reason: z.string(),
        state: z.enum(EXTENSION_STATES),
        decidedBy: z.number().int().nullable(),
      })
      .strict()
      .nullable(),
    award: z.object({ text: z.string(), resolved: z.boolean(), awardedAt: z.string() }).strict().nullable(),
    refusalReason: z.string().nullable(),
    withdrawalReason: z.string().nullable(),
  })
  .strict();

function sampleArbitrationEvents(
  type: string,
  context: ReferralBaseContext,
  _actor: Actor,
  at: string,
): Record<string, unknown>[] {
  const c = context as ArbitrationContext;
  const later = new Date(Date.parse(at) + 24 * 3600 * 1000).toISOString();
  switch (type as ArbitrationEventType) {
    case 'ACCEPT':
      return [{ dueAt: later }];
    case 'REFUSE':
      return [{ reason: 'reason' }];
    case 'SCHEDULE_HEARING':
      return [{ scheduledAt: later, place: 'place' }];
    case 'RECORD_HEARING': {
      const due = c.hearings.find((h) => h.heldAt === null && heldInWindow(h.scheduledAt, undefined, at));
      return due ? [{ no: due.no, minutes: 'minutes' }] : [];
    }
    case 'REQUEST_EXTENSION':
      return [{ reason: 'reason' }];
    case 'APPROVE_EXTENSION': {
      const award = c.clocks.award;
      return [
        {
          dueAt: new Date(
            Date.parse(award?.startedAt ?? at) + (AWARD_DAYS + EXTENSION_DAYS) * 24 * 3600 * 1000,
          ).toISOString(),
        },
      ];
    }
    case 'REJECT_EXTENSION':
      return [{ reason: 'reason' }];
    case 'WITHDRAW':
      return [{ reason: 'reason' }];
    case 'AWARD':
      return [{ text: 'text', resolved: true }];
    case 'NOTE':
      return [{ text: 'note' }];
    case 'CLOCK_WARN':
    case 'CLOCK_OVERDUE':
      return Object.keys(c.clocks).map((clock) => ({ clock }));
  }
  return [];
}

export const arbitrationDefinition: ReferralDefinition = {
  kind: 'arbitration',
  machine: arbitrationMachine,
  version: 1,
  eventTypes: ARBITRATION_EVENT_TYPES,
  payloadSchemas: arbitrationPayloadSchemas,
  eventRoles: arbitrationEventRoles,
  phases: ARBITRATION_PHASES,
  finalPhases: ARBITRATION_FINAL_PHASES,
  firstClock: { name: 'acceptance', amount: ACCEPTANCE_DAYS, unit: 'calendarDays' },
  serverDeadlines: {
    ACCEPT: { clock: 'award', amount: AWARD_DAYS, unit: 'calendarDays' },
    // 45 + 15 days counted from acceptance, as the law has it, not 15 from a deadline a holiday already moved.
    APPROVE_EXTENSION: {
      clock: 'award',
      amount: AWARD_DAYS + EXTENSION_DAYS,
      unit: 'calendarDays',
      from: 'clockStart',
    },
  },
  clockNames: ['acceptance', 'award'],
  contextSchema: arbitrationContextSchema,
  sampleEvents: sampleArbitrationEvents,
};
