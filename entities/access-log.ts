import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { AppealSchema } from './appeal';
import { ReferralSchema } from './referral';
import { UserSchema } from './user';

/** What was seen in full: a citizen's phone or ID number, or a referral case's legal document naming its parties. */
export const ACCESS_LOG_FIELDS = ['callerPhone', 'idNumber', 'mediationAgreement', 'arbitrationAward'] as const;
export type AccessLogField = (typeof ACCESS_LOG_FIELDS)[number];

// Who looked at personal data in full, and when: lists show it masked, and every reveal or print is recorded.
export const AccessLogSchema = defineEntity({
  name: 'AccessLog',
  tableName: 'access_log',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    user: () => p.manyToOne(UserSchema),
    appeal: () => p.manyToOne(AppealSchema).index(),
    /** The referral case whose document was printed (the appeal is the one it came from). */
    referral: () => p.manyToOne(ReferralSchema).nullable().index(),
    field: p.enum(ACCESS_LOG_FIELDS),
    at: p.datetime(),
  },
});
export type AccessLog = InferEntity<typeof AccessLogSchema>;
