import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import { LIMIT_UNITS, type PolicyHandoverReason } from '../../machines/appeal-events';
import type { TimeLimitSpec } from '../../entities/category';
import type { WorkCalendar } from '../calendar/working-time';
import { all, jsonb, one, textArray } from '../db/sql.server';
import { InvalidInput } from '../domain/errors';
import type { AppealRow } from './appeal-store.server';
import { limitDeadline } from './deadlines';

// A policy's consultation or complaint handed to its lead department (转首席代表, 异议处置): where it goes (the lead
// department and chief representative of the policy's current published version), on which limits (the city's
// setting), and whether an implementation record named with a complaint is the caller's. The appeal kind asks these
// while computing and checking the HAND_TO_POLICY_LEAD step; intake asks them before it writes anything.

export const HANDOVER_LIMITS_SETTING = 'policy.handoverLimits';

const limit = z.object({ amount: z.number().int().min(1).max(60), unit: z.enum(LIMIT_UNITS) }).strict();
const limits = z.object({ accept: limit, handling: limit }).strict();
/** A consultation has its own short limits; a complaint keeps its category's unless the city sets its own. */
export const handoverLimitsSchema = z.object({ consultation: limits, complaint: limits.nullable() }).strict();
export type HandoverLimits = z.output<typeof handoverLimitsSchema>;

/** One working day to answer a consultation, two working hours to accept it; a complaint on its category's limits. */
export const DEFAULT_HANDOVER_LIMITS: HandoverLimits = {
  consultation: { accept: { amount: 2, unit: 'workingHours' }, handling: { amount: 1, unit: 'workingDays' } },
  complaint: null,
};

/** The limits in force: the app setting `policy.handoverLimits` when it is valid, else the defaults. */
export async function handoverLimits(em: EntityManager): Promise<HandoverLimits> {
  const row = await one<{ value: unknown }>(em, 'select value from app_setting where key = ?', [
    HANDOVER_LIMITS_SETTING,
  ]);
  const parsed = row ? handoverLimitsSchema.safeParse(jsonb(row.value)) : null;
  return parsed?.success ? parsed.data : DEFAULT_HANDOVER_LIMITS;
}

export interface HandoverTarget {
  leadDepartmentId: number;
  /** Null when the version names none, or the account no longer works in the lead department. */
  chiefRepresentativeId: number | null;
}

/**
 * Where a question about the policy goes now: the lead department of its current published version (a retired or
 * never published policy has none), with the version's chief representative while he is an active member of it.
 */
export async function handoverTarget(em: EntityManager, policyId: number): Promise<HandoverTarget | null> {
  const r = await one<{ department_id: number; chief_id: number | null }>(
    em,
    `select d.id as department_id, u.id as chief_id
       from policy_version v
       join department d on d.id = (v.content#>>'{leadDepartment,id}')::int and d.active
       left join app_user u on u.id = (v.content#>>'{chiefRepresentative,id}')::int and u.active
                           and u.department_id = d.id
      where v.policy_id = ? and v.current`,
    [policyId],
  );
  return r ? { leadDepartmentId: r.department_id, chiefRepresentativeId: r.chief_id ?? null } : null;
}

export const NOT_HANDED_OVER = '该政策未发布或已废止，不能转办，请重新查找政策';
export const NOT_THE_CALLERS = '所选落实记录不属于该政策或该来电人';

/** The step's server fields: target and deadlines, computed from the policy and the limits, never from the browser. */
export async function handoverFields(
  em: EntityManager,
  cal: WorkCalendar,
  now: Date,
  appeal: AppealRow,
  input: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const policyId = Number(input.policyId);
  const target = Number.isInteger(policyId) && policyId > 0 ? await handoverTarget(em, policyId) : null;
  if (!target) throw new InvalidInput(NOT_HANDED_OVER, { policyId: [NOT_HANDED_OVER] });
  const reason = input.reason as PolicyHandoverReason;
  const set = await handoverLimits(em);
  const own = reason === 'consultation' ? set.consultation : set.complaint;
  const accept: TimeLimitSpec = own?.accept ?? appeal.limits.accept;
  const handling: TimeLimitSpec = own?.handling ?? appeal.limits[appeal.urgency];
  // Without limits of its own a complaint keeps the deadline it got at submission, as a dispatch does.
  const dueAt = own || !appeal.dueAt ? limitDeadline(cal, now, handling) : appeal.dueAt;
  return {
    ...target,
    acceptDueAt: limitDeadline(cal, now, accept).toISOString(),
    dueAt: dueAt.toISOString(),
    dueUnit: handling.unit,
  };
}

/**
 * The caller's implementation records: under the phone, under one of the person's ID number blind indexes (a list
 * or a subquery), or of a firm the phone speaks for.
 */
const callersRecords = (personKeys: string) => `(r.phone = ?
       or (r.beneficiary_kind = 'person' and r.beneficiary_key in (${personKeys}))
       or (r.beneficiary_kind = 'firm' and r.credit_code in
             (select f.credit_code from firm f join firm_contact c on c.firm_id = f.id where c.phone = ?)))`;

/** Who an appeal's caller is, for matching records: the phone and the citizen's blind index. */
async function callerOf(em: EntityManager, appealId: number): Promise<{ phone: string; indexes: string[] } | null> {
  const r = await one<{ phone: string | null; idx: string | null }>(
    em,
    `select a.caller_phone as phone, z.id_number_index as idx
       from appeal a left join citizen z on z.id = a.citizen_id where a.id = ?`,
    [appealId],
  );
  return r?.phone ? { phone: r.phone, indexes: r.idx ? [r.idx] : [] } : null;
}

/** The step's check: the record is of this policy and of this appeal's caller; else a field error. */
export async function checkHandoverRecord(
  em: EntityManager,
  appealId: number,
  policyId: number,
  recordId: number,
): Promise<void> {
  const caller = await callerOf(em, appealId);
  const found = caller
    ? await all(
        em,
        `select 1 from policy_record r
          where r.id = ? and r.policy_id = ? and ${callersRecords('select unnest(?::text[])')}`,
        [recordId, policyId, caller.phone, textArray(caller.indexes), caller.phone],
      )
    : [];
  if (!found.length) throw new InvalidInput(NOT_THE_CALLERS, { recordId: [NOT_THE_CALLERS] });
}

/** A recorded benefit of the caller (政策落实记录), as the operator sees it: no ID number, the name as reported. */
export interface CallerRecord {
  id: number;
  policyId: number;
  policyTitle: string;
  period: string;
  name: string;
  amount: string;
  paidOn: string;
}

/**
 * The caller's recorded benefits, newest first: records under the phone, the ID number's blind indexes (of the
 * citizen kept under the phone, or typed on the form) and the firms the phone speaks for. A complaint may name one.
 */
export async function callerRecords(
  em: EntityManager,
  phone: string,
  idNumberIndexes: string[] = [],
  policyId?: number,
): Promise<CallerRecord[]> {
  const rows = await all(
    em,
    `select r.id, r.policy_id, p.title, pp.label, r.name, r.amount::text as amount,
            to_char(r.paid_on, 'YYYY-MM-DD') as paid_on
       from policy_record r join policy p on p.id = r.policy_id join policy_period pp on pp.id = r.period_id
      where ${callersRecords(`select unnest(?::text[]) union
              select z.id_number_index from citizen z where z.phone = ? and z.id_number_index is not null`)}
        ${policyId ? 'and r.policy_id = ?' : ''}
      order by r.paid_on desc, r.id desc limit 50`,
    [phone, textArray(idNumberIndexes), phone, phone, ...(policyId ? [policyId] : [])],
  );
  return rows.map((r) => ({
    id: r.id,
    policyId: r.policy_id,
    policyTitle: r.title,
    period: r.label,
    name: r.name,
    amount: r.amount,
    paidOn: r.paid_on,
  }));
}
