import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, login, postHeaders, screenshot } from './browser';
import { open, phase, recordComplaint, submit } from './journeys';
import { beijingDay, act, appealPhaseAs, caseForm, casePhase, openCase, referAppeal } from './referral-helpers';

// A neighbours' dispute goes to people's mediation: two sessions, an agreement signed by both,
// the printed agreement, judicial confirmation, and the appeal closes through review and callback.
describe("referral journey: people's mediation to a judicially confirmed agreement", () => {
  let browser: Browser;
  let url: string;
  let caseUrl: string;
  const title = `楼上漏水邻里纠纷 ${Date.now()}`;
  beforeAll(async () => {
    browser = await launch();
    url = await recordComplaint(browser, { phone: '13966665555', title });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('the dispatcher refers the appeal to the mediation committee and the appeal lists the case', async () => {
    const page = await referAppeal(browser, url, '市人民调解委员会（人民调解）', '邻里漏水纠纷，建议人民调解');
    await expect.poll(() => phase(page)).toBe('已转介');
    const panel = page.getByTestId('appeal-referrals');
    await expect.poll(() => panel.textContent()).toContain('人民调解');
    const link = panel.getByRole('link').first();
    expect(await link.textContent()).toMatch(/^TJ\d{10}$/);
    caseUrl = (await link.getAttribute('href'))!;
    expect(caseUrl).toMatch(/^\/referrals\/\d+$/);
    // The city's desks see the case, but only the agency acts on it.
    await link.click();
    await page.getByTestId('referral-phase').waitFor();
    expect(await casePhase(page)).toBe('待受理');
    expect(await page.getByTestId('no-actions').count()).toBe(1);
    await page.context().close();
  });

  it('the mediator finds it in his queue, accepts it, adds both parties and records two sessions', async () => {
    const page = await openCase(browser, 'mediator', title);
    expect(new URL(page.url()).pathname).toBe(caseUrl);
    expect(await casePhase(page)).toBe('待受理');
    expect(await page.getByTestId('legal-clocks').textContent()).toContain('受理期限');
    const forms = await page
      .locator('form[aria-label]')
      .evaluateAll((fs) => fs.map((f) => f.getAttribute('aria-label')));
    expect(forms).toEqual(expect.arrayContaining(['受理', '不予受理', '备注']));
    await act(page, '受理');
    await expect.poll(() => casePhase(page)).toBe('调解中');
    expect(await page.getByTestId('legal-clocks').textContent()).toContain('调解期限');

    // A party without a name is refused with a field error and nothing is written.
    await act(page, '添加当事人', { 当事人身份: 'applicant' });
    await expect.poll(() => caseForm(page, '添加当事人').getByRole('alert').count()).toBeGreaterThan(0);
    await act(page, '添加当事人', { 姓名: '王建国', 当事人身份: 'applicant', '电话（可选）': '13912340001' });
    await act(page, '添加当事人', { 姓名: '李秀英', 当事人身份: 'respondent' });
    const parties = page.getByTestId('referral-parties');
    await expect.poll(() => parties.locator('tbody tr').count()).toBe(2);
    expect(await parties.textContent()).toContain('139****0001');
    expect(await page.content()).not.toContain('13912340001');

    for (const [no, day, minutes] of [
      [1, beijingDay(-7), '双方陈述：楼上卫生间防水层老化导致漏水。'],
      [2, beijingDay(-1), '现场查看后，双方就维修和赔偿达成一致意见。'],
    ] as const) {
      await act(page, '安排调解', { '时间（北京时间）': `${day}T09:30`, 地点: '幸福社区人民调解室' });
      await expect.poll(() => page.getByTestId('referral-sessions').locator('li').count()).toBe(no);
      expect(await page.getByTestId('referral-sessions').textContent()).toContain(`${day} 09:30`);
      await act(page, '记录调解', { 调解笔录: minutes }, { 王建国: true, 李秀英: true });
      await expect.poll(() => page.getByTestId('referral-sessions').textContent()).toContain(minutes);
    }
    expect(await page.getByTestId('referral-sessions').textContent()).toContain('到场：王建国、李秀英');
    await page.context().close();
  });

  it('reaches an agreement signed by both and prints it as a PDF', async () => {
    const page = await openCase(browser, 'mediator', title);
    await act(page, '达成协议', {
      协议内容: '一、李秀英于2026年12月20日前修复卫生间防水层；\n二、李秀英赔偿王建国装修损失人民币贰仟元整。',
    });
    await expect.poll(() => casePhase(page)).toBe('已达成协议');
    const agreement = page.getByTestId('referral-agreement');
    expect(await agreement.textContent()).toContain('签字当事人：王建国、李秀英');
    expect(await page.getByTestId('legal-clocks').textContent()).toContain('司法确认申请期限');
    const print = agreement.getByRole('form', { name: '打印协议书' });
    expect(await print.getAttribute('action')).toBe(`${caseUrl}/agreement.pdf`);
    const res = await page.request.post(`${caseUrl}/agreement.pdf`, {
      headers: await postHeaders(page),
      form: { _csrf: (await page.locator('meta[name="csrf-token"]').getAttribute('content')) ?? '' },
    });
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toBe('application/pdf');
    expect(res.headers()['content-disposition']).toMatch(/^inline; filename="TJ\d{10}\.pdf"$/);
    const body = await res.body();
    expect(body.subarray(0, 4).toString('latin1')).toBe('%PDF');
    await screenshot(page, 'referral-mediation-agreed');
    await page.context().close();
  });

  it('records the judicial confirmation, which moves the appeal to review', async () => {
    const page = await openCase(browser, 'mediator', title);
    await act(page, '申请司法确认', { 受理法院: '示范市东城区人民法院' });
    await expect.poll(() => casePhase(page)).toBe('司法确认中');
    expect(await page.getByTestId('legal-clocks').textContent()).toContain('法院审查期限');
    await act(page, '司法确认通过', { 裁定书文号: '（2026）示0101民特88号' });
    await expect.poll(() => casePhase(page)).toBe('已司法确认');
    expect(await page.getByTestId('referral-confirmation').textContent()).toContain('（2026）示0101民特88号');
    const timeline = await page.getByTestId('referral-timeline').textContent();
    for (const step of [
      '转介',
      '受理',
      '添加当事人',
      '安排调解',
      '记录调解',
      '达成协议',
      '申请司法确认',
      '司法确认通过',
    ])
      expect(timeline).toContain(step);
    expect(timeline).toContain('司法确认中 → 已司法确认');
    expect(await page.getByTestId('no-actions').count()).toBe(1);
    await screenshot(page, 'referral-mediation-confirmed');
    await page.context().close();

    const { page: appeal, phase: p } = await appealPhaseAs(browser, 'reviewer', url);
    expect(p).toBe('待审核');
    await appeal.context().close();
  });

  it('the reviewer approves and the callback closes the appeal', async () => {
    let page: Page = await open(browser, 'reviewer', url);
    await submit(page, '审核通过');
    await expect.poll(() => phase(page)).toBe('待回访');
    await page.context().close();
    page = await open(browser, 'reviewer', url);
    await submit(page, '回访评价', { 满意度: 'satisfied', 问题是否解决: 'yes' });
    await expect.poll(() => phase(page)).toBe('已办结');
    expect(await page.getByTestId('appeal-referrals').textContent()).toContain('已司法确认');
    await page.context().close();
  });

  it("moves the closed case from the mediator's open tab to his closed tab", async () => {
    const p = await login(browser, 'mediator');
    await p.getByTestId('referral-queue-title').waitFor();
    expect(await p.getByTestId('referral-row').filter({ hasText: title }).count()).toBe(0);
    await p.getByTestId('referral-tab-closed').click();
    await expect.poll(() => p.getByTestId('referral-row').filter({ hasText: title }).count()).toBe(1);
    await screenshot(p, 'referral-queue-closed');
    await p.context().close();
  });
});
