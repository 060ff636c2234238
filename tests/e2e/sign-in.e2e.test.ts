import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl, launch, login, screenshot } from './browser';

// Each demo role lands on its own work, with real queues from the demo city.
const ROLES = [
  { user: 'operator', title: '话务员工作台', queues: ['我的草稿', '今日本人登记'] },
  { user: 'dispatcher', title: '派单员工作台', queues: ['待派单', '退单待审', '重启件'] },
  { user: 'handler', title: '承办单位工作台', queues: ['待签收', '办理中', '即将到期', '已超期'] },
  // A grid worker lands on his field work; his home page of queues is one link away.
  { user: 'gridworker', title: '网格员工作台', queues: ['网格待办', '本人巡查上报', '网格内诉求'], lands: '/field' },
  { user: 'reviewer', title: '审核回访工作台', queues: ['待审核', '待回访', '不满意待处理'] },
  { user: 'supervisor', title: '值班长工作台', queues: ['已超期', '临期预警', '延期待批', '不满意待决定'] },
  { user: 'admin', title: '管理员工作台', queues: ['最新诉求'] },
];

describe('sign-in and role home pages', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('sends an anonymous visitor to the sign-in page', async () => {
    const res = await fetch(`${baseUrl()}/`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toMatch(/^\/login/);
  });

  it('refuses a wrong password with a message and no session', async () => {
    const page = await login(browser, 'dispatcher', 'wrong-password');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('用户名或密码错误');
    expect(new URL(page.url()).pathname).toBe('/login');
    await screenshot(page, 'sign-in-refused');
    await page.context().close();
  });

  for (const role of ROLES) {
    it(`shows ${role.user} the ${role.title}`, async () => {
      const page = await login(browser, role.user);
      if (role.lands) {
        await page.waitForURL((url) => url.pathname === role.lands);
        await page.goto('/');
      }
      await expect.poll(() => page.getByTestId('home-title').textContent()).toBe(role.title);
      for (const q of role.queues)
        await expect(page.getByRole('heading', { name: new RegExp(`^${q}（\\d+）$`) })).toBeTruthy();
      for (const q of role.queues)
        expect(await page.getByRole('heading', { name: new RegExp(`^${q}（\\d+）$`) }).count()).toBe(1);
      if (role.user === 'admin') {
        // The base data's sizes lead to their admin pages, where the lists page; the home page lists none of them.
        const base = page.getByRole('region', { name: '基础数据' });
        await base.getByRole('link', { name: /^\d+$/ }).first().click();
        await page.waitForURL((url) => url.pathname === '/admin/users');
        await page.goBack();
      }
      await screenshot(page, `home-${role.user}`);
      await page.context().close();
    });
  }

  it("sends a mediator to his agency's referral cases instead of an appeal queue", async () => {
    const page = await login(browser, 'mediator');
    await expect.poll(() => page.getByTestId('referral-queue-title').textContent()).toBe('转介案件');
    expect(new URL(page.url()).pathname).toBe('/referrals');
    expect(await page.getByRole('link', { name: '转介案件' }).count()).toBe(1); // in the navigation bar
    expect(await page.getByRole('heading', { name: /^转介待处理/ }).count()).toBe(0);
    expect(await page.getByTestId('referral-tab-open').count()).toBe(1);
    await screenshot(page, 'home-mediator');
    await page.context().close();
  });

  it('shows the dispatcher real appeals waiting in triage', async () => {
    const page = await login(browser, 'dispatcher');
    await page.getByTestId('home-title').waitFor();
    const count = Number(await page.getByTestId('count-triage').textContent());
    expect(count).toBeGreaterThan(0);
    expect(await page.getByTestId('nav-count-triage').textContent()).toBe(String(count)); // the same count on every page
    const rows = page.locator('#triage tbody tr');
    expect(await rows.count()).toBe(Math.min(count, 20));
    expect(await rows.first().locator('td').first().textContent()).toMatch(/^\d{8}-\d{6}$/);
    await page.context().close();
  });

  it('hides confidential callers from a department and masks phone numbers', async () => {
    const page = await login(browser, 'handler');
    await page.getByTestId('home-title').waitFor();
    const html = await page.content();
    expect(html).not.toMatch(/1[3-9]\d{9}/); // no full mobile number anywhere on the page
    await page.context().close();
  });

  it('refuses a cross-site form post and sends security headers', async () => {
    const body = new URLSearchParams({ username: 'admin', password: 'demo12345' });
    const forged = await fetch(`${baseUrl()}/login`, {
      method: 'POST',
      body,
      redirect: 'manual',
      headers: { origin: 'http://attacker.invalid' },
    });
    expect(forged.status).toBe(403);
    expect(forged.headers.get('set-cookie')).toBeNull();
    const page = await fetch(`${baseUrl()}/login`);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('ends the session on logout', async () => {
    const page = await login(browser, 'reviewer');
    await page.getByTestId('home-title').waitFor();
    const cookies = await page.context().cookies();
    await page.getByRole('button', { name: '退出' }).click();
    await page.waitForURL(/\/login/);
    // The old cookie no longer opens a session, even if someone kept a copy of it.
    const session = cookies.find((c) => c.name === '__session')!;
    const res = await fetch(`${baseUrl()}/`, { redirect: 'manual', headers: { cookie: `__session=${session.value}` } });
    expect(res.status).toBe(302);
    await page.context().close();
  });
});
