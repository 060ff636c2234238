import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TOTP_SECRET } from '../../app/auth/totp.server';
import { DEMO_TOTP_USERS } from '../../app/seed/demo-city-data';
import { DEMO_PASSWORD, baseUrl, launch, screenshot, secondStep } from './browser';

// The pages' script policy: a nonce for Remix's own inline scripts, no 'unsafe-inline', no eval. Every main
// page of every role loads, hydrates and draws its charts and map without one policy violation.

declare global {
  interface Window {
    __violations: string[];
  }
}

/** Records every policy violation of the context's pages, from before the first script runs. */
async function watchPolicy(context: BrowserContext): Promise<string[]> {
  await context.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`),
    );
  });
  const consoleLines: string[] = [];
  context.on('console', (m) => {
    if (/Content Security Policy|Refused to (execute|evaluate|load)/i.test(m.text())) consoleLines.push(m.text());
  });
  return consoleLines;
}

function scriptSrc(response: Response | null): string {
  const policy = response?.headers()['content-security-policy'] ?? '';
  return policy.split(';').find((d) => d.trim().startsWith('script-src')) ?? '';
}

const nonces = new Set<string>();
let visits = 0;

/** Opens a page, checks its policy header, waits for what shows the page works, then for its violations. */
async function visit(page: Page, path: string, ready: (page: Page) => Promise<unknown>) {
  const response = await page.goto(path);
  expect(response?.status(), path).toBe(200);
  const src = scriptSrc(response);
  expect(src, path).toMatch(/'nonce-[A-Za-z0-9+/=]{16,}'/);
  expect(src, path).not.toContain("'unsafe-inline'");
  expect(src, path).not.toContain("'unsafe-eval'");
  nonces.add(/'nonce-([^']+)'/.exec(src)![1]);
  visits++;
  await ready(page);
  // Every route module has been loaded and the page hydrated: whatever they run at load has run.
  await page.waitForFunction(
    () => (window as { __remixRouter?: { state: { initialized: boolean } } }).__remixRouter?.state.initialized,
  );
  expect(await page.evaluate(() => window.__violations), path).toEqual([]);
}

describe('script policy', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** Signs in through the form in a fresh context whose policy violations and refusals are recorded. */
  async function signedIn(username: string, viewport = { width: 1360, height: 900 }) {
    const context = await browser.newContext({ baseURL: baseUrl(), viewport, locale: 'zh-CN' });
    const refusals = await watchPolicy(context);
    const page = await context.newPage();
    await page.goto('/login');
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    if (DEMO_TOTP_USERS.includes(username)) await secondStep(page, username, DEMO_TOTP_SECRET);
    await page.getByTestId(username === 'gridworker' ? 'field-title' : 'home-title').waitFor();
    return { page, refusals };
  }

  it('the operator: intake with its map and the softphone bar, the appeals list and an appeal', async () => {
    const { page, refusals } = await signedIn('operator');
    await visit(page, '/intake', async (p) => {
      await p.getByTestId('grid-map').locator('path').first().waitFor();
      // The bar fetched its credentials and registered its phone with Kamailio.
      await p.getByTestId('agent-state').filter({ hasText: '未就绪' }).waitFor({ timeout: 30_000 });
    });
    await visit(page, '/appeals', (p) => p.getByTestId('search-total').waitFor());
    const first = await page.locator('main a[href^="/appeals/"]').first().getAttribute('href');
    expect(first).toMatch(/^\/appeals\/\d+$/);
    await visit(page, first!, (p) => p.getByTestId('appeal-phase').waitFor());
    await screenshot(page, 'script-policy-appeal');
    expect(refusals).toEqual([]);
  });

  it('the supervisor: the board with its chart, the grid view with its map and the reports', async () => {
    const { page, refusals } = await signedIn('supervisor');
    await visit(page, '/supervision', (p) => p.getByTestId('lateness-chart').locator('svg').first().waitFor());
    await visit(page, '/supervision/grids', (p) => p.getByTestId('grid-map').locator('path').first().waitFor());
    await visit(page, '/reports', (p) => p.getByTestId('trend-chart').locator('svg').first().waitFor());
    await screenshot(page, 'script-policy-reports');
    expect(refusals).toEqual([]);
  });

  it('the admin: the grids and the users', async () => {
    const { page, refusals } = await signedIn('admin');
    await visit(page, '/admin/grids', (p) => p.getByTestId('grid-G01').waitFor());
    await visit(page, '/admin/users', (p) => p.getByRole('table').first().waitFor());
    expect(refusals).toEqual([]);
  });

  it('the grid worker on a 360 px phone', async () => {
    const { page, refusals } = await signedIn('gridworker', { width: 360, height: 740 });
    await visit(page, '/field', (p) => p.getByTestId('field-title').waitFor());
    expect(refusals).toEqual([]);
  });

  it('serves a fresh nonce with every page and puts it on every inline script', async () => {
    expect(nonces.size).toBe(visits);
    const { page } = await signedIn('operator');
    const served = async () => {
      const res = await page.request.get('/');
      const nonce = /'nonce-([^']+)'/.exec(res.headers()['content-security-policy'])![1];
      return { nonce, html: await res.text() };
    };
    const [a, b] = [await served(), await served()];
    expect(a.nonce).not.toBe(b.nonce);
    // The browser hides nonces from the DOM; the served HTML carries this response's nonce on each inline script.
    const inline = [...a.html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)].map((m) => m[1]);
    expect(inline.length).toBeGreaterThan(0);
    for (const attrs of inline) expect(attrs).toContain(`nonce="${a.nonce}"`);
  });
});
