import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, login, screenshot } from './browser';
import { recordComplaint } from './journeys';

// The operator's working day at the intake form: drafts that reopen, a short tab path past the map, duplicate hints
// in view. Every appeal here is this file's own (its own phone numbers).

const form = (page: Page) => page.getByRole('form', { name: '诉求登记' });
const phone = () => `139${String(Date.now() % 1e8).padStart(8, '0')}`;

async function intake(browser: Browser, path = '/intake'): Promise<Page> {
  const page = await login(browser, 'operator');
  await page.getByTestId('home-title').waitFor();
  await page.goto(path);
  await page.waitForLoadState('networkidle'); // hydrated: keys and clicks before that are the browser's own
  return page;
}

describe("the operator's day at intake", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('a draft kept with Ctrl+S reopens in the form with every field, is edited and submitted', async () => {
    const page = await intake(browser);
    const f = form(page);
    const caller = phone();
    await f.getByLabel('诉求人电话').fill(caller);
    await f.getByLabel('诉求人姓名').fill('周女士');
    await f.getByLabel('身份证号（选填）').fill('110101199003071234');
    await f.getByLabel('紧急程度').selectOption('urgent');
    await f.getByLabel('投诉').check();
    await f.getByLabel('分类（输入关键字选择）').fill('0203 占道经营（市容环境）');
    await f.getByLabel('标题').fill('早市摊位占道');
    await f.getByLabel('地址').fill('示范市建设路18号');
    await f.getByLabel('纬度').fill('30.204');
    await f.getByLabel('经度').fill('120.115');
    await expect.poll(() => f.getByTestId('location-grid').textContent()).toContain('G02');
    await f.getByLabel('保密（对承办单位隐藏诉求人）').check();
    await f.getByLabel('诉求内容').fill('早市摊位摆到机动车道上，早高峰堵车，请处理。');
    await page.keyboard.press('Control+s');

    // The draft is kept and the form comes back with all of it, to go on with the call.
    await page.waitForURL(/\/intake\?draft=\d+&saved=1$/);
    await page.getByTestId('draft-saved').waitFor();
    const id = new URL(page.url()).searchParams.get('draft')!;
    const again = form(page);
    expect(await again.getByLabel('诉求人电话').inputValue()).toBe(caller);
    expect(await again.getByLabel('诉求人姓名').inputValue()).toBe('周女士');
    expect(await again.getByTestId('id-number-kept').textContent()).toContain('110101********1234');
    expect(await again.getByLabel('紧急程度').inputValue()).toBe('urgent');
    expect(await again.getByLabel('投诉').isChecked()).toBe(true);
    expect(await again.getByLabel('分类（输入关键字选择）').inputValue()).toBe('0203 占道经营（市容环境）');
    expect(await again.getByLabel('标题').inputValue()).toBe('早市摊位占道');
    expect(await again.getByLabel('诉求内容').inputValue()).toBe('早市摊位摆到机动车道上，早高峰堵车，请处理。');
    expect(await again.getByLabel('地址').inputValue()).toBe('示范市建设路18号');
    expect(await again.getByLabel('纬度').inputValue()).toBe('30.204');
    expect(await again.getByLabel('经度').inputValue()).toBe('120.115');
    await expect.poll(() => again.getByTestId('location-grid').textContent()).toContain('G02');
    const grid = again.locator('select[name="gridId"]');
    const gridName = (await grid.locator('option:checked').textContent())!;
    expect(gridName).not.toBe('（不确定）');
    expect(await again.getByTestId('location-grid').textContent()).toContain(`G02 ${gridName}`);
    expect(await again.getByLabel('保密（对承办单位隐藏诉求人）').isChecked()).toBe(true);
    expect(await again.getByLabel('匿名').isChecked()).toBe(false);
    await screenshot(page, 'day-intake-draft-reopened');

    // Edited and kept again.
    await again.getByLabel('标题').fill('早市摊位占用机动车道');
    await page.keyboard.press('Control+s');
    await expect.poll(() => form(page).getByLabel('标题').inputValue()).toBe('早市摊位占用机动车道');
    await page.getByTestId('draft-saved').waitFor();

    // The draft's page leads back to the form.
    await page.goto(`/appeals/${id}`);
    await page.getByTestId('draft-edit').click();
    await page.waitForURL(new RegExp(`/intake\\?draft=${id}$`));
    await page.waitForLoadState('networkidle');
    expect(await form(page).getByLabel('标题').inputValue()).toBe('早市摊位占用机动车道');
    await form(page).getByLabel('诉求内容').fill('早市摊位摆到机动车道上，早高峰堵车，已两周，请处理。');
    await form(page).getByRole('button', { name: '提交（Ctrl+Enter）' }).click();

    await page.getByTestId('appeal-number').waitFor();
    expect(new URL(page.url()).pathname).toBe(`/appeals/${id}`);
    expect(await page.getByTestId('appeal-phase').textContent()).toBe('待派单');
    expect(await page.getByRole('heading', { level: 1, name: '早市摊位占用机动车道' }).count()).toBe(1);
    const timeline = await page.getByTestId('timeline').textContent();
    expect(timeline).toContain('修改草稿');
    expect(timeline).toContain('草稿 → 待派单');
    expect(await page.getByText('早市摊位摆到机动车道上，早高峰堵车，已两周，请处理。').count()).toBe(1);
    // Submitted, it is no draft any more: the form sends its page.
    await page.goto(`/intake?draft=${id}`);
    await page.getByTestId('appeal-number').waitFor();
    expect(new URL(page.url()).pathname).toBe(`/appeals/${id}`);
    await page.context().close();
  });

  it('from 诉求内容 a handful of Tab presses reach 提交; the map is one stop that picks by keyboard', async () => {
    const page = await intake(browser);
    const f = form(page);
    await f.getByTestId('grid-map').locator('path').first().waitFor(); // the map has drawn its grids
    await f.getByLabel('诉求内容').focus();
    const stops: string[] = [];
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      const here = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        return el?.id || el?.dataset.testid || el?.getAttribute('name') || el?.tagName || '';
      });
      stops.push(here);
      if (here === 'btn-submit') break;
    }
    expect(stops.at(-1)).toBe('btn-submit');
    expect(stops.length, stops.join(' → ')).toBeLessThanOrEqual(10);
    expect(stops.filter((s) => s === 'grid-map')).toHaveLength(1);

    // On the map, Enter takes the centre point and its grid.
    await f.getByTestId('grid-map').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => f.getByLabel('纬度').inputValue()).not.toBe('');
    await expect.poll(() => f.getByTestId('location-grid').textContent()).not.toContain('未选择位置');
    await page.context().close();
  });

  it('duplicate hints are in view beside the form at 1440×900, each number a link opening the appeal', async () => {
    const caller = phone();
    const firstPath = await recordComplaint(browser, { phone: caller, title: '菜市场门口占道' });
    const page = await intake(browser, `/intake?phone=${caller}`);
    await page.setViewportSize({ width: 1440, height: 900 });
    const f = form(page);
    await f.getByLabel('投诉').check();
    await f.getByLabel('分类（输入关键字选择）').fill('0203 占道经营（市容环境）');
    await f.getByLabel('标题').fill('又有摊位占道');
    await f.getByLabel('诉求内容').fill('菜市场门口又摆满了摊位，行人只能走机动车道。');
    const hints = page.getByRole('region', { name: '疑似重复' });
    await hints.waitFor();
    const link = hints.locator(`a[href="${firstPath}"]`);
    await link.waitFor();
    // In view while the caret is still in 诉求内容 (the column stays in view if the page scrolls).
    const box = (await link.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(900);
    expect(box.x + box.width).toBeLessThanOrEqual(1440);
    const item = hints.getByRole('listitem').filter({ has: page.locator(`a[href="${firstPath}"]`) });
    const text = await item.textContent();
    expect(text).toContain('菜市场门口占道');
    expect(text).toContain('待派单');
    expect(text).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    expect(await link.getAttribute('target')).toBe('_blank');
    await screenshot(page, 'day-intake-duplicate-hints-1440');

    // The appeal opens in a new tab; the call's form keeps what was typed.
    const [opened] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
    await opened.getByTestId('appeal-number').waitFor();
    expect(new URL(opened.url()).pathname).toBe(firstPath);
    expect(await f.getByLabel('标题').inputValue()).toBe('又有摊位占道');
    await page.context().close();
  });
});
