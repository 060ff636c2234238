import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, screenshot } from './browser';
import { act, open, phase, recordComplaint, submit } from './journeys';

describe('a supervisor day: extensions, reports, assessment', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('21: 批准延期 starts at the days the department asked for, beside its reason, and can be changed', async () => {
    const url = await recordComplaint(browser, { phone: '13955552101', title: '延期申请预填测试' });
    const d = await open(browser, 'dispatcher', url);
    await act(d, '派单').getByLabel('主办单位').selectOption({ label: '市城市管理局' });
    await submit(d, '派单');
    await d.context().close();

    const h = await open(browser, 'handler', url);
    await submit(h, '签收');
    await expect.poll(() => phase(h)).toBe('办理中');
    await submit(h, '申请延期', { 延期工作日: '4', 理由: '需与街道联合清理，申请延期四个工作日。' });
    await expect.poll(() => phase(h)).toBe('延期待批');
    await h.context().close();

    const approver = await open(browser, 'dispatcher', url);
    const form = act(approver, '批准延期');
    const days = form.getByLabel('批准延期工作日');
    await expect.poll(() => days.inputValue()).toBe('4');
    const request = await form.getByTestId('extension-request').textContent();
    expect(request).toContain('承办单位申请延期 4 个工作日');
    expect(request).toContain('需与街道联合清理，申请延期四个工作日。');
    await screenshot(approver, 'assess-21-extension-prefilled');
    // The approver grants fewer days than asked; the timeline records what was granted.
    await days.fill('2');
    await form.getByRole('button', { name: '批准延期' }).click();
    await approver.waitForLoadState('networkidle');
    await expect.poll(() => phase(approver)).toBe('办理中');
    await approver.context().close();
  });
});
