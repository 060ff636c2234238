import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, launch, screenshot } from './browser';
import { createPgCluster, type PgCluster } from './pg-cluster';
import { freePort } from './server-setup';

// The database goes away under a running server and comes back: meanwhile every page is the product's
// own error page in the user's language with a 503, /healthz stays 200 and /readyz says 503 with what
// failed; afterwards /readyz is 200 again and the pages work, the session kept.

interface AppServer {
  baseUrl: string;
  log(): string;
  stop(): Promise<void>;
}

/** The built server on the given database, started and waited for like the e2e setup does. */
async function startServer(env: Record<string, string>): Promise<AppServer> {
  const port = await freePort();
  let log = '';
  const child: ChildProcess = spawn(process.execPath, ['server.mjs'], {
    env: { ...process.env, PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  // Ready when it says so; a server that exits first fails the start with its log.
  await new Promise<void>((resolve, reject) => {
    const take = (d: Buffer) => {
      log += d;
      if (log.includes('ready at')) resolve();
    };
    child.stdout!.on('data', take);
    child.stderr!.on('data', take);
    child.on('exit', (code) => reject(new Error(`server exited (${code}) before it was ready:\n${log}`)));
  });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    log: () => log,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

describe('a database outage', () => {
  let cluster: PgCluster | undefined;
  let server: AppServer | undefined;
  let browser: Browser;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'hotline-outage-'));
    cluster = await createPgCluster(await freePort());
    const env = { DATABASE_URL: cluster.url, DATA_DIR: dataDir, DEMO_APPEALS: '5', SIP_SHARED_SECRET: '' };
    // The demo city seeds the accounts once; then the server runs as a production install would.
    const seeding = await startServer({ ...env, DEMO: '1' });
    await seeding.stop();
    server = await startServer({ ...env, DEMO: '0' });
    browser = await launch();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await cluster?.destroy();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  async function signedIn(username: string, lang: 'zh-CN' | 'en'): Promise<Page> {
    const context = await browser.newContext({ baseURL: server!.baseUrl, viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto('/login');
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByTestId('home-title').waitFor();
    if (lang === 'en') {
      await page.getByTestId('language-switch').click();
      await page.getByRole('link', { name: 'Workbench' }).waitFor();
    }
    return page;
  }
  const status = async (page: Page, url: string) => (await page.goto(url))?.status();
  const get = (url: string) => fetch(`${server!.baseUrl}${url}`);

  it('says at start that telephony is off without its secret', () => {
    expect(server!.log()).toContain('[telephony] off');
  });

  it('shows its own page in the user language with a 503 while the database is down, and recovers', async () => {
    const zh = await signedIn('dispatcher', 'zh-CN');
    // Not the supervisor: with DEMO=0 the demo's published second factor does not count, and he would enrol first.
    const en = await signedIn('reviewer', 'en');
    expect((await get('/readyz')).status).toBe(200);

    await cluster!.stop();
    await expect.poll(() => status(zh, '/')).toBe(503);
    const zhPage = zh.getByTestId('error-page');
    await zhPage.waitFor();
    expect(await zhPage.textContent()).toContain('服务暂不可用');
    expect(await zhPage.textContent()).toContain('系统暂时无法使用，请稍后再试');
    expect(await zh.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await zh.content()).not.toContain('Unexpected Server Error');
    await screenshot(zh, 'outage-zh');
    for (const url of ['/appeals', '/supervision', '/worklist']) expect(await status(zh, url), url).toBe(503);

    // A client-side navigation of a page loaded before the outage: its data request fails the same way.
    await en.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Search' }).click();
    const enPage = en.getByTestId('error-page');
    await enPage.waitFor();
    expect(await enPage.textContent()).toContain('Service unavailable');
    // And the document itself.
    expect(await status(en, '/appeals')).toBe(503);
    expect(await enPage.textContent()).toContain('Service unavailable');
    expect(await enPage.textContent()).toContain('The system is temporarily unavailable');
    expect(await en.locator('html').getAttribute('lang')).toBe('en');
    await screenshot(en, 'outage-en');

    const healthz = await get('/healthz');
    expect(healthz.status).toBe(200);
    const readyz = await get('/readyz');
    expect(readyz.status).toBe(503);
    const verdict = (await readyz.json()) as { ready: boolean; checks: { database: string } };
    expect(verdict.ready).toBe(false);
    expect(verdict.checks.database).not.toBe('ok');

    await cluster!.start();
    await expect.poll(async () => (await get('/readyz')).status, { timeout: 60_000 }).toBe(200);
    expect(await (await get('/readyz')).json()).toEqual({ ready: true, checks: { database: 'ok', jobQueue: 'ok' } });
    expect(await status(zh, '/')).toBe(200);
    await zh.getByTestId('home-title').waitFor();
    expect(await status(en, '/appeals')).toBe(200);
    await en.getByRole('heading').first().waitFor();
    expect(await en.getByTestId('error-page').count()).toBe(0);
  });
});
