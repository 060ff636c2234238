import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { png } from './png';
import { DEMO_PASSWORD, baseUrl, launch, openMenu, screenshot } from './browser';
import { act, open, phase, recordComplaint, submit } from './journeys';

const LAT = 30.204321;
const LNG = 120.112345;

/** Signs in through the real form on a 360 px phone that has granted its (fake) location. */
async function phoneLogin(browser: Browser, username: string): Promise<Page> {
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
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  return page;
}

const noSideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

describe('grid worker on the phone', () => {
  let browser: Browser;
  let appealPath: string;
  let number: string;
  let otherGridPath: string;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('the dispatcher sends a triage appeal to grid G01 and another to G20', async () => {
    // An appeal of its own: a row of the triage list may be one an earlier journey added a photo to (a patrol report).
    appealPath = await recordComplaint(browser, { phone: '13966664444', title: '网格 井盖松动' });
    const page = await open(browser, 'dispatcher', appealPath);
    number = (await page.getByTestId('appeal-number').textContent())!;
    expect(await phase(page)).toBe('待派单');
    await act(page, '派至网格').getByLabel('网格').selectOption({ index: 1 }); // grids are listed by code: G01 first
    await submit(page, '派至网格');
    await expect.poll(() => phase(page)).toBe('待签收');
    await page.context().close();

    // A fresh appeal with no place of its own, sent to the last grid: nothing of his.
    otherGridPath = await recordComplaint(browser, { phone: '13966665555', title: '外网格 路面积水' });
    const d = await open(browser, 'dispatcher', otherGridPath);
    const grids = act(d, '派至网格').getByLabel('网格');
    await grids.selectOption({ index: (await grids.locator('option').count()) - 1 });
    await submit(d, '派至网格');
    await expect.poll(() => phase(d)).toBe('待签收');
    await d.context().close();
  });

  it('accepts, adds a photo, checks in on site and replies from /field at 360 px', async () => {
    const page = await phoneLogin(browser, 'gridworker');
    await page.getByTestId('field-title').waitFor(); // where a grid worker lands
    await openMenu(page);
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '外勤' }).click();
    await page.getByTestId('field-title').waitFor();
    const card = page.locator(`[data-testid=field-card][data-number="${number}"]`);
    await card.waitFor();
    expect(await card.textContent()).toContain('待签收');
    expect(await noSideways(page)).toBeLessThanOrEqual(360);
    await screenshot(page, 'field-list-360');

    await card.getByRole('link').click();
    await page.waitForURL(`**/field/appeals/${appealPath.split('/').pop()}`);
    expect(await phase(page)).toBe('待签收');
    await act(page, '签收').getByRole('button', { name: '签收' }).click();
    await expect.poll(() => phase(page)).toBe('办理中');

    // A camera photo: the picker asks for the rear camera and takes several images.
    const picker = page.locator('input[type=file]');
    expect(await picker.getAttribute('accept')).toBe('image/*');
    expect(await picker.getAttribute('capture')).toBe('environment');
    expect(await picker.getAttribute('multiple')).not.toBeNull();
    await picker.setInputFiles({ name: 'site.png', mimeType: 'image/png', buffer: png(48, 32, [200, 40, 40]) });
    await page.getByRole('form', { name: '上传照片' }).getByRole('button', { name: '上传照片' }).click();
    await expect.poll(() => page.getByTestId('photo-status').textContent()).toBe('已上传 1 张照片');
    const thumb = page.getByTestId('photos').locator('img');
    await expect.poll(() => thumb.count()).toBe(1);
    await expect
      .poll(() => thumb.first().evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
      .toBe(48);

    // An empty update is refused with a field error; then one with the check-in goes through.
    const update = act(page, '现场更新');
    await update.getByRole('button', { name: '现场更新' }).click();
    await expect.poll(() => act(page, '现场更新').getByRole('alert').first().textContent()).toBe('此项为必填');
    await act(page, '现场更新').getByLabel('现场情况').fill('已到现场，积水已排除，正在清理淤泥。');
    // Location refused: a clear message and no coordinates; once allowed, the check-in fills them.
    await page.context().clearPermissions();
    await act(page, '现场更新').getByRole('button', { name: '定位打卡' }).click();
    await expect.poll(() => page.getByTestId('checkin-status').textContent()).toContain('定位权限被拒绝');
    expect(await act(page, '现场更新').getByLabel('纬度').inputValue()).toBe('');
    await page.context().grantPermissions(['geolocation']);
    await act(page, '现场更新').getByRole('button', { name: '定位打卡' }).click();
    await expect.poll(() => act(page, '现场更新').getByLabel('纬度').inputValue()).toBe(LAT.toFixed(6));
    expect(await act(page, '现场更新').getByLabel('经度').inputValue()).toBe(LNG.toFixed(6));
    expect(await page.getByTestId('checkin-status').textContent()).toBe('已定位');
    await act(page, '现场更新').getByRole('button', { name: '现场更新' }).click();
    await expect.poll(() => page.getByTestId('field-updates').textContent()).toContain('积水已排除');
    expect(await noSideways(page)).toBeLessThanOrEqual(360);
    await screenshot(page, 'field-appeal-360');

    const reply = act(page, '办结答复');
    await reply.getByLabel('办理结果').fill('积水已排除，淤泥已清理，路面恢复通行。');
    await reply.getByLabel('已解决').check();
    await reply.getByRole('button', { name: '办结答复' }).click();
    // A grid's reply is verified (核查) before it goes on to the citizen's callback.
    await expect.poll(() => phase(page)).toBe('待核查');
    expect(await page.getByTestId('no-actions').isVisible()).toBe(true);

    // The regular appeal page's timeline shows the site update.
    await page.goto(appealPath);
    const timeline = page.getByTestId('timeline');
    await timeline.waitFor();
    expect(await timeline.textContent()).toContain('现场反馈');
    expect(await timeline.textContent()).toContain('已到现场，积水已排除，正在清理淤泥。');

    // Another grid's appeal is refused on the field page, by address too.
    const refused = await page.goto(`/field${otherGridPath}`);
    expect(refused?.status()).toBe(403);
    expect(await page.getByRole('heading', { name: '无权访问' }).isVisible()).toBe(true);
    await page.context().close();
  });

  it('is closed to other roles', async () => {
    const handler = await phoneLogin(browser, 'handler');
    await openMenu(handler);
    expect(await handler.getByRole('link', { name: '诉求查询' }).isVisible()).toBe(true);
    expect(await handler.getByRole('link', { name: '外勤' }).count()).toBe(0);
    expect((await handler.goto('/field'))?.status()).toBe(403);
    await handler.context().close();
  });
});
