import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect, inject } from 'vitest';
import { DEMO_TOTP_SECRET } from '../../app/auth/totp.server';
import { DEMO_TOTP_USERS } from '../../app/seed/demo-city-data';
import { freshCode } from './totp';

export const DEMO_PASSWORD = 'demo12345';
export const SCREENSHOT_DIR = path.resolve('test-results/screenshots');

export function baseUrl() {
  return inject('baseUrl');
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // A fake microphone and no permission prompt, so softphones in two contexts can talk.
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}

/** Signs in through the real form in a fresh browser context. */
export async function login(browser: Browser, username: string, password = DEMO_PASSWORD): Promise<Page> {
  const context = await browser.newContext({
    baseURL: baseUrl(),
    viewport: { width: 1360, height: 900 },
    locale: 'zh-CN',
  });
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  // The demo admin and supervisor sign in with two factors: the second step takes a code of the demo secret.
  if (DEMO_TOTP_USERS.includes(username) && password === DEMO_PASSWORD)
    await secondStep(page, username, DEMO_TOTP_SECRET);
  return page;
}

/** Headers for a test's own POST as the signed-in page: this site as its Origin and the session's CSRF token. */
export async function postHeaders(page: Page): Promise<Record<string, string>> {
  const token = await page.locator('meta[name="csrf-token"]').getAttribute('content');
  return { origin: baseUrl(), 'x-csrf-token': token ?? '' };
}

/** Answers the second sign-in step with a fresh code of `secret`. */
export async function secondStep(page: Page, account: string, secret: string) {
  await page.waitForURL(/\/login\/mfa$/);
  await page.getByLabel('验证码或恢复码').fill(await freshCode(account, secret));
  await page.getByRole('button', { name: '验证' }).click();
  await page.waitForURL((url) => url.pathname !== '/login/mfa');
}

export async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** Opens the header's menu on a narrow screen; a tap before the page has hydrated does nothing, so it taps again. */
export async function openMenu(page: Page) {
  const button = page.getByRole('button', { name: '菜单' });
  await expect
    .poll(async () => {
      if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
      return button.getAttribute('aria-expanded');
    })
    .toBe('true');
}
