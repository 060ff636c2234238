import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, login, screenshot } from './browser';

// Queues that tell the truth: true counts, keyset pages through all of a queue, the board agreeing with the header,
// an appeal answered on the spot never overdue, one unit for overdue time.

const countOf = async (page: Page, testId: string) => {
  const text = (await page.getByTestId(testId).textContent())!.trim();
  return Number(text.replace(/[,+]/g, ''));
};

/** Files one complaint through the intake form of a signed-in operator page; returns its number. */
async function file(page: Page, title: string): Promise<string> {
  await page.goto('/intake');
  const f = page.getByRole('form', { name: '诉求登记' });
  await f.getByLabel('诉求人电话').fill('13900004321');
  await f.getByLabel('诉求人姓名').fill('周女士');
  await f.getByLabel('投诉').check();
  await f.getByLabel('分类（输入关键字选择）').fill('0203 占道经营（市容环境）');
  await f.getByLabel('标题').fill(title);
  await f.getByLabel('诉求内容').fill('小区门口夜市摊位占道，车辆无法进出。');
  await f.getByRole('button', { name: '提交（Ctrl+Enter）' }).click();
  await page.getByTestId('appeal-number').waitFor();
  return (await page.getByTestId('appeal-number').textContent())!.trim();
}

/** The appeal numbers on one page of a home-page or board section. */
const numbersIn = (page: Page, section: string) =>
  page.locator(`section#${section} tbody tr td:first-child a`).allTextContents();

describe('queues that tell the truth (day-queues)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('待派单 shows its true count and pages through all of it: the 21st and later are one click away', async () => {
    const d = await login(browser, 'dispatcher');
    await d.getByTestId('home-title').waitFor();
    const before = await countOf(d, 'count-triage');
    // At least 21 appeals waiting, the last of them ours (the queue is oldest first).
    const op = await login(browser, 'operator');
    await op.getByTestId('home-title').waitFor();
    let newest = '';
    for (let i = 0; i < Math.max(1, 21 - before); i++)
      newest = await file(op, `夜市占道 ${Date.now().toString(36)} ${i}`);
    await op.context().close();

    await d.goto('/');
    const total = await countOf(d, 'count-triage');
    expect(total).toBeGreaterThanOrEqual(21);
    expect(await d.getByTestId('nav-count-triage').textContent()).toBe(String(total));
    const seen: string[] = [];
    const first = await numbersIn(d, 'triage');
    expect(first).toHaveLength(20);
    expect(first).not.toContain(newest);
    seen.push(...first);
    // Page on to the end by the pager's links (a cursor in the URL, not an offset).
    while (await d.getByTestId('pager-next-triage').count()) {
      const from = seen.length + 1;
      await d.getByTestId('pager-next-triage').click();
      await expect.poll(() => d.getByTestId('pager-range-triage').textContent()).toContain(`第 ${from}–`);
      expect(d.url()).toContain('after.triage=');
      seen.push(...(await numbersIn(d, 'triage')));
    }
    expect(await d.getByTestId('pager-range-triage').textContent()).toContain(`共 ${total} 条`);
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    expect(seen).toContain(newest);
    await screenshot(d, 'day-queues-triage-last-page');
    await d.getByTestId('pager-first-triage').click();
    await expect.poll(() => numbersIn(d, 'triage')).toEqual(first);
    await d.context().close();
  });

  it("the duty board's 已超期 agrees with the header's number and pages past the first 20", async () => {
    const s = await login(browser, 'supervisor');
    await s.getByTestId('home-title').waitFor();
    await s.goto('/supervision');
    await s.getByTestId('board-count-overdue').waitFor();
    const header = (await s.getByTestId('nav-count-overdue').textContent())!.trim();
    const board = (await s.getByTestId('board-count-overdue').textContent())!.trim();
    expect(board).toBe(header);
    const n = Number(board.replace(/[,+]/g, ''));
    expect(n).toBeGreaterThan(0);
    const first = await numbersIn(s, 'overdue');
    expect(first).toHaveLength(Math.min(20, n));
    if (n > 20) {
      await s.getByTestId('pager-next-overdue').click();
      await expect.poll(() => s.getByTestId('pager-range-overdue').textContent()).toContain('第 21–');
      const second = await numbersIn(s, 'overdue');
      expect(second.length).toBe(Math.min(20, n - 20));
      expect(second.some((x) => first.includes(x))).toBe(false);
    }
    await screenshot(s, 'day-queues-board');
    await s.context().close();
  });

  it('an appeal answered on the spot (已当场答复) is not overdue, on the search list or on the board', async () => {
    const s = await login(browser, 'supervisor');
    await s.getByTestId('home-title').waitFor();
    // The demo city answered some appeals on the spot weeks ago, past their handling deadline.
    await s.goto('/appeals?phase=replied');
    const rows = s.locator('tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBeGreaterThan(0);
    expect(await rows.filter({ hasText: '超期' }).count()).toBe(0);
    await s.goto('/appeals?phase=replied&sla=overdue');
    await expect.poll(() => s.getByText('暂无').count()).toBeGreaterThan(0);
    // Nowhere on the board's late lists, whatever the page.
    await s.goto('/supervision');
    await s.getByTestId('board-count-overdue').waitFor();
    for (;;) {
      const phases = await s.locator('section#overdue tbody tr td:nth-child(3)').allTextContents();
      expect(phases).not.toContain('已当场答复');
      if (!(await s.getByTestId('pager-next-overdue').count())) break;
      const range = await s.getByTestId('pager-range-overdue').textContent();
      await s.getByTestId('pager-next-overdue').click();
      await expect.poll(() => s.getByTestId('pager-range-overdue').textContent()).not.toBe(range);
    }
    expect(await s.locator('section#warned tbody tr', { hasText: '已当场答复' }).count()).toBe(0);
    await s.context().close();
  });

  it('overdue time reads in one unit, working days, on the board and on the appeal page', async () => {
    const s = await login(browser, 'supervisor');
    await s.getByTestId('home-title').waitFor();
    await s.goto('/supervision');
    await s.getByTestId('board-count-overdue').waitFor();
    const labels = await s.locator('section#overdue tbody tr td:nth-child(5) div').allTextContents();
    expect(labels.length).toBeGreaterThan(0);
    // Calendar days ("25 天") never appear beside working days ("2 个工作日").
    for (const l of labels) expect(l).not.toMatch(/\d+ 天/);
    const i = labels.findIndex((l) => /已超期 \d+ 个工作日/.test(l));
    expect(i).toBeGreaterThanOrEqual(0);
    const days = /已超期 (\d+) 个工作日/.exec(labels[i])![1];
    const row = s.locator('section#overdue tbody tr').nth(i);
    await row.locator('td:first-child a').click();
    await s.getByTestId('appeal-phase').waitFor();
    const deadline = s.locator('section[aria-labelledby="deadlines-h"] li', { hasText: '办理时限' });
    await expect.poll(() => deadline.textContent()).toMatch(new RegExp(`已超期 ${days} 个工作日`));
    await screenshot(s, 'day-queues-overdue-unit');
    await s.context().close();
  });
});
