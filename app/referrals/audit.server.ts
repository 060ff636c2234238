import type { EntityManager } from '@mikro-orm/sql';
import { auditHash } from '../cases/audit-chain';
import type { ReferralAuditRow } from './referral-store.server';

export interface BrokenReferralChain {
  referralId: number;
  number: string;
  seq: number | null;
  reason: string;
}

/** Re-computes every referral case's hash chain, as verifyAuditChains does for appeals. */
export async function verifyReferralChains(em: EntityManager): Promise<{ referrals: number; events: number; broken: BrokenReferralChain[] }> {
  const conn = em.getConnection();
  const heads = await conn.execute<{ id: number; number: string; audit_seq: number; audit_head: string }[]>(
    'select id, number, audit_seq, audit_head from referral order by id');
  const rows = await conn.execute<{
    referral_id: number; seq: number; type: string; actor_id: number | null; actor_role: string; at: Date; from_phase: string | null;
    to_phase: string; payload: Record<string, unknown> | string; prev_hash: string; hash: string;
  }[]>('select referral_id, seq, type, actor_id, actor_role, at, from_phase, to_phase, payload, prev_hash, hash from referral_event order by referral_id, seq');
  const byReferral = new Map<number, typeof rows>();
  for (const r of rows) (byReferral.get(r.referral_id) ?? byReferral.set(r.referral_id, []).get(r.referral_id)!).push(r);
  const broken: BrokenReferralChain[] = [];
  for (const head of heads) {
    const chain = byReferral.get(head.id) ?? [];
    let prev = '';
    let problem: BrokenReferralChain | null = null;
    for (let i = 0; i < chain.length && !problem; i++) {
      const r = chain[i];
      const expected = auditHash(prev, {
        referralId: r.referral_id, seq: r.seq, type: r.type, actorId: r.actor_id, actorRole: r.actor_role, at: new Date(r.at),
        fromPhase: r.from_phase, toPhase: r.to_phase, payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload,
      } satisfies ReferralAuditRow);
      if (r.seq !== i + 1) problem = { referralId: head.id, number: head.number, seq: r.seq, reason: `sequence gap: expected ${i + 1}, found ${r.seq}` };
      else if (r.prev_hash !== prev) problem = { referralId: head.id, number: head.number, seq: r.seq, reason: 'previous hash does not match' };
      else if (expected !== r.hash) problem = { referralId: head.id, number: head.number, seq: r.seq, reason: 'row content does not match its hash' };
      prev = r.hash;
    }
    if (!problem && (chain.length !== head.audit_seq || prev !== head.audit_head)) {
      problem = { referralId: head.id, number: head.number, seq: null, reason: `chain ends at ${chain.length} rows but the case records ${head.audit_seq}` };
    }
    if (problem) broken.push(problem);
  }
  return { referrals: heads.length, events: rows.length, broken };
}
