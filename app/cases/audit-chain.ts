import { createHash } from 'node:crypto';

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

export interface AuditRowContent {
  appealId: number;
  seq: number;
  type: string;
  actorId: number | null;
  actorRole: string;
  at: Date;
  fromPhase: string | null;
  toPhase: string;
  fromSla: string | null;
  toSla: string;
  payload: Record<string, unknown>;
}

/** hash = sha256(prev_hash || canonical(row)): the chain rule of every audit trail (appeals, referral cases). */
export function auditHash<T extends { at: Date }>(prevHash: string, row: T): string {
  return createHash('sha256').update(prevHash).update(canonicalJson({ ...row, at: row.at.toISOString() })).digest('hex');
}
