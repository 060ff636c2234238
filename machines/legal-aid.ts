import { and, assertEvent, assign, setup } from 'xstate';
import { z } from 'zod';
import type { Actor, Role } from './actor';
import {
  baseContext,
  clockEventSchema,
  clockMarked,
  closing,
  referralBaseContextShape,
  referralGuards,
  stopClock,
  text,
  type ReferralBaseContext,
  type ReferralDefinition,
  type ReferralEnvelope,
  type ReferralInput,
} from './referral-kit';

// Legal aid (法律援助): the application is accepted for review or refused, the agency decides on
// eligibility within 7 days (法律援助法) and assigns a lawyer, and the lawyer's work concludes the case.

export const LEGAL_AID_EVENT_TYPES = [
  'ACCEPT',
  'REFUSE',
  'GRANT',
  'CONCLUDE',
  'NOTE',
  'CLOCK_WARN',
  'CLOCK_OVERDUE',
] as const;
export type LegalAidEventType = (typeof LEGAL_AID_EVENT_TYPES)[number];

/** 法律援助法: the agency decides on an application within 7 days. */
export const DECISION_DAYS = 7;

export interface Lawyer {
  name: string;
  firm: string;
  phone: string | null;
  assignedAt: string;
}
export interface LegalAidContext extends ReferralBaseContext {
  lawyer: Lawyer | null;
  refusalReason: string | null;
  conclusion: { result: string; resolved: boolean } | null;
}

const reason = text(1000);
export const legalAidPayloadSchemas = {
  ACCEPT: z.object({}).strict(),
  REFUSE: z.object({ reason }).strict(),
  GRANT: z
    .object({
      lawyerName: text(100),
      lawyerFirm: text(200),
      lawyerPhone: z
        .string()
        .trim()
        .regex(/^[0-9+\-\s]{5,20}$/, '电话号码格式不正确')
        .optional(),
    })
    .strict(),
  CONCLUDE: z.object({ result: text(4000), resolved: z.boolean() }).strict(),
  NOTE: z.object({ text: text(4000) }).strict(),
  CLOCK_WARN: clockEventSchema,
  CLOCK_OVERDUE: clockEventSchema,
} satisfies Record<LegalAidEventType, z.ZodType>;

type Payload<T extends LegalAidEventType> = z.output<(typeof legalAidPayloadSchemas)[T]>;
export type LegalAidEvent = {
  [T in LegalAidEventType]: { type: T } & ReferralEnvelope & Payload<T>;
}[LegalAidEventType];

const STAFF: Role[] = ['mediator'];
export const legalAidEventRoles: Record<LegalAidEventType, Role[]> = {
  ACCEPT: STAFF,
  REFUSE: STAFF,
  GRANT: STAFF,
  CONCLUDE: STAFF,
  NOTE: STAFF,
  CLOCK_WARN: ['system'],
  CLOCK_OVERDUE: ['system'],
};

export const legalAidMachine = setup({
  types: { context: {} as LegalAidContext, events: {} as LegalAidEvent, input: {} as ReferralInput },
  guards: {
    ...referralGuards(legalAidEventRoles),
  },
  actions: {
    accept: assign(({ event }) => {
      assertEvent(event, 'ACCEPT');
      return { handlerId: event.actor.userId };
    }),
    refuse: assign(({ context, event }) => {
      assertEvent(event, 'REFUSE');
      return { refusalReason: event.reason, ...closing(context, event.at, 'refused', event.reason) };
    }),
    grant: assign(({ context, event }) => {
      assertEvent(event, 'GRANT');
      return {
        lawyer: {
          name: event.lawyerName,
          firm: event.lawyerFirm,
          phone: event.lawyerPhone ?? null,
          assignedAt: event.at,
        },
        clocks: stopClock(context.clocks, 'decision'),
      };
    }),
    conclude: assign(({ context, event }) => {
      assertEvent(event, 'CONCLUDE');
      return {
        conclusion: { result: event.result, resolved: event.resolved },
        ...closing(context, event.at, event.resolved ? 'resolved' : 'unresolved', event.result),
      };
    }),
    markClockState: assign(({ context, event }) => clockMarked(context, event)),
    // The audit row is the record of a note.
    acknowledge: () => {},
  },
}).createMachine({
  id: 'legalAid',
  initial: 'applied',
  context: ({ input }) => ({
    ...baseContext(input, 'decision'),
    lawyer: null,
    refusalReason: null,
    conclusion: null,
  }),
  on: {
    CLOCK_WARN: { guard: and(['system', 'clockAccepts']), actions: 'markClockState' },
  },
  states: {
    applied: {
      tags: ['open'],
      on: {
        ACCEPT: { guard: 'staff', target: 'reviewing', actions: 'accept' },
        REFUSE: { guard: 'staff', target: 'refused', actions: 'refuse' },
        NOTE: { guard: 'staff', actions: 'acknowledge' },
        CLOCK_OVERDUE: { guard: and(['system', 'clockAccepts']), actions: 'markClockState' },
      },
    },
    reviewing: {
      tags: ['open'],
      on: {
        GRANT: { guard: 'staff', target: 'granted', actions: 'grant' },
        REFUSE: { guard: 'staff', target: 'refused', actions: 'refuse' },
        NOTE: { guard: 'staff', actions: 'acknowledge' },
        CLOCK_OVERDUE: { guard: and(['system', 'clockAccepts']), actions: 'markClockState' },
      },
    },
    granted: {
      tags: ['open'],
      on: {
        CONCLUDE: { guard: 'staff', target: 'concluded', actions: 'conclude' },
        NOTE: { guard: 'staff', actions: 'acknowledge' },
      },
    },
    refused: { type: 'final', tags: ['closed'] },
    concluded: { type: 'final', tags: ['closed'] },
  },
});

export const LEGAL_AID_PHASES = ['applied', 'reviewing', 'granted', 'refused', 'concluded'] as const;
export const LEGAL_AID_FINAL_PHASES = ['refused', 'concluded'] as const;

export const legalAidContextSchema = z
  .object({
    ...referralBaseContextShape,
    lawyer: z
      .object({ name: z.string(), firm: z.string(), phone: z.string().nullable(), assignedAt: z.string() })
      .strict()
      .nullable(),
    refusalReason: z.string().nullable(),
    conclusion: z.object({ result: z.string(), resolved: z.boolean() }).strict().nullable(),
  })
  .strict();

function sampleLegalAidEvents(
  type: string,
  context: ReferralBaseContext,
  _actor: Actor,
  _at: string,
): Record<string, unknown>[] {
  switch (type as LegalAidEventType) {
    case 'ACCEPT':
      return [{}];
    case 'REFUSE':
      return [{ reason: 'reason' }];
    case 'GRANT':
      return [{ lawyerName: 'name', lawyerFirm: 'firm' }];
    case 'CONCLUDE':
      return [{ result: 'result', resolved: true }];
    case 'NOTE':
      return [{ text: 'note' }];
    case 'CLOCK_WARN':
    case 'CLOCK_OVERDUE':
      return Object.keys(context.clocks).map((clock) => ({ clock }));
  }
  return [];
}

export const legalAidDefinition: ReferralDefinition = {
  kind: 'legalAid',
  machine: legalAidMachine,
  version: 1,
  eventTypes: LEGAL_AID_EVENT_TYPES,
  payloadSchemas: legalAidPayloadSchemas,
  eventRoles: legalAidEventRoles,
  phases: LEGAL_AID_PHASES,
  finalPhases: LEGAL_AID_FINAL_PHASES,
  firstClock: { name: 'decision', amount: DECISION_DAYS, unit: 'calendarDays' },
  serverDeadlines: {},
  clockNames: ['decision'],
  contextSchema: legalAidContextSchema,
  sampleEvents: sampleLegalAidEvents,
};
