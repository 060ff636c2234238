import type { Browser, Page } from 'playwright-core';
import { login } from './browser';

// Helpers for the referral case page: its action forms are named by the event's Chinese label,
// matched exactly (受理 must not find 不予受理).

export const casePhase = (page: Page) => page.getByTestId('referral-phase').textContent();
export const caseForm = (page: Page, name: string) => page.getByRole('form', { name, exact: true });

/** Fills a case action form by field label (select, checkbox list or text) and submits it. */
export async function act(
  page: Page,
  form: string,
  fields: Record<string, string> = {},
  checks: Record<string, boolean> = {},
) {
  const f = caseForm(page, form);
  for (const [label, value] of Object.entries(fields)) {
    const input = f.getByLabel(label, { exact: true });
    if ((await input.evaluate((el) => el.tagName)) === 'SELECT') {
      if (/^[a-zA-Z0-9]+$/.test(value)) await input.selectOption(value);
      else await input.selectOption({ label: value });
    } else await input.fill(value);
  }
  for (const [label, on] of Object.entries(checks)) await f.getByLabel(label, { exact: true }).setChecked(on);
  const posted = page.waitForResponse((r) => r.request().method() === 'POST');
  await f.getByRole('button', { name: form, exact: true }).click();
  await posted;
  // Done when Remix has followed the redirect and reloaded the case (or shown the refusal).
  await page.waitForFunction(() => {
    const router = (
      window as unknown as { __remixRouter?: { state: { navigation: { state: string }; revalidation: string } } }
    ).__remixRouter;
    return router !== undefined && router.state.navigation.state === 'idle' && router.state.revalidation === 'idle';
  });
  await page.waitForLoadState('networkidle');
}

/** Signs in as an agency's staff member (who lands on his referral cases) and opens the case of the appeal titled `title`. */
export async function openCase(browser: Browser, user: string, title: string): Promise<Page> {
  const page = await login(browser, user);
  await page.getByTestId('referral-queue-title').waitFor();
  await page.getByTestId('referral-row').filter({ hasText: title }).getByRole('link').first().click();
  await page.getByTestId('referral-phase').waitFor();
  return page;
}

/** The appeal page's phase, for a user who can see it. */
export async function appealPhaseAs(
  browser: Browser,
  user: string,
  url: string,
): Promise<{ page: Page; phase: string | null }> {
  const page = await login(browser, user);
  await page.waitForLoadState('networkidle');
  await page.goto(url);
  await page.getByTestId('appeal-phase').waitFor();
  return { page, phase: await page.getByTestId('appeal-phase').textContent() };
}

/** The dispatcher refers a triaged appeal to an agency through the appeal page's 转介 form. */
export async function referAppeal(browser: Browser, url: string, agencyLabel: string, note: string) {
  const page = await login(browser, 'dispatcher');
  await page.getByTestId('home-title').waitFor();
  await page.goto(url);
  await page.getByTestId('appeal-phase').waitFor();
  const f = page.getByRole('form', { name: '转介', exact: true });
  await f.getByLabel('转介至').selectOption({ label: agencyLabel });
  await f.getByLabel('说明').fill(note);
  await f.getByRole('button', { name: '转介', exact: true }).click();
  await page.waitForLoadState('networkidle');
  return page;
}
