import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { UserSchema } from './user';

// A sign-in whose password was accepted and which waits for the second factor: short-lived, bound to the user,
// counted (five wrong codes end it), and not a session.
export const MfaChallengeSchema = defineEntity({
  name: 'MfaChallenge',
  tableName: 'mfa_challenge',
  properties: {
    id: p.string().length(64).primary(),
    user: () => p.manyToOne(UserSchema).index().deleteRule('cascade'),
    redirectTo: p.string().length(2000),
    attempts: p.integer().default(0),
    createdAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime().index(),
  },
});
export type MfaChallenge = InferEntity<typeof MfaChallengeSchema>;
