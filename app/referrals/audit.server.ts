import type { EntityManager } from '@mikro-orm/sql';
import { verifyChains, type AuditTrail } from '../cases/audit-chain';

/** A referral case's audit trail: the kernel's columns, nothing of its own. */
export const REFERRAL_TRAIL: AuditTrail = {
  caseTable: 'referral',
  table: 'referral_event',
  key: 'referral_id',
  keyProp: 'referralId',
  extra: {},
  noun: 'the case',
};

export interface BrokenReferralChain {
  referralId: number;
  number: string;
  seq: number | null;
  reason: string;
}

/** Re-computes every referral case's hash chain, as verifyAuditChains does for appeals. */
export async function verifyReferralChains(
  em: EntityManager,
): Promise<{ referrals: number; events: number; broken: BrokenReferralChain[] }> {
  const { cases, events, broken } = await verifyChains(em, REFERRAL_TRAIL);
  return { referrals: cases, events, broken: broken.map(({ caseId, ...b }) => ({ referralId: caseId, ...b })) };
}
