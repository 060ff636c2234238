import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, login, screenshot } from './browser';
import { act, chooseUnits, open, phase, recordComplaint, submit } from './journeys';
import { png } from '../support/files';

// A department handler's day (issue points 12–14): passing an order down to a section, assisting orders, and
// files sent with the reply. Each test files its own appeal.

/** The dispatcher sends the appeal to a lead unit, with assisting units if any. */
async function dispatchTo(browser: Browser, url: string, lead: string, assisting: string[] = []) {
  const page = await open(browser, 'dispatcher', url);
  await chooseUnits(page, lead, assisting);
  await submit(page, '派单');
  await expect.poll(() => phase(page)).toBe('待签收');
  await page.context().close();
}

/** The titles listed in one queue of the home page. */
async function queueTitles(page: Page, key: string): Promise<string> {
  await page.getByTestId('home-title').waitFor();
  return (await page.locator(`section#${key}`).textContent()) ?? '';
}

describe('a department handler’s day', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('12. the bureau passes an order to its section (二级派单); the section accepts and replies; the bureau follows it', async () => {
    const title = `二级派单占道经营-${Date.now().toString(36)}`;
    const url = await recordComplaint(browser, { phone: '13955550012', title });
    await dispatchTo(browser, url, '市城市管理局');

    const bureau = await open(browser, 'handler', url);
    const sub = act(bureau, '二级派单').getByLabel('下级单位');
    expect(await sub.locator('option').allTextContents()).toEqual(['请选择', '市容环境科', '执法一中队', '执法二中队']);
    await sub.selectOption({ label: '执法一中队' });
    await submit(bureau, '二级派单');
    await expect.poll(() => bureau.locator('main header').first().textContent()).toContain('执法一中队');
    expect(await bureau.getByTestId('no-actions').count()).toBe(1);
    await bureau.context().close();

    const section = await login(browser, 'handler3');
    expect(await queueTitles(section, 'toAccept')).toContain(title);
    await section.goto(url);
    await submit(section, '签收');
    await expect.poll(() => phase(section)).toBe('办理中');
    await submit(section, '办理答复', { 办理结果: '执法一中队已劝导摊主退回市场内经营。', 是否解决: 'yes' });
    await expect.poll(() => phase(section)).toBe('待审核');
    await section.context().close();

    const again = await login(browser, 'handler');
    expect(await queueTitles(again, 'subUnits')).toContain(title);
    await again.goto(url);
    await expect.poll(() => phase(again)).toBe('待审核');
    expect(await again.getByTestId('timeline').textContent()).toContain('执法一中队已劝导摊主退回市场内经营。');
    await screenshot(again, 'day-handler-sub-dispatch');
    await again.context().close();
  });

  it('13. the assisting unit accepts and gives its opinion; the lead reads it and cannot reply before it without a reason', async () => {
    const title = `协办占道经营-${Date.now().toString(36)}`;
    const url = await recordComplaint(browser, { phone: '13955550013', title });
    await dispatchTo(browser, url, '市城市管理局', ['市住房和城乡建设局']);

    const lead = await open(browser, 'handler', url);
    await submit(lead, '签收');
    await expect.poll(() => phase(lead)).toBe('办理中');
    await submit(lead, '办理答复', { 办理结果: '已处理。', 是否解决: 'yes' });
    await expect
      .poll(() => act(lead, '办理答复').getByRole('alert').first().textContent())
      .toContain('协办单位尚未全部反馈意见');
    expect(await phase(lead)).toBe('办理中');
    await lead.context().close();

    const assistant = await login(browser, 'handler2');
    expect(await queueTitles(assistant, 'assisting')).toContain(title);
    await assistant.goto(url);
    await assistant.getByTestId('appeal-phase').waitFor();
    expect(await assistant.getByTestId('no-actions').count()).toBe(0);
    await submit(assistant, '协办签收');
    await expect.poll(() => assistant.getByTestId('assist-status').textContent()).toBe('办理中');
    await submit(assistant, '提交协办意见', { 协办意见: '经查该摊位无占道许可，住建局同意依法清理。' });
    await expect.poll(() => assistant.getByTestId('assist-status').textContent()).toBe('已反馈');
    expect(await queueTitles(await assistant.goto('/').then(() => assistant), 'assisting')).not.toContain(title);
    await assistant.context().close();

    const back = await open(browser, 'handler', url);
    expect(await back.getByTestId('assist-opinion').textContent()).toBe('经查该摊位无占道许可，住建局同意依法清理。');
    await screenshot(back, 'day-handler-assist-opinion');
    await submit(back, '办理答复', { 办理结果: '会同住建局清理了占道摊位。', 是否解决: 'yes' });
    await expect.poll(() => phase(back)).toBe('待审核');
    const timeline = await back.getByTestId('timeline').textContent();
    expect(timeline).toContain('协办签收');
    expect(timeline).toContain('提交协办意见');
    await back.context().close();
  });

  it('14. the reply carries its files in the same step, and its timeline entry links them', async () => {
    const title = `答复附件占道经营-${Date.now().toString(36)}`;
    const url = await recordComplaint(browser, { phone: '13955550014', title });
    await dispatchTo(browser, url, '市城市管理局');
    const page = await open(browser, 'handler', url);
    await submit(page, '签收');
    await expect.poll(() => phase(page)).toBe('办理中');
    const form = act(page, '办理答复');
    await form.getByLabel('办理结果').fill('摊位已清理，附处置后照片。');
    await form.getByLabel('是否解决').selectOption('yes');
    await form.getByLabel(/^附件/).setInputFiles([
      { name: '处置后.png', mimeType: 'image/png', buffer: Buffer.from(png(140)) },
      { name: '现场.png', mimeType: 'image/png', buffer: Buffer.from(png(141)) },
    ]);
    await form.getByRole('button', { name: '办理答复' }).click();
    await expect.poll(() => phase(page)).toBe('待审核');
    const files = page.getByTestId('timeline').getByTestId('step-files');
    await expect.poll(() => files.getByRole('link').allTextContents()).toEqual(['处置后.png', '现场.png']);
    const href = await files.getByRole('link', { name: '处置后.png' }).getAttribute('href');
    const res = await page.request.get(href!);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toContain('image/png');
    await screenshot(page, 'day-handler-reply-files');
    await page.context().close();
  });
});
