import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, login, screenshot } from './browser';

describe('appeal page', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows an appeal in triage with its timeline and the lifecycle chart at 待派单', async () => {
    const page = await login(browser, 'dispatcher');
    await page.getByTestId('home-title').waitFor();
    const first = page.locator('#triage tbody tr').first().getByRole('link');
    const number = await first.textContent();
    await first.click();
    await page.getByTestId('appeal-number').waitFor();
    expect(await page.getByTestId('appeal-number').textContent()).toBe(number);
    expect(await page.getByTestId('appeal-phase').textContent()).toBe('待派单');
    const timeline = page.getByTestId('timeline');
    expect(await timeline.locator('li').first().textContent()).toContain('登记');
    expect(await timeline.textContent()).toContain('提交');
    expect(await timeline.textContent()).toContain('草稿 → 待派单');
    const current = page.locator('[aria-current="step"]');
    expect(await current.count()).toBe(1);
    expect(await current.getAttribute('data-state')).toBe('triage');
    // The chart is read from the machine: triage offers exactly the machine's ways out.
    for (const way of [
      '派单 → 待签收',
      '派至网格 → 待签收',
      '当场答复 → 已当场答复',
      '合并 → 已合并',
      '转介 → 已转介',
    ]) {
      expect(await current.textContent()).toContain(way);
    }
    await screenshot(page, 'appeal-page-triage');
    await page.context().close();
  });

  it('shows a department its own order with a masked caller, and refuses another department with 403', async () => {
    const handler = await login(browser, 'handler');
    await handler.getByTestId('home-title').waitFor();
    const link = handler.locator('#inHand tbody tr, #overdue tbody tr').first().getByRole('link');
    const href = (await link.getAttribute('href'))!;
    await link.click();
    await handler.getByTestId('appeal-number').waitFor();
    expect(await handler.getByTestId('complainant').textContent()).toMatch(/\*{4}\d{4}|（保密）|（匿名）/);
    expect(await handler.content()).not.toMatch(/1[3-9]\d{9}/);
    expect(await handler.getByTestId('timeline').textContent()).toContain('签收');
    await screenshot(handler, 'appeal-page-handler');
    await handler.context().close();

    const other = await login(browser, 'handler2');
    await other.getByTestId('home-title').waitFor();
    const res = await other.goto(href);
    expect(res?.status()).toBe(403);
    expect(await other.getByTestId('error-message').textContent()).toBe('您无权查看此诉求');
    expect(await other.locator('[data-testid="appeal-number"]').count()).toBe(0);
    await screenshot(other, 'appeal-page-forbidden');
    await other.context().close();
  });

  it('answers 404 for an appeal that does not exist', async () => {
    const page = await login(browser, 'supervisor');
    await page.getByTestId('home-title').waitFor();
    expect((await page.goto('/appeals/999999'))?.status()).toBe(404);
    expect((await page.goto('/appeals/abc'))?.status()).toBe(404);
    await page.context().close();
  });
});
