import { describe, expect, it } from 'vitest';
import { screenshot } from './browser';
import { newPhone, phonePage, requestCodeOn, useCitizenBrowser } from './citizen-page';
import { recordComplaint } from './journeys';

// "My appeals" on a phone's screen: signed in with the phone and an SMS code read from the development gateway, the
// citizen sees the appeal an operator recorded from a call with that phone, opens it, and signs out; a wrong code is
// refused beside the field. And the site's help finds a knowledge article and a policy before anything is filed.

describe("the citizens' own appeals and help at 375 px", () => {
  const site = useCitizenBrowser();

  it('signs in with phone and code, lists a call of that phone, opens it, and signs out; a wrong code is refused', async () => {
    const phone = newPhone();
    const title = `摊位占道 ${phone.slice(-4)}`;
    await recordComplaint(site.browser, { phone, title });

    const page = await phonePage(site.browser);
    await page.goto('/c');
    await page.getByTestId('to-mine').click();
    await page.getByTestId('sign-in').waitFor();
    const code = await requestCodeOn(page, phone, /验证码是 (\d{6})，.*查询本人诉求/);

    await page.getByPlaceholder('短信验证码').fill(code === '000000' ? '111111' : '000000');
    await page.getByTestId('sign-in').click();
    await expect.poll(() => page.getByTestId('error-code').textContent()).toContain('验证码不正确，还可尝试 4 次');
    await screenshot(page, 'citizen-mine-wrong-code');
    expect(await page.getByTestId('my-appeals').count()).toBe(0);

    await page.getByPlaceholder('短信验证码').fill(code);
    await page.getByTestId('sign-in').click();
    await page.getByTestId('my-appeals').waitFor();
    const items = page.getByTestId('my-appeal');
    expect(await items.count()).toBe(1);
    const number = (await items.first().locator('.font-mono').textContent())!.trim();
    expect(number).toMatch(/^\d{8}-\d{6}$/);
    expect(await items.first().textContent()).toContain('已受理');
    expect(await items.first().textContent()).toContain('占道经营');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot(page, 'citizen-mine-list');

    await items.first().click();
    await page.getByTestId('public-step').first().waitFor();
    expect(await page.getByTestId('appeal-number').textContent()).toBe(number);
    expect(await page.getByTestId('public-step').first().textContent()).toContain('诉求已受理');
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).toContain('菜市场门口商户');
    // Neither the phone nor the caller's name the operator typed, nor the operator.
    expect(text).not.toContain(phone);
    expect(text).not.toContain('孙先生');
    await screenshot(page, 'citizen-mine-detail');

    await page.getByTestId('back-to-mine').click();
    await page.getByTestId('sign-out').click();
    await page.getByTestId('sign-in').waitFor();
    expect(await page.getByTestId('my-appeals').count()).toBe(0);
    // Signed out, the appeal's page sends back to the sign-in.
    await page.goto(`/c/mine/${number}`);
    await page.getByTestId('sign-in').waitFor();
    expect(new URL(page.url()).pathname).toBe('/c/mine');
    await screenshot(page, 'citizen-mine-signed-out');
    await page.context().close();
  });

  it('finds a knowledge article and a policy from the home page, with the way on to filing', async () => {
    const page = await phonePage(site.browser);
    await page.goto('/c');
    await page.getByTestId('help-q').fill('公积金');
    await page.getByTestId('help-search').click();
    await page.getByTestId('help-article').first().waitFor();
    expect(new URL(page.url()).pathname).toBe('/c/help');
    const article = page.getByTestId('help-article').filter({ hasText: '住房公积金提取条件' });
    await article.locator('summary').click();
    await expect.poll(() => article.textContent()).toContain('租房自住');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot(page, 'citizen-help-article');

    await page.getByTestId('help-q').fill('高龄');
    await page.getByTestId('help-search').click();
    await expect.poll(() => page.getByTestId('help-policy').first().textContent()).toContain('高龄');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot(page, 'citizen-help-policy');
    await page.getByTestId('still-submit').click();
    await page.getByTestId('submit-appeal').waitFor();
    await page.context().close();
  });
});
