import { and, assertEvent, assign, setup } from 'xstate';
import { z } from 'zod';
import type { Actor, Role } from './actor';
import { isUnifiedSocialCreditCode, normaliseCode } from './identifiers';
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
  'SET_PARTIES',
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
/** The worker who applies (申请人); the ID number only ever sealed, by the server. */
export interface ArbitrationApplicant {
  name: string;
  idNumberSealed: string | null;
  phone: string | null;
  address: string;
}
/** The employer the application is against (被申请人), named by its unified social credit code. */
export interface ArbitrationRespondent {
  name: string;
  creditCode: string;
  address: string;
  representative: string | null;
  phone: string | null;
}
export interface ArbitrationParties {
  applicant: ArbitrationApplicant;
  respondent: ArbitrationRespondent;
  /** The applicant's claims (仲裁请求), as the award recites them. */
  claims: string;
  recordedAt: string;
}
export interface ArbitrationContext extends ReferralBaseContext {
  /** Recorded when the application is filed or accepted, editable until a hearing is held. */
  parties: ArbitrationParties | null;
  hearings: Hearing[];
  extension: Extension | null;
  award: { text: string; resolved: boolean; awardedAt: string } | null;
  refusalReason: string | null;
  withdrawalReason: string | null;
}

const reason = text(1000);
const phone = z
  .string()
  .trim()
  .regex(/^[0-9+\-\s]{5,20}$/, '电话号码格式不正确')
  .optional();
/** 统一社会信用代码 as people type it (spaces, full-width, lower case), checked by its GB 32100 check character. */
export const creditCodeSchema = z
  .string()
  .transform(normaliseCode)
  .pipe(
    z
      .string()
      .regex(/^[0-9A-HJ-NPQRTUWXY]{18}$/, '统一社会信用代码应为 18 位数字或大写字母')
      .refine(isUnifiedSocialCreditCode, '统一社会信用代码校验位不正确，请核对'),
  );
export const arbitrationPayloadSchemas = {
  ACCEPT: z.object({ dueAt: isoInstant }).strict(),
  REFUSE: z.object({ reason }).strict(),
  // An ID number left out keeps the one recorded before, and so does a phone: the case page shows both masked.
  SET_PARTIES: z
    .object({
      applicantName: text(100),
      applicantIdNumberSealed: z.string().min(1).max(500).optional(),
      applicantPhone: phone,
      applicantAddress: text(200),
      respondentName: text(200),
      respondentCreditCode: creditCodeSchema,
      respondentAddress: text(200),
      respondentRepresentative: text(50).optional(),
      respondentPhone: phone,
      claims: text(4000),
    })
    .strict(),
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
  SET_PARTIES: STAFF,
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
    // A hearing and an award name both parties; the applicant is named with his ID number.
    partiesRecorded: ({ context }) => context.parties !== null,
    applicantIdentified: ({ context, event }) =>
      event.type === 'SET_PARTIES' &&
      (event.applicantIdNumberSealed ?? context.parties?.applicant.idNumberSealed ?? null) !== null,
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
    setParties: assign(({ context, event }) => {
      assertEvent(event, 'SET_PARTIES');
      const before = context.parties;
      const parties: ArbitrationParties = {
        applicant: {
          name: event.applicantName,
          idNumberSealed: event.applicantIdNumberSealed ?? before?.applicant.idNumberSealed ?? null,
          phone: event.applicantPhone ?? before?.applicant.phone ?? null,
          address: event.applicantAddress,
        },
        respondent: {
          name: event.respondentName,
          creditCode: event.respondentCreditCode,
          address: event.respondentAddress,
          representative: event.respondentRepresentative ?? null,
          phone: event.respondentPhone ?? before?.respondent.phone ?? null,
        },
        claims: event.claims,
        recordedAt: event.at,
      };
      return { parties };
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
    parties: null,
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
        SET_PARTIES: { guard: and(['staff', 'applicantIdentified']), actions: 'setParties' },
        NOTE: { guard: 'staff', actions: 'acknowledge' },
        CLOCK_OVERDUE: { guard: and(['system', 'clockAccepts']), actions: 'markClockState' },
      },
    },
    accepted: {
      tags: ['open'],
      on: {
        SET_PARTIES: { guard: and(['staff', 'applicantIdentified']), actions: 'setParties' },
        SCHEDULE_HEARING: { guard: and(['staff', 'roomForHearing']), actions: 'scheduleHearing' },
        RECORD_HEARING: {
          guard: and(['staff', 'partiesRecorded', 'hearingOpen']),
          target: 'heard',
          actions: 'recordHearing',
        },
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
        AWARD: { guard: and(['staff', 'partiesRecorded', 'hearingHeld']), target: 'awarded', actions: 'recordAward' },
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
const partiesSchema = z
  .object({
    applicant: z
      .object({
        name: z.string(),
        idNumberSealed: z.string().nullable(),
        phone: z.string().nullable(),
        address: z.string(),
      })
      .strict(),
    respondent: z
      .object({
        name: z.string(),
        creditCode: z.string(),
        address: z.string(),
        representative: z.string().nullable(),
        phone: z.string().nullable(),
      })
      .strict(),
    claims: z.string(),
    recordedAt: z.string(),
  })
  .strict();
export const arbitrationContextSchema = z
  .object({
    ...referralBaseContextShape,
    // Cases stored before parties were recorded restore with none.
    parties: partiesSchema.nullable().default(null),
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
    case 'SET_PARTIES':
      return [
        {
          applicantName: 'name',
          ...(c.parties?.applicant.idNumberSealed ? {} : { applicantIdNumberSealed: 'sealed' }),
          applicantAddress: 'address',
          respondentName: 'employer',
          respondentCreditCode: '91350100M000100Y43',
          respondentAddress: 'address',
          claims: 'claims',
        },
      ];
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
