import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_INTERFACE_CLIENT, DEMO_INTERFACE_TITLE } from '../../app/seed/demo-interface-filings.server';
import { launch, login, screenshot } from './browser';
import { triageRow } from './journeys';

// An appeal another city system filed by Open311, as the dispatcher sees it: the source names the system, and the
// section 接口附加信息 shows its answers to the category's questions and the link it sent.

describe('an appeal filed through Open311', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows the filing system and what it sent on the appeal page', async () => {
    const page = await login(browser, 'dispatcher');
    await page.getByTestId('home-title').waitFor();
    const row = await triageRow(page, DEMO_INTERFACE_TITLE);
    await row.getByRole('link').first().click();
    await page.getByTestId('appeal-number').waitFor();
    await expect
      .poll(() => page.getByTestId('appeal-source').textContent())
      .toBe(`系统接口 · ${DEMO_INTERFACE_CLIENT}`);
    const section = page.getByTestId('interface-filing');
    expect(await section.getByRole('heading').textContent()).toContain('接口附加信息');
    expect(await section.getByTestId('interface-answer-noise_source').textContent()).toBe('噪声来源建筑施工');
    expect(await section.getByTestId('interface-answer-nights').textContent()).toBe('已持续的夜晚数4');
    const link = section.getByTestId('interface-media-url');
    expect(await link.getAttribute('href')).toBe('https://cityops.example.gov.cn/media/2026/12/noise-188.jpg');
    expect(await link.getAttribute('rel')).toContain('noopener');
    expect(await section.textContent()).toContain('BJ-188');
    await screenshot(page, 'open311-appeal-page');
    await page.context().close();
  });
});
