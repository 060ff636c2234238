import type { Browser, BrowserContext, Page } from 'playwright-core';
import { baseUrl } from './browser';

// The citizen's demo phone (/phone, sip.js in its own Chromium context) as the browser journeys dial from it.

/** Waits for the demo phone's status line to read exactly `text` (a pattern). Playwright's wait: usable in beforeAll. */
export async function waitForLine(page: Page, text: string, timeout = 15_000) {
  await page
    .getByTestId('citizen-line')
    .filter({ hasText: new RegExp(`^${text}$`) })
    .waitFor({ timeout });
}

/** Opens the demo phone as `number` and waits until it is registered and ready to dial. */
export async function citizenPhone(browser: Browser, number: string): Promise<{ page: Page; context: BrowserContext }> {
  const context = await browser.newContext({
    baseURL: baseUrl(),
    viewport: { width: 480, height: 720 },
    locale: 'zh-CN',
  });
  const page = await context.newPage();
  await page.goto('/phone');
  // Controlled input: wait for hydration (the button is enabled then) before typing the number.
  await page.getByTestId('citizen-connect').waitFor();
  await page.waitForFunction(
    () => !(document.querySelector('[data-testid="citizen-connect"]') as HTMLButtonElement).disabled,
  );
  await page.getByTestId('citizen-number').fill(number);
  await page.getByTestId('citizen-connect').click();
  await waitForLine(page, '已就绪，可拨打', 30_000).catch(async (err: Error) => {
    const shown = await page
      .getByTestId('citizen-phone')
      .textContent()
      .catch(() => '?');
    throw new Error(`citizen phone ${number} did not register: ${shown}\n${err.message}`);
  });
  return { page, context };
}
