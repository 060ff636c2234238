import type { EntityManager } from '@mikro-orm/sql';
import { jsonb, one } from '../db/sql.server';

// The beneficiary callback's reads for its write path; the writes are the kernel's.

export interface CallbackRow {
  id: number;
  sampleId: number;
  recordId: number;
  policyId: number;
  departmentId: number;
  version: number;
  snapshot: unknown;
  auditSeq: number;
  auditHead: string;
}

export async function loadCallback(em: EntityManager, id: number): Promise<CallbackRow | null> {
  const r = await one(
    em,
    `select id, sample_id, record_id, policy_id, department_id, version, snapshot, audit_seq, audit_head
       from beneficiary_callback where id = ?`,
    [id],
  );
  if (!r) return null;
  return {
    id: r.id,
    sampleId: r.sample_id,
    recordId: r.record_id,
    policyId: r.policy_id,
    departmentId: r.department_id,
    version: r.version,
    snapshot: jsonb(r.snapshot),
    auditSeq: r.audit_seq,
    auditHead: r.audit_head,
  };
}
