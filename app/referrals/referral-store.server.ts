import type { EntityManager } from '@mikro-orm/sql';
import type { ReferralKind } from '../../machines/appeal-events';
import { jsonb, one } from '../db/sql.server';

// The referral case's reads for its write path; the writes are the kernel's.

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

export interface ReferralAgency {
  id: number;
  referralKind: ReferralKind | null;
  active: boolean;
}

const KIND_PREFIX: Record<ReferralKind, string> = {
  mediation: 'TJ',
  legalAid: 'FY',
  arbitration: 'ZC',
  counselling: 'XL',
};

/** Case numbers read like the agencies' own: 调解 TJ, 法援 FY, 仲裁 ZC, 心理 XL, then year and id. */
export function referralNumber(kind: ReferralKind, id: number, year: number): string {
  return `${KIND_PREFIX[kind]}${year}${String(id).padStart(6, '0')}`;
}

/** Allocated before the case exists, so the event that opens it can name it. */
export async function nextReferralId(em: EntityManager): Promise<number> {
  const r = await one<{ id: string | number }>(em, `select nextval(pg_get_serial_sequence('referral', 'id')) as id`);
  return Number(r!.id);
}

export async function loadReferral(em: EntityManager, id: number): Promise<ReferralRow | null> {
  const r = await one(
    em,
    `select id, number, appeal_id, kind, agency_id, parent_id, version, snapshot, audit_seq, audit_head
       from referral where id = ?`,
    [id],
  );
  if (!r) return null;
  return {
    id: r.id,
    number: r.number,
    appealId: r.appeal_id,
    kind: r.kind,
    agencyId: r.agency_id,
    parentId: r.parent_id,
    version: r.version,
    snapshot: jsonb(r.snapshot),
    auditSeq: r.audit_seq,
    auditHead: r.audit_head,
  };
}

/** The case a failed mediation was handed on to, if it was. */
export async function childOf(em: EntityManager, id: number): Promise<number | null> {
  const child = await one<{ id: number }>(em, 'select id from referral where parent_id = ? order by id limit 1', [id]);
  return child?.id ?? null;
}

export async function referralAgency(em: EntityManager, id: number): Promise<ReferralAgency | null> {
  const r = await one<{ id: number; referral_kind: ReferralKind | null; active: boolean }>(
    em,
    'select id, referral_kind, active from department where id = ?',
    [id],
  );
  return r ? { id: r.id, referralKind: r.referral_kind, active: r.active } : null;
}
