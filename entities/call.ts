import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { BaseSchema } from './base';
import { AppealSchema } from './appeal';
import { CitizenSchema } from './citizen';
import { UserSchema } from './user';

export const CALL_DISPOSITIONS = ['answered', 'missed', 'abandoned', 'rejected', 'failed', 'transferred'] as const;

// One SIP call, keyed by its Call-ID so a retried or reconnected report never duplicates it.
// Every column below `citizen` is derived: recomputed from the call's events (call_event) under a row lock.
export const CallSchema = defineEntity({
  name: 'Call',
  tableName: 'call',
  extends: BaseSchema,
  indexes: [
    // The call list pages newest first.
    {
      name: 'call_ring_at_index',
      columns: [
        { name: 'ring_at', sort: 'DESC' },
        { name: 'id', sort: 'DESC' },
      ],
    },
    { name: 'call_from_number_index', properties: ['fromNumber'] },
    { name: 'call_to_number_index', properties: ['toNumber'] },
    // The callback queue is a small slice of all calls, oldest first.
    { name: 'call_callback_queue_index', properties: ['ringAt'], where: 'needs_callback' },
  ],
  properties: {
    callId: p.string().length(255).unique(),
    direction: p.enum(['inbound', 'outbound'] as const),
    fromNumber: p.string().length(64),
    toNumber: p.string().length(64),
    /** The answering agent; for an outbound call not answered, the agent who dialled. */
    agent: () => p.manyToOne(UserSchema).nullable(),
    citizen: () => p.manyToOne(CitizenSchema).nullable(),
    ringAt: p.datetime().nullable(),
    answerAt: p.datetime().nullable(),
    endAt: p.datetime().nullable(),
    disposition: p.enum(CALL_DISPOSITIONS).nullable(),
    waitSeconds: p.integer().nullable(),
    talkSeconds: p.integer().nullable(),
    transferTarget: p.string().length(255).nullable(),
    needsCallback: p.boolean().default(false),
    /** When an answered outbound call to this caller cleared `needsCallback`, and that call's SIP Call-ID. */
    callbackDoneAt: p.datetime().nullable(),
    callbackCallId: p.string().length(255).nullable(),
    recordingRef: p.string().length(500).nullable(),
    recordingSha256: p.string().length(64).nullable(),
    appeals: () => p.manyToMany(AppealSchema).pivotTable('call_appeal').owner(),
  },
});
export type Call = InferEntity<typeof CallSchema>;
