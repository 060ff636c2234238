import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { AppealSchema } from './appeal';
import { auditTrail } from './audit-event';

// The appeal's audit trail, hash-chained per appeal; each row also records the SLA region it moved.
export const AppealEventSchema = defineEntity({
  name: 'AppealEvent',
  ...auditTrail('appeal_event', 'appeal'),
  properties: {
    appeal: () => p.manyToOne(AppealSchema),
    fromSla: p.string().length(16).nullable(),
    toSla: p.string().length(16),
  },
});
export type AppealEvent = InferEntity<typeof AppealEventSchema>;
