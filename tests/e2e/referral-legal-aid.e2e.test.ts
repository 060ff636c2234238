import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, login, screenshot } from './browser';
import { phase, recordComplaint } from './journeys';
import { act, appealPhaseAs, casePhase, openCase, referAppeal } from './referral-helpers';

// Mediation fails and the dispute is handed on to legal aid: a linked case opens at the legal aid
// centre, the appeal keeps waiting, and the centre's conclusion answers it.
describe('referral journey: failed mediation handed on to legal aid', () => {
  let browser: Browser;
  let url: string;
  let mediationUrl: string;
  let legalAidUrl: string;
  const title = `拖欠装修款纠纷 ${Date.now()}`;
  beforeAll(async () => {
    browser = await launch();
    url = await recordComplaint(browser, { phone: '13955554444', title });
    const page = await referAppeal(browser, url, '市人民调解委员会（人民调解）', '装修款纠纷');
    await page.context().close();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('the mediator records the failure and refers the dispute on to the legal aid centre', async () => {
    const page = await openCase(browser, 'mediator', title);
    mediationUrl = new URL(page.url()).pathname;
    await act(page, '受理');
    await expect.poll(() => casePhase(page)).toBe('调解中');
    await act(page, '调解不成', {
      调解不成原因: '被申请人拒绝到场调解，申请人经济困难需要法律援助。',
      后续途径: 'legalAid',
      转介至: '市法律援助中心（法律援助）',
    });
    await expect.poll(() => casePhase(page)).toBe('调解不成');
    const links = page.getByTestId('referral-links');
    await expect.poll(() => links.textContent()).toContain('法律援助');
    expect(await page.getByTestId('referral-failure').textContent()).toContain('后续途径：法律援助');
    legalAidUrl = (await links.getByRole('link').first().getAttribute('href'))!;
    expect(legalAidUrl).toMatch(/^\/referrals\/\d+$/);
    // The mediator's agency has no access to the legal aid centre's case.
    const res = await page.goto(legalAidUrl);
    expect(res?.status()).toBe(404);
    await page.context().close();
  });

  it('the appeal stays referred and lists both cases', async () => {
    const { page, phase: p } = await appealPhaseAs(browser, 'dispatcher', url);
    expect(p).toBe('已转介');
    const items = page.getByTestId('appeal-referral');
    expect(await items.count()).toBe(2);
    const text = await page.getByTestId('appeal-referrals').textContent();
    expect(text).toContain('调解不成');
    expect(text).toContain('市法律援助中心');
    await screenshot(page, 'referral-appeal-two-cases');
    await page.context().close();
  });

  it('keeps other agencies and departments out', async () => {
    const counsellor = await login(browser, 'counsellor');
    await counsellor.getByTestId('referral-queue-title').waitFor();
    expect(await counsellor.getByTestId('referral-row').filter({ hasText: title }).count()).toBe(0);
    for (const caseUrl of [mediationUrl, legalAidUrl]) {
      const res = await counsellor.goto(caseUrl);
      expect(res?.status()).toBe(404);
    }
    expect((await counsellor.request.get(`${mediationUrl}/agreement.pdf`)).status()).toBe(404);
    await counsellor.context().close();

    const handler = await login(browser, 'handler');
    await handler.getByTestId('home-title').waitFor();
    expect([403, 404]).toContain((await handler.goto('/referrals'))?.status());
    expect([403, 404]).toContain((await handler.goto(legalAidUrl))?.status());
    expect(await handler.getByRole('link', { name: '转介案件' }).count()).toBe(0);
    await handler.context().close();
  });

  it('the legal aid centre accepts, grants aid with a lawyer and concludes, which moves the appeal to review', async () => {
    const page = await openCase(browser, 'legalaid', title);
    expect(new URL(page.url()).pathname).toBe(legalAidUrl);
    expect(await casePhase(page)).toBe('待受理');
    expect(await page.getByTestId('referral-links').textContent()).toContain('由此案件转来');
    expect(await page.getByTestId('legal-clocks').textContent()).toContain('审查决定期限');
    await act(page, '受理');
    await expect.poll(() => casePhase(page)).toBe('审查中');
    await act(page, '给予援助并指派律师', {
      律师姓名: '周律师',
      律师事务所: '示范市正义律师事务所',
      '律师电话（可选）': '13700001234',
    });
    await expect.poll(() => casePhase(page)).toBe('已指派律师');
    expect(await page.getByTestId('referral-result').textContent()).toContain('周律师');
    await act(page, '结案', { 办理结果: '律师代理申请人起诉，法院判决被申请人支付装修款。', 是否解决: 'yes' });
    await expect.poll(() => casePhase(page)).toBe('已结案');
    expect(await page.getByTestId('referral-outcome').textContent()).toBe('已化解');
    await screenshot(page, 'referral-legal-aid-concluded');
    await page.context().close();

    const { page: appeal, phase: p } = await appealPhaseAs(browser, 'reviewer', url);
    expect(p).toBe('待审核');
    expect(await phase(appeal)).toBe('待审核');
    await appeal.context().close();
  });
});
