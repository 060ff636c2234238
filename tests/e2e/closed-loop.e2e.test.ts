import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, screenshot } from './browser';
import { act, chooseUnits, open, phase, recordComplaint, submit } from './journeys';

describe('journey 1: intake → dispatch → reply → review → callback → closed', () => {
  let browser: Browser;
  let url: string;
  beforeAll(async () => {
    browser = await launch();
    url = await recordComplaint(browser, { phone: '13977778888', title: '菜市场门口占道经营' });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('dispatcher sees exactly the triage actions and sends it to a department', async () => {
    const page = await open(browser, 'dispatcher', url);
    expect(await phase(page)).toBe('待派单');
    const forms = await page
      .locator('form[aria-label]')
      .evaluateAll((fs) => fs.map((f) => f.getAttribute('aria-label')));
    expect(forms.sort()).toEqual(['派单', '派至网格', '当场答复', '合并', '转介', '更正分类'].sort());
    await chooseUnits(page, '市城市管理局');
    await submit(page, '派单');
    await expect.poll(() => phase(page)).toBe('待签收');
    await page.context().close();
  });

  it('department accepts, is refused an empty reply with a field error, then replies', async () => {
    const page = await open(browser, 'handler', url);
    await submit(page, '签收');
    await expect.poll(() => phase(page)).toBe('办理中');
    const versionBefore = await act(page, '办理答复').locator('input[name=version]').inputValue();
    await submit(page, '办理答复');
    const form = act(page, '办理答复');
    await expect.poll(() => form.getByRole('alert').first().textContent()).toBe('此项为必填');
    expect(await phase(page)).toBe('办理中');
    expect(await form.locator('input[name=version]').inputValue()).toBe(versionBefore); // nothing was written
    await screenshot(page, 'closed-loop-field-error');
    await submit(page, '办理答复', { 办理结果: '已安排城管队员现场劝导，摊位已退回市场内经营。', 是否解决: 'yes' });
    await expect.poll(() => phase(page)).toBe('待审核');
    await page.context().close();
  });

  it('a second reviewer acting on a stale page is told and sees the fresh state', async () => {
    const a = await open(browser, 'reviewer', url);
    const b = await a.context().newPage();
    await b.goto(url);
    await submit(a, '审核通过');
    await expect.poll(() => phase(a)).toBe('待回访');
    await act(b, '审核通过').getByRole('button', { name: '审核通过' }).click();
    await b.waitForLoadState('networkidle');
    await expect.poll(() => b.getByRole('alert').first().textContent()).toContain('已被他人更新');
    await expect.poll(() => phase(b)).toBe('待回访');
    await a.context().close();
  });

  it('callback "satisfied" closes it and the timeline shows every step', async () => {
    const page = await open(browser, 'reviewer', url);
    expect(await page.getByTestId('callback-script').textContent()).toContain('摊位已退回市场内经营');
    await submit(page, '回访评价', { 满意度: 'satisfied', 问题是否解决: 'yes' });
    await expect.poll(() => phase(page)).toBe('已办结');
    const timeline = await page.getByTestId('timeline').textContent();
    for (const step of ['登记', '提交', '派单', '签收', '办理答复', '审核通过', '回访评价'])
      expect(timeline).toContain(step);
    expect(timeline).toContain('待回访 → 已办结');
    expect(await page.locator('[aria-current="step"]').getAttribute('data-state')).toBe('closed');
    await screenshot(page, 'journey-1-closed');
    await page.context().close();
  });
});
