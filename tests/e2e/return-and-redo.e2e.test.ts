import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, screenshot } from './browser';
import { chooseUnits, open, phase, recordComplaint, submit } from './journeys';

describe('journeys 2 and 3: a disputed return, then a dissatisfied citizen and a redo', () => {
  let browser: Browser;
  let url: string;
  beforeAll(async () => {
    browser = await launch();
    url = await recordComplaint(browser, { phone: '13966667777', title: '人行道被摊位占用' });
    const d = await open(browser, 'dispatcher', url);
    await chooseUnits(d, '市城市管理局');
    await submit(d, '派单');
    await d.context().close();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('department asks to return, dispatcher rejects, department handles and replies', async () => {
    const h = await open(browser, 'handler', url);
    await submit(h, '申请退单', { 理由: '该路段属街道管辖，建议改派属地街道。' });
    await expect.poll(() => phase(h)).toBe('退单待审');
    await h.context().close();

    const d = await open(browser, 'dispatcher', url);
    await submit(d, '驳回退单', { 理由: '占道经营属城管执法职责，请签收办理。' });
    await expect.poll(() => phase(d)).toBe('待签收');
    await d.context().close();

    const h2 = await open(browser, 'handler', url);
    await submit(h2, '签收');
    await expect.poll(() => phase(h2)).toBe('办理中');
    await submit(h2, '办理答复', { 办理结果: '已责令商户退回市场内经营。', 是否解决: 'yes' });
    await expect.poll(() => phase(h2)).toBe('待审核');
    const timeline = await h2.getByTestId('timeline').textContent();
    expect(timeline).toContain('申请退单');
    expect(timeline).toContain('驳回退单');
    expect(timeline).toContain('占道经营属城管执法职责');
    await screenshot(h2, 'journey-2-return-rejected');
    await h2.context().close();
  });

  it('callback "dissatisfied" leads to a redo, a second reply, and closure', async () => {
    const r = await open(browser, 'reviewer', url);
    await submit(r, '审核通过');
    await submit(r, '回访评价', { 满意度: 'dissatisfied', 问题是否解决: 'no', 市民意见: '第二天摊位又摆出来了' });
    await expect.poll(() => phase(r)).toBe('不满意待定');
    await submit(r, '重办', { 理由: '市民反映问题反复，请彻底整治。' });
    await expect.poll(() => phase(r)).toBe('办理中');
    await r.context().close();

    const h = await open(browser, 'handler', url);
    await submit(h, '办理答复', { 办理结果: '已设置隔离栏并安排每日巡查，问题已彻底解决。', 是否解决: 'yes' });
    await expect.poll(() => phase(h)).toBe('待审核');
    await h.context().close();

    const r2 = await open(browser, 'reviewer', url);
    await submit(r2, '审核通过');
    await submit(r2, '回访评价', { 满意度: 'satisfied', 问题是否解决: 'yes' });
    await expect.poll(() => phase(r2)).toBe('已办结');
    const timeline = await r2.getByTestId('timeline').textContent();
    expect(timeline).toContain('重办');
    expect(timeline!.split('办理答复').length - 1).toBe(2);
    expect(await r2.getByText('重办/重启/延期').locator('xpath=following-sibling::dd[1]').textContent()).toBe(
      '1 / 0 / 0',
    );
    await screenshot(r2, 'journey-3-redo-closed');
    await r2.context().close();
  });
});
