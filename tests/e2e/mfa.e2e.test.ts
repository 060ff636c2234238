import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, login, screenshot, secondStep } from './browser';
import { freshCode } from './totp';

// Kept apart from the suite's screenshots as well, for review of the two-factor pages.
const SHOTS = '/tmp/shots-mfa';

async function shot(page: Page, name: string) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
  await screenshot(page, `mfa-${name}`);
}

describe('two-factor sign-in (TOTP)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('sends a new supervisor to enrolment, then signs him in with a fresh code', async () => {
    const username = `sup-mfa-${Date.now().toString(36)}`;
    const password = 'supervisor-pass-1';
    const admin = await login(browser, 'admin');
    await admin.goto('/admin/users');
    const create = admin.getByRole('form', { name: '新增用户' });
    await create.getByLabel('用户名').fill(username);
    await create.getByLabel('初始密码').fill(password);
    await create.getByLabel('显示名称').fill('值班长 新同事');
    await create.getByLabel('角色').selectOption('supervisor');
    await create.getByRole('button', { name: '新增' }).click();
    await expect.poll(() => admin.getByTestId(`mfa-${username}`).textContent()).toBe('未启用');

    // The password alone opens only the enrolment page.
    const page = await login(browser, username, password);
    await page.waitForURL(/\/account\/mfa/);
    await page.getByTestId('mfa-required').waitFor();
    await shot(page, '1-enrolment');
    await page.goto('/supervision');
    await page.waitForURL(/\/account\/mfa\?redirectTo=%2Fsupervision/);
    expect(await page.getByTestId('current-user').count()).toBe(0);

    // Scan: the QR code is on the page with the secret for manual entry.
    expect(await page.getByTestId('totp-qr').locator('svg').count()).toBe(1);
    const secret = (await page.getByTestId('totp-secret').textContent())!.replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const confirm = page.getByRole('form', { name: '确认启用' });
    await confirm.getByLabel('验证码').fill('000000');
    await confirm.getByRole('button', { name: '确认启用' }).click();
    await expect.poll(() => confirm.getByRole('alert').textContent()).toContain('验证码不正确');
    await confirm.getByLabel('验证码').fill(await freshCode(username, secret));
    await confirm.getByRole('button', { name: '确认启用' }).click();
    const codes = page.getByTestId('recovery-codes').locator('li');
    await expect.poll(() => codes.count()).toBe(10);
    const recoveryCodes = await codes.allTextContents();
    await shot(page, '2-recovery-codes');
    // Only now is it a session: on to the page asked for before enrolment.
    await page.getByRole('link', { name: '我已保存恢复码，继续' }).click();
    await page.waitForURL(/\/supervision$/);
    await page.goto('/');
    await expect.poll(() => page.getByTestId('home-title').textContent()).toBe('值班长工作台');

    await page.getByRole('button', { name: '退出' }).click();
    await page.waitForURL(/\/login/);

    // Again: password, then a fresh code.
    const again = await login(browser, username, password);
    await again.waitForURL(/\/login\/mfa$/);
    await shot(again, '3-second-step');
    // Halfway is not signed in: no session cookie, only the pending step's.
    expect((await again.context().cookies()).map((c) => c.name)).not.toContain('__session');
    await again.getByLabel('验证码或恢复码').fill('123 456');
    await again.getByRole('button', { name: '验证' }).click();
    await expect.poll(() => again.getByRole('alert').textContent()).toMatch(/还可尝试 4 次/);
    await secondStep(again, username, secret);
    await expect.poll(() => again.getByTestId('home-title').textContent()).toBe('值班长工作台');
    await shot(again, '4-signed-in');
    await again.context().close();

    // A recovery code stands in for the phone, once.
    const lost = await login(browser, username, password);
    await lost.waitForURL(/\/login\/mfa$/);
    await lost.getByLabel('验证码或恢复码').fill(recoveryCodes[0]);
    await lost.getByRole('button', { name: '验证' }).click();
    await expect.poll(() => lost.getByTestId('home-title').textContent()).toBe('值班长工作台');
    await lost.context().close();

    // The admin sees it switched on, and can reset it.
    await admin.reload();
    await expect.poll(() => admin.getByTestId(`mfa-${username}`).textContent()).toBe('已启用');
    await admin.getByRole('link', { name: `编辑 ${username}` }).click();
    const reset = admin.getByRole('form', { name: `重置双因素认证 ${username}` });
    await reset.getByRole('button', { name: '重置双因素认证' }).click();
    await expect.poll(() => admin.getByTestId(`mfa-${username}`).textContent()).toBe('未启用');
    await shot(admin, '5-admin-reset');
    await admin.context().close();
    await page.context().close();
  });
});
