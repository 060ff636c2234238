import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import type { Browser, Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEASURES, type Measure } from '../../app/reports/measures';
import { launch, login, screenshot } from './browser';

async function workbookOf(download: Download) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await readFile((await download.path())!)) as unknown as ArrayBuffer);
  return wb;
}

/** A figure read from the workbook, printed the way the report page prints it. */
function asOnPage(m: Measure, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  const v = Number(value);
  if (m.kind === 'rate') return `${(v * 100).toFixed(1)}%`;
  if (m.kind === 'average') return v.toFixed(1);
  return String(v);
}

/** The workbook's rows by name: for each measure, the current and the previous figure as the page prints them. */
function workbookRows(sheet: ExcelJS.Worksheet) {
  const rows = new Map<string, { current: string[]; previous: string[] }>();
  for (let n = 3; n <= sheet.rowCount; n++) {
    const row = sheet.getRow(n);
    rows.set(String(row.getCell(1).value), {
      current: MEASURES.map((m, i) => asOnPage(m, row.getCell(2 + i * 2).value)),
      previous: MEASURES.map((m, i) => asOnPage(m, row.getCell(3 + i * 2).value)),
    });
  }
  return rows;
}

/** The department rows of the page's table: name, and per measure the figure and last period's figure. */
async function pageRows(page: Page) {
  const rows = page.getByTestId('report-table').getByTestId('report-row');
  const out: { key: string; label: string; current: string[]; previous: string[] }[] = [];
  for (const row of await rows.all()) {
    const figure = async (testId: string, m: Measure) =>
      ((await row.locator(`[data-testid="${testId}"][data-measure="${m.key}"]`).first().textContent()) ?? '').trim();
    out.push({
      key: (await row.getAttribute('data-key')) ?? '',
      label: ((await row.locator('th').textContent()) ?? '').trim(),
      current: await Promise.all(MEASURES.map((m) => figure('figure', m))),
      previous: await Promise.all(MEASURES.map((m) => figure('figure-previous', m))),
    });
  }
  return out;
}

/** Yesterday in Asia/Shanghai, the day the daily report button reports. */
const yesterday = () => new Date(Date.now() + 8 * 3_600_000 - 86_400_000).toISOString().slice(0, 10);

describe('report exports', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('exports the report shown on /reports to Excel with the same figures', async () => {
    const page = await login(browser, 'supervisor');
    await page.getByTestId('home-title').waitFor();
    await page.goto('/reports?view=department&period=month');
    // The demo appeals reach the roll-up a moment after the server starts; reload until a department shows.
    let shown: Awaited<ReturnType<typeof pageRows>> = [];
    await expect
      .poll(
        async () => {
          await page.reload();
          await page.getByTestId('report-table').waitFor();
          shown = await pageRows(page);
          return shown.some((r) => r.key !== '' && r.current[0] !== '0');
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toBe(true);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: '导出 Excel' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^12345报表-department-\d{4}-\d{2}\.xlsx$/);
    const wb = await workbookOf(download);
    expect(wb.worksheets.map((s) => s.name)).toEqual(['报表', '趋势', '指标口径']);
    const exported = workbookRows(wb.getWorksheet('报表')!);
    expect([...exported.keys()]).toEqual([...shown.map((r) => r.label), '合计']);
    for (const row of shown) {
      expect({ label: row.label, ...exported.get(row.label) }).toEqual({
        label: row.label,
        current: row.current,
        previous: row.previous,
      });
    }

    const [pdf] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: '导出 PDF' }).click(),
    ]);
    expect(pdf.suggestedFilename()).toMatch(/\.pdf$/);
    expect((await readFile((await pdf.path())!)).subarray(0, 5).toString()).toBe('%PDF-');
    await page.context().close();
  });

  it("lists yesterday's daily report after generating it, and downloads its workbook", async () => {
    const page = await login(browser, 'supervisor');
    await page.getByTestId('home-title').waitFor();
    await page.goto('/reports');
    await page.getByRole('link', { name: '每日报表' }).click();
    await page.getByRole('heading', { name: '每日报表' }).waitFor();
    await page.getByRole('button', { name: '立即生成昨日日报' }).click();
    await page.getByRole('status').filter({ hasText: yesterday() }).waitFor();
    const row = page.locator(`[data-testid="daily-report"][data-day="${yesterday()}"]`);
    await expect.poll(() => row.count()).toBe(1);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      row.getByRole('link', { name: /^Excel/ }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`12345报表-department-${yesterday()}.xlsx`);
    const sheet = (await workbookOf(download)).getWorksheet('报表')!;
    expect(String(sheet.getCell('A1').value)).toContain(`${yesterday()} 至 ${yesterday()}`);
    expect(sheet.getRow(sheet.rowCount).getCell(1).value).toBe('合计');
    await screenshot(page, 'daily-reports');
    await page.context().close();
  });
});
