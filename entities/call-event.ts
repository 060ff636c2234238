import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { CallSchema } from './call';
import { UserSchema } from './user';

export const CALL_EVENT_KINDS = [
  'offered',
  'unanswered',
  'dialing',
  'ringing',
  'answered',
  'ended',
  'transferred',
  'closed',
] as const;
export const CALL_EVENT_SOURCES = ['agent', 'sip', 'system'] as const;

// Every report about a call, as received. The call row is recomputed from this set, so a
// duplicate (same call, kind, source, agent and time) is a no-op and the order does not matter.
export const CallEventSchema = defineEntity({
  name: 'CallEvent',
  tableName: 'call_event',
  uniques: [
    {
      name: 'call_event_dedup_unique',
      // The agent is part of the key (two agents may ring at the same instant); sip and system events have none.
      expression:
        'create unique index "call_event_dedup_unique" on "call_event" ("call_id", "kind", "source", "at", coalesce("agent_id", 0))',
    },
  ],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    call: () => p.manyToOne(CallSchema).deleteRule('cascade'),
    kind: p.enum(CALL_EVENT_KINDS),
    at: p.datetime(),
    source: p.enum(CALL_EVENT_SOURCES),
    agent: () => p.manyToOne(UserSchema).nullable(),
    reason: p.string().length(32).nullable(),
    payload: p.json<Record<string, unknown>>(),
    receivedAt: p.datetime(),
  },
});
export type CallEvent = InferEntity<typeof CallEventSchema>;
