import type { EntityManager } from '@mikro-orm/sql';
import type { ReferralKind } from '../../machines/appeal-events';
import { textArray } from '../db/sql.server';

// The referral write path in plain SQL, like the appeal's: one read, one version-guarded update
// that also appends the audit row, so a refused update writes nothing.

export interface ReferralRow {
  id: number;
  number: string;
  appealId: number;
  kind: ReferralKind;
  agencyId: number;
  parentId: number | null;
  version: number;
  snapshot: unknown;
  auditSeq: number;
  auditHead: string;
}

export interface ReferralAuditRow {
  referralId: number;
  seq: number;
  type: string;
  actorId: number | null;
  actorRole: string;
  at: Date;
  fromPhase: string | null;
  toPhase: string;
  payload: Record<string, unknown>;
}

/** The columns mirrored from the snapshot for queues and lists. */
export interface ReferralState {
  snapshot: unknown;
  machineVersion: number;
  phase: string;
  tags: string[];
  handlerId: number | null;
  nextDueAt: Date | null;
  clockState: string;
  outcome: string | null;
  closedAt: Date | null;
}

export interface NewReferral extends ReferralState {
  id: number;
  number: string;
  appealId: number;
  kind: ReferralKind;
  agencyId: number;
  parentId: number | null;
  referredById: number;
  note: string | null;
}

const KIND_PREFIX: Record<ReferralKind, string> = { mediation: 'TJ', legalAid: 'FY', arbitration: 'ZC', counselling: 'XL' };

/** Case numbers read like the agencies' own: 调解 TJ, 法援 FY, 仲裁 ZC, 心理 XL, then year and id. */
export function referralNumber(kind: ReferralKind, id: number, year: number): string {
  return `${KIND_PREFIX[kind]}${year}${String(id).padStart(6, '0')}`;
}

const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);

export class ReferralStore {
  constructor(private readonly em: EntityManager) {}

  private run<T = any>(sql: string, params: unknown[], method: 'all' | 'run' = 'all'): Promise<T> {
    return this.em.getConnection().execute(sql, params, method, this.em.getTransactionContext()) as Promise<T>;
  }

  /** Allocated before the case exists, so the appeal's REFER event can name it. */
  async nextId(): Promise<number> {
    const [r] = await this.run<{ id: string | number }[]>(`select nextval(pg_get_serial_sequence('referral', 'id')) as id`, []);
    return Number(r.id);
  }

  async load(id: number): Promise<ReferralRow | null> {
    const [r] = await this.run<Record<string, any>[]>(
      `select id, number, appeal_id, kind, agency_id, parent_id, version, snapshot, audit_seq, audit_head from referral where id = ?`, [id]);
    if (!r) return null;
    return {
      id: r.id, number: r.number, appealId: r.appeal_id, kind: r.kind, agencyId: r.agency_id, parentId: r.parent_id, version: r.version,
      snapshot: json(r.snapshot), auditSeq: r.audit_seq, auditHead: r.audit_head,
    };
  }

  async childOf(id: number): Promise<number | null> {
    const [r] = await this.run<{ id: number }[]>(`select id from referral where parent_id = ? order by id limit 1`, [id]);
    return r?.id ?? null;
  }

  async agency(id: number): Promise<{ id: number; referralKind: ReferralKind | null; active: boolean } | null> {
    const [r] = await this.run<{ id: number; referral_kind: ReferralKind | null; active: boolean }[]>(
      `select id, referral_kind, active from department where id = ?`, [id]);
    return r ? { id: r.id, referralKind: r.referral_kind, active: r.active } : null;
  }

  async insert(r: NewReferral, audit: ReferralAuditRow, hash: string, now: Date): Promise<void> {
    await this.run(
      `with created as (
         insert into referral (id, number, appeal_id, kind, agency_id, parent_id, phase, tags, machine_version, snapshot, handler_id, next_due_at, clock_state,
                outcome, closed_at, referred_by_id, note, version, audit_seq, audit_head, created_at, updated_at)
         values (?, ?, ?, ?, ?, ?, ?, ?::text[], ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 1, ?, ?, ?) returning id)
       insert into referral_event (referral_id, seq, type, actor_id, actor_role, at, from_phase, to_phase, payload, prev_hash, hash)
       select id, ?, ?, ?, ?, ?, ?, ?, ?, '', ? from created`,
      [r.id, r.number, r.appealId, r.kind, r.agencyId, r.parentId, r.phase, textArray(r.tags), r.machineVersion, JSON.stringify(r.snapshot), r.handlerId, r.nextDueAt,
        r.clockState, r.outcome, r.closedAt, r.referredById, r.note, hash, now, now,
        audit.seq, audit.type, audit.actorId, audit.actorRole, audit.at, audit.fromPhase, audit.toPhase, JSON.stringify(audit.payload), hash],
      'run');
  }

  /** The new state and its audit row, only if nobody changed the case since `version`. */
  async save(id: number, version: number, s: ReferralState, audit: ReferralAuditRow, prevHash: string, hash: string, now: Date): Promise<boolean> {
    const rows = await this.run<unknown[]>(
      `with changed as (
         update referral set snapshot = ?, machine_version = ?, phase = ?, tags = ?::text[], handler_id = ?, next_due_at = ?, clock_state = ?, outcome = ?, closed_at = ?,
                audit_seq = ?, audit_head = ?, version = version + 1, updated_at = ?
          where id = ? and version = ? returning id)
       insert into referral_event (referral_id, seq, type, actor_id, actor_role, at, from_phase, to_phase, payload, prev_hash, hash)
       select id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? from changed returning seq`,
      [JSON.stringify(s.snapshot), s.machineVersion, s.phase, textArray(s.tags), s.handlerId, s.nextDueAt, s.clockState, s.outcome, s.closedAt, audit.seq, hash, now, id, version,
        audit.seq, audit.type, audit.actorId, audit.actorRole, audit.at, audit.fromPhase, audit.toPhase, JSON.stringify(audit.payload), prevHash, hash]);
    return rows.length === 1;
  }
}
