import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { AppealSchema } from './appeal';
import { UserSchema } from './user';

// Who looked at a citizen's full phone or ID number, and when: lists show them masked, and every reveal is recorded.
export const AccessLogSchema = defineEntity({
  name: 'AccessLog',
  tableName: 'access_log',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    user: () => p.manyToOne(UserSchema),
    appeal: () => p.manyToOne(AppealSchema).index(),
    field: p.enum(['callerPhone', 'idNumber'] as const),
    at: p.datetime(),
  },
});
export type AccessLog = InferEntity<typeof AccessLogSchema>;
