import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, login, postHeaders, screenshot } from './browser';

describe('UI language', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('is Simplified Chinese by default and switches to English and back', async () => {
    const page = await login(browser, 'dispatcher');
    await page.getByTestId('home-title').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await page.getByTestId('home-title').textContent()).toBe('派单员工作台');

    await page.getByTestId('language-switch').click();
    await expect.poll(() => page.getByTestId('home-title').textContent()).toBe('Dispatcher workbench');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.getByRole('heading', { name: /^Awaiting dispatch（\d+）$/ }).count()).toBe(1);
    expect(await page.getByRole('link', { name: 'Search' }).count()).toBe(1);

    // the choice follows the user to the appeal page
    await page.locator('#triage tbody tr').first().getByRole('link').click();
    await page.getByTestId('appeal-phase').waitFor();
    expect(await page.getByTestId('appeal-phase').textContent()).toBe('Awaiting dispatch');
    expect(await page.getByRole('button', { name: 'Dispatch', exact: true }).count()).toBe(1);
    await screenshot(page, 'appeal-page-english');

    await page.getByTestId('language-switch').click();
    await expect.poll(() => page.getByTestId('appeal-phase').textContent()).toBe('待派单');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await page.context().close();
  });

  it('refuses an unknown language', async () => {
    const page = await login(browser, 'operator');
    await page.getByTestId('home-title').waitFor();
    const res = await page.request.post('/lang', {
      form: { lang: 'xx', redirectTo: '/' },
      headers: await postHeaders(page),
      maxRedirects: 0,
    });
    expect(res.status()).toBe(400);
    await page.context().close();
  });
});
