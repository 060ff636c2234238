import type { EntityManager } from '@mikro-orm/sql';
import type { Actor } from '../../machines/actor';
import { acceptedCallbackEvents, restoreCallbackSnapshot } from '../../machines/beneficiary-callback';
import { all, jsonb, one } from '../db/sql.server';
import { NotFound } from '../domain/errors';
import { canSeeCallback } from './scope';

// What the callback agents and the office read: the open callbacks in keyset pages by due time (the queue's own
// partial index), the periods with their draws, and one callback with its record.

export const QUEUE_PAGE = 50;

export interface QueueItem {
  id: number;
  periodLabel: string;
  policyNumber: string;
  policyTitle: string;
  departmentName: string;
  beneficiaryName: string;
  phone: string;
  attempts: number;
  overdue: boolean;
  dueAt: string;
}

/** The cursor of a page: the last row's due time and id. */
export function queueCursor(item: Pick<QueueItem, 'dueAt' | 'id'>): string {
  return `${item.dueAt}_${item.id}`;
}

function parseCursor(after: string | null): { dueAt: Date; id: number } | null {
  const m = after ? /^(.+)_(\d+)$/.exec(after) : null;
  if (!m || Number.isNaN(Date.parse(m[1]))) return null;
  return { dueAt: new Date(m[1]), id: Number(m[2]) };
}

/** The open callbacks, earliest due first (the late ones first of all), a page at a time. */
export async function callbackQueue(
  em: EntityManager,
  actor: Actor,
  opts: { after?: string | null } = {},
): Promise<{ items: QueueItem[]; next: string | null }> {
  if (!canSeeCallback(actor, { departmentId: 0 })) return { items: [], next: null };
  const cursor = parseCursor(opts.after ?? null);
  const rows = await all(
    em,
    `select b.id, pp.label, p.number, p.title, d.name as department, r.name, b.phone, b.attempts, b.due_at,
            b.tags @> '{overdue}' as overdue
       from beneficiary_callback b
       join policy_record r on r.id = b.record_id
       join policy p on p.id = b.policy_id
       join department d on d.id = b.department_id
       join policy_period pp on pp.id = b.period_id
      where b.tags @> '{open}' ${cursor ? 'and (b.due_at, b.id) > (?, ?)' : ''}
      order by b.due_at, b.id
      limit ?`,
    [...(cursor ? [cursor.dueAt, cursor.id] : []), QUEUE_PAGE + 1],
  );
  const items = rows.slice(0, QUEUE_PAGE).map((r): QueueItem => ({
    id: r.id,
    periodLabel: r.label,
    policyNumber: r.number,
    policyTitle: r.title,
    departmentName: r.department,
    beneficiaryName: r.name,
    phone: r.phone,
    attempts: r.attempts,
    overdue: r.overdue,
    dueAt: new Date(r.due_at).toISOString(),
  }));
  return { items, next: rows.length > QUEUE_PAGE ? queueCursor(items[items.length - 1]) : null };
}

export interface PeriodDraw {
  periodId: number;
  label: string;
  records: number;
  sample: {
    seed: string;
    share: number;
    minimum: number;
    drawn: number;
    drawnAt: string;
    drawnBy: string;
    open: number;
    confirmed: number;
    problem: number;
    unreachable: number;
  } | null;
}

/** Every period with its records and its draw, if made, and how its callbacks ended so far. */
export async function periodDraws(em: EntityManager): Promise<PeriodDraw[]> {
  const rows = await all(
    em,
    `select p.id, p.label, (select count(*)::int from policy_record r where r.period_id = p.id) as records,
            s.seed, s.share, s.minimum, s.drawn_count, s.drawn_at, u.display_name,
            (select count(*)::int from beneficiary_callback b where b.sample_id = s.id and b.tags @> '{open}') as open,
            (select count(*)::int from beneficiary_callback b where b.sample_id = s.id and b.outcome = 'confirmed') as confirmed,
            (select count(*)::int from beneficiary_callback b where b.sample_id = s.id and b.outcome = 'problem') as problem,
            (select count(*)::int from beneficiary_callback b where b.sample_id = s.id and b.outcome = 'unreachable') as unreachable
       from policy_period p
       left join callback_sample s on s.period_id = p.id
       left join app_user u on u.id = s.drawn_by_id
      order by p.starts_on desc`,
  );
  return rows.map((r) => ({
    periodId: r.id,
    label: r.label,
    records: r.records,
    sample:
      r.seed === null
        ? null
        : {
            seed: r.seed,
            share: Number(r.share),
            minimum: r.minimum,
            drawn: r.drawn_count,
            drawnAt: new Date(r.drawn_at).toISOString(),
            drawnBy: r.display_name,
            open: r.open,
            confirmed: r.confirmed,
            problem: r.problem,
            unreachable: r.unreachable,
          },
  }));
}

export interface CallbackDetail {
  id: number;
  version: number;
  periodLabel: string;
  policy: { id: number; number: string; title: string };
  departmentName: string;
  record: { name: string; kind: string; phone: string; amount: string; paidOn: string; way: string };
  attempts: { at: string; reason: string }[];
  maxAttempts: number;
  overdue: boolean;
  open: boolean;
  dueAt: string;
  outcome: string | null;
  result: {
    received: boolean;
    amountRight: boolean;
    onTime: boolean;
    satisfaction: string;
    problem: string | null;
  } | null;
  cancelReason: string | null;
  appeal: { id: number; number: string } | null;
  /** The steps this user may take now. */
  steps: string[];
}

/** One callback with its record (the ID number never leaves the database) and the steps open to the user. */
export async function callbackDetail(
  em: EntityManager,
  actor: Actor,
  id: number,
  now = new Date(),
): Promise<CallbackDetail> {
  const r = await one(
    em,
    `select b.id, b.version, b.snapshot, b.department_id, b.due_at, pp.label, p.id as policy_id, p.number, p.title,
            d.name as department, rec.name, rec.beneficiary_kind, rec.phone, rec.amount::text as amount,
            to_char(rec.paid_on, 'YYYY-MM-DD') as paid_on, rec.way, a.id as appeal_id, a.number as appeal_number
       from beneficiary_callback b
       join policy_record rec on rec.id = b.record_id
       join policy p on p.id = b.policy_id
       join department d on d.id = b.department_id
       join policy_period pp on pp.id = b.period_id
       left join appeal a on a.id = b.appeal_id
      where b.id = ?`,
    [id],
  );
  if (!r || !canSeeCallback(actor, { departmentId: r.department_id })) throw new NotFound('回访不存在');
  const snapshot = restoreCallbackSnapshot(jsonb(r.snapshot));
  const c = snapshot.context;
  return {
    id: r.id,
    version: r.version,
    periodLabel: r.label,
    policy: { id: r.policy_id, number: r.number, title: r.title },
    departmentName: r.department,
    record: {
      name: r.name,
      kind: r.beneficiary_kind,
      phone: r.phone,
      amount: r.amount,
      paidOn: r.paid_on,
      way: r.way,
    },
    attempts: c.attempts.map((a) => ({ at: a.at, reason: a.reason })),
    maxAttempts: c.maxAttempts,
    overdue: snapshot.hasTag('overdue'),
    open: snapshot.hasTag('open'),
    dueAt: new Date(r.due_at).toISOString(),
    outcome: c.outcome,
    result: c.result,
    cancelReason: c.cancelReason,
    appeal: r.appeal_id ? { id: r.appeal_id, number: r.appeal_number } : null,
    steps: acceptedCallbackEvents(snapshot, actor, now.toISOString()),
  };
}
