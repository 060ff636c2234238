import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import type { Actor } from '../../machines/actor';
import { localDateStart, localDateTime } from '../calendar/working-time';
import { maskPhone } from '../cases/masking';
import { all, one } from '../db/sql.server';
import { can } from '../domain/permissions';
import { Forbidden, NotFound, parseInput } from '../domain/errors';
import {
  LISTED_RECORD_COLUMNS,
  LISTED_UPLOAD_COLUMNS,
  LISTED_UPLOAD_JOINS,
  listedRecord,
  listedUpload,
  listPeriods,
  reportStatus,
  type ListedRecordColumns,
  type ListedUploadColumns,
  type PeriodRow,
  type RecordRow,
  type ReportStatus,
  type UploadRow,
} from '../policy-records/records.server';
import {
  addCounts,
  compositeScore,
  emptyCounts,
  GROUPS,
  rankRows,
  ratesOf,
  SATISFIED_LEVELS,
  type EvaluationCounts,
  type EvaluationGroup,
  type EvaluationRates,
} from './score';

export { GROUPS, type EvaluationGroup };

// The evaluation (晴雨表/评价器) of a reporting period: per policy, or per lead department (the sum of the policies
// it leads), what was reported (beneficiaries, amount, on time), what the callbacks found (sample, reached, receipt
// and amount confirmed, satisfaction) and what citizens asked and complained about; ranked by a composite score.
// A few grouped statements over the period, each keyed by policy; a department's row is the sum of its policies'.
// Scope: the hotline office (supervisor, admin) sees every department; a handler his own department's policies.

export interface EvaluationRow {
  /** The policy's or the department's id. */
  key: number;
  label: string;
  /** A policy's number and lead department; empty for a department row. */
  number: string;
  department: string;
  /** A policy's report status for the period (the records page's rule); null on a department row. */
  status: ReportStatus | null;
  firstReportedAt: string | null;
  counts: EvaluationCounts;
  rates: EvaluationRates;
  score: number | null;
  rank: number | null;
}

export interface Evaluation {
  period: PeriodRow;
  groupBy: EvaluationGroup;
  rows: EvaluationRow[];
  total: { counts: EvaluationCounts; rates: EvaluationRates; score: number | null };
  /** City time 'YYYY-MM-DD HH:mm'. */
  generatedAt: string;
}

export const evaluationQuery = z.object({
  periodId: z.coerce.number({ message: '请选择期间' }).int().positive('请选择期间'),
  groupBy: z.enum(GROUPS).default('policy'),
});

/** Everything the evaluation reads is either every department's or the actor's own. */
export function requireEvaluationReader(actor: Actor) {
  if (!can(actor, 'policy-evaluation:read')) throw new Forbidden('无权查看政策评价');
}
const everyDepartment = (actor: Actor) => can(actor, 'policy-records:oversee');
const ownDepartments = (actor: Actor) => (actor.departmentIds.length ? actor.departmentIds : [0]);

async function periodById(em: EntityManager, id: number): Promise<PeriodRow> {
  const period = (await listPeriods(em)).find((p) => p.id === id);
  if (!period) throw new NotFound('期间不存在');
  return period;
}

/** The instants of a period's first and last day in the city: an appeal counts by its submission inside them. */
export const periodWindow = (period: Pick<PeriodRow, 'startsOn' | 'endsOn'>) => ({
  from: localDateStart(period.startsOn),
  until: localDateStart(period.endsOn, 1),
});

// The policies a period evaluates: those published now, and any with records in the period (as the records page).
const POLICIES_SQL = `
  select p.id, p.number, p.title, p.lead_department_id as department_id, d.name as department
    from policy p join department d on d.id = p.lead_department_id
   where (exists (select 1 from policy_version v where v.policy_id = p.id and v.current)
          or exists (select 1 from policy_record r where r.policy_id = p.id and r.period_id = ?))
     and (? or p.lead_department_id in (?))
   order by p.number`;

// Counted from the records alone (the unique index leads with the period), and the first file that held each
// policy from the period's few uploads, so 500,000 records are never joined to their files.
const RECORDS_SQL = `
  select r.policy_id, count(*)::int as n, coalesce(sum(r.amount * 100), 0)::bigint as fen
    from policy_record r where r.period_id = ? group by r.policy_id`;
const FIRST_REPORTS_SQL = `
  select h.policy_id::int as policy_id, min(u.uploaded_at) as first_at
    from record_upload u cross join lateral jsonb_array_elements_text(u.policy_ids) as h(policy_id)
   where u.period_id = ? group by h.policy_id`;

/**
 * The appeals about a policy submitted in the period: a consultation cites one of its items in the answer or is
 * handed on about it; a complaint is about its delivery. An appeal counts once per policy and reason. On time is
 * the reports' own bit (appeal_fact.closed_on_time: closed by the handling deadline, decision 018).
 */
const APPEALS_CTE = `
  with about as (
    select c.policy_id, c.appeal_id, 'consultation' as reason from appeal_policy_citation c
    union
    select ap.policy_id, ap.appeal_id, ap.reason from appeal_policy ap
  )`;
const APPEALS_SQL = `${APPEALS_CTE}
  select x.policy_id,
         count(*) filter (where x.reason = 'consultation')::int as consultations,
         count(*) filter (where x.reason = 'complaint')::int as complaints,
         count(*) filter (where x.reason = 'complaint' and f.closed_on_time = 1)::int as complaints_on_time
    from about x join appeal a on a.id = x.appeal_id left join appeal_fact f on f.appeal_id = a.id
   where a.submitted_at >= ? and a.submitted_at < ? and a.tags @> '{counted}'
   group by x.policy_id`;

const REACHED = `c.outcome in ('confirmed', 'problem')`;
const CALLBACKS_SQL = `
  select c.policy_id, count(*)::int as sample,
         count(*) filter (where ${REACHED})::int as reached,
         count(*) filter (where ${REACHED} and c.received)::int as receipt_confirmed,
         count(*) filter (where ${REACHED} and c.amount_right)::int as amount_confirmed,
         count(*) filter (where ${REACHED} and c.satisfaction is not null)::int as satisfaction_base,
         count(*) filter (where ${REACHED} and c.satisfaction in (?))::int as satisfied
    from beneficiary_callback c where c.period_id = ? group by c.policy_id`;

interface PolicyRow {
  id: number;
  number: string;
  title: string;
  department_id: number;
  department: string;
}

/** Per policy (or lead department) of a period: every figure, its rates, the score and the rank. */
export async function policyEvaluation(
  em: EntityManager,
  actor: Actor,
  raw: { periodId: unknown; groupBy?: unknown },
  now = new Date(),
): Promise<Evaluation> {
  requireEvaluationReader(actor);
  const q = parseInput(evaluationQuery, raw);
  const period = await periodById(em, q.periodId);
  const window = periodWindow(period);
  const [policies, records, firsts, appeals, callbacks] = [
    await all<PolicyRow>(em, POLICIES_SQL, [period.id, everyDepartment(actor), ownDepartments(actor)]),
    await all<{ policy_id: number; n: number; fen: string | number }>(em, RECORDS_SQL, [period.id]),
    await all<{ policy_id: number; first_at: Date | string }>(em, FIRST_REPORTS_SQL, [period.id]),
    await all<{ policy_id: number; consultations: number; complaints: number; complaints_on_time: number }>(
      em,
      APPEALS_SQL,
      [window.from, window.until],
    ),
    await all<{
      policy_id: number;
      sample: number;
      reached: number;
      receipt_confirmed: number;
      amount_confirmed: number;
      satisfaction_base: number;
      satisfied: number;
    }>(em, CALLBACKS_SQL, [[...SATISFIED_LEVELS], period.id]),
  ];
  const recordsOf = new Map(records.map((r) => [r.policy_id, r]));
  const firstOf = new Map(firsts.map((r) => [r.policy_id, new Date(r.first_at)]));
  const appealsOf = new Map(appeals.map((r) => [r.policy_id, r]));
  const callbacksOf = new Map(callbacks.map((r) => [r.policy_id, r]));

  const policyRows = policies.map((p) => {
    const rec = recordsOf.get(p.id);
    const ap = appealsOf.get(p.id);
    const cb = callbacksOf.get(p.id);
    const firstAt = firstOf.get(p.id) ?? null;
    const status = reportStatus(firstAt, period, now);
    const counts: EvaluationCounts = {
      policies: 1,
      reportsDue: status === 'pending' ? 0 : 1,
      reportsOnTime: status === 'onTime' ? 1 : 0,
      reportsLate: status === 'late' ? 1 : 0,
      reportsMissing: status === 'overdue' ? 1 : 0,
      beneficiaries: rec?.n ?? 0,
      amountFen: Number(rec?.fen ?? 0),
      sample: cb?.sample ?? 0,
      reached: cb?.reached ?? 0,
      receiptConfirmed: cb?.receipt_confirmed ?? 0,
      amountConfirmed: cb?.amount_confirmed ?? 0,
      satisfactionBase: cb?.satisfaction_base ?? 0,
      satisfied: cb?.satisfied ?? 0,
      consultations: ap?.consultations ?? 0,
      complaints: ap?.complaints ?? 0,
      complaintsOnTime: ap?.complaints_on_time ?? 0,
    };
    return { policy: p, status, firstAt, counts };
  });

  const scored = (row: Omit<EvaluationRow, 'rates' | 'score' | 'rank'>) => {
    const rates = ratesOf(row.counts);
    return { ...row, rates, score: compositeScore(rates) };
  };
  let rows: Omit<EvaluationRow, 'rank'>[];
  if (q.groupBy === 'policy') {
    rows = policyRows.map((r) =>
      scored({
        key: r.policy.id,
        label: r.policy.title,
        number: r.policy.number,
        department: r.policy.department,
        status: r.status,
        firstReportedAt: r.firstAt ? localDateTime(r.firstAt) : null,
        counts: r.counts,
      }),
    );
  } else {
    const byDepartment = new Map<number, { label: string; counts: EvaluationCounts }>();
    for (const r of policyRows) {
      const d = byDepartment.get(r.policy.department_id) ?? { label: r.policy.department, counts: emptyCounts() };
      addCounts(d.counts, r.counts);
      byDepartment.set(r.policy.department_id, d);
    }
    rows = [...byDepartment].map(([id, d]) =>
      scored({
        key: id,
        label: d.label,
        number: '',
        department: d.label,
        status: null,
        firstReportedAt: null,
        counts: d.counts,
      }),
    );
  }
  const totalCounts = policyRows.reduce((sum, r) => addCounts(sum, r.counts), emptyCounts());
  const totalRates = ratesOf(totalCounts);
  return {
    period,
    groupBy: q.groupBy,
    rows: rankRows(rows),
    total: { counts: totalCounts, rates: totalRates, score: compositeScore(totalRates) },
    generatedAt: localDateTime(now),
  };
}

/** The periods the picker offers, the latest first. */
export async function evaluationPeriods(em: EntityManager, actor: Actor): Promise<PeriodRow[]> {
  requireEvaluationReader(actor);
  return listPeriods(em);
}

// ---- Drill-down: the records, uploads, appeals or callbacks behind one figure -------------------------------

export const DRILL_FIGURES = [
  'beneficiaries',
  'reports',
  'consultations',
  'complaints',
  'complaintsOnTime',
  'sample',
  'reached',
  'receiptConfirmed',
  'amountConfirmed',
  'satisfied',
] as const;
export type DrillFigure = (typeof DRILL_FIGURES)[number];
export type DrillKind = 'records' | 'uploads' | 'appeals' | 'callbacks';
export const DRILL_KIND: Record<DrillFigure, DrillKind> = {
  beneficiaries: 'records',
  reports: 'uploads',
  consultations: 'appeals',
  complaints: 'appeals',
  complaintsOnTime: 'appeals',
  sample: 'callbacks',
  reached: 'callbacks',
  receiptConfirmed: 'callbacks',
  amountConfirmed: 'callbacks',
  satisfied: 'callbacks',
};

export const DRILL_PAGE = 50;

export const drillQuery = z
  .object({
    period: z.coerce.number().int().positive(),
    figure: z.enum(DRILL_FIGURES),
    policy: z.coerce.number().int().positive().optional(),
    department: z.coerce.number().int().positive().optional(),
    after: z.coerce.number().int().nonnegative().optional(),
  })
  .refine((q) => (q.policy === undefined) !== (q.department === undefined), '请指定一项政策或一个牵头单位');
export type DrillQuery = z.infer<typeof drillQuery>;

export interface DrillAppeal {
  id: number;
  number: string;
  policy: string;
  title: string;
  submittedAt: string;
  reason: 'consultation' | 'complaint';
  onTime: boolean;
  phase: string;
}
export interface DrillCallback {
  id: number;
  policy: string;
  name: string;
  phone: string;
  outcome: string | null;
  received: boolean | null;
  amountRight: boolean | null;
  satisfaction: string | null;
  attempts: number;
  closedAt: string | null;
}

export type DrillItems =
  | { kind: 'records'; items: RecordRow[] }
  | { kind: 'uploads'; items: UploadRow[] }
  | { kind: 'appeals'; items: DrillAppeal[] }
  | { kind: 'callbacks'; items: DrillCallback[] };

export type Drill = DrillItems & {
  query: DrillQuery;
  period: PeriodRow;
  /** The policy or department named. */
  subject: string;
  total: number;
  /** The last id on this page when there are more. */
  next: number | null;
};

// Which rows of its kind a figure counts (the same conditions as the figures' statements).
const FIGURE_FILTER: Record<DrillFigure, string> = {
  beneficiaries: '',
  reports: '',
  consultations: `x.reason = 'consultation'`,
  complaints: `x.reason = 'complaint'`,
  complaintsOnTime: `x.reason = 'complaint' and f.closed_on_time = 1`,
  sample: 'true',
  reached: REACHED,
  receiptConfirmed: `${REACHED} and c.received`,
  amountConfirmed: `${REACHED} and c.amount_right`,
  satisfied: `${REACHED} and c.satisfaction in (?)`,
};

/** One figure's records, uploads, appeals or callbacks, in pages of DRILL_PAGE, masked as the records page masks. */
export async function evaluationDrill(em: EntityManager, actor: Actor, raw: unknown): Promise<Drill> {
  requireEvaluationReader(actor);
  const q = parseInput(drillQuery, raw);
  const period = await periodById(em, q.period);
  let subject: string;
  let policyIds: number[];
  if (q.policy !== undefined) {
    const p = await one<{ id: number; title: string; lead_department_id: number }>(
      em,
      'select id, title, lead_department_id from policy where id = ?',
      [q.policy],
    );
    if (!p) throw new NotFound('政策不存在');
    if (!everyDepartment(actor) && !actor.departmentIds.includes(p.lead_department_id))
      throw new Forbidden('只能查看本单位牵头政策的评价');
    subject = p.title;
    policyIds = [p.id];
  } else {
    if (!everyDepartment(actor) && !actor.departmentIds.includes(q.department!))
      throw new Forbidden('只能查看本单位牵头政策的评价');
    const d = await one<{ name: string }>(em, 'select name from department where id = ?', [q.department]);
    if (!d) throw new NotFound('单位不存在');
    subject = d.name;
    policyIds = (
      await all<{ id: number }>(em, 'select id from policy where lead_department_id = ?', [q.department])
    ).map((r) => r.id);
  }
  const ids = policyIds.length ? policyIds : [0];
  const after = q.after ?? 0;
  const kind = DRILL_KIND[q.figure];
  const page = <T extends { id: number }>(rows: T[]) => ({
    items: rows.slice(0, DRILL_PAGE),
    next: rows.length > DRILL_PAGE ? rows[DRILL_PAGE - 1].id : null,
  });
  const counted = async (sql: string, params: unknown[]) => (await all<{ n: number }>(em, sql, params))[0].n;
  const base = { query: q, period, subject };

  if (kind === 'records') {
    const [{ n }] = await all<{ n: number }>(
      em,
      'select count(*)::int as n from policy_record where period_id = ? and policy_id in (?)',
      [period.id, ids],
    );
    const rows = await all<ListedRecordColumns>(
      em,
      `select ${LISTED_RECORD_COLUMNS}
         from policy_record r join record_upload u on u.id = r.upload_id join policy p on p.id = r.policy_id
        where r.period_id = ? and r.policy_id in (?) and r.id > ? order by r.id limit ?`,
      [period.id, ids, after, DRILL_PAGE + 1],
    );
    const { items, next } = page(rows);
    return { ...base, kind, total: n, next, items: items.map(listedRecord) };
  }

  if (kind === 'uploads') {
    // The files that reported the policies: the first one of each policy decides whether it was on time.
    const uploadsWhere = `u.period_id = ?
          and exists (select 1 from policy_record r where r.upload_id = u.id and r.policy_id in (?))`;
    const n = await counted(`select count(*)::int as n from record_upload u where ${uploadsWhere}`, [period.id, ids]);
    const rows = await all<ListedUploadColumns>(
      em,
      `select ${LISTED_UPLOAD_COLUMNS}
         from record_upload u ${LISTED_UPLOAD_JOINS}
        where ${uploadsWhere} and u.id > ? order by u.id limit ?`,
      [period.id, ids, after, DRILL_PAGE + 1],
    );
    const { items, next } = page(rows);
    return { ...base, kind, total: n, next, items: items.map((u) => listedUpload(u, period)) };
  }

  if (kind === 'appeals') {
    const window = periodWindow(period);
    const where = `x.policy_id in (?) and a.submitted_at >= ? and a.submitted_at < ? and a.tags @> '{counted}'
      and ${FIGURE_FILTER[q.figure]}`;
    const params = [ids, window.from, window.until];
    const [{ n }] = await all<{ n: number }>(
      em,
      `${APPEALS_CTE} select count(*)::int as n
         from about x join appeal a on a.id = x.appeal_id left join appeal_fact f on f.appeal_id = a.id where ${where}`,
      params,
    );
    // An appeal about two of a department's policies is listed under each: the figures count it under each.
    const rows = await all<{
      id: number;
      appeal_id: number;
      number: string;
      policy: string;
      title: string;
      submitted_at: Date | string;
      reason: 'consultation' | 'complaint';
      on_time: number | null;
      phase: string;
    }>(
      em,
      `${APPEALS_CTE}, listed as (
         select a.id * 100000 + x.policy_id as id, a.id as appeal_id, a.number, p.title as policy, a.title,
                a.submitted_at, x.reason, f.closed_on_time as on_time, a.phase
           from about x join appeal a on a.id = x.appeal_id join policy p on p.id = x.policy_id
           left join appeal_fact f on f.appeal_id = a.id
          where ${where})
       select * from listed where id > ? order by id limit ?`,
      [...params, after, DRILL_PAGE + 1],
    );
    const { items, next } = page(rows);
    return {
      ...base,
      kind,
      total: n,
      // The cursor is the listed row's key (appeal and policy), not the appeal's id.
      next,
      items: items.map((r) => ({
        id: r.appeal_id,
        number: r.number,
        policy: r.policy,
        title: r.title,
        submittedAt: localDateTime(new Date(r.submitted_at)),
        reason: r.reason,
        onTime: r.on_time === 1,
        phase: r.phase,
      })),
    };
  }

  const filter = FIGURE_FILTER[q.figure];
  const satisfiedParams = q.figure === 'satisfied' ? [[...SATISFIED_LEVELS]] : [];
  const [{ n }] = await all<{ n: number }>(
    em,
    `select count(*)::int as n from beneficiary_callback c where c.period_id = ? and c.policy_id in (?) and ${filter}`,
    [period.id, ids, ...satisfiedParams],
  );
  const rows = await all<{
    id: number;
    policy: string;
    name: string;
    phone: string;
    outcome: string | null;
    received: boolean | null;
    amount_right: boolean | null;
    satisfaction: string | null;
    attempts: number;
    closed_at: Date | string | null;
  }>(
    em,
    `select c.id, p.title as policy, r.name, c.phone, c.outcome, c.received, c.amount_right, c.satisfaction,
            c.attempts, c.closed_at
       from beneficiary_callback c join policy p on p.id = c.policy_id join policy_record r on r.id = c.record_id
      where c.period_id = ? and c.policy_id in (?) and ${filter} and c.id > ? order by c.id limit ?`,
    [period.id, ids, ...satisfiedParams, after, DRILL_PAGE + 1],
  );
  const { items, next } = page(rows);
  return {
    ...base,
    kind: 'callbacks',
    total: n,
    next,
    items: items.map((c) => ({
      id: c.id,
      policy: c.policy,
      name: c.name,
      phone: maskPhone(c.phone),
      outcome: c.outcome,
      received: c.received,
      amountRight: c.amount_right,
      satisfaction: c.satisfaction,
      attempts: c.attempts,
      closedAt: c.closed_at ? localDateTime(new Date(c.closed_at)) : null,
    })),
  };
}
