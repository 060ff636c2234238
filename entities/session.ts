import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { UserSchema } from './user';

// Server-side sign-in sessions: the cookie carries only the random id, logout deletes the row.
// A session ends at expiresAt (absolute) or after SESSION_IDLE_MINUTES without a request (idle), whichever is first.
export const SessionSchema = defineEntity({
  name: 'Session',
  tableName: 'user_session',
  properties: {
    id: p.string().length(64).primary(),
    user: () => p.manyToOne(UserSchema),
    createdAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime().index(),
    /** Touched at most once a minute: a session unused for SESSION_IDLE_MINUTES is refused. */
    lastSeenAt: p.datetime(),
    /** Signed in with the password only, by a user who must enrol a second factor: good for enrolment alone. */
    mfaPendingEnrolment: p.boolean().default(false),
  },
});
export type Session = InferEntity<typeof SessionSchema>;
