// The evaluation as the files the executive meeting (常务会议) reads: a PDF (ranking chart, receipt-confirmed chart,
// the lead departments' and the policies' tables, the definitions and the score's weights) and a workbook whose
// figures are numbers. Both show the page's figures: every one is a column of ./columns.ts on the same rows.
import ExcelJS from 'exceljs';
import { rankingData, rankingGeometry } from '../reports/charts';
import { drawRanking } from '../reports/pdf-charts.server';
import { drawDefinitions, finishPdf, openPdf } from '../reports/pdf-document.server';
import { COLUMN_NUMBER_FORMATS, EVALUATION_COLUMNS, formatColumn } from './columns';
import type { Evaluation, EvaluationRow } from './evaluation.server';

export interface EvaluationReportData {
  byDepartment: Evaluation;
  byPolicy: Evaluation;
}

export const evaluationReportTitle = (e: Evaluation) => `政策落实评价报告（晴雨表）· ${e.period.label}`;

export function evaluationReportFileName(periodLabel: string, format: 'pdf' | 'xlsx') {
  return `政策落实评价-${periodLabel}.${format}`;
}

/** The two charts of the page: the ranking by score, and the receipt-confirmed rate, each by lead department. */
export function evaluationCharts(e: Evaluation) {
  const ranked = e.rows.filter((r) => r.score !== null);
  return {
    ranking: rankingData(
      ranked.map((r) => ({ label: r.label, value: r.score })),
      'average',
    ),
    receipt: rankingData(
      [...e.rows]
        .filter((r) => r.rates.receiptRate !== null)
        .sort((a, b) => b.rates.receiptRate! - a.rates.receiptRate!)
        .map((r) => ({ label: r.label, value: r.rates.receiptRate })),
      'rate',
    ),
  };
}

// ---- Excel -----------------------------------------------------------------------------------------

function addTable(wb: ExcelJS.Workbook, name: string, e: Evaluation, first: string[]) {
  const sheet = wb.addWorksheet(name, { views: [{ state: 'frozen', xSplit: first.length, ySplit: 2 }] });
  sheet.addRow([
    `${evaluationReportTitle(e)} · 期间 ${e.period.startsOn} 至 ${e.period.endsOn} · 生成于 ${e.generatedAt}`,
  ]).font = { bold: true, size: 13 };
  const header = sheet.addRow(['排名', ...first, ...EVALUATION_COLUMNS.map((c) => c.label)]);
  header.font = { bold: true };
  header.alignment = { wrapText: true, vertical: 'middle', horizontal: 'center' };
  const lead = (r: EvaluationRow) => (e.groupBy === 'policy' ? [r.number, r.label, r.department] : [r.label]);
  for (const r of e.rows) sheet.addRow([r.rank, ...lead(r), ...EVALUATION_COLUMNS.map((c) => c.value(r))]);
  sheet.addRow([
    null,
    '合计',
    ...first.slice(1).map(() => null),
    ...EVALUATION_COLUMNS.map((c) => c.value(e.total)),
  ]).font = { bold: true };
  first.forEach((_, i) => (sheet.getColumn(2 + i).width = i === 0 && e.groupBy === 'policy' ? 12 : 28));
  EVALUATION_COLUMNS.forEach((c, i) => {
    const column = sheet.getColumn(2 + first.length + i);
    column.width = 12;
    column.eachCell((cell, rowNumber) => {
      if (rowNumber > 2) cell.numFmt = COLUMN_NUMBER_FORMATS[c.kind];
    });
  });
}

export async function evaluationToXlsx(data: EvaluationReportData): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '12345 热线';
  wb.created = new Date();
  addTable(wb, '按牵头单位', data.byDepartment, ['牵头单位']);
  addTable(wb, '按政策', data.byPolicy, ['政策编号', '政策名称', '牵头单位']);
  const formulas = wb.addWorksheet('指标口径');
  formulas.addRow(['指标', '口径']).font = { bold: true };
  for (const c of EVALUATION_COLUMNS) formulas.addRow([c.label, c.formula]);
  formulas.getColumn(1).width = 20;
  formulas.getColumn(2).width = 90;
  return Buffer.from(await wb.xlsx.writeBuffer());
}

// ---- PDF -------------------------------------------------------------------------------------------

const MARGIN = 28;
const COLORS = { text: '#0f172a', muted: '#64748b', line: '#cbd5e1', band: '#f1f5f9', total: '#e2e8f0' };
const CHART_HEIGHT = 170;

export async function evaluationToPdf(data: EvaluationReportData): Promise<Buffer> {
  const e = data.byDepartment;
  const { doc, done } = openPdf({
    size: 'A4',
    layout: 'landscape',
    margin: MARGIN,
    bufferPages: true,
    info: { Title: evaluationReportTitle(e), Creator: '12345 热线' },
  });
  const left = MARGIN;
  const width = doc.page.width - MARGIN * 2;
  const bottom = () => doc.page.height - MARGIN - 16;
  doc.fillColor(COLORS.text).fontSize(15).text(evaluationReportTitle(e), left, MARGIN, { width });
  doc
    .fontSize(8)
    .fillColor(COLORS.muted)
    .text(
      `期间 ${e.period.startsOn} 至 ${e.period.endsOn}，上报截止 ${e.period.dueOn} · 生成于 ${e.generatedAt} · 供市政府常务会议参阅`,
      left,
      doc.y + 2,
      { width },
    )
    .fillColor(COLORS.text);
  let y = doc.y + 10;

  const charts = evaluationCharts(e);
  const chartWidth = (width - 24) / 2;
  const rowHeight = (n: number) => Math.min(14, (CHART_HEIGHT - 50) / Math.max(1, n));
  drawRanking(
    doc,
    rankingGeometry(charts.ranking, {
      percent: false,
      max: 100,
      width: chartWidth,
      labelWidth: 110,
      row: rowHeight(charts.ranking.length),
    }),
    left,
    y + 10,
    '牵头单位综合得分排名（百分制，由高到低）',
  );
  drawRanking(
    doc,
    rankingGeometry(charts.receipt, {
      percent: true,
      width: chartWidth,
      labelWidth: 110,
      row: rowHeight(charts.receipt.length),
    }),
    left + chartWidth + 24,
    y + 10,
    '各牵头单位回访到账确认率',
  );
  doc.font('cjk');
  y += CHART_HEIGHT + 20;

  const table = (ev: Evaluation, heading: string) => {
    const nameWidth = ev.groupBy === 'policy' ? 170 : 120;
    const rankWidth = 26;
    const colWidth = (width - rankWidth - nameWidth) / EVALUATION_COLUMNS.length;
    const header = () => {
      doc.rect(left, y, width, 34).fill(COLORS.band).fillColor(COLORS.text);
      doc.fontSize(7.5).text('排名', left + 2, y + 12, { width: rankWidth - 4, align: 'center' });
      doc.text(ev.groupBy === 'policy' ? '政策（牵头单位）' : '牵头单位', left + rankWidth + 2, y + 12, {
        width: nameWidth - 4,
      });
      EVALUATION_COLUMNS.forEach((c, i) =>
        doc.text(c.label, left + rankWidth + nameWidth + i * colWidth + 1, y + 5, {
          width: colWidth - 2,
          align: 'center',
          height: 28,
        }),
      );
      y += 34;
    };
    const line = (
      rank: string,
      name: string,
      row: Pick<EvaluationRow, 'counts' | 'rates' | 'score'>,
      total = false,
    ) => {
      if (y + 20 > bottom()) {
        doc.addPage();
        y = MARGIN;
        header();
      }
      if (total) doc.rect(left, y, width, 20).fill(COLORS.total).fillColor(COLORS.text);
      doc.fontSize(7.5).fillColor(COLORS.text);
      doc.text(rank, left + 2, y + 6, { width: rankWidth - 4, align: 'center', lineBreak: false });
      doc.text(name, left + rankWidth + 2, y + 6, {
        width: nameWidth - 4,
        height: 12,
        ellipsis: true,
        lineBreak: false,
      });
      EVALUATION_COLUMNS.forEach((c, i) =>
        doc.text(formatColumn(c.kind, c.value(row)), left + rankWidth + nameWidth + i * colWidth, y + 6, {
          width: colWidth - 4,
          align: 'right',
          lineBreak: false,
        }),
      );
      y += 20;
      doc
        .moveTo(left, y)
        .lineTo(left + width, y)
        .lineWidth(0.5)
        .strokeColor(COLORS.line)
        .stroke();
    };
    if (y + 80 > bottom()) {
      doc.addPage();
      y = MARGIN;
    }
    doc.fontSize(11).fillColor(COLORS.text).text(heading, left, y);
    y = doc.y + 4;
    header();
    for (const r of ev.rows)
      line(
        r.rank === null ? '—' : String(r.rank),
        ev.groupBy === 'policy' ? `${r.label}（${r.department}）` : r.label,
        r,
      );
    line('', '合计', ev.total, true);
    y += 16;
  };
  table(data.byDepartment, '一、按牵头单位');
  table(data.byPolicy, '二、按政策');

  drawDefinitions(doc, {
    title: '三、指标口径',
    items: EVALUATION_COLUMNS,
    x: left,
    y,
    width,
    bottom: bottom(),
    top: MARGIN,
    titleSize: 11,
  });
  return finishPdf(doc, done, { margin: MARGIN, color: COLORS.muted });
}
