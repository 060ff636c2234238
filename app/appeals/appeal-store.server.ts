import type { EntityManager } from '@mikro-orm/sql';
import type { CategoryLimits } from '../../entities/category';
import type { AppealSource, AppealType, Urgency } from '../../entities/appeal';
import type { SideWrite } from '../cases/transition.server';
import { all, dateOrNull, jsonb, one } from '../db/sql.server';

// The appeal's reads for its write path, and the side writes its steps add to the kernel's one
// guarded statement (decision 006).

export interface AppealRow {
  id: number;
  number: string;
  version: number;
  snapshot: unknown;
  urgency: Urgency;
  categoryId: number;
  type: AppealType;
  address: string | null;
  submittedAt: Date | null;
  callerPhone: string | null;
  source: AppealSource;
  anonymous: boolean;
  createdById: number;
  gridId: number | null;
  leadDepartmentId: number | null;
  assignedGridId: number | null;
  dueAt: Date | null;
  auditSeq: number;
  auditHead: string;
  limits: CategoryLimits;
  /** Every department the appeal was ever sent to. */
  departmentIds: number[];
}

export const sideWrites = {
  closeAssignments: (status: 'superseded' | 'returned', now: Date, leadOnly = false): SideWrite => ({
    sql: `update assignment set status = ?, updated_at = ? where appeal_id in (select id from changed) and status = 'active'${leadOnly ? ` and role = 'lead'` : ''}`,
    params: [status, now],
  }),
  addAssignment: (
    row: { departmentId?: number; gridId?: number; role: 'lead' | 'assisting'; dueAt?: Date },
    level: number,
    acceptDueAt: Date | null,
    now: Date,
  ): SideWrite => ({
    sql: `insert into assignment (appeal_id, department_id, grid_id, role, level, accept_due_at, due_at, status, created_at, updated_at)
          select id, ?, ?, ?, ?, ?, ?, 'active', ?, ? from changed`,
    params: [row.departmentId ?? null, row.gridId ?? null, row.role, level, acceptDueAt, row.dueAt ?? null, now, now],
  }),
  /** An assisting unit's order row follows its step: accepted, or answered (done). */
  markAssist: (
    departmentId: number,
    change: { acceptedAt?: Date; status?: 'done'; answeredAt?: Date },
    now: Date,
  ): SideWrite => ({
    sql: `update assignment set accepted_at = coalesce(?, accepted_at), answered_at = coalesce(?, answered_at),
                 status = coalesce(?, status), updated_at = ?
           where appeal_id in (select id from changed) and role = 'assisting' and status = 'active' and department_id = ?`,
    params: [change.acceptedAt ?? null, change.answeredAt ?? null, change.status ?? null, now, departmentId],
  }),
  waiveAssists: (now: Date): SideWrite => ({
    sql: `update assignment set status = 'waived', updated_at = ?
           where appeal_id in (select id from changed) and role = 'assisting' and status = 'active'`,
    params: [now],
  }),
  markAccepted: (now: Date): SideWrite => ({
    sql: `update assignment set accepted_at = ?, updated_at = ? where appeal_id in (select id from changed) and status = 'active' and role = 'lead'`,
    params: [now, now],
  }),
  /** The policy item an answer cites (政策条款), kept beside the step's audit row that holds the same. */
  citePolicy: (c: { policyId: number; versionNo: number; itemNo: number }, actorId: number, now: Date): SideWrite => ({
    sql: `insert into appeal_policy_citation (appeal_id, policy_id, version_no, item_no, cited_by_id, cited_at)
          select id, ?, ?, ?, ?, ? from changed on conflict do nothing`,
    params: [c.policyId, c.versionNo, c.itemNo, actorId, now],
  }),
  /** What the appeal is about when a policy's lead department handles it: one row per appeal, the last handover's. */
  linkPolicy: (
    l: { policyId: number; recordId: number | null; reason: string; complaintKind: string | null },
    actorId: number,
    now: Date,
  ): SideWrite => ({
    sql: `insert into appeal_policy (appeal_id, policy_id, record_id, reason, complaint_kind, created_by_id, created_at)
          select id, ?, ?, ?, ?, ?, ? from changed
          on conflict (appeal_id) do update set policy_id = excluded.policy_id, record_id = excluded.record_id,
             reason = excluded.reason, complaint_kind = excluded.complaint_kind,
             created_by_id = excluded.created_by_id, created_at = excluded.created_at`,
    params: [l.policyId, l.recordId, l.reason, l.complaintKind, actorId, now],
  }),
  /** Every change is queued for the report roll-ups; DO UPDATE waits out a drain holding the row, so none is missed. */
  queueForReports: (now: Date): SideWrite => ({
    sql: `insert into report_dirty (appeal_id, queued_at) select id, ? from changed
          on conflict (appeal_id) do update set queued_at = excluded.queued_at`,
    params: [now],
  }),
};

/** The appeal with what its steps need: category limits, scope and the people to notify. */
export async function loadAppeal(em: EntityManager, id: number): Promise<AppealRow | null> {
  const r = await one(
    em,
    `select a.id, a.number, a.version, a.snapshot, a.urgency, a.category_id, a.type, a.address, a.submitted_at, a.caller_phone, a.source, a.anonymous, a.created_by_id, a.grid_id,
            a.lead_department_id, a.assigned_grid_id, a.due_at, a.audit_seq, a.audit_head, c.limits,
            array(select distinct s.department_id from assignment s
                   where s.appeal_id = a.id and s.department_id is not null) as department_ids
       from appeal a join category c on c.id = a.category_id where a.id = ?`,
    [id],
  );
  if (!r) return null;
  return {
    id: r.id,
    number: r.number,
    version: r.version,
    snapshot: jsonb(r.snapshot),
    urgency: r.urgency,
    categoryId: r.category_id,
    type: r.type,
    address: r.address,
    submittedAt: dateOrNull(r.submitted_at),
    callerPhone: r.caller_phone,
    source: r.source,
    anonymous: r.anonymous,
    createdById: r.created_by_id,
    gridId: r.grid_id,
    leadDepartmentId: r.lead_department_id,
    assignedGridId: r.assigned_grid_id,
    dueAt: dateOrNull(r.due_at),
    auditSeq: r.audit_seq,
    auditHead: r.audit_head,
    limits: jsonb(r.limits),
    departmentIds: r.department_ids ?? [],
  };
}

export async function exists(em: EntityManager, sql: string, params: unknown[]): Promise<boolean> {
  return (await all(em, sql, params)).length > 0;
}

export async function activeDepartments(em: EntityManager, ids: number[]): Promise<number[]> {
  const rows = await all<{ id: number }>(em, 'select id from department where active and id in (?)', [ids]);
  return rows.map((r) => r.id);
}
