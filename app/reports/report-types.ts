// The shape of a supervisor report, shared by the report page, the exports and the daily report.
import type { Cells, ReportDimension } from './measures';

export type ReportView = Exclude<ReportDimension, 'all'>;
export const REPORT_VIEWS: readonly ReportView[] = ['department', 'category', 'grid', 'source'];
export const REPORT_PERIODS = ['day', 'week', 'month', 'custom'] as const;
export type ReportPeriod = (typeof REPORT_PERIODS)[number];

export interface ReportQuery {
  view: ReportView;
  period: ReportPeriod;
  /** Inclusive local dates (Asia/Shanghai), YYYY-MM-DD. */
  from: string;
  to: string;
}

export interface ReportRow {
  /** The cell key: a department, category or grid id as text, a source name, or '' for "none". */
  key: string;
  label: string;
  cells: Cells;
  /** The same key in the previous period of equal length. */
  previous: Cells;
}

export interface Report {
  query: ReportQuery;
  /** The previous period of equal length, shown beside the current one. */
  previous: { from: string; to: string };
  rows: ReportRow[];
  total: { cells: Cells; previous: Cells };
  /** Whole-city figures per day of the period, for the trend charts. */
  trend: { day: string; cells: Cells }[];
  /** When the figures were read, local time. */
  generatedAt: string;
}
