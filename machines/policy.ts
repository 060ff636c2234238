import { and, assertEvent, assign, initialTransition, setup } from 'xstate';
import { pureScope } from './pure-scope';
import type { StateValue } from 'xstate';
import { z } from 'zod';
import type { Actor, Role } from './actor';
import { stateValuePath, stateValueSchema } from './state-path';

// A policy in the catalogue (政策库): written as a draft, published as version 1, revised as a new draft
// while the published version stays what the public and the operators read, published again as version
// n+1, and finally retired. The lead department's staff maintain their own department's policies; the
// admin maintains all. Who may act is decided here; what the version holds is kept by the store.

export const POLICY_EVENT_TYPES = ['EDIT', 'PUBLISH', 'REVISE', 'RETIRE'] as const;
export type PolicyEventType = (typeof POLICY_EVENT_TYPES)[number];

export const POLICY_MACHINE_VERSION = 1;

export interface PolicyContext {
  leadDepartmentId: number;
  /** Published versions so far; the next publication becomes `version + 1`. */
  version: number;
  publishedAt: string | null;
  /** The published version the current draft revises (null for a policy never published). */
  revising: number | null;
  retiredAt: string | null;
  retiredReason: string | null;
}

export interface PolicyInput {
  leadDepartmentId: number;
}

const id = z.number().int().positive();
export const policyPayloadSchemas = {
  /** The lead department after the edit: the server reads it from the parsed form. */
  EDIT: z.object({ leadDepartmentId: id }).strict(),
  /** How many items (条款) the draft has: the server counts them, a policy without items is not published. */
  PUBLISH: z.object({ itemCount: z.number().int().min(0) }).strict(),
  REVISE: z.object({}).strict(),
  RETIRE: z.object({ reason: z.string().trim().min(2).max(500) }).strict(),
} satisfies Record<PolicyEventType, z.ZodType>;

interface Envelope {
  actor: Actor;
  at: string;
}
export type PolicyEvent =
  | ({ type: 'EDIT' } & Envelope & z.output<typeof policyPayloadSchemas.EDIT>)
  | ({ type: 'PUBLISH' } & Envelope & z.output<typeof policyPayloadSchemas.PUBLISH>)
  | ({ type: 'REVISE' } & Envelope)
  | ({ type: 'RETIRE' } & Envelope & z.output<typeof policyPayloadSchemas.RETIRE>);

const MAINTAINERS: Role[] = ['handler', 'admin'];
export const policyEventRoles: Record<PolicyEventType, Role[]> = {
  EDIT: MAINTAINERS,
  PUBLISH: MAINTAINERS,
  REVISE: MAINTAINERS,
  RETIRE: MAINTAINERS,
};

/** The admin maintains every policy; a handler only those his own department leads. */
export function maintains(actor: Actor, leadDepartmentId: number): boolean {
  if (actor.role === 'admin') return true;
  return actor.role === 'handler' && actor.departmentIds.includes(leadDepartmentId);
}

export const policyMachine = setup({
  types: { context: {} as PolicyContext, events: {} as PolicyEvent, input: {} as PolicyInput },
  guards: {
    maintainer: ({ context, event }) =>
      policyEventRoles[event.type].includes(event.actor.role) && maintains(event.actor, context.leadDepartmentId),
    // A handler cannot hand his policy to a department he does not work in: it would leave his reach.
    leadWithinReach: ({ event }) => event.type === 'EDIT' && maintains(event.actor, event.leadDepartmentId),
    hasItems: ({ event }) => event.type === 'PUBLISH' && event.itemCount > 0,
  },
  actions: {
    edit: assign(({ event }) => {
      assertEvent(event, 'EDIT');
      return { leadDepartmentId: event.leadDepartmentId };
    }),
    publish: assign(({ context, event }) => {
      assertEvent(event, 'PUBLISH');
      return { version: context.version + 1, publishedAt: event.at, revising: null };
    }),
    revise: assign(({ context }) => ({ revising: context.version })),
    retire: assign(({ event }) => {
      assertEvent(event, 'RETIRE');
      return { retiredAt: event.at, retiredReason: event.reason, revising: null };
    }),
  },
}).createMachine({
  id: 'policy',
  initial: 'draft',
  context: ({ input }) => ({
    leadDepartmentId: input.leadDepartmentId,
    version: 0,
    publishedAt: null,
    revising: null,
    retiredAt: null,
    retiredReason: null,
  }),
  states: {
    draft: {
      tags: ['editable', 'unpublished'],
      on: {
        EDIT: { guard: and(['maintainer', 'leadWithinReach']), actions: 'edit' },
        PUBLISH: { guard: and(['maintainer', 'hasItems']), target: 'published', actions: 'publish' },
        // A draft that will never be published is retired, not deleted: what was written stays traceable.
        RETIRE: { guard: 'maintainer', target: 'retired', actions: 'retire' },
      },
    },
    published: {
      tags: ['public'],
      on: {
        REVISE: { guard: 'maintainer', target: 'revising', actions: 'revise' },
        RETIRE: { guard: 'maintainer', target: 'retired', actions: 'retire' },
      },
    },
    // The revision is a draft of version n+1; the public and the operators still read version n.
    revising: {
      tags: ['public', 'editable'],
      on: {
        EDIT: { guard: and(['maintainer', 'leadWithinReach']), actions: 'edit' },
        PUBLISH: { guard: and(['maintainer', 'hasItems']), target: 'published', actions: 'publish' },
        RETIRE: { guard: 'maintainer', target: 'retired', actions: 'retire' },
      },
    },
    retired: { type: 'final', tags: ['closed'] },
  },
});

export const POLICY_PHASES = ['draft', 'published', 'revising', 'retired'] as const;
export type PolicyPhase = (typeof POLICY_PHASES)[number];

export const policyContextSchema = z
  .object({
    leadDepartmentId: id,
    version: z.number().int().min(0),
    publishedAt: z.string().nullable(),
    revising: z.number().int().positive().nullable(),
    retiredAt: z.string().nullable(),
    retiredReason: z.string().nullable(),
  })
  .strict();

export interface PolicySnapshot {
  value: StateValue;
  context: PolicyContext;
  status: string;
  tags: Set<string>;
  can(event: PolicyEvent): boolean;
  hasTag(tag: string): boolean;
}

export interface PersistedPolicySnapshot {
  machine: 'policy';
  machineVersion: number;
  value: StateValue;
  context: PolicyContext;
}

export function createPolicySnapshot(input: PolicyInput): PolicySnapshot {
  const [snapshot] = initialTransition(policyMachine, input);
  return snapshot as unknown as PolicySnapshot;
}

export function persistPolicySnapshot(snapshot: PolicySnapshot): PersistedPolicySnapshot {
  return JSON.parse(
    JSON.stringify({
      machine: 'policy',
      machineVersion: POLICY_MACHINE_VERSION,
      value: snapshot.value,
      context: snapshot.context,
    }),
  ) as PersistedPolicySnapshot;
}

export function restorePolicySnapshot(persisted: unknown): PolicySnapshot {
  const parsed = z
    .object({
      machine: z.literal('policy'),
      machineVersion: z.literal(POLICY_MACHINE_VERSION),
      value: stateValueSchema,
      context: policyContextSchema,
    })
    .safeParse(persisted);
  if (!parsed.success) throw new Error(`invalid persisted policy snapshot: ${z.prettifyError(parsed.error)}`);
  return policyMachine.resolveState({
    value: parsed.data.value,
    context: parsed.data.context,
  }) as unknown as PolicySnapshot;
}

/** The pure step: the next snapshot, or `accepted: false` with the snapshot unchanged. */
export function applyPolicyEvent(
  snapshot: PolicySnapshot,
  event: PolicyEvent,
): { accepted: boolean; next: PolicySnapshot } {
  if (!snapshot.can(event)) return { accepted: false, next: snapshot };
  const next = policyMachine.transition(
    snapshot as never,
    event,
    pureScope(policyMachine, { leadDepartmentId: 1 }),
  ) as unknown as PolicySnapshot;
  return { accepted: true, next };
}

export function policyPhaseOf(snapshot: Pick<PolicySnapshot, 'value'>): PolicyPhase {
  return stateValuePath(snapshot.value) as PolicyPhase;
}

export function policyTagsOf(snapshot: Pick<PolicySnapshot, 'tags'>): string[] {
  return [...snapshot.tags].sort();
}

/** Parses an untrusted payload for an event type; actor and time come from the server. */
export function parsePolicyPayload(type: string, payload: unknown) {
  const schema = (policyPayloadSchemas as Record<string, z.ZodType>)[type];
  if (!schema) return { success: false as const, message: 'unknown event type' };
  const parsed = schema.safeParse(payload ?? {});
  return parsed.success
    ? { success: true as const, data: parsed.data as Record<string, unknown> }
    : { success: false as const, message: z.prettifyError(parsed.error) };
}

/** The steps an actor could take now (EDIT and PUBLISH judged as if the draft were complete). */
export function acceptedPolicyEvents(snapshot: PolicySnapshot, actor: Actor, at: string): PolicyEventType[] {
  const samples: Record<PolicyEventType, PolicyEvent> = {
    EDIT: { type: 'EDIT', actor, at, leadDepartmentId: snapshot.context.leadDepartmentId },
    PUBLISH: { type: 'PUBLISH', actor, at, itemCount: 1 },
    REVISE: { type: 'REVISE', actor, at },
    RETIRE: { type: 'RETIRE', actor, at, reason: 'reason' },
  };
  return POLICY_EVENT_TYPES.filter((t) => snapshot.can(samples[t]));
}
