import type { EntityManager } from '@mikro-orm/sql';
import { verifyChains, type AuditTrail } from '../cases/audit-chain';

/** The appeal's audit trail: the kernel's columns and each step's SLA region. */
export const APPEAL_TRAIL: AuditTrail = {
  caseTable: 'appeal',
  table: 'appeal_event',
  key: 'appeal_id',
  keyProp: 'appealId',
  extra: { fromSla: 'from_sla', toSla: 'to_sla' },
  noun: 'the appeal',
};

export interface BrokenChain {
  appealId: number;
  number: string;
  seq: number | null;
  reason: string;
}

/** Re-computes every appeal's hash chain. */
export async function verifyAuditChains(
  em: EntityManager,
  opts: { batch?: number } = {},
): Promise<{ appeals: number; events: number; broken: BrokenChain[] }> {
  const { cases, events, broken } = await verifyChains(em, APPEAL_TRAIL, opts);
  return { appeals: cases, events, broken: broken.map(({ caseId, ...b }) => ({ appealId: caseId, ...b })) };
}
