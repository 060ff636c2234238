import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launch, login, screenshot } from './browser';
import { citizenPhone } from './citizen-phone';
import { phase } from './journeys';

// 政策找人 on the line: a caller of 82 (the demo's 周桂英, placed in 东城区 by an earlier appeal) rings from the demo
// phone; while it rings the operator's screen pop lists 高龄津贴 as possibly entitled, and the firms her phone speaks
// for; answered, the intake form shows the same list, 引用 cites the item into the answer, and the appeal page shows
// the citation with the version it read.

const CALLER = '13800001111';
const ELDERLY = '东城区80周岁以上老年人高龄津贴';
const state = (page: Page) => page.getByTestId('agent-state');

describe('政策找人 on the line', () => {
  let browser: Browser;
  let operator: Page;
  let citizen: Page;

  beforeAll(async () => {
    browser = await launch();
    operator = await login(browser, 'operator');
    await operator.getByTestId('home-title').waitFor();
    await state(operator).filter({ hasText: '未就绪' }).waitFor({ timeout: 15_000 });
    await operator.getByTestId('go-ready').click();
    await state(operator).filter({ hasText: '就绪' }).waitFor({ timeout: 15_000 });
    citizen = (await citizenPhone(browser, CALLER)).page;
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail')
      await screenshot(operator, 'policy-screen-pop-failed').catch(() => undefined);
  });

  it('a caller of 80+ rings: the screen pop shows 高龄津贴; the operator answers citing its item', async () => {
    await citizen.getByTestId('citizen-dial').click();
    const pop = operator.getByTestId('screen-pop');
    await pop.waitFor({ timeout: 15_000 });
    await state(operator).filter({ hasText: '来电振铃' }).waitFor();
    const possible = pop.getByTestId('possible-policies');
    await expect.poll(() => possible.textContent().catch(() => '')).toContain(ELDERLY);
    const elderly = possible.getByTestId('possible-policy').filter({ hasText: ELDERLY });
    expect(await elderly.textContent()).toContain('免申即享');
    expect(await elderly.textContent()).toContain('本人');
    // a firm her phone speaks for is below the credit threshold: said, without why
    expect(await pop.getByTestId('policy-gate-refused').textContent()).toMatch(/：不符合享受条件（信用）$/);
    // the ringing bar keeps to a few lines; the rest wait on the intake form
    expect(await possible.getByTestId('possible-policy').count()).toBeLessThanOrEqual(6);
    // the public page of the policy is one click away
    expect(await elderly.getByRole('link', { name: ELDERLY }).getAttribute('href')).toMatch(/^\/policies\/\d+$/);
    await screenshot(operator, 'policy-screen-pop-ringing');

    await operator.getByTestId('answer').click();
    await operator.waitForURL(/\/intake\?phone=13800001111&call=/);
    const aside = operator.getByRole('complementary', { name: '来电人信息' });
    const item = aside.getByTestId('possible-policy').filter({ hasText: ELDERLY });
    await item.getByRole('button', { name: `引用 ${ELDERLY} 第 1 条` }).click();

    const f = operator.getByRole('form', { name: '诉求登记' });
    await expect.poll(() => f.getByLabel('答复内容').inputValue()).toContain(`《${ELDERLY}》`);
    expect(await f.getByTestId('answer-citation').textContent()).toContain(`《${ELDERLY}》第1条（v1）`);
    await f.getByLabel('咨询').check();
    await f.getByLabel('分类（输入关键字选择）').fill('1002 社保政策（政策咨询）');
    await f.getByLabel('标题').fill('高龄津贴怎么领取');
    await f.getByLabel('诉求内容').fill('老人今年82岁，住东城区，问高龄津贴要不要自己去申请。');
    await screenshot(operator, 'policy-screen-pop-intake-cited');
    await f.getByRole('button', { name: '当场答复并办结' }).click();

    await operator.getByTestId('appeal-number').waitFor();
    expect(await phase(operator)).not.toBe('');
    const cited = operator.getByTestId('policy-citation');
    expect(await cited.textContent()).toBe(`《${ELDERLY}》第1条（v1）`);
    expect(await cited.getAttribute('href')).toMatch(/^\/policies\/\d+\?version=1$/);
    expect(await operator.getByTestId('policy-citations').textContent()).toContain('年满80周岁');
    await screenshot(operator, 'policy-screen-pop-appeal-citation');

    await operator.getByTestId('hang-up').click();
    await expect.poll(() => citizen.getByTestId('citizen-line').textContent(), { timeout: 10_000 }).toBe('通话已结束');
  });
});
