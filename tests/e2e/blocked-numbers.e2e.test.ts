import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { baseUrl, launch, login, screenshot } from './browser';

// The blocked-numbers list in the browser: the supervisor adds a phone, the public site at 375 px refuses it a code
// with the neutral words, the supervisor lifts it, and the code is sent; the appeal then filed shows the web
// channel's accept clock in the dispatcher's triage row.

const phone = `1397${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
const masked = `${phone.slice(0, 3)}****${phone.slice(-4)}`;

/** The codes the development gateway sent the phone ("time<TAB>phone<TAB>text" per line). */
function codesTo(to: string): string[] {
  const file = path.join(inject('dataDir'), 'sms-sent.log');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.split('\t')[1] === to && /验证码是 \d{6}/.test(l));
}

async function phonePage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({
    baseURL: baseUrl(),
    viewport: { width: 375, height: 740 },
    locale: 'zh-CN',
    isMobile: true,
    hasTouch: true,
  });
  return context.newPage();
}

async function askForCode(page: Page) {
  await page.goto('/c/submit');
  await page.getByTestId('submit-appeal').waitFor();
  await page.getByLabel('手机号').fill(phone);
  await page.getByTestId('send-code').click();
}

describe('the blocked-numbers list', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('keeps a blocked phone off the public site until the supervisor lifts it', async () => {
    const s = await login(browser, 'supervisor');
    await s.goto('/supervision/blocked-numbers');
    await s.getByLabel('号码').fill(phone);
    await s.getByLabel('原因').fill('反复拨打谩骂话务员');
    await s.getByTestId('block-add').click();
    const row = s.getByTestId(`blocked-${masked}`).first();
    await row.waitFor();
    expect(await row.textContent()).toContain('生效中');
    // The full number is never on the page.
    expect(await s.locator('body').textContent()).not.toContain(phone);
    // Added twice: refused, with the words why.
    await s.getByLabel('号码').fill(phone);
    await s.getByLabel('原因').fill('再次加入');
    await s.getByTestId('block-add').click();
    expect(await s.getByTestId('form-error').textContent()).toBe('该号码已在名单中');
    await screenshot(s, 'blocked-numbers-added');

    const c = await phonePage(browser);
    await askForCode(c);
    expect(await c.getByTestId('error-phone').textContent()).toBe('该号码暂时无法使用网上诉求，请拨打 12345');
    expect(await c.getByTestId('code-sent').count()).toBe(0);
    await screenshot(c, 'blocked-numbers-citizen-refused');
    expect(codesTo(phone)).toEqual([]);

    await s.goto('/supervision/blocked-numbers');
    await s.getByTestId(`blocked-${masked}`).getByTestId('block-lift').click();
    await expect.poll(() => s.getByTestId(`blocked-${masked}`).getByTestId('block-lift').count()).toBe(0);
    expect(await s.getByTestId(`blocked-${masked}`).textContent()).toMatch(/值班长 周涛 于 .+ 解除/);
    await screenshot(s, 'blocked-numbers-lifted');
    await s.context().close();

    await askForCode(c);
    await expect.poll(() => c.getByTestId('code-sent').textContent()).toContain(phone);
    await expect.poll(() => codesTo(phone).length, { timeout: 60_000 }).toBe(1);
    await screenshot(c, 'blocked-numbers-citizen-served');

    // Served again, the citizen files; the dispatcher's triage row shows the web channel's accept clock.
    const [code] = /验证码是 (\d{6})/.exec(codesTo(phone)[0])!.slice(1);
    await c.getByLabel('投诉').check();
    await c.getByTestId('category').selectOption({ label: '占道经营' });
    await c.getByLabel('诉求内容').fill('解放路早市的摊位每天占满人行道，轮椅和婴儿车都过不去。');
    await c.getByPlaceholder('短信验证码').fill(code);
    await c.getByLabel('我已阅读并同意个人信息处理规则').check();
    await c.getByTestId('submit-appeal').click();
    const number = (await c.getByTestId('appeal-number').textContent())!.trim();
    await c.context().close();

    const d = await login(browser, 'dispatcher');
    await d.getByTestId('home-title').waitFor();
    const triageRow = d.locator('section#triage tbody tr', { hasText: number });
    // 待派单 is oldest first: page on until the new appeal's row shows.
    for (let i = 0; i < 50 && !(await triageRow.count()) && (await d.getByTestId('pager-next-triage').count()); i++) {
      await d.goto((await d.getByTestId('pager-next-triage').getAttribute('href'))!);
      await d.getByTestId('pager-range-triage').waitFor();
    }
    expect(await triageRow.getByTestId('triage-due').textContent()).toMatch(/^受理 剩余 (1|2) 小时/);
    expect(await triageRow.getByTestId('triage-due').getAttribute('title')).toMatch(
      /^受理时限 \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/,
    );
    await triageRow.scrollIntoViewIfNeeded();
    await screenshot(d, 'blocked-numbers-triage-accept-clock');
    await d.context().close();
  });

  it('lets neither the operator nor the dispatcher open the list', async () => {
    for (const who of ['operator', 'dispatcher']) {
      const p = await login(browser, who);
      await p.getByTestId('home-title').waitFor();
      const res = await p.goto('/supervision/blocked-numbers');
      expect(res?.status(), who).toBe(403);
      await p.context().close();
    }
  });
});
