import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, inject } from 'vitest';
import { baseUrl, launch } from './browser';

// A citizen's phone for the journeys on the public site: a 375 px page whose console errors are collected, and the
// SMS the development gateway sent it.

/**
 * A phone of its own per test, so the one-code-a-minute limit of one test never meets another. A journey that blocks
 * its phone takes a prefix of its own, so that no other journey's phone can be the blocked one.
 */
export const newPhone = (prefix = '1365') => `${prefix}${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;

/** The development gateway's log: one line per message sent, "time<TAB>phone<TAB>text". */
export function smsTo(phone: string): string[] {
  const file = path.join(inject('dataDir'), 'sms-sent.log');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.split('\t')[1] === phone)
    .map((l) => l.split('\t')[2]);
}

/** Waits for the SMS job (every few seconds) to send the phone a message matching `re`; returns the match. */
export async function awaitSms(phone: string, re: RegExp): Promise<RegExpExecArray> {
  let found: RegExpExecArray | null = null;
  await expect
    .poll(
      () => {
        found =
          smsTo(phone)
            .map((m) => re.exec(m))
            .find(Boolean) ?? null;
        return Boolean(found);
      },
      { timeout: 60_000 },
    )
    .toBe(true);
  return found!;
}

/** What the citizens' pages wrote to the console as errors (a page that fails to hydrate, a refused script). */
export const consoleErrors: string[] = [];

export async function phonePage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({
    baseURL: baseUrl(),
    viewport: { width: 375, height: 740 },
    locale: 'zh-CN',
    isMobile: true,
    hasTouch: true,
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  // A refused form (400, 409) or a wrong link (404) is the browser's own line about the status, not the page's error.
  page.on('console', (m) => {
    if (m.type() === 'error' && !/responded with a status of 4\d\d/.test(m.text())) consoleErrors.push(m.text());
  });
  return page;
}

/**
 * One browser for the describe block this is called in, as `useTestServices` gives a database: the field is filled in
 * by the time the tests run. Each test fails if the citizens' pages it opened wrote console errors.
 */
export function useCitizenBrowser(): { browser: Browser } {
  const site = {} as { browser: Browser };
  beforeAll(async () => {
    site.browser = await launch();
  });
  afterAll(async () => {
    await site.browser?.close();
  });
  afterEach(() => {
    expect(consoleErrors.splice(0)).toEqual([]);
  });
  return site;
}

/** Types the phone and asks for a code, on the form that is open (filing or signing in). */
export async function askForCode(page: Page, phone: string) {
  await page.getByLabel('手机号').fill(phone);
  await page.getByTestId('send-code').click();
}

/** Asks for a code as `askForCode` does, sees the page say it was sent, and returns the code the SMS carried. */
export async function requestCodeOn(page: Page, phone: string, re = /验证码是 (\d{6})/): Promise<string> {
  await askForCode(page, phone);
  await expect.poll(() => page.getByTestId('code-sent').textContent()).toContain(phone);
  const [, code] = await awaitSms(phone, re);
  return code;
}

/** What a citizen writes about the stalls on the pavement (占道经营), the usual complaint of these journeys. */
export interface Complaint {
  content: string;
  location?: string;
  name?: string;
}

/** Fills the complaint's fields on the filing form that is open. */
export async function fillComplaint(page: Page, { content, location, name }: Complaint) {
  await page.getByLabel('投诉').check();
  await page.getByTestId('category').selectOption({ label: '占道经营' });
  await page.getByLabel('诉求内容').fill(content);
  if (location) await page.getByLabel('地点（选填）').fill(location);
  if (name) await page.getByLabel('称呼（选填）').fill(name);
}

/** Types the SMS code and agrees to the personal-information rules: what is left before submitting. */
export async function enterCode(page: Page, code: string) {
  await page.getByPlaceholder('短信验证码').fill(code);
  await page.getByLabel('我已阅读并同意个人信息处理规则').check();
}

/** Fills the filing form as a citizen does, up to the submit button; returns the code the phone received. */
export async function fillAndVerify(page: Page, phone: string, complaint: Complaint): Promise<string> {
  await page.goto('/c/submit');
  await fillComplaint(page, complaint);
  const code = await requestCodeOn(page, phone);
  await enterCode(page, code);
  return code;
}
