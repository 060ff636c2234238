import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMS_TEMPLATE_RULES } from '../../app/appeals/sms-templates.server';
import { launch, login, screenshot } from './browser';
import { consoleErrors, newPhone, phonePage, requestCodeOn, smsTo } from './citizen-page';

// The admin words the verification code's message; a citizen asking for a code on the phone site receives that
// text through the development gateway. Other journeys read codes too, so the seeded text is put back at the end.

const NEW_TEXT = '【某市12345】验证码是 {code}，用于{purpose}，5 分钟内有效。工作人员不会向您索要验证码。';

async function saveVerificationText(page: Page, text: string) {
  const form = page.getByTestId('sms-template-verification');
  await form.getByLabel('短信内容').fill(text);
  await form.getByRole('button', { name: '保存' }).click();
}

describe('admin: SMS templates', () => {
  let browser: Browser;
  let admin: Page;
  beforeAll(async () => {
    browser = await launch();
    admin = await login(browser, 'admin');
    await admin.getByTestId('home-title').waitFor();
  });
  afterAll(async () => {
    if (admin) {
      await admin.goto('/admin/sms-templates');
      await saveVerificationText(admin, SMS_TEMPLATE_RULES.verification.body);
      await admin.waitForURL(/saved=verification/);
    }
    await browser?.close();
  });

  it('lists every message with its placeholders, refuses a code message without {code}, and saves a new text', async () => {
    await admin.goto('/admin/sms-templates');
    for (const code of ['verification', 'received', 'tracking', 'replied', 'rate', 'reopened'])
      await admin.getByTestId(`sms-template-${code}`).waitFor();
    const form = admin.getByTestId('sms-template-verification');
    expect(await form.getByTestId('sms-placeholders').textContent()).toMatch(/\{code\}.*必填.*\{purpose\}/);
    expect(await form.getByTestId('sms-template-preview').textContent()).toMatch(/验证码是 \d{6}/);

    await saveVerificationText(admin, '【12345】您的验证码已发送，请勿告诉他人。');
    await expect.poll(() => form.getByRole('alert').allTextContents()).toEqual(['短信内容必须包含6 位验证码 {code}']);
    expect(await form.getByLabel('短信内容').getAttribute('aria-invalid')).toBe('true');

    await saveVerificationText(admin, NEW_TEXT);
    await admin.waitForURL(/saved=verification/);
    const saved = admin.getByTestId('sms-template-verification');
    // The page reloads with the saved text: its preview (rendered by the server) shows it.
    await expect
      .poll(() => saved.getByTestId('sms-template-preview').textContent())
      .toMatch(/^【某市12345】验证码是 \d{6}，用于提交诉求，5 分钟内有效。/);
    expect(await saved.getByLabel('短信内容').inputValue()).toBe(NEW_TEXT);
    expect(await saved.textContent()).toContain('管理员');
    await screenshot(admin, 'admin-sms-templates');
  });

  it('a citizen asking for a code on /c/submit receives the new text', async () => {
    const page = await phonePage(browser);
    const phone = newPhone();
    await page.goto('/c/submit');
    await requestCodeOn(page, phone);
    await expect.poll(() => smsTo(phone), { timeout: 60_000 }).toHaveLength(1);
    expect(smsTo(phone)[0]).toMatch(
      /^【某市12345】验证码是 \d{6}，用于提交诉求，5 分钟内有效。工作人员不会向您索要验证码。$/,
    );
    await screenshot(page, 'citizen-code-new-template');
    await page.context().close();
    expect(consoleErrors.splice(0)).toEqual([]);
  });
});
