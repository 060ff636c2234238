import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl, launch, login, screenshot } from './browser';

// The admin's register of interface clients: a client registered, its key shown once (gone on reload), the key
// used for a real call of the ping interface, the call in the client's log and counts; the key rotated (the old
// one refused) and the client revoked. The interface documentation opens without signing in.

const NAME = `浏览器测试城管系统${Date.now() % 100000}`;

const hydrated = (page: Page) => page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
const pingWith = (key: string) => fetch(`${baseUrl()}/api/v1/ping`, { headers: { 'X-Api-Key': key } });

describe('admin: interface clients', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('registers a client, shows its key once, sees its calls, rotates the key and revokes the client', async () => {
    const page = await login(browser, 'admin');
    await page.getByTestId('home-title').waitFor();
    await page.getByRole('link', { name: '接口客户端' }).first().click();
    await page.getByRole('heading', { name: '接口客户端', level: 1 }).waitFor();
    await hydrated(page);

    const form = page.getByRole('form', { name: '登记客户端' });
    await form.getByLabel('名称').fill(NAME);
    await form.getByLabel('联系人及电话').fill('张工 0551-63000000');
    await form.getByLabel(/允许的来源地址/).fill('10.0.0.1\nnot-an-address');
    await form.getByRole('button', { name: '登记并生成密钥' }).click();
    await expect.poll(() => form.getByRole('alert').allTextContents()).toContain('至少选一项接口权限');
    expect((await form.getByRole('alert').allTextContents()).join()).toContain('第 2 行：不是有效的 IP 地址或网段');
    await screenshot(page, 'api-clients-refused');

    await form.getByLabel('Open311 查询').check();
    await form.getByLabel('推送事件').check();
    // The test calls from this machine: loopback in both families.
    await form.getByLabel(/允许的来源地址/).fill('127.0.0.0/8\n::1');
    await form.getByRole('button', { name: '登记并生成密钥' }).click();
    const issued = page.getByTestId('issued-credentials');
    await issued.waitFor();
    const apiKey = (await page.getByTestId('issued-api-key').textContent())!;
    expect(apiKey).toMatch(/^hk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(await page.getByTestId('issued-signing-secret').textContent()).toMatch(/^hs_/);
    expect(await issued.textContent()).toContain('无法再次查看');
    const row = page.locator('tr', { hasText: NAME });
    await expect.poll(() => row.textContent()).toContain(`hk_${apiKey.split('_')[1]}_…`);
    await screenshot(page, 'api-clients-issued');

    await page.reload();
    await hydrated(page);
    expect(await page.getByTestId('issued-credentials').count()).toBe(0);
    expect(await page.content()).not.toContain(apiKey);

    const ok = await pingWith(apiKey);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ client: NAME, operations: ['open311:read', 'events:write'] });
    await page.reload();
    await expect.poll(() => row.getByTestId('calls-24h').textContent()).toBe('1');
    await screenshot(page, 'api-clients-list');

    await row.getByRole('link', { name: NAME }).click();
    await page.getByRole('heading', { name: new RegExp(NAME) }).waitFor();
    await hydrated(page);
    const calls = page.getByTestId('api-call');
    await expect.poll(() => calls.count()).toBe(1);
    expect(await calls.first().textContent()).toMatch(/ping200成功/);
    expect(await page.getByTestId('calls-30d').textContent()).toBe('1');

    // Someone else saves the client in another tab; this page's older form is refused, and nothing of it saved.
    const other = await page.context().newPage();
    await other.goto(page.url());
    await hydrated(other);
    const otherEdit = other.getByRole('form', { name: '修改客户端' });
    await otherEdit.getByLabel('每分钟调用上限').fill('120');
    await otherEdit.getByRole('button', { name: '保存' }).click();
    await other.getByRole('status').filter({ hasText: '已保存' }).waitFor();
    await other.close();
    const edit = page.getByRole('form', { name: '修改客户端' });
    await edit.getByLabel('联系人及电话').fill('赵工 0551-63000001');
    await edit.getByRole('button', { name: '保存' }).click();
    await expect.poll(() => edit.getByRole('alert').allTextContents()).toContain('该客户端已被他人修改，请刷新后再试');
    await screenshot(page, 'api-client-stale');
    await page.reload();
    await hydrated(page);
    expect(await edit.getByLabel('每分钟调用上限').inputValue()).toBe('120');
    expect(await edit.getByLabel('联系人及电话').inputValue()).toBe('张工 0551-63000000');

    const rotate = page.getByRole('form', { name: '更换密钥' });
    await rotate.getByRole('button', { name: '更换密钥' }).click();
    await expect.poll(() => rotate.getByRole('alert').allTextContents()).toContain('请先勾选确认');
    await rotate.getByLabel('我确认旧密钥立即失效').check();
    await rotate.getByRole('button', { name: '更换密钥' }).click();
    await page.getByTestId('issued-credentials').waitFor();
    const newKey = (await page.getByTestId('issued-api-key').textContent())!;
    expect(newKey).not.toBe(apiKey);
    expect((await pingWith(apiKey)).status).toBe(401);
    expect((await pingWith(newKey)).status).toBe(200);

    const revoke = page.getByRole('form', { name: '停用客户端' });
    await revoke.getByLabel('我确认停用且不可恢复').check();
    await revoke.getByRole('button', { name: '停用客户端' }).click();
    await expect.poll(() => page.getByTestId('client-status').textContent()).toMatch(/^已停用/);
    const refused = await pingWith(newKey);
    expect([refused.status, ((await refused.json()) as { error: string }).error]).toEqual([401, 'revoked']);
    await page.reload();
    await hydrated(page);
    // The old key's call has no client (the key is unknown); the new key's two calls are this client's.
    await expect.poll(() => calls.count()).toBe(3);
    expect(await page.getByTestId('refusals-30d').textContent()).toBe('已停用 1');
    const filter = page.getByRole('form', { name: '筛选调用记录' });
    await filter.getByLabel('结果').selectOption('revoked');
    await filter.getByRole('button', { name: '筛选' }).click();
    await expect.poll(() => calls.count()).toBe(1);
    await screenshot(page, 'api-client-revoked');
    await page.context().close();
  });

  it('serves the interface documentation without signing in, from the OpenAPI document', async () => {
    const context = await browser.newContext({ baseURL: baseUrl(), viewport: { width: 1360, height: 900 } });
    const page = await context.newPage();
    await page.goto('/api/docs');
    await page.getByRole('heading', { name: '开放接口文档', level: 1 }).waitFor();
    await screenshot(page, 'api-docs');
    await hydrated(page);
    const ping = page.getByRole('article', { name: 'GET /api/v1/ping' });
    const text = await ping.textContent();
    expect(text).toContain('Check an API key');
    expect(text).toContain('任一有效密钥');
    expect(await page.getByTestId('sign-node').textContent()).toContain("createHmac('sha256'");
    const doc = (await (await fetch(`${baseUrl()}/api/openapi.json`)).json()) as { openapi: string };
    expect(doc.openapi).toBe('3.1.0');
    await context.close();
  });
});
