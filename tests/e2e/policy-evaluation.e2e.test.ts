import { execFileSync } from 'node:child_process';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, login, screenshot } from './browser';

// Journey (e) of the policy channel: the hotline office opens the evaluation (晴雨表) of the month before last, sees
// the ranking and the charts, drills into a figure down to its records, generates the report for the executive
// meeting, waits for the job to finish and downloads the PDF, whose text names the period, a policy and a figure.

describe('policy evaluation', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('a supervisor reads the ranking, drills into a figure and downloads the meeting report', async () => {
    const page = await login(browser, 'supervisor');
    await page.getByTestId('home-title').waitFor();
    const nav = page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '政策评价', exact: true });
    expect(await nav.getAttribute('href')).toBe('/policy-evaluation');
    await page.goto('/policy-evaluation');

    // The month before last: every lead department has reported it, some late.
    const periods = page.getByRole('combobox', { name: '期间' });
    const past = (await periods.locator('option').allTextContents())[1];
    await periods.selectOption({ label: past });
    await page.getByRole('button', { name: '查看' }).click();
    await page.waitForURL(/period=\d+/);
    await page.getByRole('heading', { name: `${past} 评价排名` }).waitFor();
    expect(await page.getByTestId('ranking-chart').locator('.ranking-bar').count()).toBeGreaterThan(2);
    await page.getByTestId('receipt-chart').waitFor();
    const rows = page.getByTestId('evaluation-row');
    expect(await rows.count()).toBeGreaterThan(5);
    expect(await rows.first().locator('td').first().textContent()).toBe('1');
    const statuses = await page.getByTestId('evaluation-table').textContent();
    expect(statuses).toContain('按时上报');
    expect(statuses).toContain('逾期上报');
    await screenshot(page, 'policy-evaluation-by-policy');

    // By lead department: the same period, one row per department.
    await page.getByRole('link', { name: '按牵头单位' }).click();
    await page.waitForURL(/by=department/);
    await expect.poll(() => page.getByTestId('evaluation-table').locator('th').nth(1).textContent()).toBe('牵头单位');
    await screenshot(page, 'policy-evaluation-by-department');

    // The records behind the first department's beneficiaries, masked.
    const first = page.getByTestId('evaluation-row').first();
    const figure = (await first.locator('[data-column="beneficiaries"]').textContent())!;
    expect(Number(figure)).toBeGreaterThan(0);
    await first.locator('[data-column="beneficiaries"]').getByRole('link').click();
    await page.waitForURL(/\/policy-evaluation\/drill\?/);
    expect(await page.getByTestId('drill-count').textContent()).toBe(figure);
    expect(await page.getByTestId('drill-row').count()).toBe(Math.min(50, Number(figure)));
    const drilled = (await page.getByTestId('drill-table').textContent())!;
    expect(drilled).toMatch(/1\d{2}\*{4}\d{4}/); // phones masked
    expect(drilled).not.toMatch(/\b1[3-9]\d{9}\b/);
    await screenshot(page, 'policy-evaluation-drill');
    const back = (await page.getByRole('link', { name: '返回评价' }).getAttribute('href'))!;
    expect(back).toMatch(/^\/policy-evaluation\?period=\d+&by=department$/);
    await page.goto(back);

    // The report for the meeting: queued, then written by the job; the page follows it to done.
    await page.locator('html[data-hydrated]').waitFor();
    const before = await page.getByTestId('evaluation-report').count();
    await page.getByRole('button', { name: '生成报告' }).click();
    await expect.poll(() => page.getByTestId('evaluation-report').count()).toBe(before + 1);
    const report = page.getByTestId('evaluation-report').first();
    await expect.poll(() => report.getAttribute('data-state'), { timeout: 60_000 }).toBe('done');
    await screenshot(page, 'policy-evaluation-report-done');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      report.getByRole('link', { name: /PDF/ }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`政策落实评价-${past}.pdf`);
    const text = execFileSync('pdftotext', ['-layout', (await download.path())!, '-'], { encoding: 'utf8' });
    expect(text).toContain(`政策落实评价报告（晴雨表）· ${past}`);
    const department = (await page.getByTestId('evaluation-row').first().locator('td').nth(1).textContent())!;
    expect(text).toContain(department.slice(0, 8));
    expect(text).toContain('东城区80周岁以上老年人高龄津贴');
    expect(text).toContain(figure);
    await page.context().close();
  });

  it('keeps a department to its own policies, and the report to the office', async () => {
    const page = await login(browser, 'handler-f06');
    await page.getByTestId('home-title').waitFor();
    await page.goto('/policy-evaluation?by=department');
    await page.getByTestId('evaluation-table').waitFor();
    expect(await page.getByTestId('evaluation-row').allTextContents()).toHaveLength(1);
    expect(await page.getByTestId('evaluation-row').first().textContent()).toContain('市人力资源和社会保障局');
    expect(await page.getByRole('button', { name: '生成报告' }).count()).toBe(0);
    expect((await page.request.get('/policy-evaluation/reports/1/pdf')).status()).toBe(403);
    await screenshot(page, 'policy-evaluation-department');
    await page.context().close();

    const operator = await login(browser, 'operator');
    await operator.getByTestId('home-title').waitFor();
    expect((await operator.goto('/policy-evaluation'))?.status()).toBe(403);
    await operator.context().close();
  });
});
