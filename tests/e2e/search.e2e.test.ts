import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUREAU_SECTIONS } from '../../app/seed/demo-city-data';
import { launch, login, screenshot } from './browser';

// Columns of the shared worklist table: 编号 标题 类型 分类 状态 时限 承办 来电.
const NUMBER = 0;
const PHASE = 4;
const HOLDER = 6;

const results = (page: Page) => page.getByRole('region', { name: /^查询结果/ });
const column = (page: Page, i: number) =>
  results(page)
    .locator('tbody tr')
    .evaluateAll((rows, i) => rows.map((r) => r.querySelectorAll('td')[i]?.textContent?.trim() ?? ''), i);
const total = async (page: Page) => Number(await results(page).getByTestId('search-total').textContent());
const rowLinks = (page: Page) =>
  results(page)
    .locator('tbody tr')
    .evaluateAll((rows) => rows.map((r) => r.querySelector('a')?.getAttribute('href') ?? ''));

/** Whether the appeal at `href` lists `unit` among its assisting units (协办). */
async function assists(page: Page, href: string, unit: string): Promise<boolean> {
  await page.goto(href);
  await page.getByTestId('appeal-phase').waitFor();
  return (await page.getByTestId('assist-order').allTextContents()).some((t) => t.includes(unit));
}

describe('appeal search', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('lets the dispatcher filter by state, page, and find one appeal by its number', async () => {
    const page = await login(browser, 'dispatcher');
    await page.getByTestId('home-title').waitFor();
    await page.goto('/appeals');
    const form = page.getByRole('search', { name: '查询条件' });

    // Everything first: more than one page of the demo city.
    const all = await total(page);
    expect(all).toBeGreaterThan(20);
    const first = await column(page, NUMBER);
    expect(first).toHaveLength(20);
    await results(page).getByRole('link', { name: '下一页' }).click();
    await page.waitForURL(/after=/);
    await expect.poll(() => column(page, NUMBER)).not.toEqual(first);
    const second = await column(page, NUMBER);
    expect(second.length).toBeGreaterThan(0);
    expect(second.filter((n) => first.includes(n))).toEqual([]);
    expect(await total(page)).toBe(all);

    // By state.
    await form.getByLabel('状态', { exact: true }).selectOption({ label: '待派单' });
    await form.getByRole('button', { name: '查询' }).click();
    await page.waitForURL(/phase=triage/);
    expect(page.url()).not.toContain('after=');
    await expect.poll(async () => [...new Set(await column(page, PHASE))]).toEqual(['待派单']);
    expect((await column(page, PHASE)).length).toBe(Math.min(await total(page), 20));
    expect(await form.getByLabel('状态', { exact: true }).inputValue()).toBe('triage');

    // By a number taken from the first page.
    const wanted = first[3];
    await page.goto('/appeals');
    await form.getByLabel('号码/电话/内容').fill(wanted);
    await form.getByRole('button', { name: '查询' }).click();
    await page.waitForURL(/q=/);
    await expect.poll(() => column(page, NUMBER)).toEqual([wanted]);
    expect(await total(page)).toBe(1);
    expect(await results(page).getByText('已是最后一页').count()).toBe(1);
    await screenshot(page, 'search-dispatcher');
    await page.context().close();
  });

  it('shows a bad filter value next to its field', async () => {
    const page = await login(browser, 'dispatcher');
    await page.getByTestId('home-title').waitFor();
    const res = await page.goto('/appeals?from=2026-03-05&to=2026-03-01');
    expect(res?.status()).toBe(400);
    const to = page.getByLabel('结束日期');
    expect(await to.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator(`#${await to.getAttribute('aria-describedby')}`).textContent()).toBe(
      '结束日期不能早于开始日期',
    );
    expect(await results(page).count()).toBe(0);
    await page.context().close();
  });

  it('shows a department only its own appeals', async () => {
    const page = await login(browser, 'handler');
    await page.getByTestId('home-title').waitFor();
    await page.goto('/appeals');
    // Filtering by another department cannot widen what it sees.
    const housing = await page
      .getByLabel('承办单位')
      .locator('option', { hasText: '市住房和城乡建设局' })
      .getAttribute('value');
    await page.goto(`/appeals?department=${housing}`);
    // Another department's appeals show only where this one assists (协办).
    const led = await rowLinks(page);
    expect(led.length).toBe(await total(page));
    for (const href of led) expect(await assists(page, href, '市城市管理局'), href).toBe(true);
    await page.goto('/appeals');

    await page.getByRole('link', { name: '清空条件' }).click();
    await page.waitForURL(/\/appeals$/);
    await page.getByRole('search', { name: '查询条件' }).getByRole('button', { name: '查询' }).click();
    await page.waitForURL(/\?/);
    const holders = await column(page, HOLDER);
    expect(holders.length).toBeGreaterThan(0);
    expect(holders.length).toBe(Math.min(await total(page), 20));
    await screenshot(page, 'search-handler');
    // Its own orders, those it passed to its sections (二级派单), an appeal it returned (no holder until redispatched),
    // or another unit's that it assists.
    const own = ['市城市管理局', ...BUREAU_SECTIONS.F02, '—'];
    const links = await rowLinks(page);
    const others = links.filter((_, i) => !own.includes(holders[i]));
    for (const href of others) expect(await assists(page, href, '市城市管理局'), href).toBe(true);
    await page.context().close();
  });
});
