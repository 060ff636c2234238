import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, login, screenshot } from './browser';

describe('supervisor grid view', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('draws the grids offline and lists the open appeals of a clicked grid', async () => {
    const page = await login(browser, 'supervisor');
    await page.getByTestId('home-title').waitFor();
    await page.getByRole('link', { name: '督办看板' }).click();
    await page.getByTestId('refreshed-at').waitFor();
    await page.getByRole('link', { name: '网格态势' }).click();
    await page.getByRole('heading', { name: '网格态势' }).waitFor();

    const rows = page.getByTestId('grid-table').locator('tbody tr');
    const gridCount = await rows.count();
    // The demo city's 20, plus any an earlier journey imported on the shared test server.
    expect(gridCount).toBeGreaterThanOrEqual(20);
    // Every grid is a path in Leaflet's overlay pane, drawn from our GeoJSON with no tile server.
    const paths = page.locator('.leaflet-overlay-pane svg path');
    await expect.poll(() => paths.count()).toBe(gridCount);
    expect(await page.locator('.leaflet-tile').count()).toBe(0);
    expect(await page.getByTestId('grid-chart').locator('.recharts-bar-rectangle').count()).toBeGreaterThan(0);

    // Sorted by overdue by default: the first row is the busiest late grid; pick the one with most open work.
    const table = await rows.evaluateAll((trs) =>
      trs.map((tr) => ({
        code: tr.getAttribute('data-grid')!,
        name: tr.querySelector('[data-col="name"]')!.textContent!,
        open: Number(tr.querySelector('[data-col="open"]')!.textContent),
        overdue: Number(tr.querySelector('[data-col="overdue"]')!.textContent),
      })),
    );
    const overdues = table.map((r) => r.overdue);
    expect(overdues).toEqual([...overdues].sort((a, b) => b - a));
    const busiest = [...table].sort((a, b) => b.open - a.open)[0];
    expect(busiest.open).toBeGreaterThan(0);

    await page.locator(`.leaflet-overlay-pane path.grid-${busiest.code}`).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('grid')).not.toBeNull();
    const list = page.getByTestId('grid-appeals');
    await list.waitFor();
    await expect.poll(() => list.locator('li').count()).toBe(Math.min(busiest.open, 20));
    expect(await page.getByRole('heading', { name: /的未办结诉求$/ }).textContent()).toBe(
      `${busiest.name} 的未办结诉求`,
    );
    await expect.poll(() => page.locator(`tr[data-grid="${busiest.code}"]`).getAttribute('aria-selected')).toBe('true');
    await screenshot(page, 'grid-view');

    // The same grid in the appeal search.
    await page.getByRole('link', { name: '在诉求查询中查看' }).click();
    await page.waitForURL(/\/appeals\?grid=\d+/);
    await page.context().close();
  });

  it('is not open to grid workers or departments', async () => {
    for (const who of ['gridworker', 'handler']) {
      const page = await login(browser, who);
      await page.waitForURL((url) => !url.pathname.startsWith('/login'));
      expect((await page.goto('/supervision/grids'))?.status()).toBe(403);
      await page.context().close();
    }
  });
});
