import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { BaseSchema } from './base';
import { AppealSchema } from './appeal';
import { CitizenSchema } from './citizen';
import { UserSchema } from './user';

export const CALL_DISPOSITIONS = ['answered', 'missed', 'abandoned', 'rejected', 'failed', 'transferred'] as const;

// One SIP call, keyed by its Call-ID so a retried or reconnected report never duplicates it.
export const CallSchema = defineEntity({
  name: 'Call',
  tableName: 'call',
  extends: BaseSchema,
  properties: {
    callId: p.string().length(255).unique(),
    direction: p.enum(['inbound', 'outbound'] as const),
    fromNumber: p.string().length(64),
    toNumber: p.string().length(64),
    agent: () => p.manyToOne(UserSchema).nullable(),
    citizen: () => p.manyToOne(CitizenSchema).nullable(),
    ringAt: p.datetime().nullable(),
    answerAt: p.datetime().nullable(),
    endAt: p.datetime().nullable(),
    disposition: p.enum(CALL_DISPOSITIONS).nullable(),
    needsCallback: p.boolean().default(false),
    recordingRef: p.string().length(500).nullable(),
    recordingSha256: p.string().length(64).nullable(),
    appeals: () => p.manyToMany(AppealSchema).pivotTable('call_appeal').owner(),
  },
});
export type Call = InferEntity<typeof CallSchema>;
