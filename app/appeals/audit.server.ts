import type { EntityManager } from '@mikro-orm/sql';
import { auditHash, type AuditRowContent } from '../cases/audit-chain';

export interface BrokenChain {
  appealId: number;
  number: string;
  seq: number | null;
  reason: string;
}

interface EventRow {
  appeal_id: number;
  seq: number;
  type: string;
  actor_id: number | null;
  actor_role: string;
  at: Date;
  from_phase: string | null;
  to_phase: string;
  from_sla: string | null;
  to_sla: string;
  payload: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

/**
 * Re-computes every appeal's hash chain. A row edited in place, a row removed from the middle or
 * the end, or a row inserted out of sequence each break it; the appeal's head hash anchors the tail.
 */
export async function verifyAuditChains(em: EntityManager, opts: { batch?: number } = {}): Promise<{ appeals: number; events: number; broken: BrokenChain[] }> {
  const conn = em.getConnection();
  const batch = opts.batch ?? 500;
  const broken: BrokenChain[] = [];
  let lastId = 0;
  let appeals = 0;
  let events = 0;
  for (;;) {
    const heads: { id: number; number: string; audit_seq: number; audit_head: string }[] = await conn.execute(
      'select id, number, audit_seq, audit_head from appeal where id > ? order by id limit ?',
      [lastId, batch],
    );
    if (!heads.length) break;
    lastId = heads[heads.length - 1].id;
    const ids = heads.map((h) => h.id);
    const rows: EventRow[] = await conn.execute(
      `select appeal_id, seq, type, actor_id, actor_role, at, from_phase, to_phase, from_sla, to_sla, payload, prev_hash, hash
         from appeal_event where appeal_id in (${ids.map(() => '?').join(',')}) order by appeal_id, seq`,
      ids,
    );
    const byAppeal = new Map<number, EventRow[]>();
    for (const r of rows) (byAppeal.get(r.appeal_id) ?? byAppeal.set(r.appeal_id, []).get(r.appeal_id)!).push(r);
    for (const head of heads) {
      appeals++;
      const chain = byAppeal.get(head.id) ?? [];
      events += chain.length;
      let prev = '';
      let problem: BrokenChain | null = null;
      for (let i = 0; i < chain.length && !problem; i++) {
        const r = chain[i];
        if (r.seq !== i + 1) problem = { appealId: head.id, number: head.number, seq: r.seq, reason: `sequence gap: expected ${i + 1}, found ${r.seq}` };
        else if (r.prev_hash !== prev) problem = { appealId: head.id, number: head.number, seq: r.seq, reason: 'previous hash does not match' };
        else {
          const expected = auditHash(prev, {
            appealId: r.appeal_id, seq: r.seq, type: r.type, actorId: r.actor_id, actorRole: r.actor_role, at: new Date(r.at),
            fromPhase: r.from_phase, toPhase: r.to_phase, fromSla: r.from_sla, toSla: r.to_sla, payload: r.payload,
          } satisfies AuditRowContent);
          if (expected !== r.hash) problem = { appealId: head.id, number: head.number, seq: r.seq, reason: 'row content does not match its hash' };
          prev = r.hash;
        }
      }
      if (!problem && (chain.length !== head.audit_seq || prev !== head.audit_head)) {
        problem = { appealId: head.id, number: head.number, seq: null, reason: `chain ends at ${chain.length} rows but the appeal records ${head.audit_seq}` };
      }
      if (problem) broken.push(problem);
    }
  }
  return { appeals, events, broken };
}
