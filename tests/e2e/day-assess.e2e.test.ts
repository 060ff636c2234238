import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, login, screenshot } from './browser';
import { pdfColourCounts } from '../support/pdf-pixels';
import { act, chooseUnits, open, phase, recordComplaint, submit } from './journeys';
import { BUREAU_SECTIONS } from '../../app/seed/demo-city-data';

describe('a supervisor day: extensions, reports, assessment', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('21: 批准延期 starts at the days the department asked for, beside its reason, and can be changed', async () => {
    const url = await recordComplaint(browser, { phone: '13955552101', title: '延期申请预填测试' });
    const d = await open(browser, 'dispatcher', url);
    await chooseUnits(d, '市城市管理局');
    await submit(d, '派单');
    await d.context().close();

    const h = await open(browser, 'handler', url);
    await submit(h, '签收');
    await expect.poll(() => phase(h)).toBe('办理中');
    await submit(h, '申请延期', { 延期工作日: '4', 理由: '需与街道联合清理，申请延期四个工作日。' });
    await expect.poll(() => phase(h)).toBe('延期待批');
    await h.context().close();

    const approver = await open(browser, 'dispatcher', url);
    const form = act(approver, '批准延期');
    const days = form.getByLabel('批准延期工作日');
    await expect.poll(() => days.inputValue()).toBe('4');
    const request = await form.getByTestId('extension-request').textContent();
    expect(request).toContain('承办单位申请延期 4 个工作日');
    expect(request).toContain('需与街道联合清理，申请延期四个工作日。');
    await screenshot(approver, 'assess-21-extension-prefilled');
    // The approver grants fewer days than asked; the timeline records what was granted.
    await days.fill('2');
    await form.getByRole('button', { name: '批准延期' }).click();
    await approver.waitForLoadState('networkidle');
    await expect.poll(() => phase(approver)).toBe('办理中');
    await approver.context().close();
  });
  it('23: units are ranked by their monthly score; a department sees its own score and the appeals behind each deduction', async () => {
    // An appeal of 市城市管理局 sent back to be redone this month: a redo deduction of its own.
    const url = await recordComplaint(browser, { phone: '13955552301', title: '考核重办扣分测试' });
    const d = await open(browser, 'dispatcher', url);
    await chooseUnits(d, '市城市管理局');
    await submit(d, '派单');
    await d.context().close();
    const h = await open(browser, 'handler', url);
    await submit(h, '签收');
    await submit(h, '办理答复', { 办理结果: '已清理占道摊位。', 是否解决: 'yes' });
    await expect.poll(() => phase(h)).toBe('待审核');
    await h.context().close();
    const r = await open(browser, 'reviewer', url);
    await submit(r, '审核通过');
    await submit(r, '回访评价', { 满意度: 'dissatisfied', 问题是否解决: 'no', 市民意见: '摊位又摆出来了' });
    await submit(r, '重办', { 理由: '问题反复，请彻底整治。' });
    await expect.poll(() => phase(r)).toBe('办理中');
    const number = (await r.getByTestId('appeal-number').textContent())!.trim();
    await r.context().close();

    // The supervisor's ranking: a chart and a table, every scored unit placed, best first.
    const s = await login(browser, 'supervisor');
    await s.getByTestId('home-title').waitFor();
    await s.getByRole('link', { name: '考核', exact: true }).click();
    await s.getByTestId('assessment-table').waitFor();
    expect(await s.getByTestId('assessment-scheme').textContent()).toMatch(
      /响应率 × \d+% \+ 解决率 × \d+% \+ 满意率 × \d+%/,
    );
    const cityRow = s.locator('[data-testid="assessment-row"]').filter({ hasText: '市城市管理局' });
    // The roll-up takes the redo a moment after it happened.
    await expect
      .poll(
        async () => {
          await s.reload();
          await s.getByTestId('assessment-table').waitFor();
          return cityRow.count();
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toBe(1);
    const scores = (await s.getByTestId('assessment-score').allTextContents()).filter((x) => x !== '—').map(Number);
    expect(scores.length).toBeGreaterThan(0);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(await s.getByTestId('assessment-chart').locator('.ranking-bar').count()).toBe(Math.min(20, scores.length));
    // A unit outside the handler's bureau: neither 市城市管理局 nor one of its sections, which are his to see.
    let others = s.locator('[data-testid="assessment-row"]');
    for (const name of ['市城市管理局', ...BUREAU_SECTIONS.F02]) others = others.filter({ hasNotText: name });
    const otherUnit = await others.first().getAttribute('data-unit');
    await screenshot(s, 'assess-23-ranking');
    // Last month is scored with the rules valid then (the demo changed them from this month on).
    // The page may already name its month in the URL: wait for last month's, then for its scheme.
    const shown = s.url();
    await s.getByRole('link', { name: '‹ 上月' }).click();
    await s.waitForURL((u) => u.href !== shown && /month=\d{4}-\d{2}/.test(u.href));
    await expect.poll(() => s.getByTestId('assessment-scheme').textContent()).toContain('自 2000-01 起');
    await s.context().close();

    // The handler lands on his own unit: its breakdown adds up, and each deduction lists its appeals.
    const u = await login(browser, 'handler');
    await u.getByTestId('home-title').waitFor();
    await u.goto('/assessment');
    await u.getByTestId('assessment-unit').waitFor();
    expect(await u.getByTestId('assessment-unit').textContent()).toContain('市城市管理局');
    const redone = u.getByTestId('deduction-redone');
    await expect
      .poll(
        async () => {
          await u.reload();
          return redone.getByRole('link', { name: number }).count();
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toBe(1);
    const parts = await u.getByTestId('deduction-part').allTextContents();
    const redoneCount = Number(/(\d+) 件/.exec(parts.find((p) => p.startsWith('重办扣分'))!)![1]);
    expect(await redone.getByRole('listitem').count()).toBe(redoneCount);
    const overdueCount = Number(/(\d+) 件/.exec(parts.find((p) => p.startsWith('超期扣分'))!)![1]);
    expect(await u.getByTestId('deduction-overdue').getByRole('listitem').count()).toBe(overdueCount);
    const num = (text: string | null) => Number((text ?? '').replace('−', '-'));
    const rates = (await u
      .getByTestId('rate-part')
      .evaluateAll((rows) => rows.map((row) => row.lastElementChild!.textContent!))) as string[];
    const ratePoints = rates.filter((x) => x.startsWith('+')).reduce((a, x) => a + Number(x.slice(1)), 0);
    const deductions = -num(await u.getByTestId('unit-deductions').textContent());
    expect(num(await u.getByTestId('unit-score').textContent())).toBeCloseTo(Math.max(0, ratePoints - deductions), 1);
    await screenshot(u, 'assess-23-unit');
    await redone.getByRole('link', { name: number }).click();
    await u.getByTestId('appeal-phase').waitFor();
    expect(new URL(u.url()).pathname).toBe(url);
    // Another unit's score is not his to see.
    const other = await u.request.get(`/assessment/${otherUnit}`);
    expect(other.status()).toBe(403);
    await u.context().close();
  });

  it('23: the admin adds a dated version of the weights; past months keep theirs', async () => {
    const a = await login(browser, 'admin');
    await a.getByTestId('home-title').waitFor();
    await a.goto('/admin/assessment');
    const form = a.getByRole('form', { name: '新增考核办法' });
    const versions = a.getByTestId('scheme-version');
    const before = await versions.count();
    // A past month is refused, and so are weights that do not add up to 100; nothing is added.
    await form.getByLabel('起始月份').fill('2020-01');
    await form.getByRole('button', { name: '保存新版本' }).click();
    await expect
      .poll(() => form.getByRole('alert').allTextContents())
      .toContain('不能早于本月：已过去的月份按当时的办法考核');
    const next = (() => {
      const d = new Date(Date.now() + 8 * 3600_000);
      const n = d.getUTCFullYear() * 12 + d.getUTCMonth() + 1;
      return `${Math.floor(n / 12)}-${String((n % 12) + 1).padStart(2, '0')}`;
    })();
    await form.getByLabel('起始月份').fill(next);
    await form.getByLabel('响应率权重（%）').fill('30');
    await form.getByRole('button', { name: '保存新版本' }).click();
    await expect.poll(() => form.getByRole('alert').allTextContents()).toContain('三项权重之和须为 100');
    expect(await versions.count()).toBe(before);
    await form.getByLabel('解决率权重（%）').fill('35');
    await form.getByLabel('满意率权重（%）').fill('35');
    await form.getByLabel('每件超期扣分').fill('2.5');
    await form.getByLabel('说明').fill('下月起执行的测试办法');
    await form.getByRole('button', { name: '保存新版本' }).click();
    await expect.poll(() => versions.count()).toBe(before + 1);
    const added = versions.filter({ hasText: '下月起执行的测试办法' }).last();
    expect(await added.textContent()).toContain(next);
    expect(await added.textContent()).toContain('待执行');
    expect(await added.textContent()).toContain('2.5');
    await screenshot(a, 'assess-23-admin');
    // The month it starts is scored with it; this month is not.
    await a.goto(`/assessment?month=${next}`);
    expect(await a.getByTestId('assessment-scheme').textContent()).toContain('响应率 × 30%');
    await a.goto('/assessment');
    expect(await a.getByTestId('assessment-scheme').textContent()).not.toContain('响应率 × 30%');
    await a.context().close();
  });
  it('22: the report page arrives with its charts drawn, without the chart library, and its PDF carries the charts', async () => {
    const page = await login(browser, 'supervisor');
    await page.getByTestId('home-title').waitFor();
    // The document itself, before any script: both charts are already SVG in the HTML.
    // The last 30 days, where the demo city has appeals, ranked by the number received.
    const day = (back: number) => new Date(Date.now() + 8 * 3600_000 - back * 86_400_000).toISOString().slice(0, 10);
    const report = `/reports?view=department&period=custom&from=${day(29)}&to=${day(0)}&rank=received`;
    const html = await (await page.request.get(report)).text();
    expect(html.match(/class="trend-line"/g)?.length).toBe(3);
    expect(html).toMatch(/data-testid="ranking-chart"[^>]*>\s*<svg/);
    // With scripts turned off the charts are there all the same.
    const context = await browser.newContext({ baseURL: new URL(page.url()).origin, javaScriptEnabled: false });
    await context.addCookies(await page.context().cookies());
    const noJs = await context.newPage();
    await noJs.goto(report);
    expect(await noJs.getByTestId('trend-chart').locator('.trend-line path').count()).toBe(3);
    await context.close();
    // The page loads no chart library: no script it fetches contains recharts.
    const scripts: string[] = [];
    page.on('response', async (r) => {
      if (r.url().endsWith('.js')) scripts.push(await r.text().catch(() => ''));
    });
    await page.goto(report);
    await page.getByTestId('report-table').waitFor();
    await page.waitForLoadState('networkidle');
    expect(scripts.length).toBeGreaterThan(0);
    expect(scripts.filter((s) => s.includes('recharts')).length).toBe(0);
    await screenshot(page, 'assess-22-reports');

    // The PDF: the same two charts drawn in colour above the table.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: '导出 PDF' }).click(),
    ]);
    const pdf = await readFile((await download.path())!);
    const drawn = pdfColourCounts(
      pdf,
      { trendBlue: [29, 78, 216], trendGreen: [21, 128, 61], bars: [185, 28, 28] },
      { keepPng: 'test-results/screenshots/assess-22-report-pdf' },
    );
    for (const [name, n] of Object.entries(drawn)) expect(n, name).toBeGreaterThan(50);
    await page.context().close();
  });
});
