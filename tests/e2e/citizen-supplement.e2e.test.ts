import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { login, screenshot } from './browser';
import { fillAndVerify, newPhone, phonePage, useCitizenBrowser } from './citizen-page';
import { chooseUnits, open, phase, submit, triageRow, openByNumber } from './journeys';

// (c) on a phone's screen: the citizen adds information on the tracking page while a department handles the
// appeal, and the handler sees it on the staff appeal page; a second appeal withdrawn from triage leaves the
// dispatcher's queue.

const ADDED = '摊位晚上六点以后最多，<b>周末</b>从菜市场门口一直摆到公交站。';

/** Files a web appeal on a phone as a citizen does; returns the phone's page, the number and the tracking path. */
async function fileAppeal(
  browser: Browser,
  content: string,
  location?: string,
): Promise<{ citizen: Page; number: string; trackPath: string }> {
  const page = await phonePage(browser);
  await fillAndVerify(page, newPhone(), { content, location });
  await page.getByTestId('submit-appeal').click();
  await page.getByTestId('submitted').waitFor();
  const number = (await page.getByTestId('appeal-number').textContent())!.trim();
  return { citizen: page, number, trackPath: new URL(page.url()).pathname };
}

/** Whether the dispatcher's 待派单 queue lists the appeal, paging through it by the pager's addresses. */
async function inTriage(d: Page, home: string, number: string): Promise<boolean> {
  await d.goto(home);
  await d.getByTestId('home-title').waitFor();
  return (await (await triageRow(d, number)).count()) > 0;
}

// Both journeys' stalls stand at one place: the second appeal's dispatcher is shown the first as a possible duplicate.
const PLACE = '东城区人民路 88 号公交站';

describe('adding information and withdrawing on the tracking page at 375 px', () => {
  const site = useCitizenBrowser();
  let firstNumber = '';

  it('(c) adds information while the department handles it, and the handler sees it on the appeal page', async () => {
    const { citizen, number, trackPath } = await fileAppeal(
      site.browser,
      '和平路菜市场门口的商户把摊位摆到人行道上，早晚高峰老人和孩子只能走机动车道。',
      PLACE,
    );
    firstNumber = number;

    const { page: d, url: staffUrl } = await openByNumber(site.browser, 'dispatcher', number);
    await chooseUnits(d, '市城市管理局');
    await submit(d, '派单');
    await d.context().close();
    const h = await open(site.browser, 'handler', staffUrl);
    await submit(h, '签收');
    await expect.poll(() => phase(h)).toBe('办理中');

    await citizen.goto(trackPath);
    expect(await citizen.getByTestId('public-status').textContent()).toBe('办理中');
    // Dispatched: it can no longer be withdrawn.
    expect(await citizen.getByTestId('withdraw-start').count()).toBe(0);
    const add = citizen.getByRole('form', { name: '补充材料' });
    // Too short: the field says so and nothing is recorded.
    await add.getByLabel('想补充的情况（5–1000 字）').fill('还有');
    await add.getByTestId('supplement-submit').click();
    await expect.poll(() => add.textContent()).toContain('请至少写 5 个字');
    await add.getByLabel('想补充的情况（5–1000 字）').fill(ADDED);
    await add.getByTestId('supplement-submit').click();
    await citizen.getByTestId('supplemented').waitFor();
    await expect.poll(() => citizen.getByTestId('public-step').last().textContent()).toContain('您补充了材料');
    expect(await citizen.getByTestId('public-own-text').last().textContent()).toBe(ADDED);
    // Recorded: the form starts empty, not inviting the same text again.
    expect(await add.getByLabel('想补充的情况（5–1000 字）').inputValue()).toBe('');
    expect(await citizen.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot(citizen, 'citizen-supplement-added');

    await h.reload();
    const entry = h.getByTestId('timeline-supplement');
    await expect.poll(() => entry.count()).toBe(1);
    expect(await entry.textContent()).toContain('市民补充');
    // Shown as text, never as markup.
    expect(await entry.textContent()).toContain(ADDED);
    expect(await entry.locator('b').count()).toBe(0);
    await screenshot(h, 'citizen-supplement-staff-timeline');
    await h.context().close();
    await citizen.context().close();
  });

  it('withdraws a second appeal from triage after a confirmation, and the dispatcher no longer lists it', async () => {
    const { citizen, number, trackPath } = await fileAppeal(
      site.browser,
      '人民路公交站旁边的报刊亭占了半条人行道，推婴儿车过不去，希望处理。',
      PLACE,
    );
    // Filed on the site, no operator saw the intake's duplicate hints: the dispatcher sees them on the appeal in triage.
    const { page: seen } = await openByNumber(site.browser, 'dispatcher', number);
    const hints = seen.getByTestId('duplicate-hints');
    await expect.poll(() => hints.textContent()).toContain(firstNumber);
    expect(await hints.textContent()).toContain('同类同地点');
    expect(await hints.textContent()).not.toContain(number);
    await screenshot(seen, 'citizen-triage-duplicate-hints');
    await seen.context().close();
    const d = await login(site.browser, 'dispatcher');
    // Where the dispatcher lands: his queues.
    await d.getByTestId('home-title').waitFor();
    const home = new URL(d.url()).pathname;
    expect(await inTriage(d, home, number)).toBe(true);

    await citizen.goto(trackPath);
    await citizen.getByTestId('withdraw-start').click();
    const confirm = citizen.getByRole('form', { name: '撤回诉求' });
    await confirm.waitFor();
    // The first press only asks: the appeal is still received.
    expect(await citizen.getByTestId('public-status').textContent()).toBe('已受理');
    await screenshot(citizen, 'citizen-withdraw-confirm');
    await confirm.getByLabel('撤回原因').fill('报刊亭已经挪走了');
    await confirm.getByTestId('withdraw-confirm').click();
    await citizen.getByTestId('withdrawn').waitFor();
    expect(await citizen.getByTestId('public-status').textContent()).toBe('已撤回');
    expect(await citizen.getByTestId('public-step').last().textContent()).toContain('您已撤回诉求');
    expect(await citizen.getByRole('form', { name: '补充材料' }).count()).toBe(0);
    expect(await citizen.getByTestId('withdraw-start').count()).toBe(0);
    await screenshot(citizen, 'citizen-withdrawn');
    await citizen.context().close();

    expect(await inTriage(d, home, number)).toBe(false);
    await d.goto(`/appeals?q=${number}`);
    await d.getByRole('link', { name: number }).click();
    await d.getByTestId('appeal-phase').waitFor();
    expect(await phase(d)).toBe('已作废');
    const timeline = (await d.getByTestId('timeline').textContent()) ?? '';
    expect(timeline).toContain('市民撤回');
    expect(timeline).toContain('报刊亭已经挪走了');
    await screenshot(d, 'citizen-withdrawn-staff');
    await d.context().close();
  });
});
