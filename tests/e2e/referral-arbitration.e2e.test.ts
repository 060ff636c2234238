import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CN_HOLIDAYS } from '../../app/calendar/holidays-cn';
import { addLegalDays, buildCalendar, localDateTime } from '../../app/calendar/working-time';
import { launch, screenshot } from './browser';
import { phase, recordComplaint } from './journeys';
import {
  ARBITRATION_PARTY_FIELDS,
  beijingDay,
  act,
  appealPhaseAs,
  caseForm,
  casePhase,
  openCase,
  referAppeal,
} from './referral-helpers';

/** The award clock's due time as shown on the case page ('YYYY-MM-DD HH:mm', Beijing time). */
async function awardDue(page: import('playwright-core').Page): Promise<string> {
  const text = (await page.getByTestId('clock-award').textContent()) ?? '';
  const m = /(\d{4}-\d{2}-\d{2} \d{2}:\d{2})/.exec(text);
  expect(m, `award clock shows a due time: ${text}`).not.toBeNull();
  return m![1];
}
// The app's calendar is seeded from the published holiday schedule; the case is accepted today.
const calendar = buildCalendar(CN_HOLIDAYS);
/** The last moment of a legal period of `days` counted from today, as the case page shows it. */
const legalDue = (days: number) => localDateTime(addLegalDays(calendar, new Date(), days));

/** The names of the action forms the signed-in user is offered on the case page. */
const actionForms = (page: import('playwright-core').Page) =>
  page.locator('form[aria-label]').evaluateAll((fs) => fs.map((f) => f.getAttribute('aria-label')));

// A wage dispute goes to labour arbitration: acceptance starts the 45-day award clock, a hearing is
// held, the time limit is extended once with a second arbitrator's approval, and the award answers
// the appeal.
describe('referral journey: labour arbitration with an extension approved by a second arbitrator', () => {
  let browser: Browser;
  let url: string;
  let caseUrl: string;
  let dueBefore: string;
  const title = `拖欠工资劳动争议 ${Date.now()}`;
  beforeAll(async () => {
    browser = await launch();
    url = await recordComplaint(browser, { phone: '13944443333', title });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('the dispatcher refers the appeal to the arbitration commission', async () => {
    const page = await referAppeal(
      browser,
      url,
      '市劳动人事争议仲裁院（劳动仲裁）',
      '用人单位拖欠三个月工资，建议申请劳动仲裁',
    );
    await expect.poll(() => phase(page)).toBe('已转介');
    const panel = page.getByTestId('appeal-referrals');
    await expect.poll(() => panel.textContent()).toContain('劳动仲裁');
    caseUrl = (await panel.getByRole('link').first().getAttribute('href'))!;
    expect(caseUrl).toMatch(/^\/referrals\/\d+$/);
    await page.context().close();
  });

  it('the arbitrator accepts, schedules and records a hearing, and asks for an extension', async () => {
    const page = await openCase(browser, 'arbitrator', title);
    expect(new URL(page.url()).pathname).toBe(caseUrl);
    expect(await casePhase(page)).toBe('待受理');
    expect(await page.getByTestId('referral-agency').textContent()).toBe('市劳动人事争议仲裁院');
    expect(await page.getByTestId('legal-clocks').textContent()).toContain('受理期限');
    expect(await page.getByTestId('legal-clocks').textContent()).not.toContain('裁决期限');
    expect(await actionForms(page)).toEqual(expect.arrayContaining(['受理', '不予受理', '备注']));

    await act(page, '受理');
    await expect.poll(() => casePhase(page)).toBe('已受理');
    await expect.poll(() => page.getByTestId('legal-clocks').textContent()).toContain('裁决期限');
    // 45 calendar days from today, ending at the end of a day (later if that day is a rest day).
    expect(await awardDue(page)).toBe(legalDue(45));

    // The parties, recorded before the hearing; then a hearing held yesterday afternoon is recorded.
    await act(page, '登记当事人', ARBITRATION_PARTY_FIELDS);
    await expect.poll(() => page.getByTestId('arbitration-parties').count()).toBe(1);
    const day = beijingDay(-1);
    await act(page, '安排开庭', { '时间（北京时间）': `${day}T14:00`, 地点: '仲裁院第三仲裁庭' });
    const sessions = page.getByTestId('referral-sessions');
    await expect.poll(() => sessions.locator('li').count()).toBe(1);
    expect(await sessions.textContent()).toContain(`${day} 14:00`);
    expect(await sessions.textContent()).toContain('仲裁院第三仲裁庭');
    expect(await sessions.textContent()).toContain('待进行');

    const minutes = '申请人陈述被拖欠2026年8月至10月工资，被申请人承认欠薪但称资金周转困难。';
    await act(page, '记录开庭', { 庭审笔录: minutes });
    await expect.poll(() => casePhase(page)).toBe('已开庭');
    await expect.poll(() => sessions.textContent()).toContain(minutes);
    expect(await sessions.textContent()).toContain('已进行');

    await act(page, '申请延期', { 理由: '案情复杂，需调取用人单位考勤及工资发放记录。' });
    const result = page.getByTestId('referral-result');
    await expect.poll(() => result.textContent()).toContain('待批准');
    expect(await result.textContent()).toContain('案情复杂');
    // Second person rule: the arbitrator who asked may not decide, nor ask again.
    const forms = await actionForms(page);
    expect(forms).not.toContain('批准延期');
    expect(forms).not.toContain('不批准延期');
    expect(forms).not.toContain('申请延期');
    expect(await caseForm(page, '批准延期').count()).toBe(0);
    expect(forms).toEqual(expect.arrayContaining(['作出裁决', '安排开庭']));
    // The award clock has not moved yet.
    dueBefore = await awardDue(page);
    expect(dueBefore).toBe(legalDue(45));
    await page.context().close();
  });

  it('a second arbitrator approves the extension and the award deadline becomes 60 days from acceptance', async () => {
    const page = await openCase(browser, 'arbitrator2', title);
    expect(new URL(page.url()).pathname).toBe(caseUrl);
    expect(await casePhase(page)).toBe('已开庭');
    expect(await actionForms(page)).toEqual(expect.arrayContaining(['批准延期', '不批准延期']));
    expect(await awardDue(page)).toBe(dueBefore);

    await act(page, '批准延期');
    await expect.poll(() => page.getByTestId('referral-result').textContent()).toContain('已批准');
    const dueAfter = await awardDue(page);
    expect(dueAfter).not.toBe(dueBefore);
    // The extended limit is 45 + 15 days counted again from acceptance, not 15 from a deadline a rest day already moved.
    expect(dueAfter).toBe(legalDue(60));
    expect(await page.getByTestId('referral-result').textContent()).toContain('→');
    // Extended once only: nobody may ask again.
    const forms = await actionForms(page);
    expect(forms).not.toContain('申请延期');
    expect(forms).not.toContain('批准延期');
    const timeline = await page.getByTestId('referral-timeline').textContent();
    for (const step of ['转介', '受理', '安排开庭', '记录开庭', '申请延期', '批准延期'])
      expect(timeline).toContain(step);
    await screenshot(page, 'referral-arbitration-extended');
    await page.context().close();
  });

  it('the arbitrator makes the award, which moves the appeal to review', async () => {
    const page = await openCase(browser, 'arbitrator', title);
    await act(page, '作出裁决', {
      裁决内容: '被申请人于裁决生效之日起十日内支付申请人拖欠工资人民币贰万肆仟元整。',
      是否解决: 'yes',
    });
    await expect.poll(() => casePhase(page)).toBe('已裁决');
    expect(await page.getByTestId('referral-outcome').textContent()).toBe('已化解');
    const result = await page.getByTestId('referral-result').textContent();
    expect(result).toContain('贰万肆仟元');
    expect(result).toContain('已解决');
    expect(await page.getByTestId('no-actions').count()).toBe(1);
    expect(await page.getByTestId('clock-award').textContent()).toContain('已停止');
    expect(await page.getByTestId('referral-timeline').textContent()).toContain('已开庭 → 已裁决');
    await screenshot(page, 'referral-arbitration-awarded');
    await page.context().close();

    const { page: appeal, phase: p } = await appealPhaseAs(browser, 'reviewer', url);
    expect(p).toBe('待审核');
    expect(await appeal.getByTestId('appeal-referrals').textContent()).toContain('已裁决');
    await appeal.context().close();
  });
});
