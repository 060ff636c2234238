import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl, launch, login, screenshot } from './browser';

// Every page each role can reach is opened in the browser and must hydrate: a route module that
// throws when it loads (a schema from a .server module used at its top, undefined in the browser)
// leaves the server's HTML on screen, so every form then posts as a full page load and nothing on
// the page reacts. The sweep follows the links of each role's home page and of the pages it finds
// there, one page per route shape (/appeals/17 and /appeals/18 are one shape), and fails on a page
// that did not hydrate, on an uncaught error and on any console error.

const ROLES = [
  'operator',
  'dispatcher',
  'handler',
  'handler2',
  'gridworker',
  'mediator',
  'legalaid',
  'arbitrator',
  'counsellor',
  'reviewer',
  'supervisor',
  'admin',
];

/** Links that are files or acts, not pages: downloads, exports, recordings, the language switch. */
const NOT_PAGES = [
  /\.(pdf|csv|xlsx|json|png|jpe?g|webp)$/i,
  /^\/(attachments|referral-documents)\//,
  /^\/policies\/\d+\/files\//,
  /^\/appeals\/\d+\/attachments/,
  /^\/telephony\//,
  /^\/reports\/(export|daily\/[^/]+\/[^/]+)/,
  /^\/admin\/grids\/export/,
  /^\/policy-records\/template/,
  /^\/(logout|lang|healthz|readyz|favicon)/,
];

const MAX_PAGES = 40;

/** The route a path belongs to: numbers and appeal or case numbers stand for any of their kind. */
function shapeOf(pathname: string): string {
  return pathname
    .split('/')
    .map((seg) => (/^\d+$/.test(seg) || /^[A-Z]{1,4}\d{6,}$/.test(seg) ? ':id' : seg))
    .join('/');
}

interface Visit {
  path: string;
  problems: string[];
}

/** The same-origin page links on the page, as paths (with their query, without the fragment). */
async function pageLinks(page: Page): Promise<string[]> {
  const origin = new URL(baseUrl()).origin;
  const hrefs = await page
    .locator('a[href]')
    .evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href).filter(Boolean));
  const paths: string[] = [];
  for (const href of hrefs) {
    const url = new URL(href);
    if (url.origin !== origin) continue;
    if (NOT_PAGES.some((re) => re.test(url.pathname))) continue;
    paths.push(url.pathname + url.search);
  }
  return paths;
}

/** Opens one page and reports what went wrong on it. */
async function visit(page: Page, path: string, errors: string[]): Promise<Visit> {
  errors.length = 0;
  const problems: string[] = [];
  const res = await page.goto(path, { waitUntil: 'load' });
  const type = res?.headers()['content-type'] ?? '';
  if (!type.startsWith('text/html')) return { path, problems };
  if (res && res.status() >= 500) problems.push(`status ${res.status()}`);
  const hydrated = await page
    .waitForFunction(
      () =>
        (window as unknown as { __remixContext?: unknown }).__remixContext !== undefined &&
        document.documentElement.dataset.hydrated === 'true',
      undefined,
      { timeout: 15_000 },
    )
    .then(
      () => true,
      () => false,
    );
  if (!hydrated) problems.push('did not hydrate');
  // Effects that load after hydration (maps, charts, the softphone) report their errors by now.
  await page.waitForLoadState('networkidle');
  problems.push(...errors);
  return { path, problems };
}

/** Visits the role's pages breadth-first from its home page. */
async function sweep(page: Page): Promise<Visit[]> {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  const seen = new Set<string>();
  const queue = ['/'];
  const visits: Visit[] = [];
  while (queue.length && visits.length < MAX_PAGES) {
    const path = queue.shift()!;
    const shape = shapeOf(new URL(path, baseUrl()).pathname);
    if (seen.has(shape)) continue;
    seen.add(shape);
    const v = await visit(page, path, errors);
    visits.push(v);
    if (!v.problems.length) for (const link of await pageLinks(page)) queue.push(link);
  }
  return visits;
}

describe('every page of every role hydrates without errors', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  for (const role of ROLES) {
    it(`${role}: every page it can reach hydrates, with no error in the console`, { timeout: 240_000 }, async () => {
      const page = await login(browser, role);
      await page.waitForURL((u) => u.pathname !== '/login');
      const visits = await sweep(page);
      const broken = visits.filter((v) => v.problems.length);
      expect(broken, JSON.stringify(broken, null, 2)).toEqual([]);
      // The sweep went beyond the home page: each role has its own pages to reach.
      expect(visits.length, visits.map((v) => v.path).join(' ')).toBeGreaterThan(2);
      await page.context().close();
    });
  }

  it('admin: the working-day calendar hydrates and adds an entry without a full page load', async () => {
    const page = await login(browser, 'admin');
    await page.waitForURL((u) => u.pathname !== '/login');
    await page.goto('/admin/calendar?year=2031');
    await page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
    // A full page load would drop this mark; a client-side submission keeps it.
    await page.evaluate(() => {
      (window as unknown as { __sameDocument?: boolean }).__sameDocument = true;
    });
    const form = page.getByRole('form', { name: '添加日历条目' });
    const day = '2031-03-17';
    await form.getByLabel('日期').fill(day);
    await form.getByLabel('名称').fill('巡检演练');
    await form.getByRole('button', { name: '添加' }).click();
    await expect.poll(() => page.getByRole('cell', { name: day, exact: true }).count()).toBe(1);
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    await screenshot(page, 'day-hydration-admin-calendar');
    // Leave the calendar as it was.
    await page
      .getByRole('form', { name: `删除 ${day}` })
      .getByRole('button', { name: '删除' })
      .click();
    await expect.poll(() => page.getByRole('cell', { name: day, exact: true }).count()).toBe(0);
    await page.context().close();
  });
});
