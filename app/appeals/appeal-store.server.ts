import type { EntityManager } from '@mikro-orm/sql';
import type { CategoryLimits } from '../../entities/category';
import type { Urgency } from '../../entities/appeal';
import type { AuditRowContent } from '../cases/audit-chain';
import { textArray } from '../db/sql.server';

// The appeal write path in plain SQL: one read, one version-guarded update, one insert per
// side effect. The ORM's unit of work cost several times the database's own time here.

export interface AppealRow {
  id: number;
  number: string;
  version: number;
  snapshot: unknown;
  urgency: Urgency;
  callerPhone: string | null;
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

export interface AppealState {
  snapshot: unknown;
  machineVersion: number;
  phase: string;
  sla: string;
  tags: string[];
  leadDepartmentId: number | null;
  assignedGridId: number | null;
  acceptDueAt: Date | null;
  dueAt: Date | null;
  callbackDueAt: Date | null;
  closedAt: Date | null;
  submittedAt: Date | null;
  auditSeq: number;
  auditHead: string;
}

/**
 * A write that happens only with the appeal's guarded update, as a part of the same statement:
 * its SQL refers to the `changed` row, so a refused update writes nothing else either.
 */
export interface SideWrite {
  sql: string;
  params: unknown[];
}

export const sideWrites = {
  closeAssignments: (status: 'superseded' | 'returned', now: Date, leadOnly = false): SideWrite => ({
    sql: `update assignment set status = ?, updated_at = ? where appeal_id in (select id from changed) and status = 'active'${leadOnly ? ` and role = 'lead'` : ''}`,
    params: [status, now],
  }),
  addAssignment: (row: { departmentId?: number; gridId?: number; role: 'lead' | 'assisting' }, level: number, acceptDueAt: Date | null, now: Date): SideWrite => ({
    sql: `insert into assignment (appeal_id, department_id, grid_id, role, level, accept_due_at, status, created_at, updated_at)
          select id, ?, ?, ?, ?, ?, 'active', ?, ? from changed`,
    params: [row.departmentId ?? null, row.gridId ?? null, row.role, level, acceptDueAt, now, now],
  }),
  markAccepted: (now: Date): SideWrite => ({
    sql: `update assignment set accepted_at = ?, updated_at = ? where appeal_id in (select id from changed) and status = 'active' and role = 'lead'`,
    params: [now, now],
  }),
  /** Every change is queued for the report roll-ups; DO UPDATE waits out a drain holding the row, so none is missed. */
  queueForReports: (now: Date): SideWrite => ({
    sql: `insert into report_dirty (appeal_id, queued_at) select id, ? from changed
          on conflict (appeal_id) do update set queued_at = excluded.queued_at`,
    params: [now],
  }),
  queueSms: (phone: string, template: string, body: string, now: Date): SideWrite => ({
    sql: `insert into sms_outbox (appeal_id, phone, template, body, status, created_at, updated_at) select id, ?, ?, ?, 'pending', ?, ? from changed`,
    params: [phone, template, body, now, now],
  }),
};

export interface NewAppeal {
  id: number;
  number: string;
  source: string;
  type: string;
  urgency: string;
  categoryId: number;
  citizenId: number | null;
  callerPhone: string | null;
  title: string;
  content: string;
  address: string | null;
  gridId: number | null;
  lat: number | null;
  lng: number | null;
  confidential: boolean;
  anonymous: boolean;
  createdById: number;
  phase: string;
  sla: string;
  tags: string[];
  machineVersion: number;
  snapshot: unknown;
  auditHead: string;
  requestKey: string | null;
}

const asDate = (v: unknown) => (v ? new Date(v as string) : null);

export class AppealStore {
  constructor(private readonly em: EntityManager) {}

  private run<T = any>(sql: string, params: unknown[], method: 'all' | 'run' = 'all'): Promise<T> {
    return this.em.getConnection().execute(sql, params, method, this.em.getTransactionContext()) as Promise<T>;
  }

  async load(id: number): Promise<AppealRow | null> {
    const [r] = await this.run<Record<string, any>[]>(
      `select a.id, a.number, a.version, a.snapshot, a.urgency, a.caller_phone, a.anonymous, a.created_by_id, a.grid_id,
              a.lead_department_id, a.assigned_grid_id, a.due_at, a.audit_seq, a.audit_head, c.limits,
              array(select distinct s.department_id from assignment s where s.appeal_id = a.id and s.department_id is not null) as department_ids
         from appeal a join category c on c.id = a.category_id where a.id = ?`, [id]);
    if (!r) return null;
    return {
      id: r.id, number: r.number, version: r.version, snapshot: typeof r.snapshot === 'string' ? JSON.parse(r.snapshot) : r.snapshot,
      urgency: r.urgency, callerPhone: r.caller_phone, anonymous: r.anonymous, createdById: r.created_by_id, gridId: r.grid_id,
      leadDepartmentId: r.lead_department_id, assignedGridId: r.assigned_grid_id, dueAt: asDate(r.due_at), auditSeq: r.audit_seq,
      auditHead: r.audit_head, limits: typeof r.limits === 'string' ? JSON.parse(r.limits) : r.limits, departmentIds: r.department_ids ?? [],
    };
  }

  /**
   * Writes the new state, its audit row and its side writes in one statement, only if nobody
   * changed the appeal since `version`; false when someone did (then nothing was written).
   */
  async save(id: number, version: number, s: AppealState, audit: AuditRowContent, prevHash: string, now: Date, side: SideWrite[] = []): Promise<boolean> {
    const rows = await this.run<unknown[]>(
      `with changed as (
         update appeal set snapshot = ?, machine_version = ?, phase = ?, sla = ?, tags = ?::text[], lead_department_id = ?, assigned_grid_id = ?,
                accept_due_at = ?, due_at = ?, callback_due_at = ?, closed_at = ?, submitted_at = coalesce(?, submitted_at),
                audit_seq = ?, audit_head = ?, version = version + 1, updated_at = ?
          where id = ? and version = ? returning id)${side.map((w, i) => `, side${i} as (${w.sql})`).join('')}
       insert into appeal_event (appeal_id, seq, type, actor_id, actor_role, at, from_phase, to_phase, from_sla, to_sla, payload, prev_hash, hash)
       select id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? from changed returning seq`,
      [JSON.stringify(s.snapshot), s.machineVersion, s.phase, s.sla, textArray(s.tags), s.leadDepartmentId, s.assignedGridId, s.acceptDueAt, s.dueAt,
        s.callbackDueAt, s.closedAt, s.submittedAt, s.auditSeq, s.auditHead, now, id, version,
        ...side.flatMap((w) => w.params), ...this.auditValues(audit, prevHash, s.auditHead)]);
    return rows.length === 1;
  }

  private auditValues(row: AuditRowContent, prevHash: string, hash: string): unknown[] {
    return [row.seq, row.type, row.actorId, row.actorRole, row.at, row.fromPhase, row.toPhase, row.fromSla, row.toSla, JSON.stringify(row.payload), prevHash, hash];
  }

  /** Inserts a new appeal together with the first row of its audit chain. */
  async insert(a: NewAppeal, audit: AuditRowContent, now: Date): Promise<void> {
    await this.run(
      `with created as (
         insert into appeal (id, number, source, type, urgency, category_id, citizen_id, caller_phone, title, content, address, grid_id, lat, lng,
                confidential, anonymous, created_by_id, phase, sla, tags, machine_version, snapshot, audit_seq, audit_head, version, request_key, created_at, updated_at)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::text[], ?, ?, 1, ?, 1, ?, ?, ?) returning id)
       insert into appeal_event (appeal_id, seq, type, actor_id, actor_role, at, from_phase, to_phase, from_sla, to_sla, payload, prev_hash, hash)
       select id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? from created`,
      [a.id, a.number, a.source, a.type, a.urgency, a.categoryId, a.citizenId, a.callerPhone, a.title, a.content, a.address, a.gridId, a.lat, a.lng,
        a.confidential, a.anonymous, a.createdById, a.phase, a.sla, textArray(a.tags), a.machineVersion, JSON.stringify(a.snapshot), a.auditHead, a.requestKey, now, now,
        ...this.auditValues(audit, '', a.auditHead)],
      'run');
  }

  async exists(sql: string, params: unknown[]): Promise<boolean> {
    return (await this.run<unknown[]>(sql, params)).length > 0;
  }

  async activeDepartments(ids: number[]): Promise<number[]> {
    const rows = await this.run<{ id: number }[]>(`select id from department where active and id in (?)`, [ids]);
    return rows.map((r) => r.id);
  }
}
