import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, login, screenshot } from './browser';

describe('supervisor escalation board', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('charts lateness by unit and supervises an overdue appeal', async () => {
    const page = await login(browser, 'supervisor');
    await page.getByTestId('home-title').waitFor();
    await page.getByRole('link', { name: '督办看板' }).click();
    await page.getByTestId('refreshed-at').waitFor();
    expect(await page.getByTestId('lateness-chart').locator('svg').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('lateness-chart').locator('.recharts-bar-rectangle').count()).toBeGreaterThan(0);
    const overdue = page.getByRole('region', { name: /^已超期/ });
    // Pin the row by its number: the list may reorder while timers fire.
    const number = (await overdue
      .getByRole('form', { name: /^督办 / })
      .first()
      .getAttribute('aria-label'))!.replace('督办 ', '');
    const form = overdue.getByRole('form', { name: `督办 ${number}` });
    // empty note: refused with a message, nothing recorded
    await form.getByRole('button', { name: '督办' }).click();
    await expect.poll(() => overdue.getByRole('alert').first().textContent()).toBe('此项为必填');
    await form.getByLabel('督办意见').fill('请于今日内办结并反馈');
    await form.getByRole('button', { name: '督办' }).click();
    await expect
      .poll(async () => (await overdue.getByRole('row').filter({ hasText: number }).textContent()) ?? '')
      .toContain('督办 1 次');
    await screenshot(page, 'supervision-board');
    await overdue.getByRole('link', { name: number }).click();
    await page.getByTestId('timeline').waitFor();
    expect(await page.getByTestId('timeline').textContent()).toContain('请于今日内办结并反馈');
    await page.context().close();
  });

  it('approves an extension a department asked for', async () => {
    // The department asks from the appeal page …
    const handler = await login(browser, 'handler');
    await handler.getByTestId('home-title').waitFor();
    const links = await handler
      .locator('#inHand tbody tr a')
      .evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
    let number = '';
    for (const href of links) {
      await handler.goto(href);
      const ask = handler.getByRole('form', { name: '申请延期' });
      if (!(await ask.count())) continue;
      await ask.getByLabel('延期工作日').fill('3');
      await ask.getByLabel('理由').fill('需协调住建部门联合处置');
      await ask.getByRole('button', { name: '申请延期' }).click();
      await expect.poll(() => handler.getByTestId('appeal-phase').textContent()).toBe('延期待批');
      number = (await handler.getByTestId('appeal-number').textContent())!;
      break;
    }
    expect(number).not.toBe('');
    await handler.context().close();

    // … and the supervisor decides on the board.
    const page = await login(browser, 'supervisor');
    await page.getByTestId('home-title').waitFor();
    await page.goto('/supervision');
    const ext = page.getByRole('region', { name: /^延期申请/ });
    const row = ext.getByRole('row').filter({ hasText: number });
    expect(await row.textContent()).toContain('申请 3 个工作日：需协调住建部门联合处置');
    await ext
      .getByRole('form', { name: `批准延期 ${number}` })
      .getByRole('button', { name: '批准' })
      .click();
    await expect.poll(() => row.count()).toBe(0);
    await page.context().close();
  });

  it('is not open to departments', async () => {
    const page = await login(browser, 'handler');
    await page.getByTestId('home-title').waitFor();
    expect((await page.goto('/supervision'))?.status()).toBe(403);
    await page.context().close();
  });
});
