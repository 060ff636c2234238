import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, login, screenshot } from './browser';
import { chooseUnits, open, recordComplaint, submit } from './journeys';

const PHONE = '13955556666';

describe('journey 6: scope and a confidential complainant', () => {
  let browser: Browser;
  let url: string;
  beforeAll(async () => {
    browser = await launch();
    url = await recordComplaint(browser, { phone: PHONE, title: '举报商户占道（保密）', confidential: true });
    const d = await open(browser, 'dispatcher', url);
    expect(await d.getByTestId('complainant').textContent()).toContain('139****6666'); // the dispatcher may see who called
    await chooseUnits(d, '市城市管理局');
    await submit(d, '派单');
    await d.context().close();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("never shows the confidential phone on the department's pages", async () => {
    const page = await login(browser, 'handler');
    await page.getByTestId('home-title').waitFor();
    const home = await page.content();
    expect(home).not.toContain(PHONE);
    expect(home).not.toContain('139****6666');
    await page.goto(url);
    await page.getByTestId('appeal-phase').waitFor();
    expect(await page.getByTestId('complainant').textContent()).toBe('（保密）');
    const html = await page.content();
    expect(html).not.toContain(PHONE);
    expect(html).not.toContain('139****6666');
    expect(html).not.toContain('孙先生');
    await screenshot(page, 'journey-6-confidential');
    await page.context().close();
  });

  it('shows the dispatcher the full number on request and records it for the supervisor', async () => {
    const d = await open(browser, 'dispatcher', url);
    expect(await d.content()).not.toContain(PHONE);
    await d.getByRole('button', { name: '显示完整号码' }).click();
    await expect.poll(() => d.getByTestId('revealed-phone').textContent()).toBe(PHONE);
    await d.context().close();
    const s = await open(browser, 'supervisor', url);
    expect(await s.getByTestId('reveal-log').textContent()).toContain('派单员 李强 查看了完整电话');
    await s.context().close();
  });

  it('answers another department with a 403 page', async () => {
    const page = await login(browser, 'handler2');
    await page.getByTestId('home-title').waitFor();
    expect((await page.goto(url))?.status()).toBe(403);
    expect(await page.getByTestId('error-message').textContent()).toBe('您无权查看此诉求');
    expect(await page.content()).not.toContain(PHONE);
    await page.context().close();
  });
});
