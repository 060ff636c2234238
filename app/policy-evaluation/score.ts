// The evaluation's figures (晴雨表/评价器), their rates and the composite score that ranks policies and lead
// departments. Plain data, no I/O: the page, the report files and the tests read the same definitions.

/** The evaluation is read per policy or per lead department. */
export const GROUPS = ['policy', 'department'] as const;
export type EvaluationGroup = (typeof GROUPS)[number];

/** The counts behind one row: a policy, or a lead department (the sum of its policies). */
export interface EvaluationCounts {
  /** Policies in the row (1 for a policy). */
  policies: number;
  /** Reports owed by now: on time + late + overdue (a report not yet due is left out). */
  reportsDue: number;
  reportsOnTime: number;
  reportsLate: number;
  reportsMissing: number;
  /** Records reported in the period (one per beneficiary and policy). */
  beneficiaries: number;
  /** Amount reported, in fen, so sums stay exact. */
  amountFen: number;
  /** Callbacks drawn for the period. */
  sample: number;
  /** … whose beneficiary answered (confirmed or a problem). */
  reached: number;
  receiptConfirmed: number;
  amountConfirmed: number;
  /** Reached callbacks that gave a satisfaction level, and of those satisfied or basically satisfied. */
  satisfactionBase: number;
  satisfied: number;
  consultations: number;
  complaints: number;
  /** Complaints closed by their handling deadline (the reports' closedOnTime). */
  complaintsOnTime: number;
}

export const COUNT_KEYS = [
  'policies',
  'reportsDue',
  'reportsOnTime',
  'reportsLate',
  'reportsMissing',
  'beneficiaries',
  'amountFen',
  'sample',
  'reached',
  'receiptConfirmed',
  'amountConfirmed',
  'satisfactionBase',
  'satisfied',
  'consultations',
  'complaints',
  'complaintsOnTime',
] as const satisfies readonly (keyof EvaluationCounts)[];

export const emptyCounts = (): EvaluationCounts =>
  Object.fromEntries(COUNT_KEYS.map((k) => [k, 0])) as unknown as EvaluationCounts;

export function addCounts(into: EvaluationCounts, from: EvaluationCounts): EvaluationCounts {
  for (const k of COUNT_KEYS) into[k] += from[k];
  return into;
}

/** The satisfaction levels that count as satisfied, as the appeal reports count them. */
export const SATISFIED_LEVELS = ['satisfied', 'basicallySatisfied'] as const;

export interface EvaluationRates {
  onTimeReportRate: number | null;
  reachRate: number | null;
  receiptRate: number | null;
  amountRate: number | null;
  satisfactionRate: number | null;
  complaintsPerThousand: number | null;
  complaintOnTimeRate: number | null;
}

const ratio = (n: number, d: number) => (d > 0 ? n / d : null);

export function ratesOf(c: EvaluationCounts): EvaluationRates {
  return {
    onTimeReportRate: ratio(c.reportsOnTime, c.reportsDue),
    reachRate: ratio(c.reached, c.sample),
    receiptRate: ratio(c.receiptConfirmed, c.reached),
    amountRate: ratio(c.amountConfirmed, c.reached),
    satisfactionRate: ratio(c.satisfied, c.satisfactionBase),
    complaintsPerThousand: c.beneficiaries > 0 ? (c.complaints * 1000) / c.beneficiaries : null,
    complaintOnTimeRate: ratio(c.complaintsOnTime, c.complaints),
  };
}

/**
 * The composite score's parts and weights (decision 032). Each part is 0..1, higher is better. Complaints count
 * against a policy: none per 1,000 beneficiaries gives 1, COMPLAINTS_AT_ZERO or more gives 0, linear between.
 */
export const SCORE_WEIGHTS = {
  onTimeReportRate: 0.25,
  receiptRate: 0.25,
  amountRate: 0.2,
  satisfactionRate: 0.2,
  complaintsPerThousand: 0.1,
} as const;
export type ScorePart = keyof typeof SCORE_WEIGHTS;
export const COMPLAINTS_AT_ZERO = 10;

export function scoreParts(r: EvaluationRates): Record<ScorePart, number | null> {
  return {
    onTimeReportRate: r.onTimeReportRate,
    receiptRate: r.receiptRate,
    amountRate: r.amountRate,
    satisfactionRate: r.satisfactionRate,
    complaintsPerThousand:
      r.complaintsPerThousand === null ? null : Math.max(0, 1 - r.complaintsPerThousand / COMPLAINTS_AT_ZERO),
  };
}

/**
 * 0..100, one decimal: the weighted mean of the parts that can be computed (a part without data, such as the
 * callbacks before any is drawn, is left out and the other weights carry the score). Null when none can.
 */
export function compositeScore(r: EvaluationRates): number | null {
  const parts = scoreParts(r);
  let sum = 0;
  let weight = 0;
  for (const key of Object.keys(SCORE_WEIGHTS) as ScorePart[]) {
    const v = parts[key];
    if (v === null) continue;
    sum += SCORE_WEIGHTS[key] * v;
    weight += SCORE_WEIGHTS[key];
  }
  return weight > 0 ? Math.round((sum / weight) * 1000) / 10 : null;
}

export interface Ranked {
  score: number | null;
  label: string;
  counts: { beneficiaries: number };
}

/**
 * Best score first; rows without a score last. Equal scores share a rank (1, 2, 2, 4), and are listed by more
 * beneficiaries first, then by name, so the order never depends on the database's.
 */
export function rankRows<T extends Ranked>(rows: readonly T[]): (T & { rank: number | null })[] {
  const sorted = [...rows].sort(
    (a, b) =>
      (b.score ?? -1) - (a.score ?? -1) ||
      b.counts.beneficiaries - a.counts.beneficiaries ||
      a.label.localeCompare(b.label, 'zh-CN'),
  );
  let rank = 0;
  return sorted.map((row, i) => {
    if (row.score === null) return { ...row, rank: null };
    if (i === 0 || sorted[i - 1].score !== row.score) rank = i + 1;
    return { ...row, rank };
  });
}

/** Yuan with two decimals from fen. */
export const yuan = (fen: number) => (fen / 100).toFixed(2);
