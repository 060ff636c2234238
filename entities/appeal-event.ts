import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { AppealSchema } from './appeal';
import { UserSchema } from './user';

// The audit trail: append-only, one row per accepted event, hash-chained per appeal.
export const AppealEventSchema = defineEntity({
  name: 'AppealEvent',
  tableName: 'appeal_event',
  uniques: [{ properties: ['appeal', 'seq'] }],
  // Append-only in the database itself, not only by convention in code.
  triggers: [{
    name: 'appeal_event_no_update', timing: 'before', events: ['update', 'delete'], forEach: 'row',
    body: `raise exception 'appeal_event is append-only (% refused)', tg_op;`,
  }],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    appeal: () => p.manyToOne(AppealSchema),
    seq: p.integer(),
    type: p.string().length(32),
    actor: () => p.manyToOne(UserSchema).nullable(),
    actorRole: p.string().length(16),
    at: p.datetime(),
    fromPhase: p.string().length(40).nullable(),
    toPhase: p.string().length(40),
    fromSla: p.string().length(16).nullable(),
    toSla: p.string().length(16),
    payload: p.json<Record<string, unknown>>(),
    prevHash: p.string().length(64),
    hash: p.string().length(64),
  },
});
export type AppealEvent = InferEntity<typeof AppealEventSchema>;
