import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, login, screenshot } from './browser';

const TITLE = '电动自行车上牌办理指南';

describe('admin: knowledge base and working-day calendar', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('admin adds an article; a bad submit shows field errors', async () => {
    const page = await login(browser, 'admin');
    await page.getByTestId('home-title').waitFor();
    await page.goto('/admin/knowledge');
    const form = page.getByRole('form', { name: '新增知识条目' });

    // bad submit: refused next to the fields, nothing added
    const rowsBefore = await page
      .getByRole('region', { name: /^知识条目/ })
      .getByRole('row')
      .count();
    await form.getByLabel('正文').fill('短');
    await form.getByLabel('生效日期').fill('2026-03-01');
    await form.getByLabel('失效日期').fill('2026-01-01');
    await form.getByRole('button', { name: '新增' }).click();
    await expect
      .poll(() => form.getByRole('alert').allTextContents())
      .toEqual(expect.arrayContaining(['标题至少 2 个字', '正文至少 5 个字', '失效日期不能早于生效日期']));
    expect(await form.getByLabel('标题').getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'admin-knowledge-errors');
    expect(
      await page
        .getByRole('region', { name: /^知识条目/ })
        .getByRole('row')
        .count(),
    ).toBe(rowsBefore);

    await form.getByLabel('标题').fill(TITLE);
    await form
      .getByLabel('正文')
      .fill('电动自行车须符合国家标准，车主携带身份证、购车发票和合格证到就近登记点免费办理登记上牌。');
    await form.getByLabel('分类').selectOption({ label: '交通运输' });
    await form.getByLabel('责任单位').selectOption({ label: '市公安局' });
    await form.getByLabel('生效日期').fill('2026-01-01');
    await form.getByLabel('失效日期').fill('');
    await form.getByRole('button', { name: '新增' }).click();
    const row = page
      .getByRole('region', { name: /^知识条目/ })
      .getByRole('row')
      .filter({ hasText: TITLE });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain('市公安局');
    expect(await row.textContent()).toContain('有效');
    // the add form comes back empty for the next article
    expect(await form.getByLabel('标题').inputValue()).toBe('');
    await screenshot(page, 'admin-knowledge');
    await page.context().close();
  });

  it('operators cannot edit the knowledge base but find its answers', async () => {
    const page = await login(browser, 'operator');
    await page.getByTestId('home-title').waitFor();
    expect((await page.goto('/admin/knowledge'))?.status()).toBe(403);
    expect((await page.goto('/admin/calendar'))?.status()).toBe(403);
    const res = await page.request.get(`/knowledge/search?q=${encodeURIComponent('电动自行车')}`);
    expect(res.status()).toBe(200);
    const { articles } = (await res.json()) as {
      articles: { id: number; title: string; body: string; department: string | null }[];
    };
    expect(articles.map((a) => a.title)).toContain(TITLE);
    expect(articles.find((a) => a.title === TITLE)).toMatchObject({ department: '市公安局' });
    await page.context().close();

    const handler = await login(browser, 'handler');
    await handler.getByTestId('home-title').waitFor();
    expect((await handler.request.get('/knowledge/search?q=x')).status()).toBe(403);
    await handler.context().close();
  });

  it('admin adds and removes a holiday on the working-day calendar', async () => {
    const page = await login(browser, 'admin');
    await page.getByTestId('home-title').waitFor();
    await page.goto('/admin/calendar');
    // A year far from the demo appeals' deadlines, so other journeys are unaffected.
    await page.getByRole('form', { name: '选择年份' }).getByLabel('年份').fill('2031');
    await page.getByRole('button', { name: '查看' }).click();
    await page.getByRole('heading', { name: /^2031 年日历条目/ }).waitFor();
    const add = page.getByRole('form', { name: '添加日历条目' });

    // an adjusted working day on a Tuesday is refused
    await add.getByLabel('日期').fill('2031-06-17');
    await add.getByLabel('类型').selectOption('调休上班');
    await add.getByLabel('名称').fill('调休');
    await add.getByRole('button', { name: '添加' }).click();
    await expect.poll(() => add.getByRole('alert').allTextContents()).toContain('调休上班日应为周六或周日');

    await add.getByLabel('日期').fill('2031-06-18');
    await add.getByLabel('类型').selectOption('放假');
    await add.getByLabel('名称').fill('临时停工');
    await add.getByRole('button', { name: '添加' }).click();
    const row = page.getByRole('row').filter({ hasText: '2031-06-18' });
    await expect.poll(() => row.count()).toBe(1);
    expect((await row.textContent())?.replace(/\s+/g, '')).toContain('2031-06-18周三放假临时停工');
    await screenshot(page, 'admin-calendar');

    await page.getByRole('form', { name: '删除 2031-06-18' }).getByRole('button', { name: '删除' }).click();
    await expect.poll(() => row.count()).toBe(0);
    await page.context().close();
  });

  it('admin edits and then deactivates the article; operators no longer find it', async () => {
    const page = await login(browser, 'admin');
    await page.getByTestId('home-title').waitFor();
    await page.goto('/admin/knowledge');
    await page.getByRole('link', { name: `编辑 ${TITLE}` }).click();
    const form = page.getByRole('form', { name: `编辑知识条目 ${TITLE}` });
    expect(await form.getByLabel('标题').inputValue()).toBe(TITLE);
    await form.getByLabel('正文').fill('电动自行车须符合国家标准，可在线预约后到就近登记点免费上牌。');
    await form.getByRole('button', { name: '保存修改' }).click();
    const row = page
      .getByRole('region', { name: /^知识条目/ })
      .getByRole('row')
      .filter({ hasText: TITLE });
    await expect.poll(() => row.textContent()).toContain('可在线预约');
    await page
      .getByRole('form', { name: `停用 ${TITLE}` })
      .getByRole('button', { name: '停用' })
      .click();
    await expect.poll(() => row.textContent()).toContain('已停用');
    await page.context().close();

    const operator = await login(browser, 'operator');
    await operator.getByTestId('home-title').waitFor();
    const res = await operator.request.get(`/knowledge/search?q=${encodeURIComponent('电动自行车')}`);
    expect(((await res.json()) as { articles: { title: string }[] }).articles.map((a) => a.title)).not.toContain(TITLE);
    await operator.context().close();
  });
});
