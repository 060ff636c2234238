// The measures the city is judged on (DESIGN §6), as sums kept per day and dimension, and the
// rates and averages derived from them. Every figure a report shows comes from these definitions.

/** Additive columns: each appeal (or order) adds 0 or 1 to each, except handlingCentidays. */
export const CELL_COLUMNS = [
  'received', // appeals received (submitted; drafts, discarded drafts and merged duplicates left out)
  'dispatchedAppeals', // appeals sent to at least one department or grid
  'orders', // orders dispatched: every lead assignment, at every level
  'ordersOnTime', // orders accepted (签收) within their accept limit
  'feedback', // appeals with the citizen's feedback
  'resolved', // … where the citizen says the matter is resolved
  'satisfactionBase', // appeals with feedback, leaving out those marked as unreasonable demands
  'satisfied', // … of those, satisfied or basically satisfied
  'closed', // appeals closed
  'closedOnTime', // … closed by their handling deadline
  'overdue', // appeals that passed their handling deadline
  'replied', // appeals answered by the handling unit (or on the spot / self-handled)
  'handlingCentidays', // working days from receipt to that answer, in hundredths, summed over `replied`
  'returned', // appeals with an approved return (退单)
  'redone', // appeals sent back to be redone (重办) at least once
  'extended', // appeals given at least one extension (延期)
  'repeatCallers', // appeals from a caller who had filed another appeal in the 30 days before
  'unreasonable', // appeals the supervisor marked as unreasonable demands (不合理诉求)
] as const;
export type CellColumn = (typeof CELL_COLUMNS)[number];
export type Cells = Record<CellColumn, number>;

/** Columns that come from orders (assignments) rather than from the appeal itself. */
export const ORDER_COLUMNS = ['orders', 'ordersOnTime'] as const satisfies readonly CellColumn[];

export const emptyCells = (): Cells => Object.fromEntries(CELL_COLUMNS.map((c) => [c, 0])) as Cells;

/** Days an appeal counts in: its receipt day (受理日期) in Asia/Shanghai, for every measure. */
export const REPORT_DIMENSIONS = ['all', 'department', 'category', 'grid', 'source'] as const;
export type ReportDimension = (typeof REPORT_DIMENSIONS)[number];
/** The key of the one `all` row, and of appeals with no department or grid under those dimensions. */
export const NO_KEY = '';

export type MeasureKind = 'count' | 'rate' | 'average';

export interface Measure {
  key: string;
  label: string;
  kind: MeasureKind;
  /** The column whose appeals a click lists: the count, or a rate's numerator. */
  numerator: CellColumn;
  /** Rates and averages only. */
  denominator?: CellColumn;
  /** The formula as the report page states it. */
  formula: string;
  /** For ranking: is a higher figure better? */
  higherIsBetter: boolean;
}

export const MEASURES: readonly Measure[] = [
  {
    key: 'received',
    label: '受理量',
    kind: 'count',
    numerator: 'received',
    formula: '期内受理的诉求数（不含草稿、作废与并案）',
    higherIsBetter: true,
  },
  {
    key: 'responseRate',
    label: '响应率',
    kind: 'rate',
    numerator: 'ordersOnTime',
    denominator: 'orders',
    formula: '在签收时限内签收的工单数 ÷ 派出的工单数',
    higherIsBetter: true,
  },
  {
    key: 'resolutionRate',
    label: '解决率',
    kind: 'rate',
    numerator: 'resolved',
    denominator: 'feedback',
    formula: '市民表示已解决的诉求数 ÷ 有回访评价的诉求数',
    higherIsBetter: true,
  },
  {
    key: 'satisfactionRate',
    label: '满意率',
    kind: 'rate',
    numerator: 'satisfied',
    denominator: 'satisfactionBase',
    formula: '（满意 + 基本满意）÷ 有回访评价的诉求数，不含被标记为不合理诉求的',
    higherIsBetter: true,
  },
  {
    key: 'onTimeClosureRate',
    label: '按期办结率',
    kind: 'rate',
    numerator: 'closedOnTime',
    denominator: 'closed',
    formula: '在办理时限内办结的诉求数 ÷ 已办结的诉求数',
    higherIsBetter: true,
  },
  {
    key: 'overdue',
    label: '超期数',
    kind: 'count',
    numerator: 'overdue',
    formula: '超过办理时限的诉求数',
    higherIsBetter: false,
  },
  {
    key: 'avgHandlingDays',
    label: '平均办理时长（工作日）',
    kind: 'average',
    numerator: 'replied',
    denominator: 'replied',
    formula: '从受理到承办单位答复的工作日数之和 ÷ 已答复的诉求数',
    higherIsBetter: false,
  },
  {
    key: 'returnRate',
    label: '退单率',
    kind: 'rate',
    numerator: 'returned',
    denominator: 'dispatchedAppeals',
    formula: '退单获批的诉求数 ÷ 已派单的诉求数',
    higherIsBetter: false,
  },
  {
    key: 'redoRate',
    label: '重办率',
    kind: 'rate',
    numerator: 'redone',
    denominator: 'dispatchedAppeals',
    formula: '被退回重办的诉求数 ÷ 已派单的诉求数',
    higherIsBetter: false,
  },
  {
    key: 'extensionRate',
    label: '延期率',
    kind: 'rate',
    numerator: 'extended',
    denominator: 'dispatchedAppeals',
    formula: '获批延期的诉求数 ÷ 已派单的诉求数',
    higherIsBetter: false,
  },
  {
    key: 'repeatCallers',
    label: '重复来电',
    kind: 'count',
    numerator: 'repeatCallers',
    formula: '来电人在此前 30 天内已有其他诉求的诉求数',
    higherIsBetter: false,
  },
];

/** A measure's value from summed cells; null when its denominator is zero. */
export function measureValue(m: Measure, c: Cells): number | null {
  if (m.kind === 'count') return c[m.numerator];
  if (m.kind === 'average') return c.replied ? c.handlingCentidays / 100 / c.replied : null;
  const d = c[m.denominator!];
  return d ? c[m.numerator] / d : null;
}

export function addCells(into: Cells, from: Partial<Cells>, sign = 1): Cells {
  for (const col of CELL_COLUMNS) into[col] += sign * (from[col] ?? 0);
  return into;
}
