import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { BaseSchema } from './base';

// Another city system that calls the hotline's interfaces (Open311, inbound events, status webhooks). Its API key is
// kept only as a SHA-256 hash (the key is 32 random bytes, so a plain hash is enough) and found by its prefix; its
// signing secret (HMAC of events it sends and of webhooks it receives) must be read back, so it is sealed with the
// data key. A client is revoked, never deleted: its calls and the appeals it filed keep naming it.
export const API_OPERATIONS = [
  'open311:read',
  'open311:write',
  'events:write',
  'webhooks:subscribe',
  /** Subscribe to every appeal's changes, not only the ones this client filed. */
  'webhooks:all',
] as const;
export type ApiOperation = (typeof API_OPERATIONS)[number];

export const ApiClientSchema = defineEntity({
  name: 'ApiClient',
  tableName: 'api_client',
  extends: BaseSchema,
  properties: {
    name: p.string().length(100).unique(),
    contact: p.string().length(200),
    operations: p.array().$type<ApiOperation[]>(),
    /** The key's first characters after `hk_`, to find the row without scanning hashes. */
    keyPrefix: p.string().length(16).unique(),
    keyHash: p.string().length(64),
    signingSecretSealed: p.text(),
    /** Calls per minute; a call over it is answered 429. */
    rateLimitPerMinute: p.integer().default(600),
    /** Addresses or CIDR ranges the key is good from; empty: anywhere. */
    ipAllowList: p.array().default([]),
    keyRotatedAt: p.datetime(),
    revokedAt: p.datetime().nullable(),
    version: p.integer().default(1),
  },
});
export type ApiClient = InferEntity<typeof ApiClientSchema>;

// Every call to the interfaces, answered or refused: who (null when the key was unknown), what, how it ended.
export const ApiCallSchema = defineEntity({
  name: 'ApiCall',
  tableName: 'api_call',
  indexes: [{ properties: ['client', 'at'] }, { properties: ['at'] }],
  properties: {
    id: p.bigint().primary().autoincrement(),
    client: () => p.manyToOne(ApiClientSchema).nullable(),
    operation: p.string().length(40),
    /** The HTTP status answered. */
    status: p.smallint(),
    /** A short word for the result: ok, unknown-key, revoked, address, operation, rate, invalid, … */
    outcome: p.string().length(40),
    ip: p.string().length(64).nullable(),
    durationMs: p.integer(),
    at: p.datetime(),
  },
});
export type ApiCall = InferEntity<typeof ApiCallSchema>;

// The fixed one-minute windows of the rate limit, counted in PostgreSQL so every instance counts the same calls.
export const ApiRateWindowSchema = defineEntity({
  name: 'ApiRateWindow',
  tableName: 'api_rate_window',
  properties: {
    client: () => p.manyToOne(ApiClientSchema).primary(),
    windowStart: p.datetime().primary(),
    calls: p.integer(),
  },
});
export type ApiRateWindow = InferEntity<typeof ApiRateWindowSchema>;
