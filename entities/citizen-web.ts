import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { AppealSchema } from './appeal';

// The citizen's own channel on the public site: the SMS codes that prove a phone is the citizen's, and the private
// tracking link of each appeal filed there. Neither keeps a secret in clear: codes and tokens are stored as HMACs.

export const CODE_PURPOSES = ['submit', 'track'] as const;
export type CodePurpose = (typeof CODE_PURPOSES)[number];

export const CitizenCodeSchema = defineEntity({
  name: 'CitizenCode',
  tableName: 'citizen_code',
  // The limits count a phone's and an address's recent codes.
  indexes: [{ properties: ['phone', 'createdAt'] }, { properties: ['clientAddress', 'createdAt'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    phone: p.string().length(32),
    purpose: p.enum(CODE_PURPOSES),
    codeHash: p.string().length(64),
    expiresAt: p.datetime(),
    // Wrong codes tried against this one; at five it is spent.
    tries: p.integer().default(0),
    usedAt: p.datetime().nullable(),
    clientAddress: p.string().length(64),
    createdAt: p.datetime(),
  },
});
export type CitizenCode = InferEntity<typeof CitizenCodeSchema>;

export const AppealTrackingSchema = defineEntity({
  name: 'AppealTracking',
  tableName: 'appeal_tracking',
  properties: {
    appeal: () => p.manyToOne(AppealSchema).primary().deleteRule('cascade'),
    tokenHash: p.string().length(64).unique(),
    createdAt: p.datetime(),
  },
});
export type AppealTracking = InferEntity<typeof AppealTrackingSchema>;

// A citizen signed in to "my appeals" (我的诉求) with phone and code: kept here rather than in the cookie, so sign-out
// and expiry hold across instances. The cookie carries a random id; only its SHA-256 is stored.
export const CitizenSessionSchema = defineEntity({
  name: 'CitizenSession',
  tableName: 'citizen_session',
  indexes: [{ properties: ['expiresAt'] }],
  properties: {
    idHash: p.string().length(64).primary(),
    phone: p.string().length(32),
    createdAt: p.datetime(),
    /** Absolute end: two hours after sign-in, however busy. */
    expiresAt: p.datetime(),
    /** Idle end: thirty minutes after this. */
    lastSeenAt: p.datetime(),
  },
});
export type CitizenSession = InferEntity<typeof CitizenSessionSchema>;
