import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, login, screenshot } from './browser';
import { open, phase, submit } from './journeys';

// 异议处置 end to end: a firm's contact rings to say the firm never received its 一次性创业补贴; the operator finds the
// policy at intake and records a complaint about it, which lands at the lead department (人社局) tagged with the
// policy; its handler accepts and replies, the reviewer approves, the callback finds the firm satisfied: closed.
// Then a consultation handed to the policy's chief representative, who answers it.

const FIRM_PHONE = '13912340001';
const POLICY = '一次性创业补贴';
const LEAD = 'handler-f06';

/** The operator's intake form for the firm's call, the policy found in the policy search. */
async function intakeWithPolicy(browser: Browser, title: string, content: string): Promise<Page> {
  const page = await login(browser, 'operator');
  await page.getByTestId('home-title').waitFor();
  await page.goto(`/intake?phone=${FIRM_PHONE}`);
  await page.locator('html[data-hydrated]').waitFor();
  const f = page.getByRole('form', { name: '诉求登记' });
  await f.getByLabel('诉求人姓名').fill('陈志强');
  await f.getByLabel('分类（输入关键字选择）').fill('0602 社保缴纳（劳动保障）');
  await f.getByLabel('标题').fill(title);
  await f.getByLabel('诉求内容').fill(content);
  await page.getByLabel('搜索政策库').fill('创业补贴');
  await page
    .getByRole('list', { name: '政策库结果' })
    .getByRole('listitem')
    .filter({ hasText: POLICY })
    .first()
    .waitFor();
  return page;
}

describe('journey (b): a complaint about a policy, and a consultation for its chief representative', () => {
  let browser: Browser;
  let url = '';
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('the operator records that the firm did not receive 一次性创业补贴, and it lands at the lead department', async () => {
    const page = await intakeWithPolicy(
      browser,
      '创业补贴一直没有收到',
      '我们公司去年在本市开办，已正常经营一年多，符合一次性创业补贴的条件，但至今没有收到补贴。',
    );
    await page
      .getByRole('button', { name: `政策异议：${POLICY}` })
      .first()
      .click();
    const panel = page.getByTestId('policy-handover');
    await panel.waitFor();
    expect(await panel.textContent()).toContain(`《${POLICY}》`);
    expect(await panel.textContent()).toContain('市人力资源和社会保障局');
    // Without its kind the complaint is refused beside the field, and nothing is recorded.
    await panel.getByRole('button', { name: '登记政策异议并转牵头单位' }).click();
    await expect.poll(() => panel.getByRole('alert').first().textContent()).toBe('请选择异议类型');
    await panel.getByLabel('异议类型').selectOption({ label: '未收到' });
    await screenshot(page, 'policy-complaint-intake');
    await panel.getByRole('button', { name: '登记政策异议并转牵头单位' }).click();
    await page.getByTestId('appeal-number').waitFor();
    url = new URL(page.url()).pathname;
    expect(await phase(page)).toBe('待签收');
    expect(await page.getByTestId('about-policy').textContent()).toContain(POLICY);
    expect(await page.getByTestId('about-policy-reason').textContent()).toBe('政策异议 · 未收到');
    await page.context().close();
  });

  it("the lead department's handler accepts and replies; the reviewer approves; the callback closes it", async () => {
    const handler = await open(browser, LEAD, url);
    expect(await handler.getByTestId('about-policy').textContent()).toContain(POLICY);
    await submit(handler, '签收');
    await expect.poll(() => phase(handler)).toBe('办理中');
    await submit(handler, '办理答复', {
      办理结果: '经核查，该企业符合条件，因银行账户信息有误未能到账，已更正并于本周内补发5000元。',
      是否解决: 'yes',
    });
    await expect.poll(() => phase(handler)).toBe('待审核');
    await screenshot(handler, 'policy-complaint-department');
    await handler.context().close();

    const reviewer = await open(browser, 'reviewer', url);
    await submit(reviewer, '审核通过');
    await expect.poll(() => phase(reviewer)).toBe('待回访');
    expect(await reviewer.getByTestId('callback-script').textContent()).toContain('补发5000元');
    await submit(reviewer, '回访评价', { 满意度: 'satisfied', 问题是否解决: 'yes' });
    await expect.poll(() => phase(reviewer)).toBe('已办结');
    const timeline = await reviewer.getByTestId('timeline').textContent();
    for (const step of ['提交', '转政策牵头单位', '签收', '办理答复', '审核通过', '回访评价'])
      expect(timeline).toContain(step);
    await reviewer.context().close();
  });

  it('a consultation handed to the chief representative is his to answer, on its own short limit', async () => {
    const page = await intakeWithPolicy(browser, '创业补贴申领条件', '想咨询开办满几个月可以领取一次性创业补贴。');
    await page
      .getByRole('button', { name: `转首席代表：${POLICY}` })
      .first()
      .click();
    const panel = page.getByTestId('policy-handover');
    expect(await panel.textContent()).toContain('首席代表');
    await panel.getByRole('button', { name: '转首席代表' }).click();
    await page.getByTestId('appeal-number').waitFor();
    const consultation = new URL(page.url()).pathname;
    expect(await page.getByTestId('about-policy-reason').textContent()).toBe('政策咨询');
    expect(await page.getByTestId('chief-representative').textContent()).toContain('市人力资源和社会保障局承办人');
    await page.context().close();

    const chief = await open(browser, LEAD, consultation);
    expect(await phase(chief)).toBe('待签收');
    // The chief representative's own limit, and the time left on it.
    const limits = chief.getByRole('region', { name: '时限' });
    expect(await limits.textContent()).toContain('剩余');
    await submit(chief, '签收');
    await submit(chief, '办理答复', {
      办理结果: '首次创办小微企业并正常经营6个月以上即可申领，带营业执照到区人社窗口或网上办理。',
      是否解决: 'yes',
    });
    await expect.poll(() => phase(chief)).toBe('待审核');
    await screenshot(chief, 'policy-consultation-chief');
    await chief.context().close();
  });
});
