import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import type { Actor } from '../../machines/actor';
import type { BeneficiaryKind, PaymentWay, PeriodKind } from '../../entities/policy-record';
import { isValidLocalDate, localDateOf, localDateStart, localDateTime } from '../calendar/working-time';
import { maskPhone } from '../cases/masking';
import { all, inTransaction, one, run } from '../db/sql.server';
import { isUniqueViolation } from '../db/unique-violation.server';
import { problem, type Problem } from '../domain/problem';
import { can } from '../domain/permissions';
import { Conflict, Forbidden, InvalidInput, NotFound, parseInput } from '../domain/errors';
import { idNumberIndexes, maskedIdNumber, sealIdNumber } from '../security/id-number.server';
import { defaultDueOn, periodOf } from './periods';
import { RecordsFileRefused, readRecordsFile, recordsTemplate, type RowProblems } from './records-file.server';
import { checkRows, type CheckedRecord, type ReportablePolicy } from './rows';

// Implementation records (政策落实记录): the reporting periods the hotline office opens, the lead departments'
// Excel files checked row by row and stored all or nothing, and per period and policy whether the department
// reported, on time or late. Scope: a handler reports and reads the policies his department leads; the admin
// reports for any; the hotline office (supervisor, admin) reads every department's.

export interface PeriodRow {
  id: number;
  label: string;
  kind: PeriodKind;
  startsOn: string;
  endsOn: string;
  dueOn: string;
}

const day = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));
const periodRow = (r: {
  id: number;
  label: string;
  kind: PeriodKind;
  starts_on: unknown;
  ends_on: unknown;
  due_on: unknown;
}) => ({
  id: r.id,
  label: r.label,
  kind: r.kind,
  startsOn: day(r.starts_on),
  endsOn: day(r.ends_on),
  dueOn: day(r.due_on),
});
const PERIOD_COLUMNS = `id, label, kind, to_char(starts_on, 'YYYY-MM-DD') as starts_on,
  to_char(ends_on, 'YYYY-MM-DD') as ends_on, to_char(due_on, 'YYYY-MM-DD') as due_on`;

/** The instant after which a period's records are late: the end of its due day in the city. */
const lateAfter = (period: { dueOn: string }) => localDateStart(period.dueOn, 1);

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** What the hotline office submits to open a period: its label, and a due date unless the default suits. */
export const periodInput = z
  .object({
    label: z.string({ message: '请填写期间，如 2026-11 或 2026Q4' }).trim().max(10, '期间格式应为 2026-11 或 2026Q4'),
    dueOn: z.preprocess(
      blank,
      z
        .string()
        .trim()
        .regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD')
        .refine(isValidLocalDate, '日期不存在')
        .optional(),
    ),
  })
  .transform((v, ctx) => {
    const period = periodOf(v.label);
    if (!period) {
      ctx.addIssue({ code: 'custom', path: ['label'], message: '期间格式应为 2026-11（月度）或 2026Q4（季度）' });
      return z.NEVER;
    }
    const dueOn = v.dueOn ?? defaultDueOn(period);
    if (dueOn < period.endsOn) {
      ctx.addIssue({ code: 'custom', path: ['dueOn'], message: '上报截止日不能早于期间结束日' });
      return z.NEVER;
    }
    return { ...period, dueOn };
  });

/** Opens a reporting period (hotline office); a label already open is refused. */
export async function openPeriod(em: EntityManager, actor: Actor, raw: unknown, now = new Date()): Promise<PeriodRow> {
  if (!can(actor, 'policy-records:oversee')) throw new Forbidden('只有热线办可以设置上报期间');
  const p = parseInput(periodInput, raw);
  try {
    const row = await one<{ id: number }>(
      em,
      `insert into policy_period (label, kind, starts_on, ends_on, due_on, created_at, created_by_id)
       values (?, ?, ?, ?, ?, ?, ?) returning id`,
      [p.label, p.kind, p.startsOn, p.endsOn, p.dueOn, now, actor.userId],
    );
    return { id: row!.id, label: p.label, kind: p.kind, startsOn: p.startsOn, endsOn: p.endsOn, dueOn: p.dueOn };
  } catch (err) {
    if (isUniqueViolation(err, 'policy_period_label_unique'))
      throw new InvalidInput('该期间已设置', { label: [`期间 ${p.label} 已设置`] });
    throw err;
  }
}

/** Every period, the latest first. */
export async function listPeriods(em: EntityManager): Promise<PeriodRow[]> {
  const rows = await all<Parameters<typeof periodRow>[0]>(
    em,
    `select ${PERIOD_COLUMNS} from policy_period order by starts_on desc, kind`,
  );
  return rows.map(periodRow);
}

async function periodById(em: EntityManager, id: number): Promise<PeriodRow> {
  const row = await one<Parameters<typeof periodRow>[0]>(
    em,
    `select ${PERIOD_COLUMNS} from policy_period where id = ?`,
    [id],
  );
  if (!row) throw new NotFound('上报期间不存在');
  return periodRow(row);
}

/** Whether the actor sees every department's records, or only those of the policies his department leads. */
const oversees = (actor: Actor) => can(actor, 'policy-records:oversee');

interface PublishedRow {
  id: number;
  number: string;
  title: string;
  version: number;
  lead_department_id: number;
}

/** The published policies (a current version), each with whether the actor may report records for it. */
async function reportablePolicies(em: EntityManager, actor: Actor): Promise<(ReportablePolicy & PublishedRow)[]> {
  const rows = await all<PublishedRow>(
    em,
    `select p.id, p.number, p.title, v.version_no as version, p.lead_department_id
       from policy p join policy_version v on v.policy_id = p.id and v.current
      order by p.number`,
  );
  return rows.map((r) => ({
    ...r,
    mayReport: actor.role === 'admin' || actor.departmentIds.includes(r.lead_department_id),
  }));
}

function requireReporter(actor: Actor) {
  if (!can(actor, 'policy-records:report')) throw new Forbidden('只有牵头单位可以上报落实记录');
}

// An example that passes the checks but for its policy and day, which follow the department and the period.
const EXAMPLE_ID_NUMBER = '110101194405060024';

/** The template for the actor's department: the policies it may report, and an example row with one of them. */
export async function recordsTemplateFor(em: EntityManager, actor: Actor, now = new Date()): Promise<Buffer> {
  requireReporter(actor);
  const policies = (await reportablePolicies(em, actor)).filter((p) => p.mayReport);
  const example = [
    policies[0]?.number ?? 'ZC-0001',
    '个人',
    '张三',
    EXAMPLE_ID_NUMBER,
    '13800000000',
    100,
    new Date(`${localDateOf(now)}T00:00:00Z`),
    '免申即享',
  ];
  return recordsTemplate(
    policies.map((p) => ({ number: p.number, title: p.title })),
    example,
  );
}

export interface UploadInput {
  periodId: number;
  fileName: string;
  bytes: Uint8Array;
}

export interface UploadResult {
  uploadId: number;
  rows: number;
  totalAmount: string;
  policies: number;
}

const uploadForm = z.object({
  periodId: z.coerce.number({ message: '请选择上报期间' }).int('请选择上报期间').positive('请选择上报期间'),
  fileName: z.string().trim().min(1, '请选择要上传的文件').max(255, '文件名过长'),
});

const CHUNK = 500;
const sumYuan = (records: CheckedRecord[]) =>
  (records.reduce((s, r) => s + Math.round(Number(r.amount) * 100), 0) / 100).toFixed(2);

/**
 * A lead department's records file for a period: every row checked (unknown policy, policy of another department,
 * ID number or credit code check, duplicates in the file and against what is recorded, amount, day within the
 * period, the way it was paid). Any bad row refuses the whole file with every bad row named, and nothing is
 * written; otherwise the upload and all its records go in one transaction.
 */
export async function uploadRecords(
  em: EntityManager,
  actor: Actor,
  input: UploadInput,
  now = new Date(),
): Promise<UploadResult> {
  requireReporter(actor);
  const form = parseInput(uploadForm, { periodId: input.periodId, fileName: input.fileName });
  const period = await periodById(em, form.periodId);
  const raw = await readRecordsFile(input.bytes);
  const sha256 = createHash('sha256').update(input.bytes).digest('hex');
  try {
    return await inTransaction(em, async (tx) => {
      const policies = await reportablePolicies(tx, actor);
      const byNumber = new Map(policies.map((p) => [p.number.toUpperCase(), p]));
      const checks = checkRows(raw, { policies: byNumber, period });
      const bad = new Map<number, RowProblems>();
      for (const c of checks) if (c.problems.length) bad.set(c.row, { row: c.row, problems: c.problems });
      const refuse = (row: number, p: Problem) =>
        (bad.get(row) ?? bad.set(row, { row, problems: [] }).get(row)!).problems.push(p);
      const records = checks.flatMap((c) => (c.record ? [c.record] : []));

      // One file is one lead department's report: the admin reporting for several sends one file each.
      const leadOf = new Map(policies.map((p) => [p.id, p.lead_department_id]));
      const department = records.length ? leadOf.get(records[0].policyId)! : (actor.departmentIds[0] ?? null);
      for (const r of records)
        if (leadOf.get(r.policyId) !== department)
          refuse(
            r.row,
            problem('一个文件只能上报同一牵头单位的政策，本行政策与第 {{row}} 行的牵头单位不同', {
              row: records[0].row,
            }),
          );

      // Already recorded: the same beneficiary under the same policy in this period, from an earlier file.
      const candidates = new Map<string, CheckedRecord>();
      for (const r of records)
        for (const key of r.kind === 'person' ? idNumberIndexes(r.identifier) : [r.identifier])
          candidates.set(`${r.policyId}|${key}`, r);
      const keys = [...new Set([...candidates.keys()].map((k) => k.slice(k.indexOf('|') + 1)))];
      for (let i = 0; i < keys.length; i += CHUNK) {
        const found = await all<{ policy_id: number; beneficiary_key: string; source_row: number; file_name: string }>(
          tx,
          `select r.policy_id, r.beneficiary_key, r.source_row, u.file_name
             from policy_record r join record_upload u on u.id = r.upload_id
            where r.period_id = ? and r.beneficiary_key in (?)`,
          [period.id, keys.slice(i, i + CHUNK)],
        );
        for (const f of found) {
          const r = candidates.get(`${f.policy_id}|${f.beneficiary_key}`);
          if (!r) continue;
          refuse(
            r.row,
            problem('本期已上报过该对象（文件“{{file}}”第 {{row}} 行）', { file: f.file_name, row: f.source_row }),
          );
        }
      }
      if (bad.size) throw new RecordsFileRefused([...bad.values()].sort((a, b) => a.row - b.row));
      if (department === null) throw new Forbidden('只有牵头单位可以上报落实记录');

      const totalAmount = sumYuan(records);
      const policyIds = [...new Set(records.map((r) => r.policyId))].sort((a, b) => a - b);
      const upload = await one<{ id: number }>(
        tx,
        `insert into record_upload (period_id, department_id, uploaded_by_id, uploaded_at, file_name, sha256, row_count,
           total_amount, policy_ids) values (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb) returning id`,
        [
          period.id,
          department,
          actor.userId,
          now,
          form.fileName,
          sha256,
          records.length,
          totalAmount,
          JSON.stringify(policyIds),
        ],
      );
      for (let i = 0; i < records.length; i += CHUNK) {
        const chunk = records.slice(i, i + CHUNK);
        const params: unknown[] = [];
        for (const r of chunk) {
          const sealed = r.kind === 'person' ? sealIdNumber(r.identifier) : null;
          params.push(
            period.id,
            r.policyId,
            r.policyVersion,
            upload!.id,
            r.row,
            r.kind,
            r.name,
            sealed?.sealed ?? null,
            r.kind === 'firm' ? r.identifier : null,
            sealed?.index ?? r.identifier,
            r.phone,
            r.amount,
            r.paidOn,
            r.way,
          );
        }
        await run(
          tx,
          `insert into policy_record (period_id, policy_id, policy_version, upload_id, source_row, beneficiary_kind, name,
             id_number_sealed, credit_code, beneficiary_key, phone, amount, paid_on, way)
           values ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
          params,
        );
      }
      return { uploadId: upload!.id, rows: records.length, totalAmount, policies: policyIds.length };
    });
  } catch (err) {
    // Another file with the same beneficiary was accepted between our check and our insert.
    if (isUniqueViolation(err, 'policy_record_beneficiary_unique'))
      throw new Conflict('刚有其他文件上报了其中的对象，请重新上传以查看重复的行', 'duplicate');
    throw err;
  }
}

/** Where a policy's report for a period stands. */
export type ReportStatus = 'onTime' | 'late' | 'pending' | 'overdue';

export interface PolicyReportRow {
  policyId: number;
  number: string;
  title: string;
  leadDepartment: string;
  rows: number;
  totalAmount: string;
  /** When the department's first accepted file for this policy and period came in (city time, YYYY-MM-DD HH:mm). */
  firstReportedAt: string | null;
  status: ReportStatus;
}

export interface UploadRow {
  id: number;
  fileName: string;
  department: string;
  uploadedBy: string;
  uploadedAt: string;
  rows: number;
  totalAmount: string;
  late: boolean;
}

export interface PeriodReport {
  period: PeriodRow;
  policies: PolicyReportRow[];
  uploads: UploadRow[];
  totals: { reported: number; late: number; missing: number; rows: number; amount: string };
}

/** A report is late when its first accepted file came after the due day; none yet is pending or overdue. */
export function reportStatus(firstAt: Date | null, period: { dueOn: string }, now: Date): ReportStatus {
  const deadline = lateAfter(period);
  if (firstAt) return firstAt >= deadline ? 'late' : 'onTime';
  return now >= deadline ? 'overdue' : 'pending';
}

/** Per policy of the period: reported or not, on time or late, rows and amount; and the files behind them. */
export async function periodReport(
  em: EntityManager,
  actor: Actor,
  periodId: number,
  now = new Date(),
): Promise<PeriodReport> {
  if (!can(actor, 'policy-records:read')) throw new Forbidden();
  const period = await periodById(em, periodId);
  const everyDepartment = oversees(actor);
  const departments = actor.departmentIds.length ? actor.departmentIds : [0];
  const rows = await all<{
    id: number;
    number: string;
    title: string;
    lead: string;
    n: number;
    total: string;
    first_at: Date | string | null;
  }>(
    em,
    `select p.id, p.number, p.title, d.name as lead, coalesce(s.n, 0)::int as n,
            coalesce(s.total, 0)::text as total, s.first_at
       from policy p
       join department d on d.id = p.lead_department_id
       left join (select r.policy_id, count(*) as n, sum(r.amount) as total, min(u.uploaded_at) as first_at
                    from policy_record r join record_upload u on u.id = r.upload_id
                   where r.period_id = ? group by r.policy_id) s on s.policy_id = p.id
      where (exists (select 1 from policy_version v where v.policy_id = p.id and v.current) or s.n is not null)
        and (? or p.lead_department_id in (?))
      order by p.number`,
    [period.id, everyDepartment, departments],
  );
  const policies = rows.map((r) => {
    const firstAt = r.first_at ? new Date(r.first_at) : null;
    return {
      policyId: r.id,
      number: r.number,
      title: r.title,
      leadDepartment: r.lead,
      rows: r.n,
      totalAmount: Number(r.total).toFixed(2),
      firstReportedAt: firstAt ? localDateTime(firstAt) : null,
      status: reportStatus(firstAt, period, now),
    };
  });
  const uploads = await all<ListedUploadColumns>(
    em,
    `select ${LISTED_UPLOAD_COLUMNS}
       from record_upload u ${LISTED_UPLOAD_JOINS}
      where u.period_id = ? and (? or u.department_id in (?))
      order by u.uploaded_at desc, u.id desc`,
    [period.id, everyDepartment, departments],
  );
  const reported = policies.filter((p) => p.status === 'onTime' || p.status === 'late');
  return {
    period,
    policies,
    uploads: uploads.map((u) => listedUpload(u, period)),
    totals: {
      reported: reported.length,
      late: policies.filter((p) => p.status === 'late').length,
      missing: policies.filter((p) => p.status === 'overdue').length,
      rows: policies.reduce((s, p) => s + p.rows, 0),
      amount: (policies.reduce((s, p) => s + Math.round(Number(p.totalAmount) * 100), 0) / 100).toFixed(2),
    },
  };
}

export interface RecordRow {
  id: number;
  policy: string;
  kind: BeneficiaryKind;
  name: string;
  /** Masked ID number for a person (first 6 and last 4), the credit code for a firm. */
  identifier: string;
  phone: string;
  amount: string;
  paidOn: string;
  way: PaymentWay;
  fileName: string;
  sourceRow: number;
}

/** The columns a listed record is read with (aliases r: policy_record, u: record_upload, p: policy). */
export const LISTED_RECORD_COLUMNS = `r.id, p.title as policy, r.beneficiary_kind, r.name, r.id_number_sealed,
  r.credit_code, r.phone, r.amount::text as amount, to_char(r.paid_on, 'YYYY-MM-DD') as paid_on, r.way, u.file_name,
  r.source_row`;

export interface ListedRecordColumns {
  id: number;
  policy: string;
  beneficiary_kind: BeneficiaryKind;
  name: string;
  id_number_sealed: string | null;
  credit_code: string | null;
  phone: string;
  amount: string;
  paid_on: string;
  way: PaymentWay;
  file_name: string;
  source_row: number;
}

/** A record as every list shows it: the ID number and phone masked. */
export function listedRecord(r: ListedRecordColumns): RecordRow {
  return {
    id: r.id,
    policy: r.policy,
    kind: r.beneficiary_kind,
    name: r.name,
    identifier: r.beneficiary_kind === 'person' ? maskedIdNumber(r.id_number_sealed) : (r.credit_code ?? ''),
    phone: maskPhone(r.phone),
    amount: Number(r.amount).toFixed(2),
    paidOn: r.paid_on,
    way: r.way,
    fileName: r.file_name,
    sourceRow: r.source_row,
  };
}

/** The columns a listed upload is read with (aliases u: record_upload, d: department, usr: app_user). */
export const LISTED_UPLOAD_COLUMNS = `u.id, u.file_name, d.name as department, usr.display_name as uploaded_by,
  u.uploaded_at, u.row_count, u.total_amount::text as total_amount`;
export const LISTED_UPLOAD_JOINS = `join department d on d.id = u.department_id
  join app_user usr on usr.id = u.uploaded_by_id`;

export interface ListedUploadColumns {
  id: number;
  file_name: string;
  department: string;
  uploaded_by: string;
  uploaded_at: Date | string;
  row_count: number;
  total_amount: string;
}

/** An upload as every list shows it; late when it came in after the period's due day. */
export function listedUpload(u: ListedUploadColumns, period: { dueOn: string }): UploadRow {
  return {
    id: u.id,
    fileName: u.file_name,
    department: u.department,
    uploadedBy: u.uploaded_by,
    uploadedAt: localDateTime(new Date(u.uploaded_at)),
    rows: u.row_count,
    totalAmount: Number(u.total_amount).toFixed(2),
    late: new Date(u.uploaded_at) >= lateAfter(period),
  };
}

export const MAX_LISTED_RECORDS = 500;

/** The records of one policy in a period, as the drill-down lists them: ID numbers and phones masked. */
export async function policyRecords(
  em: EntityManager,
  actor: Actor,
  periodId: number,
  policyId: number,
): Promise<{ policy: { id: number; number: string; title: string }; records: RecordRow[]; total: number }> {
  if (!can(actor, 'policy-records:read')) throw new Forbidden();
  const policy = await one<{ id: number; number: string; title: string; lead_department_id: number }>(
    em,
    'select id, number, title, lead_department_id from policy where id = ?',
    [policyId],
  );
  if (!policy) throw new NotFound('政策不存在');
  if (!oversees(actor) && !actor.departmentIds.includes(policy.lead_department_id))
    throw new Forbidden('只能查看本单位牵头政策的落实记录');
  await periodById(em, periodId);
  const [{ n }] = await all<{ n: number }>(
    em,
    'select count(*)::int as n from policy_record where period_id = ? and policy_id = ?',
    [periodId, policyId],
  );
  const rows = await all<ListedRecordColumns>(
    em,
    `select ${LISTED_RECORD_COLUMNS}
       from policy_record r join record_upload u on u.id = r.upload_id join policy p on p.id = r.policy_id
      where r.period_id = ? and r.policy_id = ? order by r.upload_id, r.source_row limit ?`,
    [periodId, policyId, MAX_LISTED_RECORDS],
  );
  return {
    policy: { id: policy.id, number: policy.number, title: policy.title },
    total: n,
    records: rows.map(listedRecord),
  };
}
