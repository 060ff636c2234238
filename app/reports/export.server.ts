// A report as files to keep or send on: an Excel workbook whose figures are numbers (so they can be
// summed and charted again) and a PDF for reading and printing. Both show exactly the figures of
// the report page — every one of them is `measureValue` of the same cells.
import type { EntityManager } from '@mikro-orm/sql';
import ExcelJS from 'exceljs';
import type { Actor } from '../../machines/actor';
import type { RequestClient } from '../http/client.server';
import { recordSecurityEvent } from '../security/security-log.server';
import { MEASURES, measureValue, type Cells, type Measure } from './measures';
import { buildReport, parseReportQuery } from './report.server';
import type { Report, ReportQuery } from './report-types';
import { rankingData, rankingGeometry, trendData, trendGeometry } from './charts';
import { drawRanking, drawTrend } from './pdf-charts.server';
import { drawDefinitions, finishPdf, openPdf } from './pdf-document.server';
import { DEFAULT_RANK_MEASURE, VIEW_LABELS, measureByKey, rankRows } from './report-view';

export const EXPORT_FORMATS = ['xlsx', 'pdf'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const CONTENT_TYPES: Record<ExportFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
};

export interface ExportFile {
  bytes: Buffer;
  fileName: string;
  contentType: string;
}

/** The report a supervisor sees on /reports, as a file (the page's query string, plus `format`). */
export async function exportReport(
  em: EntityManager,
  actor: Actor,
  params: URLSearchParams,
  format: ExportFormat,
  client: RequestClient | null = null,
): Promise<ExportFile> {
  const query = parseReportQuery(params);
  const report = await buildReport(em, actor, query);
  const bytes =
    format === 'xlsx' ? await reportToXlsx(report) : await reportToPdf(report, { rank: params.get('rank') });
  await recordSecurityEvent(em, {
    kind: 'export',
    actorId: actor.userId,
    client,
    detail: { what: 'report', format, query: Object.fromEntries(params) },
  });
  return { bytes, fileName: reportFileName(query, format), contentType: CONTENT_TYPES[format] };
}

/** Download headers; the Chinese name goes in `filename*`, with a plain ASCII name for old clients. */
export function downloadHeaders(file: Omit<ExportFile, 'bytes'>): Record<string, string> {
  const ascii = file.fileName.replace(/[^\x20-\x7e]/g, '').replace(/["\\]/g, '') || 'report';
  return {
    'Content-Type': file.contentType,
    'Content-Disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
    'Cache-Control': 'private, no-store',
  };
}

const PERIOD_LABELS: Record<ReportQuery['period'], string> = {
  day: '日报',
  week: '周报',
  month: '月报',
  custom: '自定义时段',
};
const NUMBER_FORMATS: Record<Measure['kind'], string> = { count: '0', rate: '0.0%', average: '0.00' };

/** The report's title line, the same in both files. */
export function reportTitle(report: Report): string {
  const q = report.query;
  return `12345 热线${PERIOD_LABELS[q.period]} · 按${VIEW_LABELS[q.view]} · ${q.from} 至 ${q.to}（上期 ${report.previous.from} 至 ${report.previous.to}）· 生成于 ${report.generatedAt}`;
}

/** A download name such as 12345报表-department-2026-11.xlsx. */
export function reportFileName(query: ReportQuery, format: 'xlsx' | 'pdf'): string {
  const span =
    query.period === 'month'
      ? query.from.slice(0, 7)
      : query.period === 'day'
        ? query.from
        : `${query.from}_${query.to}`;
  return `12345报表-${query.view}-${span}.${format}`;
}

// ---- Excel -----------------------------------------------------------------------------------------

export async function reportToXlsx(report: Report): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '12345 热线';
  wb.created = new Date();

  const sheet = wb.addWorksheet('报表', { views: [{ state: 'frozen', xSplit: 1, ySplit: 2 }] });
  sheet.addRow([reportTitle(report)]).font = { bold: true, size: 13 };
  const header = sheet.addRow(['名称', ...MEASURES.flatMap((m) => [m.label, `${m.label}（上期）`])]);
  header.font = { bold: true };
  header.alignment = { wrapText: true, vertical: 'middle', horizontal: 'center' };
  header.height = 32;
  const figures = (cells: Cells, previous: Cells) =>
    MEASURES.flatMap((m) => [measureValue(m, cells), measureValue(m, previous)]);
  for (const row of report.rows) sheet.addRow([row.label, ...figures(row.cells, row.previous)]);
  sheet.addRow(['合计', ...figures(report.total.cells, report.total.previous)]).font = { bold: true };
  sheet.getColumn(1).width = 24;
  MEASURES.forEach((m, i) => {
    for (const col of [2 + i * 2, 3 + i * 2]) {
      const column = sheet.getColumn(col);
      column.width = 12;
      // Header and title rows keep their text; the figure rows show the measure's unit.
      column.eachCell((cell, rowNumber) => {
        if (rowNumber > 2) cell.numFmt = NUMBER_FORMATS[m.kind];
      });
    }
  });

  const trend = wb.addWorksheet('趋势', { views: [{ state: 'frozen', ySplit: 1 }] });
  trend.addRow(['日期', '受理量', '办结量', '超期数']).font = { bold: true };
  for (const t of report.trend) trend.addRow([t.day, t.cells.received, t.cells.closed, t.cells.overdue]);
  trend.getColumn(1).width = 14;

  const formulas = wb.addWorksheet('指标口径');
  formulas.addRow(['指标', '口径']).font = { bold: true };
  for (const m of MEASURES) formulas.addRow([m.label, m.formula]);
  formulas.getColumn(1).width = 24;
  formulas.getColumn(2).width = 70;

  return Buffer.from(await wb.xlsx.writeBuffer());
}

// ---- PDF -------------------------------------------------------------------------------------------

/** How a figure reads in the PDF: counts whole, rates in percent with one decimal, averages with two. */
export function formatFigure(m: Measure, value: number | null): string {
  if (value === null) return '—';
  if (m.kind === 'rate') return `${(value * 100).toFixed(1)}%`;
  if (m.kind === 'average') return value.toFixed(2);
  return String(value);
}

const PAGE = { margin: 28, nameWidth: 104, headerHeight: 40, rowHeight: 24 };
const COLORS = { text: '#0f172a', muted: '#64748b', line: '#cbd5e1', band: '#f1f5f9', total: '#e2e8f0' };

/** What the PDF's two charts show: the page's trend and its ranking by the measure chosen there. */
export function pdfCharts(report: Report, rank?: string | null) {
  const measure = measureByKey(rank) ?? measureByKey(DEFAULT_RANK_MEASURE)!;
  const ranked = rankRows(
    report.rows.filter((r) => r.key !== ''),
    measure,
  );
  return {
    measure,
    trend: trendData(report.trend, report.generatedAt.slice(0, 10)),
    ranking: rankingData(
      ranked.map((r) => ({ label: r.label, value: measureValue(measure, r.cells) })),
      measure.kind,
    ),
  };
}

const CHART_HEIGHT = 150;

export async function reportToPdf(report: Report, opts: { rank?: string | null } = {}): Promise<Buffer> {
  const { doc, done } = openPdf({
    size: 'A4',
    layout: 'landscape',
    margin: PAGE.margin,
    bufferPages: true,
    info: { Title: reportTitle(report), Creator: '12345 热线' },
  });
  doc.fillColor(COLORS.text);

  const left = PAGE.margin;
  const width = doc.page.width - PAGE.margin * 2;
  const colWidth = (width - PAGE.nameWidth) / MEASURES.length;
  const bottom = () => doc.page.height - PAGE.margin - 16;

  doc.fontSize(13).text(reportTitle(report), left, PAGE.margin, { width });
  doc
    .fontSize(7.5)
    .fillColor(COLORS.muted)
    .text('每格上行为本期，下行为上期；“—”表示分母为零、无法计算。', left, doc.y + 2, { width })
    .fillColor(COLORS.text);
  let y = doc.y + 8;

  // The page's two charts, side by side above the table.
  const charts = pdfCharts(report, opts.rank);
  const chartWidth = (width - 24) / 2;
  drawTrend(
    doc,
    trendGeometry(charts.trend, chartWidth, CHART_HEIGHT - 14),
    left,
    y + 10,
    '受理与办结趋势（全市，按受理日）',
  );
  const rows = Math.max(1, charts.ranking.length);
  drawRanking(
    doc,
    rankingGeometry(charts.ranking, {
      percent: charts.measure.kind === 'rate',
      width: chartWidth,
      labelWidth: 96,
      row: Math.min(14, (CHART_HEIGHT - 50) / rows),
    }),
    left + chartWidth + 24,
    y + 10,
    `${VIEW_LABELS[report.query.view]}排名：${charts.measure.label}（${charts.measure.higherIsBetter ? '由高到低' : '由低到高'}）`,
  );
  doc.font('cjk');
  y += CHART_HEIGHT + 14;

  const drawHeader = () => {
    doc.rect(left, y, width, PAGE.headerHeight).fill(COLORS.band).fillColor(COLORS.text);
    doc.fontSize(8).text('名称', left + 4, y + 15, { width: PAGE.nameWidth - 8 });
    MEASURES.forEach((m, i) => {
      doc.text(m.label, left + PAGE.nameWidth + i * colWidth + 2, y + 6, {
        width: colWidth - 4,
        align: 'center',
        height: PAGE.headerHeight - 6,
      });
    });
    y += PAGE.headerHeight;
  };
  const drawRow = (label: string, cells: Cells, previous: Cells, total = false) => {
    if (y + PAGE.rowHeight > bottom()) {
      doc.addPage();
      y = PAGE.margin;
      drawHeader();
    }
    if (total) doc.rect(left, y, width, PAGE.rowHeight).fill(COLORS.total).fillColor(COLORS.text);
    doc.fontSize(8).text(label, left + 4, y + 7, {
      width: PAGE.nameWidth - 8,
      height: PAGE.rowHeight - 4,
      ellipsis: true,
      lineBreak: false,
    });
    MEASURES.forEach((m, i) => {
      const x = left + PAGE.nameWidth + i * colWidth;
      doc
        .fontSize(8)
        .fillColor(COLORS.text)
        .text(formatFigure(m, measureValue(m, cells)), x, y + 3, {
          width: colWidth - 4,
          align: 'right',
          lineBreak: false,
        });
      doc
        .fontSize(6.5)
        .fillColor(COLORS.muted)
        .text(formatFigure(m, measureValue(m, previous)), x, y + 13, {
          width: colWidth - 4,
          align: 'right',
          lineBreak: false,
        });
    });
    doc.fillColor(COLORS.text);
    y += PAGE.rowHeight;
    doc
      .moveTo(left, y)
      .lineTo(left + width, y)
      .lineWidth(0.5)
      .strokeColor(COLORS.line)
      .stroke();
  };

  drawHeader();
  for (const row of report.rows) drawRow(row.label, row.cells, row.previous);
  drawRow('合计', report.total.cells, report.total.previous, true);

  // The definitions, so a printed report can be read without the page.
  drawDefinitions(doc, {
    title: '指标口径',
    items: MEASURES,
    x: left,
    y: y + 14,
    width,
    bottom: bottom(),
    top: PAGE.margin,
  });
  return finishPdf(doc, done, { margin: PAGE.margin, color: COLORS.muted });
}
