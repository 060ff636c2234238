import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, login, screenshot } from './browser';

describe('admin screens', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('an admin creates a handler for 市城市管理局 who then signs in to his workbench', async () => {
    const username = `cg-${randomBytes(3).toString('hex')}`;
    const page = await login(browser, 'admin');
    await page.getByTestId('home-title').waitFor();
    await page.goto('/admin/users');
    const form = page.getByRole('form', { name: '新增用户' });
    // A taken username is refused next to the field.
    await form.getByLabel('用户名').fill('handler');
    await form.getByLabel('初始密码').fill('new-handler-pass');
    await form.getByLabel('显示名称').fill('城管局承办人 新同事');
    await form.getByLabel('角色').selectOption('handler');
    const deptValue = await form
      .getByLabel('所属部门')
      .locator('option', { hasText: '市城市管理局' })
      .getAttribute('value');
    await form.getByLabel('所属部门').selectOption(deptValue!);
    await form.getByRole('button', { name: '新增' }).click();
    await expect.poll(() => form.getByRole('alert').allTextContents()).toContain('用户名已被使用');

    await form.getByLabel('用户名').fill(username);
    await form.getByRole('button', { name: '新增' }).click();
    const row = page.getByRole('row').filter({ has: page.getByRole('cell', { name: username, exact: true }) });
    await row.waitFor();
    expect(await row.textContent()).toContain('市城市管理局');
    expect(await row.textContent()).toContain('承办单位');
    await screenshot(page, 'admin-users');
    await page.getByRole('link', { name: `编辑 ${username}` }).click();
    const edit = page.getByRole('form', { name: `编辑用户 ${username}` });
    expect(await edit.getByLabel('显示名称').inputValue()).toBe('城管局承办人 新同事');
    expect(await edit.getByLabel('所属部门').inputValue()).toBe(deptValue);
    await screenshot(page, 'admin-user-edit');

    await page.getByRole('button', { name: '退出' }).click();
    await page.waitForURL(/\/login/);
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill('new-handler-pass');
    await page.getByRole('button', { name: '登录' }).click();
    await expect.poll(() => page.getByTestId('home-title').textContent()).toBe('承办单位工作台');
    expect(await page.getByTestId('current-user').textContent()).toContain('市城市管理局');
    await screenshot(page, 'admin-new-handler-home');
    await page.context().close();
  });

  it('an admin edits the normal time limit of a category and sees it in the list', async () => {
    const page = await login(browser, 'admin');
    await page.getByTestId('home-title').waitFor();
    await page.goto('/admin/categories');
    const cell = page.getByTestId('category-0901').getByTestId('limit-normal');
    expect(await cell.textContent()).toBe('7 工作日');
    await page.getByRole('link', { name: '编辑 医疗服务' }).click();
    const form = page.getByRole('form', { name: '编辑分类 医疗服务' });
    await form.getByLabel('一般件办理时限（数值）').fill('0');
    await form.getByRole('button', { name: '保存时限' }).click();
    await expect.poll(() => form.getByRole('alert').allTextContents()).toContain('最少为 1');
    expect(await cell.textContent()).toBe('7 工作日');

    await form.getByLabel('一般件办理时限（数值）').fill('12');
    await form.getByLabel('一般件办理时限（单位）').selectOption('workingDays');
    await form.getByRole('button', { name: '保存时限' }).click();
    await page.waitForURL((url) => url.pathname === '/admin/categories' && !url.search);
    await expect.poll(() => cell.textContent()).toBe('12 工作日');
    await screenshot(page, 'admin-categories');
    await page.context().close();
  });

  it('shows the department tree and refuses to deactivate a department that still has users', async () => {
    const page = await login(browser, 'admin');
    await page.getByTestId('home-title').waitFor();
    await page.goto('/admin/departments');
    await page.getByRole('form', { name: '停用 市城市管理局' }).getByRole('button', { name: '停用' }).click();
    await expect
      .poll(() => page.getByRole('alert').allTextContents())
      .toContainEqual(expect.stringMatching(/名启用的用户/));
    await screenshot(page, 'admin-departments');
    await page.context().close();
  });

  it('refuses the admin screens to an operator with 403', async () => {
    const page = await login(browser, 'operator');
    await page.getByTestId('home-title').waitFor();
    for (const path of ['/admin/users', '/admin/departments', '/admin/categories']) {
      const res = await page.goto(path);
      expect(res?.status()).toBe(403);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('无权访问');
    }
    await screenshot(page, 'admin-forbidden');
    await page.context().close();
  });
});
