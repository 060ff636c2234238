import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, login, screenshot } from './browser';

// Demo grids: G01 向阳社区第1网格 and G02 向阳社区第2网格 belong to `gridworker`, G03 光明社区第1网格 to another.
const G01 = '向阳社区第1网格';

const form = (page: Page) => page.getByRole('form', { name: '诉求登记' });

/** A new grid worker responsible for G03 only, made through the admin screen. */
async function createOtherGridWorker(browser: Browser): Promise<string> {
  const username = `gw-${randomBytes(3).toString('hex')}`;
  const page = await login(browser, 'admin');
  await page.getByTestId('home-title').waitFor();
  await page.goto('/admin/users');
  const f = page.getByRole('form', { name: '新增用户' });
  await f.getByLabel('用户名').fill(username);
  await f.getByLabel('初始密码').fill('other-grid-pass');
  await f.getByLabel('显示名称').fill('网格员 光明一格');
  await f.getByLabel('角色').selectOption('gridWorker');
  await f.getByLabel('光明社区第1网格').check();
  await f.getByRole('button', { name: '新增' }).click();
  await page
    .getByRole('row')
    .filter({ has: page.getByRole('cell', { name: username, exact: true }) })
    .waitFor();
  await page.context().close();
  return username;
}

describe('appeal location', () => {
  let browser: Browser;
  let number = '';
  let g01Id = '';
  let appealPath = '';
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('an operator picks the place on the map; the grid is found and kept on the appeal', async () => {
    const page = await login(browser, 'operator');
    await page.getByTestId('home-title').waitFor();
    await page.goto('/intake');
    const f = form(page);
    const map = f.getByRole('img', { name: '位置选择地图' });
    const g01 = map.locator('path.grid-G01');
    await g01.waitFor();
    // Its label's name includes the chosen option, so the select is found by its field name.
    const gridSelect = f.locator('select[name="gridId"]');
    g01Id = (await gridSelect.locator('option', { hasText: G01 }).getAttribute('value'))!;
    const status = f.getByTestId('location-grid');

    // A corner of the map is outside every grid (the grids are fitted with a margin).
    await map.click({ position: { x: 4, y: 4 } });
    await expect.poll(() => status.textContent()).toContain('不在任何网格内，由派单员决定');
    expect(await gridSelect.inputValue()).toBe('');

    // Keyboard users type the coordinates: a point in G02.
    await f.getByLabel('纬度').fill('30.204');
    await f.getByLabel('经度').fill('120.115');
    await expect.poll(() => status.textContent()).toContain('G02');

    // The centre of G01's polygon, as Leaflet drew it.
    await g01.click();
    await expect.poll(() => status.textContent()).toContain(`G01 ${G01}`);
    expect(await gridSelect.inputValue()).toBe(g01Id);
    const lat = Number(await f.getByLabel('纬度').inputValue());
    const lng = Number(await f.getByLabel('经度').inputValue());
    expect(lat).toBeGreaterThan(30.2);
    expect(lat).toBeLessThan(30.208);
    expect(lng).toBeGreaterThan(120.1);
    expect(lng).toBeLessThan(120.11);
    expect(await map.locator('path.location-marker').count()).toBe(1);

    await f.getByLabel('诉求人电话').fill('13922223333');
    await f.getByLabel('投诉').check();
    await f.getByLabel('分类（输入关键字选择）').fill('0201 环境卫生（市容环境）');
    await f.getByLabel('标题').fill('路口井盖松动');
    await f.getByLabel('诉求内容').fill('向阳社区路口的井盖松动，车辆经过时响声很大，请尽快处理。');
    await f.getByLabel('地址').fill('示范市向阳路 8 号路口');
    await screenshot(page, 'appeal-location-intake');
    await f.getByRole('button', { name: '提交（Ctrl+Enter）' }).click();

    await page.getByTestId('appeal-number').waitFor();
    number = (await page.getByTestId('appeal-number').textContent())!;
    appealPath = new URL(page.url()).pathname;
    const where = page.getByTestId('appeal-location');
    expect(await where.getByTestId('location-grid').textContent()).toBe(`G01 ${G01}`);
    expect(await where.getByTestId('location-coordinates').textContent()).toBe(`${lat.toFixed(6)}, ${lng.toFixed(6)}`);
    await where.locator('path.grid-G01').waitFor();
    await where.locator('path.location-marker').waitFor();
    await page.context().close();
  });

  it('the dispatcher finds the grid from the point pre-selected for 派至网格', async () => {
    expect(number).not.toBe('');
    const page = await login(browser, 'dispatcher');
    await page.getByTestId('home-title').waitFor();
    await page.goto(appealPath);
    await page.getByTestId('appeal-location').locator('path.location-marker').waitFor();
    const assign = page.getByRole('form', { name: '派至网格' });
    expect(await assign.getByLabel('网格').inputValue()).toBe(g01Id);
    expect(await assign.getByTestId('grid-suggestion').textContent()).toContain(G01);
    await screenshot(page, 'appeal-location-page');
    await page.context().close();
  });

  it('the grid worker of G01 sees it among his grid’s appeals; a grid worker of another grid does not', async () => {
    expect(number).not.toBe('');
    const other = await createOtherGridWorker(browser);

    const mine = await login(browser, 'gridworker');
    await mine.getByTestId('field-title').waitFor(); // where he lands; his home page lists his grids' appeals
    await mine.goto('/');
    await mine.getByTestId('home-title').waitFor();
    const inGrid = mine.getByRole('region', { name: /^网格内诉求/ });
    expect(await inGrid.textContent()).toContain(number);
    await mine.context().close();

    const theirs = await login(browser, other, 'other-grid-pass');
    await theirs.getByTestId('field-title').waitFor();
    await theirs.goto('/');
    await theirs.getByTestId('home-title').waitFor();
    const theirGrid = theirs.getByRole('region', { name: /^网格内诉求/ });
    await theirGrid.waitFor();
    expect(await theirGrid.textContent()).not.toContain(number);
    await theirs.context().close();
  });
});
