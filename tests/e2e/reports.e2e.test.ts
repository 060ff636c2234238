import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, login, screenshot } from './browser';

interface Figure {
  key: string;
  label: string;
  measure: string;
  count: number;
  href: string;
}

/** Every figure link in the department rows, with the row it sits in. */
const figures = (page: Page) =>
  page.getByTestId('report-row').evaluateAll((rows) =>
    rows.flatMap((row) => {
      const label = row.querySelector('th')!.textContent!.trim();
      return [...row.querySelectorAll('[data-testid="figure"]')].map((a) => ({
        key: row.getAttribute('data-key')!,
        label,
        measure: a.getAttribute('data-measure')!,
        count: Number(a.getAttribute('data-count')),
        href: a.getAttribute('href')!,
      }));
    }),
  );

describe('supervisor reports', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows the month by department with charts, and a figure opens exactly its appeals', async () => {
    const page = await login(browser, 'supervisor');
    await page.getByTestId('home-title').waitFor();
    await page.getByRole('link', { name: '报表', exact: true }).click();
    await page.getByTestId('report-table').waitFor();
    expect(await page.getByTestId('report-period').textContent()).toMatch(
      /^月报 · 按部门 · \d{4}-\d{2}-01 至 \d{4}-\d{2}-\d{2}/,
    );

    // The demo appeals reach the roll-up a moment after the server starts; reload until they show.
    let all: Figure[] = [];
    await expect
      .poll(
        async () => {
          await page.reload();
          await page.getByTestId('report-table').waitFor();
          all = await figures(page);
          return all.some((f) => f.key !== '' && f.count > 0);
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toBe(true);

    await expect.poll(() => page.getByTestId('trend-chart').locator('svg .trend-line').count()).toBe(3);
    await expect.poll(() => page.getByTestId('ranking-chart').locator('svg .ranking-bar').count()).toBeGreaterThan(0);
    await expect
      .poll(() => page.getByTestId('hotspot-map').locator('.leaflet-overlay-pane svg path').count())
      .toBeGreaterThanOrEqual(20);
    expect(await page.getByTestId('measure-definitions').textContent()).toContain(
      '（满意 + 基本满意）÷ 有回访评价的诉求数',
    );
    await screenshot(page, 'reports-monthly');
    await page.getByTestId('report-table').screenshot({ path: 'test-results/screenshots/reports-table.png' });

    // A department's overdue figure, else the first non-zero figure of a department; one page of appeals at most.
    const inDepartment = all.filter((f) => f.key !== '' && f.count > 0 && f.count <= 50);
    const chosen = inDepartment.find((f) => f.measure === 'overdue') ?? inDepartment[0];
    expect(chosen).toBeDefined();
    await page
      .locator(`[data-testid="report-row"][data-key="${chosen.key}"] [data-testid="figure"][href="${chosen.href}"]`)
      .first()
      .click();
    await page.getByTestId('drill-count').waitFor();
    expect(Number(await page.getByTestId('drill-count').textContent())).toBe(chosen.count);
    expect(await page.getByTestId('drill-row').count()).toBe(chosen.count);
    const departments = await page.getByTestId('drill-row').locator('[data-col="department"]').allTextContents();
    expect(new Set(departments)).toEqual(new Set([chosen.label]));
    expect(await page.getByTestId('drill-title').textContent()).toContain(chosen.label);
    await screenshot(page, 'reports-drill');

    // Back to the same report; the ranking follows the chosen measure.
    await page.getByRole('link', { name: '返回报表' }).click();
    await page.getByTestId('report-table').waitFor();
    await page.getByTestId('rank-measure').selectOption('overdue');
    await expect.poll(() => page.getByTestId('ranking-chart').getAttribute('aria-label')).toBe('按超期数排名');
    await page.context().close();
  });

  it('opens every view and period, in English too, and refuses a bad period with a message', async () => {
    const page = await login(browser, 'supervisor');
    await page.getByTestId('home-title').waitFor();
    for (const q of [
      'view=category&period=week',
      'view=grid&period=day',
      'view=source&period=month',
      'view=department&period=custom&from=2026-01-01&to=2026-12-31',
    ]) {
      expect((await page.goto(`/reports?${q}`))?.status(), q).toBe(200);
      await page.getByTestId('report-table').waitFor();
      await expect
        .poll(() => page.getByTestId('trend-chart').locator('svg').count(), { message: q })
        .toBeGreaterThan(0);
    }
    const res = await page.goto('/reports?period=custom&from=2026-03-10&to=2026-03-01');
    expect(res?.status()).toBe(400);
    expect(await page.getByRole('alert').allTextContents()).toContain('结束日期不能早于开始日期');

    await page.goto('/reports?view=source');
    await page.getByTestId('language-switch').click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Reports');
    expect(await page.getByTestId('report-period').textContent()).toContain('Monthly · by Channel');
    expect(await page.getByTestId('measure-definitions').textContent()).toContain(
      'Orders accepted within the accept limit ÷ orders dispatched',
    );
    await screenshot(page, 'reports-english');
    await page.getByTestId('language-switch').click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('统计报表');
    await page.context().close();
  });

  it('is not open to departments', async () => {
    const handler = await login(browser, 'handler');
    await handler.getByTestId('home-title').waitFor();
    expect((await handler.goto('/reports'))?.status()).toBe(403);
    expect(
      (await handler.goto('/reports/appeals?view=all&key=&from=2026-01-01&to=2026-01-31&measure=received'))?.status(),
    ).toBe(403);
    await handler.context().close();
  });
});
