import { BlockList, isIP } from 'node:net';
import type { EntityManager } from '@mikro-orm/sql';
import type { ApiOperation } from '../../entities/api-client';
import type { Actor } from '../../machines/actor';
import { one, run } from '../db/sql.server';
import { keyMatches, keyPrefixOf } from './credentials.server';

// The one gate in front of every interface call: the key, the client not revoked, the caller's address on its
// allow-list, the operation among those it was granted, then its rate limit (fixed one-minute windows counted in
// PostgreSQL, so every instance counts the same calls). A refusal says which check failed, for the call log.

export interface ApiPrincipal {
  id: number;
  name: string;
  operations: ApiOperation[];
  signingSecretSealed: string;
}

export type ApiRefusalReason = 'missing-key' | 'unknown-key' | 'revoked' | 'address' | 'operation' | 'rate';

export class ApiRefusal extends Error {
  constructor(
    readonly reason: ApiRefusalReason,
    readonly status: 401 | 403 | 429,
    message: string,
    readonly clientId: number | null = null,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** The actor a client's steps are recorded as: no user, role `client`; the appeal row names the client. */
export const clientActor = (): Actor => ({ userId: 0, role: 'client', departmentIds: [], gridIds: [] });

/** Whether `ip` is one of the allow-list's addresses or CIDR ranges; an empty list allows every address. */
export function addressAllowed(allowList: readonly string[], ip: string | null): boolean {
  if (allowList.length === 0) return true;
  if (!ip || !isIP(ip)) return false;
  const list = new BlockList();
  for (const entry of allowList) {
    const [address, bits] = entry.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(bits), family);
  }
  return list.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4');
}

export async function authenticateApiKey(
  em: EntityManager,
  /** `operation: null` asks only who calls (the key check): any client may, whatever it was granted. */
  input: { apiKey: string | null | undefined; operation: ApiOperation | null; ip: string | null },
  now = new Date(),
): Promise<ApiPrincipal> {
  if (!input.apiKey) throw new ApiRefusal('missing-key', 401, 'api_key is required');
  const prefix = keyPrefixOf(input.apiKey);
  const row = prefix
    ? await one<{
        id: number;
        name: string;
        operations: ApiOperation[];
        key_hash: string;
        signing_secret_sealed: string;
        rate_limit_per_minute: number;
        ip_allow_list: string[];
        revoked_at: Date | null;
      }>(
        em,
        `select id, name, operations, key_hash, signing_secret_sealed, rate_limit_per_minute, ip_allow_list, revoked_at
           from api_client where key_prefix = ?`,
        [prefix],
      )
    : null;
  if (!row || !keyMatches(input.apiKey, row.key_hash)) throw new ApiRefusal('unknown-key', 401, 'api_key is not valid');
  if (row.revoked_at) throw new ApiRefusal('revoked', 401, 'api_key has been revoked', row.id);
  if (!addressAllowed(row.ip_allow_list ?? [], input.ip))
    throw new ApiRefusal('address', 403, 'this address may not use this api_key', row.id);
  if (input.operation && !row.operations.includes(input.operation))
    throw new ApiRefusal('operation', 403, `this client may not ${input.operation}`, row.id);
  const windowStart = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  const counted = await one<{ calls: number }>(
    em,
    `insert into api_rate_window (client_id, window_start, calls) values (?, ?, 1)
     on conflict (client_id, window_start) do update set calls = api_rate_window.calls + 1
     returning calls`,
    [row.id, windowStart],
  );
  if (counted!.calls > row.rate_limit_per_minute)
    throw new ApiRefusal(
      'rate',
      429,
      `more than ${row.rate_limit_per_minute} calls a minute`,
      row.id,
      Math.max(1, Math.ceil((windowStart.getTime() + 60_000 - now.getTime()) / 1000)),
    );
  return { id: row.id, name: row.name, operations: row.operations, signingSecretSealed: row.signing_secret_sealed };
}

/** One row of the call log; written whatever the answer was. */
export async function recordApiCall(
  em: EntityManager,
  call: {
    clientId: number | null;
    operation: string;
    status: number;
    outcome: string;
    ip: string | null;
    startedAt: Date;
  },
  now = new Date(),
): Promise<void> {
  await run(
    em,
    'insert into api_call (client_id, operation, status, outcome, ip, duration_ms, at) values (?, ?, ?, ?, ?, ?, ?)',
    [
      call.clientId,
      call.operation.slice(0, 40),
      call.status,
      call.outcome.slice(0, 40),
      call.ip?.slice(0, 64) ?? null,
      Math.max(0, now.getTime() - call.startedAt.getTime()),
      call.startedAt,
    ],
  );
}
