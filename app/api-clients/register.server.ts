import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import type { ApiOperation } from '../../entities/api-client';
import { localDateOf, localDateStart } from '../calendar/working-time';
import { all, one } from '../db/sql.server';
import { NotFound, parseInput } from '../domain/errors';

// What the admin reads about the interface clients: the register with each client's calls of the last day and
// month (refusals counted by outcome), the calls per day for the chart, one client's call log a page at a time.

export interface ClientRow {
  id: number;
  name: string;
  contact: string;
  operations: ApiOperation[];
  rateLimitPerMinute: number;
  ipAllowList: string[];
  /** What the key looks like, never the key: `hk_<prefix>_…`. */
  keyHint: string;
  createdAt: string;
  keyRotatedAt: string;
  revokedAt: string | null;
  version: number;
  calls24h: number;
  calls30d: number;
  /** Refused calls of the last 30 days by outcome. */
  refusals30d: Record<string, number>;
}

interface Raw {
  id: number;
  name: string;
  contact: string;
  operations: ApiOperation[];
  rate_limit_per_minute: number;
  ip_allow_list: string[] | null;
  key_prefix: string;
  created_at: Date;
  key_rotated_at: Date;
  revoked_at: Date | null;
  version: number;
}

const DAY_MS = 86_400_000;
const COLUMNS = `id, name, contact, operations, rate_limit_per_minute, ip_allow_list, key_prefix, created_at,
  key_rotated_at, revoked_at, version`;

async function withCounts(em: EntityManager, rows: Raw[], now: Date): Promise<ClientRow[]> {
  if (!rows.length) return [];
  const since30 = new Date(now.getTime() - 30 * DAY_MS);
  const since24 = new Date(now.getTime() - DAY_MS);
  const counts = await all<{ client_id: number; outcome: string; day: number; month: number }>(
    em,
    `select client_id, outcome, count(*) filter (where at >= ?)::int as day, count(*)::int as month
       from api_call where client_id in (${rows.map(() => '?').join(', ')}) and at >= ?
      group by client_id, outcome`,
    [since24, ...rows.map((r) => r.id), since30],
  );
  return rows.map((r) => {
    const mine = counts.filter((c) => Number(c.client_id) === r.id);
    const refusals: Record<string, number> = {};
    for (const c of mine) if (c.outcome !== 'ok') refusals[c.outcome] = c.month;
    return {
      id: r.id,
      name: r.name,
      contact: r.contact,
      operations: r.operations,
      rateLimitPerMinute: r.rate_limit_per_minute,
      ipAllowList: r.ip_allow_list ?? [],
      keyHint: `hk_${r.key_prefix}_…`,
      createdAt: new Date(r.created_at).toISOString(),
      keyRotatedAt: new Date(r.key_rotated_at).toISOString(),
      revokedAt: r.revoked_at ? new Date(r.revoked_at).toISOString() : null,
      version: r.version,
      calls24h: mine.reduce((n, c) => n + c.day, 0),
      calls30d: mine.reduce((n, c) => n + c.month, 0),
      refusals30d: refusals,
    };
  });
}

/** Every client, those in use first, with their counts. */
export async function listClients(em: EntityManager, now = new Date()): Promise<ClientRow[]> {
  const rows = await all<Raw>(em, `select ${COLUMNS} from api_client order by revoked_at is not null, lower(name), id`);
  return withCounts(em, rows, now);
}

export async function clientById(em: EntityManager, id: number, now = new Date()): Promise<ClientRow> {
  const row = await one<Raw>(em, `select ${COLUMNS} from api_client where id = ?`, [id]);
  if (!row) throw new NotFound('没有这个接口客户端');
  return (await withCounts(em, [row], now))[0];
}

export interface CallsPerDay {
  /** The city's calendar days, oldest first. */
  days: string[];
  /** Calls per day for each outcome seen, answered (`ok`) first. */
  outcomes: { outcome: string; counts: number[] }[];
}

/** Calls per local day over the last `days` days (today included), of one client or of all. */
export async function callsPerDay(
  em: EntityManager,
  opts: { clientId?: number; days?: number } = {},
  now = new Date(),
): Promise<CallsPerDay> {
  const n = opts.days ?? 30;
  const today = localDateOf(now);
  const from = localDateStart(today, 1 - n);
  const days = Array.from({ length: n }, (_, i) => localDateOf(localDateStart(today, i + 1 - n)));
  const rows = await all<{ day: number; outcome: string; calls: number }>(
    em,
    // Whole days since `from`, counted in the city's time (UTC+08:00, no daylight saving).
    `select floor(extract(epoch from (at - ?::timestamptz)) / 86400)::int as day, outcome, count(*)::int as calls
       from api_call where at >= ? ${opts.clientId ? 'and client_id = ?' : ''}
      group by 1, 2`,
    [from, from, ...(opts.clientId ? [opts.clientId] : [])],
  );
  const byOutcome = new Map<string, number[]>();
  for (const r of rows) {
    if (r.day < 0 || r.day >= n) continue;
    const counts = byOutcome.get(r.outcome) ?? Array<number>(n).fill(0);
    counts[r.day] += r.calls;
    byOutcome.set(r.outcome, counts);
  }
  const outcomes = [...byOutcome.entries()]
    .map(([outcome, counts]) => ({ outcome, counts }))
    .sort((a, b) => (a.outcome === 'ok' ? -1 : b.outcome === 'ok' ? 1 : a.outcome.localeCompare(b.outcome)));
  return { days, outcomes };
}

export const CALL_PAGE = 50;

const word = z
  .string()
  .trim()
  .regex(/^[a-z0-9:._-]{1,40}$/)
  .optional()
  .catch(undefined);

export const callFilterSchema = z.object({
  outcome: word,
  operation: word,
  /** The last row of the page before (`<epoch ms>.<id>`): the next page starts below it. */
  before: z
    .string()
    .regex(/^\d{1,15}\.\d{1,18}$/)
    .optional()
    .catch(undefined),
});

export interface CallRow {
  id: number;
  at: string;
  operation: string;
  status: number;
  outcome: string;
  ip: string | null;
  durationMs: number;
}

/** One client's calls, newest first, a keyset page at a time; with the outcomes and operations it has used. */
export async function clientCalls(
  em: EntityManager,
  clientId: number,
  raw: unknown,
): Promise<{
  calls: CallRow[];
  next: string | null;
  filter: z.infer<typeof callFilterSchema>;
  outcomes: string[];
  operations: string[];
}> {
  const filter = parseInput(callFilterSchema, raw);
  const where = ['client_id = ?'];
  const params: unknown[] = [clientId];
  if (filter.outcome) {
    where.push('outcome = ?');
    params.push(filter.outcome);
  }
  if (filter.operation) {
    where.push('operation = ?');
    params.push(filter.operation);
  }
  if (filter.before) {
    const [ms, id] = filter.before.split('.');
    where.push('(at, id) < (?::timestamptz, ?::bigint)');
    params.push(new Date(Number(ms)), id);
  }
  const [rows, seen] = await Promise.all([
    all<{
      id: string | number;
      at: Date;
      operation: string;
      status: number;
      outcome: string;
      ip: string | null;
      duration_ms: number;
    }>(
      em,
      `select id, at, operation, status, outcome, ip, duration_ms from api_call where ${where.join(' and ')}
        order by at desc, id desc limit ${CALL_PAGE + 1}`,
      params,
    ),
    all<{ kind: string; value: string }>(
      em,
      `select distinct 'outcome' as kind, outcome as value from api_call where client_id = ?
       union select distinct 'operation', operation from api_call where client_id = ? order by 1, 2`,
      [clientId, clientId],
    ),
  ]);
  const calls = rows.slice(0, CALL_PAGE).map((r) => ({
    id: Number(r.id),
    at: new Date(r.at).toISOString(),
    operation: r.operation,
    status: r.status,
    outcome: r.outcome,
    ip: r.ip,
    durationMs: r.duration_ms,
  }));
  return {
    calls,
    next: rows.length > CALL_PAGE ? `${Date.parse(calls[CALL_PAGE - 1].at)}.${calls[CALL_PAGE - 1].id}` : null,
    filter,
    outcomes: seen.filter((s) => s.kind === 'outcome').map((s) => s.value),
    operations: seen.filter((s) => s.kind === 'operation').map((s) => s.value),
  };
}
