import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const SIGN_IN_FAILURE_SCOPES = ['account', 'address'] as const;
export type SignInFailureScope = (typeof SIGN_IN_FAILURE_SCOPES)[number];

// Failed sign-ins counted per account name and per source address, in the database so every app instance sees the
// same count. One row per (scope, key), changed only by single atomic statements. Keyed by the name as typed (lower
// case), not the user id, so a name that does not exist locks just like one that does and the lock reveals nothing.
export const SignInFailureSchema = defineEntity({
  name: 'SignInFailure',
  tableName: 'sign_in_failure',
  properties: {
    scope: p.enum(SIGN_IN_FAILURE_SCOPES).primary(),
    /** The lower-cased user name (account) or the client address (address). */
    key: p.string().length(100).primary(),
    /** Failures since windowStart. */
    failures: p.integer(),
    windowStart: p.datetime(),
    /** Set when the account was locked; cleared by an admin's unlock or when the lock runs out. */
    lockedAt: p.datetime().nullable(),
  },
});
export type SignInFailure = InferEntity<typeof SignInFailureSchema>;
