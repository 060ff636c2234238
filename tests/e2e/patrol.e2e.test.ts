import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { png } from './png';
import { DEMO_PASSWORD, baseUrl, launch, screenshot } from './browser';
import { act, open, phase, submit } from './journeys';

// Inside G01 (the demo grids are 0.01° × 0.008° cells from 120.1, 30.2).
const LAT = 30.204321;
const LNG = 120.104321;

async function phoneLogin(browser: Browser): Promise<Page> {
  const context = await browser.newContext({
    baseURL: baseUrl(),
    locale: 'zh-CN',
    viewport: { width: 360, height: 740 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    geolocation: { latitude: LAT, longitude: LNG },
    permissions: ['geolocation'],
  });
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel('用户名').fill('gridworker');
  await page.getByLabel('密码').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByTestId('field-title').waitFor(); // a grid worker lands on his field work
  return page;
}

async function fill(page: Page, title: string) {
  const form = page.getByRole('form', { name: '巡查上报' });
  await form.getByLabel('分类').selectOption({ index: 1 });
  await form.getByLabel('标题').fill(title);
  await form.getByLabel('描述').fill('人行道上堆放建筑垃圾，影响通行。');
  await form.getByRole('button', { name: '定位' }).click();
  await expect.poll(() => page.getByTestId('patrol-location').textContent()).toContain('30.204321');
  await form
    .getByLabel('现场照片（处置前）')
    .setInputFiles({ name: 'before.png', mimeType: 'image/png', buffer: png(16, 16, [200, 40, 40]) });
  await expect.poll(() => page.getByTestId('before-count').textContent()).toContain('1');
}

describe('patrol reports on the phone (巡查上报)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('files a report, handles it on the spot, and the reviewer closes it after verification', async () => {
    const g = await phoneLogin(browser);
    await g.goto('/field');
    await g.getByTestId('patrol-entry').click();
    await g.getByTestId('patrol-title').waitFor();
    const title = `巡查自处置 ${Date.now()}`;
    await fill(g, title);
    const form = g.getByRole('form', { name: '巡查上报' });
    await form.getByLabel('现场已处置').check();
    await form.getByLabel('处置结果').fill('已清运建筑垃圾，路面恢复通行。');
    await form
      .getByLabel('处置后照片')
      .setInputFiles({ name: 'after.png', mimeType: 'image/png', buffer: png(16, 16, [40, 200, 40]) });
    await expect.poll(() => g.getByTestId('after-count').textContent()).toContain('1');
    await screenshot(g, 'patrol-form-360');
    await form.getByRole('button', { name: '自行处置' }).click();
    await expect.poll(() => g.getByTestId('patrol-status').textContent()).toContain('已上报');
    expect(await g.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    const href = (await g.getByTestId('patrol-link').getAttribute('href'))!;
    const url = href.replace('/field/appeals/', '/appeals/');
    await g.context().close();

    const r = await open(browser, 'reviewer', url);
    expect(await phase(r)).toBe('待核查');
    const tags = await r.getByTestId('photo-tag').allTextContents();
    expect(tags).toEqual(['处置前', '处置后']);
    await submit(r, '核查通过', { '核查意见（可选）': '照片核实。' });
    await expect.poll(() => phase(r)).toBe('已办结');
    expect(await act(r, '回访评价').count()).toBe(0);
    await screenshot(r, 'patrol-verified-closed');
    await r.context().close();
  });

  it('keeps a report filed offline and sends it once when the phone is back online', async () => {
    const g = await phoneLogin(browser);
    await g.goto('/field/patrol');
    const title = `离线巡查 ${Date.now()}`;
    await fill(g, title);
    await g.context().setOffline(true);
    await g.getByRole('form', { name: '巡查上报' }).getByRole('button', { name: '上报派单' }).click();
    await expect.poll(() => g.getByTestId('patrol-status').textContent()).toContain('已离线保存，联网后自动提交');
    await screenshot(g, 'patrol-offline-360');
    await g.context().setOffline(false);
    await expect.poll(() => g.getByTestId('patrol-status').textContent(), { timeout: 15_000 }).toContain('已上报');
    await g.reload();
    await expect.poll(() => g.getByTestId('patrol-mine-item').filter({ hasText: title }).count()).toBe(1);
    expect(await g.getByTestId('patrol-mine-item').filter({ hasText: title }).textContent()).toContain('待派单');
    // The draft is gone: the form is empty again.
    expect(await g.getByRole('form', { name: '巡查上报' }).getByLabel('标题').inputValue()).toBe('');
    await screenshot(g, 'patrol-online-sent-360');
    await g.context().close();
  });

  it('sends a draft saved offline when the patrol page is next opened online, exactly once', async () => {
    const g = await phoneLogin(browser);
    await g.goto('/field/patrol');
    const title = `离线后重开 ${Date.now()}`;
    await fill(g, title);
    await g.context().setOffline(true);
    await g.getByRole('form', { name: '巡查上报' }).getByRole('button', { name: '上报派单' }).click();
    await expect.poll(() => g.getByTestId('patrol-status').textContent()).toContain('已离线保存');
    // The page is closed while still offline: no 'online' event will ever reach it.
    const context = g.context();
    await g.close();
    await context.setOffline(false);
    const again = await context.newPage();
    await again.goto('/field/patrol');
    await expect.poll(() => again.getByTestId('patrol-status').textContent(), { timeout: 15_000 }).toContain('已上报');
    await again.reload();
    await expect.poll(() => again.getByTestId('patrol-mine-item').filter({ hasText: title }).count()).toBe(1);
    await context.close();
  });

  it('speaks English when the worker switches language, server messages included', async () => {
    const g = await phoneLogin(browser);
    await g.goto('/field/patrol');
    await g.getByTestId('language-switch').click();
    await expect.poll(() => g.locator('html').getAttribute('lang')).toBe('en');
    const form = g.getByRole('form', { name: 'Patrol reports' });
    await form.getByRole('button', { name: 'Report for dispatch' }).click();
    await expect.poll(() => form.textContent()).toContain('Take or choose a site photo');
    // Everything but the category names (city data) is English.
    const chrome = await form.evaluate((f) => {
      const copy = f.cloneNode(true) as HTMLElement;
      copy.querySelectorAll('option').forEach((o) => o.remove());
      return copy.textContent;
    });
    expect(chrome).not.toMatch(/[\u4e00-\u9fff]/);
    await screenshot(g, 'patrol-english-360');
    await g.getByTestId('language-switch').click();
    await g.context().close();
  });
});
