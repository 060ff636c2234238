import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, screenshot } from './browser';
import { act, open, recordComplaint } from './journeys';

async function judge(page: Page, choice: 'yes' | 'no', reason: string) {
  const form = act(page, '不合理诉求认定');
  await form.locator('select[name="unreasonable"]').selectOption(choice);
  await form.locator('[name="reason"]').fill(reason);
  await form.getByRole('button', { name: '不合理诉求认定' }).click();
  await page.waitForLoadState('networkidle');
}

describe('unreasonable demands (不合理诉求认定)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('a supervisor marks an appeal as an unreasonable demand and withdraws it; others cannot', async () => {
    const url = await recordComplaint(browser, { phone: '13900007777', title: `不合理诉求 ${Date.now()}` });
    const dispatcher = await open(browser, 'dispatcher', url);
    expect(await act(dispatcher, '不合理诉求认定').count()).toBe(0);
    await dispatcher.context().close();

    const s = await open(browser, 'supervisor', url);
    // A judgement without a reason is refused and changes nothing.
    await judge(s, 'yes', '');
    expect(await s.getByTestId('unreasonable-mark').count()).toBe(0);
    await judge(s, 'yes', '要求政府出资为其个人修建专用车道，超出政策范围。');
    await expect.poll(() => s.getByTestId('unreasonable-mark').count()).toBe(1);
    expect(await s.getByTestId('timeline').textContent()).toContain('不合理诉求认定');
    await screenshot(s, 'unreasonable-marked');
    await judge(s, 'no', '复核后认为诉求合理。');
    await expect.poll(() => s.getByTestId('unreasonable-mark').count()).toBe(0);
    await s.context().close();
  });
});
