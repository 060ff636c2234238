// The evaluation's columns, in the order the page, the PDF and the workbook show them: each figure's label, how it
// reads (a count, yuan, a rate, the score), its value on a row, and the drill-down that lists what it counts.
import type { DrillFigure } from './evaluation.server';
import type { EvaluationCounts, EvaluationRates } from './score';

export type ColumnKind = 'count' | 'yuan' | 'rate' | 'perThousand' | 'score';

export interface EvaluationColumn {
  key: string;
  label: string;
  kind: ColumnKind;
  value(row: { counts: EvaluationCounts; rates: EvaluationRates; score: number | null }): number | null;
  /** The drill-down of the figure (a rate lists its numerator's rows). */
  drill?: DrillFigure;
  formula: string;
}

export const EVALUATION_COLUMNS: readonly EvaluationColumn[] = [
  {
    key: 'score',
    label: '综合得分',
    kind: 'score',
    value: (r) => r.score,
    formula: '按时上报 25%、到账确认率 25%、金额相符率 20%、满意率 20%、每千人投诉 10% 加权（百分制，无数据的项不计）',
  },
  {
    key: 'beneficiaries',
    label: '上报人次',
    kind: 'count',
    value: (r) => r.counts.beneficiaries,
    drill: 'beneficiaries',
    formula: '本期上报的落实记录数（每项政策每个对象一条）',
  },
  {
    key: 'amount',
    label: '上报金额（元）',
    kind: 'yuan',
    value: (r) => r.counts.amountFen / 100,
    drill: 'beneficiaries',
    formula: '本期落实记录的发放金额合计',
  },
  {
    key: 'onTimeReportRate',
    label: '按时上报率',
    kind: 'rate',
    value: (r) => r.rates.onTimeReportRate,
    drill: 'reports',
    formula: '截止日前首次上报的政策数 ÷ 已到截止日或已上报的政策数（与落实记录页同一规则）',
  },
  {
    key: 'sample',
    label: '抽样回访数',
    kind: 'count',
    value: (r) => r.counts.sample,
    drill: 'sample',
    formula: '本期抽取的回访数',
  },
  {
    key: 'reached',
    label: '回访接通数',
    kind: 'count',
    value: (r) => r.counts.reached,
    drill: 'reached',
    formula: '对象接听并作答的回访数（已确认或反映问题）',
  },
  {
    key: 'receiptRate',
    label: '到账确认率',
    kind: 'rate',
    value: (r) => r.rates.receiptRate,
    drill: 'receiptConfirmed',
    formula: '确认已收到的回访数 ÷ 接通数',
  },
  {
    key: 'amountRate',
    label: '金额相符率',
    kind: 'rate',
    value: (r) => r.rates.amountRate,
    drill: 'amountConfirmed',
    formula: '确认金额无误的回访数 ÷ 接通数',
  },
  {
    key: 'satisfactionRate',
    label: '满意率',
    kind: 'rate',
    value: (r) => r.rates.satisfactionRate,
    drill: 'satisfied',
    formula: '（满意 + 基本满意）÷ 接通且作出评价的回访数',
  },
  {
    key: 'consultations',
    label: '咨询量',
    kind: 'count',
    value: (r) => r.counts.consultations,
    drill: 'consultations',
    formula: '本期受理、答复引用该政策或转交咨询该政策的诉求数',
  },
  {
    key: 'complaints',
    label: '投诉量',
    kind: 'count',
    value: (r) => r.counts.complaints,
    drill: 'complaints',
    formula: '本期受理的该政策落实异议（投诉）数',
  },
  {
    key: 'complaintsPerThousand',
    label: '每千人投诉',
    kind: 'perThousand',
    value: (r) => r.rates.complaintsPerThousand,
    drill: 'complaints',
    formula: '投诉量 × 1000 ÷ 上报人次',
  },
  {
    key: 'complaintOnTimeRate',
    label: '投诉按期办结率',
    kind: 'rate',
    value: (r) => r.rates.complaintOnTimeRate,
    drill: 'complaintsOnTime',
    formula: '在办理时限内办结的投诉数 ÷ 投诉量（与统计报表按期办结同一规则）',
  },
];

/** How a figure reads on the page and in the PDF: rates in percent with one decimal, yuan with two. */
export function formatColumn(kind: ColumnKind, value: number | null): string {
  if (value === null) return '—';
  switch (kind) {
    case 'rate':
      return `${(value * 100).toFixed(1)}%`;
    case 'yuan':
      return value.toFixed(2);
    case 'perThousand':
    case 'score':
      return value.toFixed(1);
    case 'count':
      return String(value);
  }
}

/** Excel number formats: the cells hold numbers, the format shows their unit. */
export const COLUMN_NUMBER_FORMATS: Record<ColumnKind, string> = {
  count: '0',
  yuan: '#,##0.00',
  rate: '0.0%',
  perThousand: '0.0',
  score: '0.0',
};
