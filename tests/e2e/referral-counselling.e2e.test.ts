import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, screenshot } from './browser';
import { open, phase, recordComplaint } from './journeys';
import { beijingDay, act, appealPhaseAs, casePhase, openCase, referAppeal } from './referral-helpers';

// A caller in distress is referred to the psychological aid centre, which holds a session and
// concludes; and a dispute the mediation committee refuses goes back to the dispatcher.
describe('referral journey: counselling, and a refused referral back to dispatch', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('the counsellor accepts, holds a session and concludes, which moves the appeal to review', async () => {
    const title = `长期失眠焦虑求助 ${Date.now()}`;
    const url = await recordComplaint(browser, { phone: '13933332222', title });
    const referred = await referAppeal(browser, url, '市心理援助中心（心理服务）', '来电人情绪低落，建议心理疏导');
    await expect.poll(() => phase(referred)).toBe('已转介');
    await expect.poll(() => referred.getByTestId('appeal-referrals').textContent()).toContain('心理服务');
    await referred.context().close();

    const page = await openCase(browser, 'counsellor', title);
    expect(await casePhase(page)).toBe('待受理');
    expect(await page.getByTestId('referral-agency').textContent()).toBe('市心理援助中心');
    expect(await page.getByTestId('legal-clocks').textContent()).toContain('受理期限');
    await act(page, '受理');
    await expect.poll(() => casePhase(page)).toBe('咨询中');

    // Yesterday's session, recorded once it has been held.
    const day = beijingDay(-1);
    await act(page, '安排咨询', { '时间（北京时间）': `${day}T15:00`, 地点: '心理援助中心二号咨询室' });
    const sessions = page.getByTestId('referral-sessions');
    await expect.poll(() => sessions.locator('li').count()).toBe(1);
    expect(await sessions.textContent()).toContain(`${day} 15:00`);
    expect(await sessions.textContent()).toContain('心理援助中心二号咨询室');

    const notes = '来访者近三个月睡眠差，经放松训练与认知调整后情绪明显好转。';
    await act(page, '记录咨询', { 咨询记录: notes });
    await expect.poll(() => sessions.textContent()).toContain(notes);
    expect(await sessions.textContent()).toContain('已进行');

    await act(page, '结案', { 咨询小结: '一次咨询后情绪稳定，已告知后续求助渠道。', 是否解决: 'yes' });
    await expect.poll(() => casePhase(page)).toBe('已结案');
    expect(await page.getByTestId('referral-outcome').textContent()).toBe('已化解');
    expect(await page.getByTestId('no-actions').count()).toBe(1);
    const timeline = await page.getByTestId('referral-timeline').textContent();
    for (const step of ['转介', '受理', '安排咨询', '记录咨询', '结案']) expect(timeline).toContain(step);
    await screenshot(page, 'referral-counselling-concluded');
    await page.context().close();

    const { page: appeal, phase: p } = await appealPhaseAs(browser, 'reviewer', url);
    expect(p).toBe('待审核');
    expect(await appeal.getByTestId('appeal-referrals').textContent()).toContain('已结案');
    await appeal.context().close();
  });

  it('a mediation referral refused by the mediator returns the appeal to dispatch', async () => {
    const title = `小区停车位纠纷 ${Date.now()}`;
    const url = await recordComplaint(browser, { phone: '13922221111', title });
    const referred = await referAppeal(browser, url, '市人民调解委员会（人民调解）', '车位纠纷，建议人民调解');
    await expect.poll(() => phase(referred)).toBe('已转介');
    // While referred, the dispatcher has no 派单 form.
    expect(await referred.getByRole('form', { name: '派单', exact: true }).count()).toBe(0);
    await referred.context().close();

    const page = await openCase(browser, 'mediator', title);
    expect(await casePhase(page)).toBe('待受理');
    // A refusal needs a reason.
    await act(page, '不予受理');
    expect(await casePhase(page)).toBe('待受理');
    await expect
      .poll(() => page.getByRole('form', { name: '不予受理', exact: true }).getByRole('alert').count())
      .toBeGreaterThan(0);
    const reason = '该纠纷已由法院立案受理，依法不予调解。';
    await act(page, '不予受理', { 理由: reason });
    await expect.poll(() => casePhase(page)).toBe('不予受理');
    expect(await page.getByTestId('referral-outcome').textContent()).toBe('不予受理');
    expect(await page.getByTestId('referral-result').textContent()).toContain(reason);
    expect(await page.getByTestId('no-actions').count()).toBe(1);
    await page.context().close();

    const dispatcher = await open(browser, 'dispatcher', url);
    expect(await phase(dispatcher)).toBe('待派单');
    const forms = await dispatcher
      .locator('form[aria-label]')
      .evaluateAll((fs) => fs.map((f) => f.getAttribute('aria-label')));
    expect(forms).toEqual(expect.arrayContaining(['派单', '转介']));
    expect(await dispatcher.getByRole('form', { name: '派单', exact: true }).getByLabel('主办单位').count()).toBe(1);
    expect(await dispatcher.getByTestId('appeal-referrals').textContent()).toContain('不予受理');
    await screenshot(dispatcher, 'referral-refused-back-to-dispatch');
    await dispatcher.context().close();
  });
});
