import type { BeneficiaryKind, PaymentWay } from '../../entities/policy-record';
import { creditCodeProblem, isResidentIdNumber, normaliseCode } from '../../machines/identifiers';
import { problem, type Problem } from '../domain/problem';
import { CREDIT_CODE_MESSAGES } from '../firms/credit-code-words';

// The rows of a records file (政策落实记录表) checked one by one, pure: every problem of every row is named, so a
// department fixes its file once. What needs the database (is this beneficiary already recorded?) is asked by
// the store with the keys these checks return.

/** The template's columns, in order; a file whose header row differs is not read. */
export const RECORD_COLUMNS = [
  '政策编号',
  '对象类型（个人/企业）',
  '姓名或单位名称',
  '身份证号或统一社会信用代码',
  '联系电话',
  '发放金额（元）',
  '发放日期',
  '发放方式（免申即享/依申请）',
] as const;

export const MAX_RECORD_ROWS = 5000;
export const KIND_WORDS: Record<string, BeneficiaryKind> = { 个人: 'person', 企业: 'firm' };
export const WAY_WORDS: Record<string, PaymentWay> = { 免申即享: 'withoutApplication', 依申请: 'onApplication' };
const MAX_AMOUNT = 9_999_999_999.99;
const PHONE = /^(1\d{10}|0\d{2,3}-?\d{7,8}|\d{5,8})$/;

/** A cell as the reader hands it over: text, a number, a day (an Excel date) or nothing. */
export type Cell = string | number | boolean | Date | null;

export interface RawRow {
  /** The row number in the sheet, as the department sees it (the header is row 1). */
  row: number;
  cells: Cell[];
}

/** A policy a row may name: by its number, with the version in force and whether the uploader may report it. */
export interface ReportablePolicy {
  id: number;
  number: string;
  version: number;
  mayReport: boolean;
}

export interface CheckedRecord {
  row: number;
  policyId: number;
  policyVersion: number;
  kind: BeneficiaryKind;
  name: string;
  /** The person's ID number, normalised (sealed before it is stored), or the firm's credit code. */
  identifier: string;
  phone: string;
  /** Yuan with two decimals, as numeric(12,2) takes it. */
  amount: string;
  paidOn: string;
  way: PaymentWay;
}

export interface RowCheck {
  row: number;
  record: CheckedRecord | null;
  problems: Problem[];
}

export interface RowContext {
  policies: Map<string, ReportablePolicy>;
  period: { label: string; startsOn: string; endsOn: string };
}

const text = (c: Cell): string => {
  if (c === null) return '';
  if (c instanceof Date) return Number.isNaN(c.getTime()) ? '' : c.toISOString().slice(0, 10);
  return String(c).normalize('NFKC').trim();
};

/** A day from an Excel date (exceljs reads it as UTC midnight) or text as 2026-11-05, 2026/11/5 or 2026年11月5日. */
export function dayOf(c: Cell): string | null {
  if (c instanceof Date) return Number.isNaN(c.getTime()) ? null : c.toISOString().slice(0, 10);
  if (typeof c !== 'string') return null;
  const m = /^(\d{4})[-/年.](\d{1,2})[-/月.](\d{1,2})日?$/.exec(text(c));
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

/** Yuan with two decimals, or what is wrong with the amount. */
export function amountOf(c: Cell): { amount: string } | { problem: Problem } {
  let value: number;
  if (typeof c === 'number') value = c;
  else {
    const s = text(c).replace(/,/g, '');
    if (s === '') return { problem: problem('发放金额未填写') };
    if (!/^[+-]?\d+(\.\d+)?$/.test(s)) return { problem: problem('发放金额“{{value}}”不是数字', { value: text(c) }) };
    value = Number(s);
  }
  if (!Number.isFinite(value)) return { problem: problem('发放金额不是数字') };
  if (value <= 0) return { problem: problem('发放金额须大于 0') };
  if (value > MAX_AMOUNT) return { problem: problem('发放金额过大') };
  if (Math.abs(Math.round(value * 100) - value * 100) > 1e-6)
    return { problem: problem('发放金额最多保留两位小数（分）') };
  return { amount: (Math.round(value * 100) / 100).toFixed(2) };
}

/** Whether a row has nothing in it (skipped, as spreadsheets keep formatted empty rows). */
export function isBlankRow(cells: Cell[]): boolean {
  return cells.every((c) => text(c) === '');
}

/** Checks one row on its own: every problem it has, and the record when it has none. */
export function checkRow(raw: RawRow, ctx: RowContext): RowCheck {
  const [numberCell, kindCell, nameCell, idCell, phoneCell, amountCell, dayCell, wayCell] = RECORD_COLUMNS.map(
    (_, i) => raw.cells[i] ?? null,
  );
  const problems: Problem[] = [];

  const number = text(numberCell).toUpperCase();
  const policy = number ? ctx.policies.get(number) : undefined;
  if (!number) problems.push(problem('政策编号未填写'));
  else if (!policy) problems.push(problem('政策编号 {{number}} 不在已发布的政策中', { number }));
  else if (!policy.mayReport) problems.push(problem('政策 {{number}} 不由本单位牵头，不能上报', { number }));

  const kind = KIND_WORDS[text(kindCell)];
  if (!kind) problems.push(problem('对象类型应为“个人”或“企业”'));

  const name = text(nameCell);
  if (name.length < 2) problems.push(problem('姓名或单位名称至少 2 个字'));
  else if (name.length > 100) problems.push(problem('姓名或单位名称最多 100 个字'));

  let identifier = '';
  if (typeof idCell === 'number') {
    // An 18-digit number in a number cell has lost its last digits (Excel keeps 15).
    problems.push(problem('身份证号或统一社会信用代码须以文本格式填写（数字格式会丢失末几位）'));
  } else {
    identifier = normaliseCode(text(idCell));
    if (!identifier) problems.push(problem('身份证号或统一社会信用代码未填写'));
    else if (kind === 'person') {
      if (!/^\d{17}[\dX]$/.test(identifier)) problems.push(problem('身份证号应为 18 位'));
      else if (!isResidentIdNumber(identifier)) problems.push(problem('身份证号校验码不正确'));
    } else if (kind === 'firm') {
      const wrong = creditCodeProblem(identifier);
      if (wrong) problems.push(problem(CREDIT_CODE_MESSAGES[wrong]));
    }
  }

  const phone = text(phoneCell).replace(/[\s()（）]/g, '');
  if (!phone) problems.push(problem('联系电话未填写'));
  else if (!PHONE.test(phone)) problems.push(problem('联系电话“{{phone}}”格式不正确', { phone }));

  const amount = amountOf(amountCell);
  if ('problem' in amount) problems.push(amount.problem);

  const paidOn = dayOf(dayCell);
  if (text(dayCell) === '') problems.push(problem('发放日期未填写'));
  else if (!paidOn) problems.push(problem('发放日期“{{value}}”不是有效日期', { value: text(dayCell) }));
  else if (paidOn < ctx.period.startsOn || paidOn > ctx.period.endsOn)
    problems.push(
      problem('发放日期 {{day}} 不在 {{period}} 期间（{{from}} 至 {{to}}）', {
        day: paidOn,
        period: ctx.period.label,
        from: ctx.period.startsOn,
        to: ctx.period.endsOn,
      }),
    );

  const way = WAY_WORDS[text(wayCell)];
  if (!way) problems.push(problem('发放方式应为“免申即享”或“依申请”'));

  if (problems.length || !policy || !kind || !way || 'problem' in amount || !paidOn)
    return { row: raw.row, record: null, problems };
  return {
    row: raw.row,
    problems,
    record: {
      row: raw.row,
      policyId: policy.id,
      policyVersion: policy.version,
      kind,
      name,
      identifier,
      phone,
      amount: amount.amount,
      paidOn,
      way,
    },
  };
}

/** The key of a beneficiary within a policy, for the duplicate checks. */
export const beneficiaryOf = (r: { policyId: number; kind: BeneficiaryKind; identifier: string }) =>
  `${r.policyId}|${r.kind}|${r.identifier}`;

/**
 * Every row checked, and a row naming the same beneficiary under the same policy as an earlier row is a
 * duplicate of it. Blank rows are skipped.
 */
export function checkRows(rows: RawRow[], ctx: RowContext): RowCheck[] {
  const first = new Map<string, number>();
  const out: RowCheck[] = [];
  for (const raw of rows) {
    if (isBlankRow(raw.cells)) continue;
    const check = checkRow(raw, ctx);
    if (check.record) {
      const key = beneficiaryOf(check.record);
      const earlier = first.get(key);
      if (earlier !== undefined) {
        check.problems.push(problem('与第 {{row}} 行重复（同一政策同一对象）', { row: earlier }));
        check.record = null;
      } else first.set(key, raw.row);
    }
    out.push(check);
  }
  return out;
}
