import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { login, screenshot } from './browser';
import { askForCode, enterCode, fillComplaint, newPhone, phonePage, smsTo, useCitizenBrowser } from './citizen-page';
import { triageRow } from './journeys';

// The blocked-numbers list in the browser: the supervisor adds a phone, the public site at 375 px refuses it a code
// with the neutral words, the supervisor lifts it, and the code is sent; the appeal then filed shows the web
// channel's accept clock in the dispatcher's triage row.

// A prefix of its own: no other journey's phone is ever the blocked one.
const phone = newPhone('1397');
const masked = `${phone.slice(0, 3)}****${phone.slice(-4)}`;

/** The codes the development gateway sent the phone. */
const codesTo = (to: string) => smsTo(to).filter((m) => /验证码是 \d{6}/.test(m));

/** Opens the filing form and asks for a code for the phone. */
async function askOnForm(page: Page) {
  await page.goto('/c/submit');
  await page.getByTestId('submit-appeal').waitFor();
  await askForCode(page, phone);
}

describe('the blocked-numbers list', () => {
  const site = useCitizenBrowser();

  it('keeps a blocked phone off the public site until the supervisor lifts it', async () => {
    const s = await login(site.browser, 'supervisor');
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

    const c = await phonePage(site.browser);
    await askOnForm(c);
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

    await askOnForm(c);
    await expect.poll(() => c.getByTestId('code-sent').textContent()).toContain(phone);
    await expect.poll(() => codesTo(phone).length, { timeout: 60_000 }).toBe(1);
    await screenshot(c, 'blocked-numbers-citizen-served');

    // Served again, the citizen files; the dispatcher's triage row shows the web channel's accept clock.
    const [code] = /验证码是 (\d{6})/.exec(codesTo(phone)[0])!.slice(1);
    await fillComplaint(c, { content: '解放路早市的摊位每天占满人行道，轮椅和婴儿车都过不去。' });
    await enterCode(c, code);
    await c.getByTestId('submit-appeal').click();
    const number = (await c.getByTestId('appeal-number').textContent())!.trim();
    await c.context().close();

    const d = await login(site.browser, 'dispatcher');
    await d.getByTestId('home-title').waitFor();
    // 待派单 is oldest first: page on until the new appeal's row shows.
    const inTriage = await triageRow(d, number);
    expect(await inTriage.getByTestId('triage-due').textContent()).toMatch(/^受理 剩余 (1|2) 小时/);
    expect(await inTriage.getByTestId('triage-due').getAttribute('title')).toMatch(
      /^受理时限 \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/,
    );
    await inTriage.scrollIntoViewIfNeeded();
    await screenshot(d, 'blocked-numbers-triage-accept-clock');
    await d.context().close();
  });

  it('lets neither the operator nor the dispatcher open the list', async () => {
    for (const who of ['operator', 'dispatcher']) {
      const p = await login(site.browser, who);
      await p.getByTestId('home-title').waitFor();
      const res = await p.goto('/supervision/blocked-numbers');
      expect(res?.status(), who).toBe(403);
      await p.context().close();
    }
  });
});
