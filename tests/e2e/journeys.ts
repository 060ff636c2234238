import type { Browser, Locator, Page } from 'playwright-core';
import { login } from './browser';

export const phase = (page: Page) => page.getByTestId('appeal-phase').textContent();
export const act = (page: Page, name: string) => page.getByRole('form', { name });

// A picker's option reads "<name><parent · ><code>": match the name whole, not as the start of a longer one.
const unitName = (name: string) =>
  new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*(?:[^·]+ · )?[A-Z]+\\d+$`);

/** Picks the lead unit (主办) and any assisting units (协办) in the 派单 form's department pickers. */
export async function chooseUnits(page: Page, lead: string, assisting: string[] = []) {
  const form = act(page, '派单');
  await form
    .getByTestId('department-picker-departmentId')
    .getByRole('radio', { name: unitName(lead) })
    .check();
  const assist = form.getByTestId('department-picker-assistingDepartmentIds');
  for (const name of assisting) await assist.getByRole('checkbox', { name: unitName(name) }).check();
}

/** Submits one of the appeal page's action forms and waits for the page to settle. */
export async function submit(page: Page, form: string, fields: Record<string, string> = {}) {
  const f = act(page, form);
  for (const [label, value] of Object.entries(fields)) {
    const input = f.getByLabel(label);
    if ((await input.evaluate((el) => el.tagName)) === 'SELECT') await input.selectOption(value);
    else await input.fill(value);
  }
  await f.getByRole('button', { name: form }).click();
  await page.waitForLoadState('networkidle');
}

/** The operator records a complaint through the intake screen; returns the appeal page's path. */
export async function recordComplaint(
  browser: Browser,
  opts: { phone: string; title: string; confidential?: boolean },
): Promise<string> {
  const page = await login(browser, 'operator');
  await page.getByTestId('home-title').waitFor();
  await page.goto('/intake');
  const f = page.getByRole('form', { name: '诉求登记' });
  await f.getByLabel('诉求人电话').fill(opts.phone);
  await f.getByLabel('诉求人姓名').fill('孙先生');
  await f.getByLabel('投诉').check();
  await f.getByLabel('分类（输入关键字选择）').fill('0203 占道经营（市容环境）');
  await f.getByLabel('标题').fill(opts.title);
  await f.getByLabel('诉求内容').fill('菜市场门口商户把摊位摆到人行道上，早晚高峰无法通行。');
  if (opts.confidential) await f.getByLabel('保密（对承办单位隐藏诉求人）').check();
  await f.getByRole('button', { name: '提交（Ctrl+Enter）' }).click();
  await page.getByTestId('appeal-number').waitFor();
  const url = new URL(page.url()).pathname;
  await page.context().close();
  return url;
}

/** Signs in as `user` and opens the appeal page. */
export async function open(browser: Browser, user: string, url: string): Promise<Page> {
  const page = await login(browser, user);
  await page.waitForURL((to) => !to.pathname.startsWith('/login')); // signed in, wherever the role lands
  await page.goto(url);
  await page.getByTestId('appeal-phase').waitFor();
  return page;
}

/** Signs in as `user` and opens the appeal found by its number; returns the page and the appeal page's path. */
export async function openByNumber(
  browser: Browser,
  user: string,
  number: string,
): Promise<{ page: Page; url: string }> {
  const page = await login(browser, user);
  await page.getByTestId('home-title').waitFor();
  await page.goto(`/appeals?q=${number}`);
  await page.getByRole('link', { name: number }).click();
  await page.getByTestId('appeal-phase').waitFor();
  return { page, url: new URL(page.url()).pathname };
}

/**
 * The appeal's row in the 待派单 queue of the page that is open, paging on (oldest first) until it shows; an empty
 * locator if the queue ends without it. The pager's links are followed by their address: the page refreshes its
 * queues and may redraw a link.
 */
export async function triageRow(page: Page, number: string): Promise<Locator> {
  const row = page.locator('section#triage tbody tr', { hasText: number });
  for (let i = 0; i < 100 && !(await row.count()) && (await page.getByTestId('pager-next-triage').count()); i++) {
    await page.goto((await page.getByTestId('pager-next-triage').getAttribute('href'))!);
    await page.getByTestId('pager-range-triage').waitFor();
  }
  return row;
}
