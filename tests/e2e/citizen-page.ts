import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { expect, inject } from 'vitest';
import { baseUrl } from './browser';

// A citizen's phone for the journeys on the public site: a 375 px page whose console errors are collected, and the
// SMS the development gateway sent it.

/** A phone of its own per test, so the one-code-a-minute limit of one test never meets another. */
export const newPhone = () => `1365${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;

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
  // A refused form (400) or a wrong link (404) is the browser's own line about the status, not the page's error.
  page.on('console', (m) => {
    if (m.type() === 'error' && !/responded with a status of 4\d\d/.test(m.text())) consoleErrors.push(m.text());
  });
  return page;
}
