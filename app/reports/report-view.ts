// Labels and ordering for report figures, shared by the server (drill-through headers, exports)
// and the report page in the browser, so both name and rank a figure the same way.
import { MEASURES, measureValue, type Cells, type CellColumn, type Measure } from './measures';
import type { ReportRow, ReportView } from './report-types';

/** What one cell column counts, for the header of a drill-through list. */
export const COLUMN_LABELS: Record<CellColumn, string> = {
  received: '受理量',
  dispatchedAppeals: '已派单诉求数',
  orders: '派出工单数',
  ordersOnTime: '按时签收工单数',
  feedback: '有回访评价的诉求数',
  resolved: '已解决诉求数',
  satisfactionBase: '计入满意率的评价数',
  satisfied: '满意及基本满意数',
  closed: '已办结诉求数',
  closedOnTime: '按期办结诉求数',
  overdue: '超期数',
  replied: '已答复诉求数',
  handlingCentidays: '办理工作日合计',
  returned: '退单数',
  redone: '重办数',
  extended: '延期数',
  repeatCallers: '重复来电数',
  unreasonable: '不合理诉求数',
};

/** Columns whose figure is a list of appeals (or orders); the summed working days are not. */
export const DRILLABLE_COLUMNS = (Object.keys(COLUMN_LABELS) as CellColumn[]).filter((c) => c !== 'handlingCentidays');

export const SOURCE_LABELS: Record<string, string> = {
  hotline: '12345热线',
  web: '网站',
  patrol: '巡查上报',
  wechat: '微信',
  api: '系统接口',
};

export const VIEW_LABELS: Record<ReportView, string> = {
  department: '部门',
  category: '诉求分类',
  grid: '网格',
  source: '来源渠道',
};

/** The row label of the '' key: appeals not (yet) sent to a department, or outside every grid. */
export const NO_KEY_LABELS: Record<ReportView, string> = {
  department: '（未派至部门）',
  category: '（无分类）',
  grid: '（无网格）',
  source: '（未知来源）',
};

export const measureByKey = (key: string | null | undefined): Measure | undefined =>
  MEASURES.find((m) => m.key === key);

export const DEFAULT_RANK_MEASURE = 'satisfactionRate';

/**
 * Rows ordered by one measure, best first (the measure says whether higher is better). Rows with
 * no value (a zero denominator) go last; ties keep the larger volume first, then the label.
 */
export function rankRows<R extends Pick<ReportRow, 'key' | 'label' | 'cells'>>(
  rows: readonly R[],
  measure: Measure,
): R[] {
  const valued = rows.map((row) => ({ row, value: measureValue(measure, row.cells) }));
  const byValue = (a: number | null, b: number | null) => {
    if (a === null || b === null) return a === null ? (b === null ? 0 : 1) : -1;
    return measure.higherIsBetter ? b - a : a - b;
  };
  return valued
    .sort(
      (a, b) =>
        byValue(a.value, b.value) ||
        b.row.cells.received - a.row.cells.received ||
        a.row.label.localeCompare(b.row.label, 'zh-CN'),
    )
    .map((v) => v.row);
}

/** A measure's value as the page prints it: counts whole, rates in percent, averages with one decimal. */
export function formatValue(m: Measure, c: Cells): string {
  const v = measureValue(m, c);
  if (v === null) return '—';
  if (m.kind === 'rate') return `${(v * 100).toFixed(1)}%`;
  if (m.kind === 'average') return v.toFixed(1);
  return String(v);
}

/** The change from the previous period: points for rates, plain difference otherwise; null when either side has no value. */
export function changeOf(m: Measure, current: Cells, previous: Cells): { text: string; better: boolean | null } | null {
  const a = measureValue(m, current);
  const b = measureValue(m, previous);
  if (a === null || b === null) return null;
  const diff = a - b;
  const rounded =
    m.kind === 'rate' ? Math.round(diff * 1000) / 10 : m.kind === 'average' ? Math.round(diff * 10) / 10 : diff;
  if (rounded === 0) return { text: '持平', better: null };
  const sign = rounded > 0 ? '+' : '−';
  const abs = Math.abs(rounded);
  const text =
    m.kind === 'rate'
      ? `${sign}${abs.toFixed(1)}pt`
      : m.kind === 'average'
        ? `${sign}${abs.toFixed(1)}`
        : `${sign}${abs}`;
  return { text, better: rounded > 0 === m.higherIsBetter };
}
