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
  // Signed in once the form's redirect has landed; a goto before that races with it.
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
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

/** A Beijing-time day `days` from today as a datetime-local field takes it, e.g. '2026-12-01'. */
export function beijingDay(days: number): string {
  return new Date(Date.now() + days * 86_400_000 + 8 * 3600_000).toISOString().slice(0, 10);
}

/** The arbitration parties as the 登记当事人 form takes them (valid ID number and credit code). */
export const ARBITRATION_PARTY_FIELDS: Record<string, string> = {
  申请人姓名: '赵铁柱',
  申请人身份证号: '11010519491231002X',
  申请人住址: '示范市东城区和平里5号',
  '申请人电话（可选）': '13700001111',
  单位名称: '示范市顺达物流有限公司',
  统一社会信用代码: '91350100M000100Y43',
  单位住所: '示范市经开区物流园8号',
  '法定代表人（可选）': '钱有福',
  仲裁请求: '一、支付拖欠工资人民币壹万贰仟元；二、支付未签劳动合同的二倍工资差额。',
};
