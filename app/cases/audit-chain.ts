import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/sql';
import { all, jsonb } from '../db/sql.server';

// Every case kind keeps an append-only audit trail, one row per accepted event, hash-chained per
// case: hash = sha256(prev_hash || canonical(row)). The rows, their append statement and the chain
// check are the same for every kind; a kind names its tables and any columns of its own.

/** Deterministic JSON: object keys sorted at every level, so a row hashes the same wherever it is read. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** hash = sha256(prev_hash || canonical(row)): the chain rule of every audit trail. */
export function auditHash<T extends { at: Date }>(prevHash: string, row: T): string {
  const content = canonicalJson({ ...row, at: row.at.toISOString() });
  return createHash('sha256').update(prevHash).update(content).digest('hex');
}

/** Where a kind keeps its cases and their trail. */
export interface AuditTrail {
  /** The cases' table, with `number`, `audit_seq` and `audit_head` columns. */
  caseTable: string;
  /** The trail's table. */
  table: string;
  /** The trail's column naming the case, and the row property that holds it in the hash. */
  key: string;
  keyProp: string;
  /** Columns a kind records beyond the shared ones, by row property. */
  extra: Readonly<Record<string, string>>;
  /** How the chain check names a case whose head disagrees with its trail. */
  noun: string;
}

/** One audit row as it is hashed: the shared fields, the case id under `keyProp`, and the kind's own. */
export interface AuditRow {
  seq: number;
  type: string;
  actorId: number | null;
  actorRole: string;
  at: Date;
  fromPhase: string | null;
  toPhase: string;
  payload: Record<string, unknown>;
  [extra: string]: unknown;
}

const SHARED = ['seq', 'type', 'actor_id', 'actor_role', 'at', 'from_phase', 'to_phase'];

/** The columns of the trail's table in insert order, after the case key. */
function columns(trail: AuditTrail): string[] {
  return [...SHARED, ...Object.values(trail.extra), 'payload', 'prev_hash', 'hash'];
}

/** The statement that appends one row for the case that `source` (a CTE returning `id`) wrote. */
export function appendAuditSql(trail: AuditTrail, source: string, returning = ''): string {
  const cols = columns(trail);
  return `insert into ${trail.table} (${trail.key}, ${cols.join(', ')})
    select id, ${cols.map(() => '?').join(', ')} from ${source}${returning}`;
}

/** The values of `appendAuditSql`, in its order. */
export function appendAuditParams(trail: AuditTrail, row: AuditRow, prevHash: string, hash: string): unknown[] {
  return [
    row.seq,
    row.type,
    row.actorId,
    row.actorRole,
    row.at,
    row.fromPhase,
    row.toPhase,
    ...Object.keys(trail.extra).map((prop) => row[prop]),
    JSON.stringify(row.payload),
    prevHash,
    hash,
  ];
}

/** The row content `auditHash` covers: the row with its case id. */
export function hashedRow(trail: AuditTrail, caseId: number, row: AuditRow): AuditRow {
  return { [trail.keyProp]: caseId, ...row };
}

export interface BrokenCaseChain {
  caseId: number;
  number: string;
  seq: number | null;
  reason: string;
}

/**
 * Re-computes every case's hash chain, a batch of cases at a time. A row edited in place, a row
 * removed from the middle or the end, or a row inserted out of sequence each break it; the case's
 * head hash anchors the tail.
 */
export async function verifyChains(
  em: EntityManager,
  trail: AuditTrail,
  opts: { batch?: number } = {},
): Promise<{ cases: number; events: number; broken: BrokenCaseChain[] }> {
  const batch = opts.batch ?? 500;
  const extra = Object.entries(trail.extra);
  const broken: BrokenCaseChain[] = [];
  let lastId = 0;
  let cases = 0;
  let events = 0;
  for (;;) {
    const heads = await all<{ id: number; number: string; audit_seq: number; audit_head: string }>(
      em,
      `select id, number, audit_seq, audit_head from ${trail.caseTable} where id > ? order by id limit ?`,
      [lastId, batch],
    );
    if (!heads.length) break;
    lastId = heads[heads.length - 1].id;
    const rows = await all(
      em,
      `select ${trail.key} as case_id, ${columns(trail).join(', ')} from ${trail.table}
        where ${trail.key} in (?) order by ${trail.key}, seq`,
      [heads.map((h) => h.id)],
    );
    const byCase = new Map<number, typeof rows>();
    for (const r of rows) (byCase.get(r.case_id) ?? byCase.set(r.case_id, []).get(r.case_id)!).push(r);
    for (const head of heads) {
      cases++;
      const chain = byCase.get(head.id) ?? [];
      events += chain.length;
      const fail = (seq: number | null, reason: string): BrokenCaseChain => ({
        caseId: head.id,
        number: head.number,
        seq,
        reason,
      });
      let prev = '';
      let problem: BrokenCaseChain | null = null;
      for (let i = 0; i < chain.length && !problem; i++) {
        const r = chain[i];
        const row: AuditRow = {
          seq: r.seq,
          type: r.type,
          actorId: r.actor_id,
          actorRole: r.actor_role,
          at: new Date(r.at),
          fromPhase: r.from_phase,
          toPhase: r.to_phase,
          payload: jsonb(r.payload),
          ...Object.fromEntries(extra.map(([prop, col]) => [prop, r[col]])),
        };
        if (r.seq !== i + 1) problem = fail(r.seq, `sequence gap: expected ${i + 1}, found ${r.seq}`);
        else if (r.prev_hash !== prev) problem = fail(r.seq, 'previous hash does not match');
        else if (auditHash(prev, hashedRow(trail, head.id, row)) !== r.hash) {
          problem = fail(r.seq, 'row content does not match its hash');
        }
        prev = r.hash;
      }
      if (!problem && (chain.length !== head.audit_seq || prev !== head.audit_head)) {
        problem = fail(null, `chain ends at ${chain.length} rows but ${trail.noun} records ${head.audit_seq}`);
      }
      if (problem) broken.push(problem);
    }
  }
  return { cases, events, broken };
}
