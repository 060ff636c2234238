import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl, launch, login, screenshot } from './browser';

const SHOTS = process.env.SECURITY_SHOTS_DIR;

/** Submits the sign-in form and waits for the server's answer. */
async function attempt(page: Page, username: string, password: string) {
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/login'),
    page.getByRole('button', { name: '登录' }).click(),
  ]);
}

describe('sign-in lockout and the security audit', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('locks an account after wrong passwords, the admin unlocks it, the user signs in', async () => {
    const username = `lk-${randomBytes(3).toString('hex')}`;
    const password = 'lockout-pass-1';
    const admin = await login(browser, 'admin');
    await admin.getByTestId('home-title').waitFor();
    await admin.goto('/admin/users');
    const form = admin.getByRole('form', { name: '新增用户' });
    await form.getByLabel('用户名').fill(username);
    await form.getByLabel('初始密码').fill(password);
    await form.getByLabel('显示名称').fill('锁定测试 话务员');
    await form.getByLabel('角色').selectOption('operator');
    await form.getByRole('button', { name: '新增' }).click();
    const row = admin.getByRole('row').filter({ has: admin.getByRole('cell', { name: username, exact: true }) });
    await row.waitFor();

    const context = await browser.newContext({ baseURL: baseUrl(), locale: 'zh-CN' });
    const user = await context.newPage();
    await user.goto('/login');
    await user.waitForLoadState('networkidle');
    for (let i = 0; i < 4; i++) {
      await attempt(user, username, `wrong-${i}`);
      await expect.poll(() => user.getByRole('alert').textContent()).toContain('用户名或密码错误');
    }
    await attempt(user, username, 'wrong-4');
    await expect.poll(() => user.getByRole('alert').textContent()).toContain('账号已锁定');
    // Even the right password is refused while locked, with the same message.
    await attempt(user, username, password);
    await expect.poll(() => user.getByRole('alert').textContent()).toContain('账号已锁定');
    expect(new URL(user.url()).pathname).toBe('/login');
    await screenshot(user, 'sign-in-locked');

    await admin.reload();
    await expect.poll(() => row.textContent()).toContain('已锁定');
    await row.getByRole('button', { name: '解锁' }).click();
    await expect.poll(() => row.textContent()).not.toContain('已锁定');
    expect(await row.getByRole('button', { name: '解锁' }).count()).toBe(0);

    await attempt(user, username, password);
    await expect.poll(() => user.getByTestId('home-title').textContent()).toBe('话务员工作台');
    await context.close();

    // The audit shows the lock and the unlock.
    await admin.goto(`/admin/security?user=${username}`);
    const kinds = admin.getByTestId('security-event').locator('td:nth-child(2)');
    await expect
      .poll(() => kinds.allTextContents())
      .toEqual(expect.arrayContaining(['登录成功', '解除锁定', '账号锁定', '登录失败']));
    await admin.context().close();
  });

  it('an admin filters the security audit by kind and sees a failed sign-in', async () => {
    const typed = `nosuch-${randomBytes(3).toString('hex')}`;
    const refused = await login(browser, typed, 'whatever-1');
    await expect.poll(() => refused.getByRole('alert').textContent()).toContain('用户名或密码错误');
    await refused.context().close();

    const page = await login(browser, 'admin');
    await page.getByTestId('home-title').waitFor();
    await page.goto('/admin/users');
    await page.getByRole('navigation', { name: '基础数据' }).getByRole('link', { name: '安全审计' }).click();
    await page.waitForURL(/\/admin\/security/);
    await page.getByRole('heading', { name: '安全审计' }).waitFor();
    const filter = page.getByRole('form', { name: '筛选' });
    await filter.getByLabel('类型').selectOption({ label: '登录失败' });
    await filter.getByRole('button', { name: '查询' }).click();
    await page.waitForURL((url) => url.searchParams.get('kind') === 'signInFailed');
    const rows = page.getByTestId('security-event');
    await expect.poll(() => rows.count()).toBeGreaterThan(0);
    const kinds = await rows.locator('td:nth-child(2)').allTextContents();
    expect(new Set(kinds)).toEqual(new Set(['登录失败']));
    const mine = rows.filter({ hasText: typed });
    await expect.poll(() => mine.count()).toBe(1);
    expect(await mine.textContent()).toContain('用户名不存在');
    expect(await mine.textContent()).toContain('127.0.0.1');
    // Read only: nothing on the page changes a record.
    const table = page.getByRole('region', { name: '安全审计' });
    expect(await table.locator('form, button, input').count()).toBe(0);
    await screenshot(page, 'security-audit');
    if (SHOTS) {
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: `${SHOTS}/security-audit.png`, fullPage: true });
    }
    await page.context().close();
  });
});
