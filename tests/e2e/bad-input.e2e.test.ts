import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TOTP_SECRET } from '../../app/auth/totp.server';
import { baseUrl, DEMO_PASSWORD, launch, login, screenshot } from './browser';
import { freshCode } from './totp';

const SHOTS = process.env.SHOTS_DIR ?? '/tmp/shots-input';

/** Signs in over plain HTTP, as a script would: the session cookie and the CSRF token of the page after. */
async function signIn(username: string): Promise<{ cookie: string; token: string }> {
  const res = await fetch(`${baseUrl()}/login`, {
    method: 'POST',
    body: new URLSearchParams({ username, password: DEMO_PASSWORD, redirectTo: '/' }),
    headers: { origin: baseUrl() },
    redirect: 'manual',
  });
  expect(res.status).toBe(302);
  let cookie = res.headers.get('set-cookie')!.split(';')[0];
  if (res.headers.get('location') === '/login/mfa') {
    // The demo admin's second step, answered with a code of the demo's published secret.
    const code = await freshCode(username, DEMO_TOTP_SECRET);
    const step = await fetch(`${baseUrl()}/login/mfa`, {
      method: 'POST',
      body: new URLSearchParams({ code }),
      headers: { origin: baseUrl(), cookie },
      redirect: 'manual',
    });
    expect(step.status).toBe(302);
    cookie = step.headers
      .getSetCookie()
      .find((c) => c.startsWith('__session='))!
      .split(';')[0];
  }
  const page = await (await fetch(`${baseUrl()}/admin/knowledge`, { headers: { cookie } })).text();
  const token = /<meta name="csrf-token" content="([^"]+)"/.exec(page)![1];
  return { cookie, token };
}

describe('bad bytes and cross-site requests against the real server', () => {
  let browser: Browser;
  let admin: { cookie: string; token: string };
  beforeAll(async () => {
    browser = await launch();
    admin = await signIn('admin');
  });
  afterAll(async () => {
    await browser?.close();
  });

  const post = (headers: Record<string, string>, fields: Record<string, string> = {}) =>
    fetch(`${baseUrl()}/admin/knowledge`, {
      method: 'POST',
      body: new URLSearchParams({ intent: 'deactivate', id: '999999', ...fields }),
      headers: { cookie: admin.cookie, ...headers },
      redirect: 'manual',
    });

  it('refuses Origin null, a post naming no origin, and a foreign Referer with a 403, never a 500', async () => {
    for (const headers of <Record<string, string>[]>[
      { origin: 'null' },
      {},
      { referer: 'http://evil.example/x' },
      { origin: 'http://evil.example' },
    ]) {
      const res = await post({ ...headers, 'x-csrf-token': admin.token });
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(await res.text()).toContain('跨站请求已拒绝');
    }
  });

  it('lets the same site through, and then asks for the session token', async () => {
    const missing = await post({ origin: baseUrl() });
    expect(missing.status).toBe(403);
    expect(await missing.text()).toContain('表单已失效');
    expect((await post({ origin: baseUrl() }, { _csrf: 'not-the-token' })).status).toBe(403);
    // The right token, by field or by header (and a Referer of this site in place of an Origin): the action runs.
    for (const res of [
      await post({ origin: baseUrl() }, { _csrf: admin.token }),
      await post({ referer: `${baseUrl()}/admin/knowledge`, 'x-csrf-token': admin.token }),
    ]) {
      expect(res.status).toBe(404); // the action's own answer: no such article
      expect(await res.text()).not.toContain('跨站');
    }
  });

  it("lets Kamailio's bearer call through without Origin or Referer: the endpoint checks its token", async () => {
    const res = await fetch(`${baseUrl()}/telephony/sip-events`, {
      method: 'POST',
      body: JSON.stringify({ event: 'offered', callId: 'x', from: '13900009999', to: '12345' }),
      headers: { authorization: `Bearer ${'0'.repeat(64)}`, 'content-type': 'application/json' },
    });
    expect(res.status).toBe(401);
  });

  it('answers a NUL or bytes that are not UTF-8 in an address with a 400', async () => {
    for (const url of ['/knowledge/search?q=%00', '/appeals?q=%FF', '/appeals/%00', '/telephony/screenpop?phone=%00'])
      expect((await fetch(`${baseUrl()}${url}`, { headers: { cookie: admin.cookie } })).status, url).toBe(400);
    expect(
      (await fetch(`${baseUrl()}/appeals?q=%E5%81%9C%E6%B0%B4`, { headers: { cookie: admin.cookie } })).status,
    ).toBe(200);
  });

  it('shows a typed control character as a field error next to the field, and saves nothing', async () => {
    const page = await login(browser, 'admin');
    await page.getByTestId('home-title').waitFor();
    await page.goto('/admin/knowledge');
    const form = page.getByRole('form', { name: '新增知识条目' });
    const rows = page.getByRole('region', { name: /^知识条目/ }).getByRole('row');
    const before = await rows.count();
    await form.getByLabel('标题').fill('停水应急处置');
    await form.getByLabel('正文').fill('先确认停水范围\u0007再通知物业');
    await form.getByRole('button', { name: '新增' }).click();
    const error = form.locator('#body-error');
    await expect.poll(() => error.textContent()).toBe('含有不允许的控制字符');
    expect(await form.getByLabel('正文').getAttribute('aria-invalid')).toBe('true');
    expect(await form.getByLabel('标题').getAttribute('aria-invalid')).toBe('false');
    expect(await rows.count()).toBe(before);
    mkdirSync(SHOTS, { recursive: true });
    await form.screenshot({ path: `${SHOTS}/knowledge-control-character.png` });
    await screenshot(page, 'field-error-control-character');

    // The same article without it is saved, CRLF from the textarea as a newline: the token came with the page.
    await form.getByLabel('正文').fill('先确认停水范围\n再通知物业');
    await form.getByRole('button', { name: '新增' }).click();
    await expect.poll(() => rows.count()).toBe(before + 1);
    await page.context().close();
  });
});
