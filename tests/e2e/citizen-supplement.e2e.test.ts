import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { baseUrl, launch, login, screenshot } from './browser';
import { chooseUnits, open, phase, submit } from './journeys';

// (c) on a phone's screen: the citizen adds information on the tracking page while a department handles the
// appeal, and the handler sees it on the staff appeal page; a second appeal withdrawn from triage leaves the
// dispatcher's queue.

const ADDED = '摊位晚上六点以后最多，<b>周末</b>从菜市场门口一直摆到公交站。';
const newPhone = () => `1366${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;

/** Waits for the development gateway's log to show a message to `phone` matching `re`. */
async function awaitSms(phone: string, re: RegExp): Promise<RegExpExecArray> {
  const file = path.join(inject('dataDir'), 'sms-sent.log');
  const find = () =>
    (existsSync(file) ? readFileSync(file, 'utf8').split('\n') : [])
      .filter((l) => l.split('\t')[1] === phone)
      .map((l) => re.exec(l.split('\t')[2] ?? ''))
      .find(Boolean) ?? null;
  await expect.poll(() => Boolean(find()), { timeout: 60_000 }).toBe(true);
  return find()!;
}

const consoleErrors: string[] = [];

async function phonePage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({
    baseURL: baseUrl(),
    viewport: { width: 375, height: 740 },
    locale: 'zh-CN',
    isMobile: true,
    hasTouch: true,
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  // A refused form (400, 409) is the browser's own line about the status, not the page's error.
  page.on('console', (m) => {
    if (m.type() === 'error' && !/responded with a status of 4\d\d/.test(m.text())) consoleErrors.push(m.text());
  });
  return page;
}

/** Files a web appeal as a citizen does; returns its number and the tracking page's path. */
async function fileAppeal(page: Page, content: string): Promise<{ number: string; trackPath: string }> {
  const phone = newPhone();
  await page.goto('/c/submit');
  await page.getByLabel('投诉').check();
  await page.getByTestId('category').selectOption({ label: '占道经营' });
  await page.getByLabel('诉求内容').fill(content);
  await page.getByLabel('手机号').fill(phone);
  await page.getByTestId('send-code').click();
  const [, code] = await awaitSms(phone, /验证码是 (\d{6})/);
  await page.getByPlaceholder('短信验证码').fill(code);
  await page.getByLabel('我已阅读并同意个人信息处理规则').check();
  await page.getByTestId('submit-appeal').click();
  await page.getByTestId('submitted').waitFor();
  const number = (await page.getByTestId('appeal-number').textContent())!.trim();
  return { number, trackPath: new URL(page.url()).pathname };
}

/** Whether the dispatcher's 待派单 queue lists the appeal, paging through it by the pager's addresses. */
async function inTriage(d: Page, home: string, number: string): Promise<boolean> {
  await d.goto(home);
  await d.getByTestId('home-title').waitFor();
  const row = d.locator('section#triage tbody tr', { hasText: number });
  for (let i = 0; i < 100 && !(await row.count()) && (await d.getByTestId('pager-next-triage').count()); i++) {
    await d.goto((await d.getByTestId('pager-next-triage').getAttribute('href'))!);
    await d.getByTestId('pager-range-triage').waitFor();
  }
  return (await row.count()) > 0;
}

describe('adding information and withdrawing on the tracking page at 375 px', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(() => {
    expect(consoleErrors.splice(0)).toEqual([]);
  });

  it('(c) adds information while the department handles it, and the handler sees it on the appeal page', async () => {
    const citizen = await phonePage(browser);
    const { number, trackPath } = await fileAppeal(
      citizen,
      '和平路菜市场门口的商户把摊位摆到人行道上，早晚高峰老人和孩子只能走机动车道。',
    );

    const d = await login(browser, 'dispatcher');
    await d.getByTestId('home-title').waitFor();
    await d.goto(`/appeals?q=${number}`);
    await d.getByRole('link', { name: number }).click();
    await d.getByTestId('appeal-phase').waitFor();
    const staffUrl = new URL(d.url()).pathname;
    await chooseUnits(d, '市城市管理局');
    await submit(d, '派单');
    await d.context().close();
    const h = await open(browser, 'handler', staffUrl);
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
    const citizen = await phonePage(browser);
    const { number, trackPath } = await fileAppeal(
      citizen,
      '人民路公交站旁边的报刊亭占了半条人行道，推婴儿车过不去，希望处理。',
    );
    const d = await login(browser, 'dispatcher');
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
