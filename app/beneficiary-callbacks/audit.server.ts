import type { EntityManager } from '@mikro-orm/sql';
import { verifyChains, type AuditTrail } from '../cases/audit-chain';

/** A beneficiary callback's audit trail: the kernel's columns, nothing of its own. */
export const CALLBACK_TRAIL: AuditTrail = {
  caseTable: 'beneficiary_callback',
  table: 'beneficiary_callback_event',
  key: 'callback_id',
  keyProp: 'callbackId',
  extra: {},
  noun: 'the callback',
};

/** Re-computes every callback's hash chain; a callback has no number of its own, so the check names it by id. */
export async function verifyCallbackChains(em: EntityManager) {
  const { cases, events, broken } = await verifyChains(em, {
    ...CALLBACK_TRAIL,
    caseTable: '(select id, id::text as number, audit_seq, audit_head from beneficiary_callback) as callback',
  });
  return {
    callbacks: cases,
    events,
    broken: broken.map(({ caseId, seq, reason }) => ({ callbackId: caseId, seq, reason })),
  };
}
