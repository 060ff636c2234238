import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { localDateOf } from '../../app/calendar/working-time';
import { pdfCharts, reportFileName, reportToPdf, reportToXlsx } from '../../app/reports/export.server';
import {
  DAILY_REPORT_QUEUE,
  dailyReportFile,
  dailyRunOn,
  ensureDailyReportQueue,
  generateDailyReport,
  generateYesterdayReport,
  listDailyReports,
  nextDailyRun,
  runDailyReportJob,
  scheduleNextDailyReport,
  startDailyReports,
} from '../../app/reports/daily.server';
import { CELL_COLUMNS, MEASURES, emptyCells, measureValue, type Cells } from '../../app/reports/measures';
import type { Report } from '../../app/reports/report-types';
import { DB_KINDS } from '../support/env';
import { pdfColourCounts } from '../support/pdf-pixels';
import { useTestServices } from '../support/services';

/** Cells with every column set, some denominators zero so that null figures are exported too. */
function cellsFrom(seed: number, zero: Partial<Record<keyof Cells, true>> = {}): Cells {
  const c = emptyCells();
  CELL_COLUMNS.forEach((col, i) => {
    c[col] = zero[col] ? 0 : ((seed * 37 + i * 11) % 90) + 3;
  });
  c.handlingCentidays = zero.handlingCentidays ? 0 : seed * 1_234 + 7;
  return c;
}

const sample = (): Report => ({
  query: { view: 'department', period: 'month', from: '2026-11-01', to: '2026-11-30' },
  previous: { from: '2026-10-01', to: '2026-10-31' },
  rows: [
    { key: '3', label: '城市管理局', cells: cellsFrom(1), previous: cellsFrom(2) },
    {
      key: '4',
      label: '住房和城乡建设局',
      cells: cellsFrom(3, { orders: true, feedback: true }),
      previous: cellsFrom(4, { replied: true }),
    },
    { key: '', label: '（未派至部门）', cells: cellsFrom(5), previous: emptyCells() },
  ],
  total: { cells: cellsFrom(9), previous: cellsFrom(10, { dispatchedAppeals: true }) },
  trend: [
    { day: '2026-11-01', cells: cellsFrom(6) },
    { day: '2026-11-02', cells: cellsFrom(7) },
  ],
  generatedAt: '2026-11-23 07:00',
});

const figures = (cells: Cells, previous: Cells) =>
  MEASURES.flatMap((m) => [measureValue(m, cells), measureValue(m, previous)]);

async function readXlsx(bytes: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  return wb;
}

/** Values of a row from column 1, empty cells as null. */
const rowValues = (sheet: ExcelJS.Worksheet, n: number, width: number) =>
  Array.from({ length: width }, (_, i) => sheet.getRow(n).getCell(i + 1).value ?? null);

/** The report sheet's rows by name, each with its figures, read back from the file. */
function figureRows(sheet: ExcelJS.Worksheet) {
  const width = 1 + MEASURES.length * 2;
  const out = new Map<string, unknown[]>();
  for (let n = 3; n <= sheet.rowCount; n++) {
    const [name, ...rest] = rowValues(sheet, n, width);
    out.set(String(name), rest);
  }
  return out;
}

const SYSTEM_CJK = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';
const pdfPages = (pdf: Buffer) => (pdf.toString('latin1').match(/\/Type \/Page\b(?!s)/g) ?? []).length;

describe('report exports', () => {
  it('writes every figure of every row and the total into the workbook, current and previous, as numbers', async () => {
    const report = sample();
    const wb = await readXlsx(await reportToXlsx(report));
    expect(wb.worksheets.map((s) => s.name)).toEqual(['报表', '趋势', '指标口径']);
    const sheet = wb.getWorksheet('报表')!;
    expect(String(sheet.getCell('A1').value)).toContain('2026-11-01 至 2026-11-30');
    expect(rowValues(sheet, 2, 1 + MEASURES.length * 2)).toEqual([
      '名称',
      ...MEASURES.flatMap((m) => [m.label, `${m.label}（上期）`]),
    ]);

    const rows = figureRows(sheet);
    expect([...rows.keys()]).toEqual([...report.rows.map((r) => r.label), '合计']);
    for (const r of report.rows) expect(rows.get(r.label)).toEqual(figures(r.cells, r.previous));
    expect(rows.get('合计')).toEqual(figures(report.total.cells, report.total.previous));
    // Zero denominators are empty cells, not zeros.
    expect(rows.get('住房和城乡建设局')![MEASURES.findIndex((m) => m.key === 'responseRate') * 2]).toBeNull();
  });

  it('formats rates as percentages, averages with two decimals and counts as integers', async () => {
    const sheet = (await readXlsx(await reportToXlsx(sample()))).getWorksheet('报表')!;
    const col = (key: string) => 2 + MEASURES.findIndex((m) => m.key === key) * 2;
    expect(sheet.getRow(3).getCell(col('satisfactionRate')).numFmt).toBe('0.0%');
    expect(sheet.getRow(3).getCell(col('satisfactionRate') + 1).numFmt).toBe('0.0%');
    expect(sheet.getRow(3).getCell(col('avgHandlingDays')).numFmt).toBe('0.00');
    expect(sheet.getRow(3).getCell(col('received')).numFmt).toBe('0');
  });

  it('adds the daily trend and the definitions', async () => {
    const report = sample();
    const wb = await readXlsx(await reportToXlsx(report));
    const trend = wb.getWorksheet('趋势')!;
    expect(rowValues(trend, 1, 4)).toEqual(['日期', '受理量', '办结量', '超期数']);
    expect(rowValues(trend, 3, 4)).toEqual([
      '2026-11-02',
      report.trend[1].cells.received,
      report.trend[1].cells.closed,
      report.trend[1].cells.overdue,
    ]);
    const defs = wb.getWorksheet('指标口径')!;
    expect(Array.from({ length: MEASURES.length }, (_, i) => rowValues(defs, i + 2, 2))).toEqual(
      MEASURES.map((m) => [m.label, m.formula]),
    );
  });

  it('prints a PDF, over more pages when there are many rows', async () => {
    const pdf = await reportToPdf(sample());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdfPages(pdf)).toBe(1);
    const long = sample();
    long.rows = Array.from({ length: 60 }, (_, i) => ({
      key: String(i + 1),
      label: `部门 ${i + 1}`,
      cells: cellsFrom(i),
      previous: cellsFrom(i + 1),
    }));
    expect(pdfPages(await reportToPdf(long))).toBeGreaterThan(2);
  });

  it("draws the page's trend and ranking charts into the PDF, from the same figures", async () => {
    const report = sample();
    report.trend = Array.from({ length: 30 }, (_, i) => ({
      day: `2026-11-${String(i + 1).padStart(2, '0')}`,
      cells: { ...cellsFrom(i + 1), closed: Math.floor(cellsFrom(i + 1).received / 2) },
    }));
    report.rows = Array.from({ length: 12 }, (_, i) => ({
      key: String(i + 1),
      label: `部门 ${i + 1}`,
      cells: cellsFrom(i + 2),
      previous: cellsFrom(i + 3),
    }));
    // Up to the day the report was made (the 23rd), ranked by the page's measure, its "none" row left out.
    const charts = pdfCharts(report, 'received');
    expect(charts.trend.map((d) => d.day)).toEqual(report.trend.slice(0, 23).map((d) => d.day));
    expect(charts.ranking.map((r) => r.value)).toEqual(report.rows.map((r) => r.cells.received).sort((a, b) => b - a));
    expect(pdfCharts(report, 'nonsense').measure.key).toBe('satisfactionRate');

    const colours = { trendBlue: [29, 78, 216], trendGreen: [21, 128, 61], bars: [185, 28, 28] } as const;
    const drawn = pdfColourCounts(await reportToPdf(report, { rank: 'received' }), colours, {
      keepPng: 'test-results/report-pdf-charts',
    });
    for (const [name, n] of Object.entries(drawn)) expect(n, name).toBeGreaterThan(100);
    // An empty period draws only the legend's short keys: no lines, no bars.
    const empty = sample();
    empty.rows = [];
    empty.trend = [];
    const none = pdfColourCounts(await reportToPdf(empty), colours);
    for (const [name, n] of Object.entries(none)) expect(n, name).toBeLessThan(drawn[name as keyof typeof drawn] / 4);
  });

  it('embeds the font REPORT_PDF_FONT names, and says in Chinese when there is none', async () => {
    const before = process.env.REPORT_PDF_FONT;
    try {
      process.env.REPORT_PDF_FONT = '/nowhere/font.otf';
      await expect(reportToPdf(sample())).rejects.toMatchObject({
        status: 503,
        message: expect.stringContaining('找不到可嵌入的中文字体'),
      });
      if (existsSync(SYSTEM_CJK)) {
        process.env.REPORT_PDF_FONT = SYSTEM_CJK;
        await expect(reportToPdf(sample())).rejects.toMatchObject({ message: expect.stringContaining('字体集合') });
        process.env.REPORT_PDF_FONT = `${SYSTEM_CJK}#NotoSansCJKsc-Regular`;
        expect(pdfPages(await reportToPdf(sample()))).toBe(1);
      }
    } finally {
      if (before === undefined) delete process.env.REPORT_PDF_FONT;
      else process.env.REPORT_PDF_FONT = before;
    }
  });

  it('names the download after the view and period', () => {
    expect(reportFileName(sample().query, 'xlsx')).toBe('12345报表-department-2026-11.xlsx');
    expect(reportFileName({ view: 'grid', period: 'day', from: '2026-11-22', to: '2026-11-22' }, 'pdf')).toBe(
      '12345报表-grid-2026-11-22.pdf',
    );
    expect(reportFileName({ view: 'source', period: 'custom', from: '2026-11-02', to: '2026-11-09' }, 'xlsx')).toBe(
      '12345报表-source-2026-11-02_2026-11-09.xlsx',
    );
  });

  it('runs at the configured local time, the next morning once it has passed', () => {
    const at7 = 7 * 60;
    expect(nextDailyRun(new Date('2026-11-22T22:59:59Z'), at7).toISOString()).toBe('2026-11-22T23:00:00.000Z'); // 06:59:59 local
    expect(nextDailyRun(new Date('2026-11-22T23:00:00Z'), at7).toISOString()).toBe('2026-11-23T23:00:00.000Z');
    expect(nextDailyRun(new Date('2026-11-22T17:00:00Z'), at7).toISOString()).toBe('2026-11-22T23:00:00.000Z'); // local 01:00 on the 23rd
    expect(dailyRunOn('2026-11-23', 30).toISOString()).toBe('2026-11-22T16:30:00.000Z');
  });
});

describe.each(DB_KINDS)('daily report (日报) on %s', (kind) => {
  const t = useTestServices(kind, { dataDir: true });
  const reportFiles = () =>
    existsSync(path.join(t.dataDir, 'reports')) ? readdirSync(path.join(t.dataDir, 'reports')).sort() : [];
  const snake = (c: string) => c.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`);
  const putCells = (dim: string, key: string, day: string, c: Cells) =>
    t.sql(
      `insert into report_cell (dim, key, day, ${CELL_COLUMNS.map(snake).join(', ')}) values (?, ?, ?, ${CELL_COLUMNS.map(() => '?').join(', ')})`,
      [dim, key, day, ...CELL_COLUMNS.map((col) => c[col])],
    );

  beforeAll(async () => {
    await ensureDailyReportQueue(t.boss);
  });

  it('stores one row and two files for a day, and still one row when generated again', async () => {
    const day = '2026-11-22';
    const dept = t.ids.departments.values().next().value!;
    const [{ name }] = await t.sql<{ name: string }>('select name from department where id = ?', [dept]);
    await putCells('department', String(dept), day, cellsFrom(1));
    await putCells('department', String(dept), '2026-11-21', cellsFrom(2));
    await putCells('all', '', day, cellsFrom(3));

    await generateDailyReport(t.em(), day, new Date('2026-11-22T23:00:00Z'));
    expect(await t.sql('select day::text as day from daily_report')).toEqual([{ day }]);
    expect(
      reportFiles()
        .map((f) => path.extname(f))
        .sort(),
    ).toEqual(['.pdf', '.xlsx']);

    await generateDailyReport(t.em(), day, new Date('2026-11-23T01:00:00Z'));
    expect(await t.sql('select day::text as day from daily_report')).toEqual([{ day }]);
    expect(reportFiles()).toHaveLength(2); // the first run's files went with its row

    const supervisor = t.as('supervisor');
    expect(await listDailyReports(t.em(), supervisor)).toMatchObject([{ day, generatedAt: '2026-11-23 09:00' }]);
    const file = await dailyReportFile(t.em(), supervisor, day, 'xlsx');
    expect(file.fileName).toBe('12345报表-department-2026-11-22.xlsx');
    const rows = figureRows((await readXlsx(file.bytes)).getWorksheet('报表')!);
    expect(rows.get(name)).toEqual(figures(cellsFrom(1), cellsFrom(2)));
    expect(rows.get('合计')).toEqual(figures(cellsFrom(3), emptyCells()));
    const pdf = await dailyReportFile(t.em(), supervisor, day, 'pdf');
    expect(pdf.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    // Each download is in the security audit.
    expect(
      await t.sql("select actor_id, detail from security_event where kind = 'export' order by id desc limit 2"),
    ).toEqual([
      { actor_id: supervisor.userId, detail: { what: 'dailyReport', day, format: 'pdf' } },
      { actor_id: supervisor.userId, detail: { what: 'dailyReport', day, format: 'xlsx' } },
    ]);

    await expect(dailyReportFile(t.em(), supervisor, '2026-11-01', 'xlsx')).rejects.toMatchObject({ status: 404 });
    await expect(listDailyReports(t.em(), t.as('dispatcher'))).rejects.toMatchObject({ status: 403 });
  });

  it("makes yesterday's report on demand, for supervisors only", async () => {
    const now = new Date('2026-11-25T02:00:00Z'); // 10:00 on the 25th
    await expect(generateYesterdayReport(t.em(), t.as('operator'), now)).rejects.toMatchObject({ status: 403 });
    expect(await generateYesterdayReport(t.em(), t.as('supervisor'), now)).toMatchObject({ day: '2026-11-24' });
  });

  it('queues the next morning run once, however often it is ensured, and a run queues the one after', async () => {
    const waiting = () =>
      t.sql<{ key: string; start: string; data: { runDate: string } }>(
        `select singleton_key as key, start_after as start, data from pgboss.job where name = ? and state = 'created' order by start_after`,
        [DAILY_REPORT_QUEUE],
      );
    const now = new Date('2026-11-26T03:00:00Z'); // 11:00 on the 26th
    const first = await scheduleNextDailyReport(t.boss, now);
    expect(first).toMatchObject({ runDate: '2026-11-27', queued: true });
    expect(first.runAt.toISOString()).toBe('2026-11-26T23:00:00.000Z');
    // A restart, and a second process starting at the same time.
    expect((await scheduleNextDailyReport(t.boss, new Date('2026-11-26T05:00:00Z'))).queued).toBe(false);
    expect((await scheduleNextDailyReport(t.boss, now)).queued).toBe(false);
    let jobs = await waiting();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ key: '2026-11-27', data: { runDate: '2026-11-27' } });
    expect(new Date(jobs[0].start).toISOString()).toBe('2026-11-26T23:00:00.000Z');

    // The run on the 27th reports the 26th and queues the 28th, even if the app's clock is a little behind.
    const entry = await runDailyReportJob(t.db, t.boss, { runDate: '2026-11-27' }, new Date('2026-11-26T22:59:58Z'));
    expect(entry.day).toBe('2026-11-26');
    jobs = await waiting();
    expect(jobs.map((j) => j.key)).toEqual(['2026-11-27', '2026-11-28']);
    expect(new Date(jobs[1].start).toISOString()).toBe('2026-11-27T23:00:00.000Z');
  });

  it('ensures the next run at startup, once for two app processes', async () => {
    await startDailyReports(t.boss, t.db, { pollingIntervalSeconds: 60 });
    await startDailyReports(t.boss, t.db, { pollingIntervalSeconds: 60 });
    await t.boss.offWork(DAILY_REPORT_QUEUE);
    const next = nextDailyRun(new Date());
    const jobs = await t.sql<{ start: string }>(
      `select start_after as start from pgboss.job where name = ? and state = 'created' and singleton_key = ?`,
      [DAILY_REPORT_QUEUE, localDateOf(next)],
    );
    expect(jobs.map((j) => new Date(j.start).toISOString())).toEqual([next.toISOString()]);
  });
});
