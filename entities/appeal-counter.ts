import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

// Per-day counter behind appeal numbers (20261122-000123); bumped with an atomic upsert.
export const AppealCounterSchema = defineEntity({
  name: 'AppealCounter',
  tableName: 'appeal_counter',
  properties: {
    day: p.string().length(8).primary(),
    last: p.integer(),
  },
});
export type AppealCounter = InferEntity<typeof AppealCounterSchema>;
