import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { UserSchema } from './user';

// A user's TOTP authenticator (RFC 6238). The secret is sealed with AES-256-GCM (app/auth/mfa-key.server.ts);
// an unconfirmed row is an enrolment in progress. A demo row has no secret of its own: it stands for the
// published demo secret and counts only in demo mode.
export const UserTotpSchema = defineEntity({
  name: 'UserTotp',
  tableName: 'user_totp',
  properties: {
    user: () => p.oneToOne(UserSchema).primary().deleteRule('cascade'),
    secret: p.text().nullable(),
    demo: p.boolean().default(false),
    confirmedAt: p.datetime().nullable(),
    /** The last time step a code was accepted for: a code is good once. */
    lastStep: p.bigint('number').nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type UserTotp = InferEntity<typeof UserTotpSchema>;
