import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, login, screenshot } from './browser';

const phase = (page: Page) => page.getByTestId('appeal-phase').textContent();
const act = (page: Page, name: string) => page.getByRole('form', { name });

async function submit(page: Page, form: string) {
  await act(page, form).getByRole('button', { name: form }).click();
  await page.waitForLoadState('networkidle');
}

describe('the closed loop on the appeal page', () => {
  let browser: Browser;
  let url: string;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('dispatcher sends a triage appeal to a department', async () => {
    const page = await login(browser, 'dispatcher');
    await page.getByTestId('home-title').waitFor();
    await page.locator('#triage tbody tr').first().getByRole('link').click();
    await page.getByTestId('appeal-phase').waitFor();
    url = new URL(page.url()).pathname;
    expect(await phase(page)).toBe('待派单');
    // only what the machine accepts from a dispatcher in triage is offered
    const forms = await page.locator('form[aria-label]').evaluateAll((fs) => fs.map((f) => f.getAttribute('aria-label')));
    expect(forms.sort()).toEqual(['派单', '派至网格', '当场答复', '合并', '转介'].sort());
    await act(page, '派单').getByLabel('主办单位').selectOption({ label: '市城市管理局' });
    await submit(page, '派单');
    await expect.poll(() => phase(page)).toBe('待签收');
    await page.context().close();
  });

  it('department accepts, is refused an empty reply with a field error, then replies', async () => {
    const page = await login(browser, 'handler');
    await page.getByTestId('home-title').waitFor();
    await page.goto(url);
    await submit(page, '签收');
    await expect.poll(() => phase(page)).toBe('办理中');
    const versionBefore = await act(page, '办理答复').locator('input[name=version]').inputValue();
    await submit(page, '办理答复');
    const form = act(page, '办理答复');
    await expect.poll(() => form.getByRole('alert').first().textContent()).toBe('此项为必填');
    expect(await phase(page)).toBe('办理中');
    expect(await form.locator('input[name=version]').inputValue()).toBe(versionBefore); // nothing was written
    await screenshot(page, 'closed-loop-field-error');
    await form.getByLabel('办理结果').fill('已安排环卫车辆清运，并将清运频次调整为每日两次。');
    await form.getByLabel('是否解决').selectOption('yes');
    await submit(page, '办理答复');
    await expect.poll(() => phase(page)).toBe('待审核');
    await page.context().close();
  });

  it('a second reviewer acting on a stale page is told and sees the fresh state', async () => {
    const a = await login(browser, 'reviewer');
    await a.getByTestId('home-title').waitFor();
    await a.goto(url);
    const b = await a.context().newPage();
    await b.goto(url);
    await submit(a, '审核通过');
    await expect.poll(() => phase(a)).toBe('待回访');
    await act(b, '审核通过').getByRole('button', { name: '审核通过' }).click();
    await b.waitForLoadState('networkidle');
    await expect.poll(() => b.getByRole('alert').first().textContent()).toContain('已被他人更新');
    await expect.poll(() => phase(b)).toBe('待回访');
    await a.context().close();
  });

  it('callback "satisfied" closes the appeal and the timeline shows every step', async () => {
    const page = await login(browser, 'reviewer');
    await page.getByTestId('home-title').waitFor();
    await page.goto(url);
    // the callback agent reads the script with the department's answer
    expect(await page.getByTestId('callback-script').textContent()).toContain('已安排环卫车辆清运');
    const form = act(page, '回访评价');
    await form.getByLabel('满意度').selectOption('satisfied');
    await form.getByLabel('问题是否解决').selectOption('yes');
    await submit(page, '回访评价');
    await expect.poll(() => phase(page)).toBe('已办结');
    const timeline = await page.getByTestId('timeline').textContent();
    for (const step of ['登记', '提交', '派单', '签收', '办理答复', '审核通过', '回访评价']) expect(timeline).toContain(step);
    expect(timeline).toContain('待回访 → 已办结');
    expect(await page.locator('[aria-current="step"]').getAttribute('data-state')).toBe('closed');
    await screenshot(page, 'closed-loop-closed');
    await page.context().close();
  });
});
