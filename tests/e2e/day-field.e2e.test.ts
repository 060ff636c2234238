import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TOTP_SECRET } from '../../app/auth/totp.server';
import { DEMO_TOTP_USERS } from '../../app/seed/demo-city-data';
import { DEMO_PASSWORD, baseUrl, launch, openMenu, screenshot, secondStep } from './browser';
import { png } from './png';

// A working day on the grid worker's phone: where he lands, the home pages and the header on a 360 px screen,
// and a patrol report with the address of its grid and a look at the photos before they are sent.

// Inside G01, 向阳社区第1网格 of 朝阳街道, 东城区 (the demo grids are 0.01° × 0.008° cells from 120.1, 30.2).
const LAT = 30.203456;
const LNG = 120.103456;
const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1440, height: 900 };

/** Signs in through the real form on a phone (or a desktop) and waits until the sign-in has left the login pages. */
async function signIn(browser: Browser, username: string, viewport = PHONE): Promise<Page> {
  const phone = viewport.width < 768;
  const context = await browser.newContext({
    baseURL: baseUrl(),
    locale: 'zh-CN',
    viewport,
    ...(phone ? { deviceScaleFactor: 2, isMobile: true, hasTouch: true } : {}),
    geolocation: { latitude: LAT, longitude: LNG },
    permissions: ['geolocation'],
  });
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  if (DEMO_TOTP_USERS.includes(username)) await secondStep(page, username, DEMO_TOTP_SECRET);
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  return page;
}

/** The page's widest extent and its height, in CSS pixels. */
const extent = (page: Page) =>
  page.evaluate(() => ({
    width: document.documentElement.scrollWidth,
    height: document.documentElement.scrollHeight,
  }));

/**
 * Elements that reach past the right edge of the viewport (a squeezed table or a long word does), except inside
 * a box that scrolls sideways on its own (the strip of queue counts, a wide list of users).
 */
const overflowing = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('body *')]
      .filter((el) => {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.right <= window.innerWidth + 0.5) return false;
        for (let up = el.parentElement; up && up !== document.body; up = up.parentElement)
          if (getComputedStyle(up).overflowX !== 'visible') return false;
        return true;
      })
      .map((el) => `${el.tagName.toLowerCase()}.${String(el.className).slice(0, 40)}`)
      .slice(0, 5),
  );

const headerHeight = async (page: Page) => (await page.locator('header').first().boundingBox())!.height;

describe('the grid worker’s phone and the home pages at 360 px', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('lands the grid worker on his field work after signing in, under a one-row header', async () => {
    const page = await signIn(browser, 'gridworker');
    expect(new URL(page.url()).pathname).toBe('/field');
    await page.getByTestId('field-title').waitFor();
    expect(await headerHeight(page)).toBeLessThanOrEqual(64);
    expect(await page.getByTestId('softphone').count()).toBe(0);
    expect(await overflowing(page)).toEqual([]);
    // The navigation is one tap away, behind the menu button.
    const nav = page.getByRole('navigation', { name: '主导航' });
    expect(await nav.getByRole('link', { name: '外勤' }).isVisible()).toBe(false);
    await openMenu(page);
    await nav.getByRole('link', { name: '工作台' }).click();
    await page.getByTestId('home-title').waitFor();
    // Following a link closes the menu again.
    await expect.poll(() => nav.getByRole('link', { name: '外勤' }).isVisible()).toBe(false);
    expect(await headerHeight(page)).toBeLessThanOrEqual(64);
    expect(await overflowing(page)).toEqual([]);
    await screenshot(page, 'day-field-gridworker-home-360');
    await page.context().close();
  });

  it('keeps a link to a page the grid worker was sent to sign in from', async () => {
    const context = await browser.newContext({ baseURL: baseUrl(), locale: 'zh-CN', viewport: PHONE });
    const page = await context.newPage();
    await page.goto('/field/patrol');
    await page.waitForURL(/\/login/);
    await page.getByLabel('用户名').fill('gridworker');
    await page.getByLabel('密码').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByTestId('patrol-title').waitFor();
    expect(new URL(page.url()).pathname).toBe('/field/patrol');
    await context.close();
  });

  it('shows the dispatcher’s queues as cards on a phone: nothing wider than the screen, a sane height', async () => {
    const page = await signIn(browser, 'dispatcher');
    await page.getByTestId('home-title').waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    const { width, height } = await extent(page);
    expect(width).toBeLessThanOrEqual(PHONE.width);
    expect(await overflowing(page)).toEqual([]);
    // A row is a card of a few lines, not a column of single characters.
    const rows = page.locator('#triage tbody tr');
    const n = await rows.count();
    expect(n).toBeGreaterThan(0);
    expect(height).toBeLessThan(1200 + n * 160);
    const first = rows.first();
    expect((await first.boundingBox())!.height).toBeLessThan(160);
    const cells = first.locator('td');
    for (const k of [0, 1, 4, 5]) expect(await cells.nth(k).isVisible()).toBe(true); // number, title, status, deadline
    expect(await first.locator('td').first().textContent()).toMatch(/^\d{8}-\d{6}$/);
    expect(await page.locator('#triage thead').isVisible()).toBe(false);
    expect(await headerHeight(page)).toBeLessThanOrEqual(64);
    await screenshot(page, 'day-field-dispatcher-home-360');
    await page.context().close();
  });

  for (const user of ['operator', 'handler', 'reviewer', 'supervisor', 'admin']) {
    it(`fits ${user}’s home page and header on a 360 px phone`, async () => {
      const page = await signIn(browser, user);
      await page.getByTestId('home-title').waitFor();
      expect((await extent(page)).width).toBeLessThanOrEqual(PHONE.width);
      expect(await overflowing(page)).toEqual([]);
      expect(await headerHeight(page)).toBeLessThanOrEqual(64);
      // The menu opens the whole navigation and the account's own links.
      await openMenu(page);
      expect(await page.getByRole('link', { name: '诉求查询' }).isVisible()).toBe(true);
      expect(await page.getByRole('button', { name: '退出' }).isVisible()).toBe(true);
      expect(await overflowing(page)).toEqual([]);
      await screenshot(page, `day-field-${user}-menu-360`);
      await page.context().close();
    });
  }

  it('keeps the desktop header in one row and the queues as tables at 1440 × 900', async () => {
    const page = await signIn(browser, 'dispatcher', DESKTOP);
    await page.getByTestId('home-title').waitFor();
    expect(await page.getByRole('button', { name: '菜单' }).count()).toBe(0);
    const nav = page.getByRole('navigation', { name: '主导航' });
    for (const name of ['工作台', '诉求查询', '来电登记', '督办看板']) {
      expect(await nav.getByRole('link', { name }).isVisible()).toBe(true);
    }
    expect(await page.getByRole('button', { name: '退出' }).isVisible()).toBe(true);
    expect(await headerHeight(page)).toBeLessThanOrEqual(64);
    expect(await page.getByText('12345 政务服务便民热线 · 诉求闭环管理').isVisible()).toBe(true);
    expect(await page.locator('#triage thead').isVisible()).toBe(true);
    const row = page.locator('#triage tbody tr').first();
    expect(await row.evaluate((el) => getComputedStyle(el).display)).toBe('table-row');
    expect((await row.boundingBox())!.height).toBeLessThan(48); // one line per appeal, every column readable
    for (const k of [2, 3, 6, 7]) expect(await page.locator('#triage tbody tr td').nth(k).isVisible()).toBe(true);
    expect((await extent(page)).width).toBeLessThanOrEqual(DESKTOP.width);
    await screenshot(page, 'day-field-dispatcher-home-1440');
    await page.context().close();
  });
});

describe('a patrol report with its address and a look at its photos', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('prefills the grid’s address, shows the photos before sending, and the appeal keeps the address', async () => {
    const page = await signIn(browser, 'gridworker');
    await page.goto('/field/patrol');
    const form = page.getByRole('form', { name: '巡查上报' });
    await form.getByLabel('分类').selectOption({ index: 1 });
    const title = `巡查 地址与照片 ${Date.now().toString(36)}`;
    await form.getByLabel('标题').fill(title);
    await form.getByLabel('描述').fill('单元门口的路灯不亮，夜间行走不便。');
    await form.getByRole('button', { name: '定位' }).click();
    // The place comes from the grid the point falls in, not from any outside map service.
    const address = form.getByLabel('地址');
    await expect.poll(() => address.inputValue()).toBe('东城区朝阳街道向阳社区第1网格');
    await address.fill('东城区朝阳街道向阳社区第1网格 5号楼2单元');

    const picker = form.getByLabel('现场照片（处置前）');
    await picker.setInputFiles([
      { name: 'lamp.png', mimeType: 'image/png', buffer: png(40, 30, [220, 180, 40]) },
      { name: 'door.png', mimeType: 'image/png', buffer: png(30, 40, [40, 90, 200]) },
    ]);
    const thumbs = page.getByTestId('before-preview').getByRole('img');
    await expect.poll(() => thumbs.count()).toBe(2);
    // Drawn from the chosen files themselves (the page's policy allows blob: images).
    await expect
      .poll(() => thumbs.evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth)))
      .toEqual([40, 30]);
    expect(await thumbs.first().getAttribute('src')).toMatch(/^blob:/);
    await screenshot(page, 'day-field-patrol-preview-360');
    expect(await overflowing(page)).toEqual([]);
    await page.getByRole('button', { name: '移除照片 door.png' }).click();
    await expect.poll(() => thumbs.count()).toBe(1);
    expect(await thumbs.first().getAttribute('alt')).toBe('lamp.png');
    await expect.poll(() => page.getByTestId('before-count').textContent()).toContain('1');

    await form.getByRole('button', { name: '上报派单' }).click();
    await expect.poll(() => page.getByTestId('patrol-status').textContent()).toContain('已上报');
    expect(await page.getByTestId('before-preview').getByRole('img').count()).toBe(0); // a fresh draft
    const href = (await page.getByTestId('patrol-link').getAttribute('href'))!;
    await page.goto(href);
    await expect
      .poll(() => page.getByTestId('field-address').textContent())
      .toBe('东城区朝阳街道向阳社区第1网格 5号楼2单元');
    await page.context().close();

    // The dispatcher sees the same address on the appeal page, with the one photo that was kept.
    const d = await signIn(browser, 'dispatcher', DESKTOP);
    await d.goto(href.replace('/field/appeals/', '/appeals/'));
    await d.getByTestId('appeal-phase').waitFor();
    expect(await d.getByTestId('appeal-address').textContent()).toBe('东城区朝阳街道向阳社区第1网格 5号楼2单元');
    const files = d.getByRole('region', { name: '附件' }).getByRole('link');
    expect(await files.allTextContents()).toEqual(['lamp.png']);
    await screenshot(d, 'day-field-patrol-appeal-address');
    await d.context().close();
  });
});
