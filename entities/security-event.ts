import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { UserSchema } from './user';

export const SECURITY_EVENT_KINDS = [
  'signIn',
  'signInFailed',
  'lockout',
  'unlock',
  'signOut',
  'sessionExpired',
  'mfaEnrolled',
  'mfaReset',
  'mfaFailed',
  'recoveryCodeUsed',
  'roleChanged',
  'userChanged',
  'settingChanged',
  'export',
  'reveal',
  /** A phone on the blocked-numbers list refused on the public site. */
  'blockedNumberRefused',
  /** An interface client registered, its key rotated, changed or revoked. */
  'apiClientChanged',
] as const;
export type SecurityEventKind = (typeof SECURITY_EVENT_KINDS)[number];

// The security audit (安全审计): who did what to sign-in, accounts, permissions and personal data, when and from
// where. Append-only (a trigger refuses update and delete); admins read it, nobody edits it.
export const SecurityEventSchema = defineEntity({
  name: 'SecurityEvent',
  tableName: 'security_event',
  triggers: [
    {
      name: 'security_event_no_update',
      timing: 'before',
      events: ['update', 'delete'],
      forEach: 'row',
      body: "raise exception 'security_event is append-only (% refused)', tg_op;",
    },
  ],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    at: p.datetime().index(),
    // Plain text, not a database enum: new kinds of event need no migration; the type keeps writers to the list.
    kind: p.string().length(32).$type<SecurityEventKind>().index(),
    /** Who acted (null: nobody signed in, e.g. a failed sign-in for an unknown name). */
    actor: () => p.manyToOne(UserSchema).nullable().index(),
    /** The account the event is about (the one signing in, unlocked, changed). */
    subject: () => p.manyToOne(UserSchema).nullable().index(),
    /** The user name as typed, for failed sign-ins of names that may not exist. */
    username: p.string().length(64).nullable(),
    ip: p.string().length(64).nullable(),
    userAgent: p.string().length(255).nullable(),
    detail: p.json<Record<string, unknown>>().default('{}'),
  },
});
export type SecurityEvent = InferEntity<typeof SecurityEventSchema>;
