import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, login, screenshot } from './browser';

// Journey (d) of the policy channel: the office draws a period's callback sample, then a callback agent works three
// callbacks from the queue: one confirmed, one not answered (an attempt), one with a problem, which opens a
// complaint appeal shown linked from the callback.

async function answer(page: Page, question: string, value: '是' | '否') {
  await page.getByRole('group', { name: question }).getByRole('radio', { name: value }).check();
}

describe('beneficiary callbacks', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('the supervisor draws the sample and an operator works three callbacks, one problem opening an appeal', async () => {
    const office = await login(browser, 'supervisor');
    await office.getByTestId('home-title').waitFor();
    await office
      .getByRole('navigation', { name: '主导航' })
      .getByRole('link', { name: '回访核实', exact: true })
      .click();
    await office.waitForURL(/\/beneficiary-callbacks$/);
    const form = office.getByRole('form', { name: '抽取回访样本' });
    const label = (await form.getByLabel('上报期间').locator('option:checked').textContent())!.trim();
    await form.getByLabel('抽样比例（%）').fill('20');
    await form.getByLabel('每项政策至少').fill('2');
    await form.getByLabel('随机种子').fill('e2e-seed');
    await form.getByRole('button', { name: '抽取样本' }).click();
    const row = office.getByTestId(`draw-${label}`);
    await expect.poll(() => row.textContent()).toContain('种子 e2e-seed');
    await screenshot(office, 'callbacks-drawn');

    const agent = await login(browser, 'operator');
    await agent.getByTestId('home-title').waitFor();
    await agent.goto('/beneficiary-callbacks');
    const links = agent.getByTestId('callback-queue').getByRole('link');
    await links.first().waitFor();
    const hrefs = (await links.evaluateAll((as) => as.slice(0, 3).map((a) => a.getAttribute('href')))) as string[];
    expect(hrefs).toHaveLength(3);

    // Confirmed: it arrived, the amount and the day are right.
    await agent.goto(hrefs[0]);
    await agent.locator('html[data-hydrated]').waitFor();
    const phone = await agent.getByTestId('callback-phone').textContent();
    expect(await agent.getByTestId('callback-call').getAttribute('data-dial')).toBe(phone);
    await answer(agent, '是否收到', '是');
    await answer(agent, '金额是否相符', '是');
    await answer(agent, '是否按时', '是');
    await agent.getByRole('button', { name: '登记回访结果' }).click();
    await expect.poll(() => agent.getByTestId('callback-status').textContent()).toContain('核实无误');

    // Not answered: one attempt counted, the callback stays in the queue.
    await agent.goto(hrefs[1]);
    await agent.getByLabel('未接通原因').selectOption({ label: '无人接听' });
    await agent.getByRole('button', { name: '登记未接通' }).click();
    await expect.poll(() => agent.getByTestId('callback-status').textContent()).toContain('已尝试 1 / 3 次未接通');

    // A problem: the amount was short; a complaint appeal opens, linked from the callback.
    await agent.goto(hrefs[2]);
    await answer(agent, '是否收到', '是');
    await answer(agent, '金额是否相符', '否');
    await answer(agent, '是否按时', '是');
    await agent.getByLabel('满意度').selectOption({ label: '不满意' });
    await agent.getByLabel('反映的问题（有问题将生成投诉工单交牵头部门处理）').fill('到账金额比通知的少两百元');
    await agent.getByRole('button', { name: '登记回访结果' }).click();
    const linked = agent.getByTestId('callback-appeal');
    await linked.waitFor();
    await expect.poll(() => agent.getByTestId('callback-status').textContent()).toContain('发现问题');
    await screenshot(agent, 'callbacks-problem');
    const number = (await linked.getByRole('link').textContent())!.trim();
    await linked.getByRole('link').click();
    await agent.waitForURL(/\/appeals\/\d+$/);
    await expect.poll(() => agent.locator('body').textContent()).toContain(number);
    await expect.poll(() => agent.locator('body').textContent()).toContain('到账金额比通知的少两百元');
    await screenshot(agent, 'callbacks-appeal');
  });
});
