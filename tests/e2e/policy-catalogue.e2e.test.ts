import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCREENSHOT_DIR, baseUrl, launch, login, screenshot } from './browser';

// 政策库 end to end: the admin writes a policy with items and publishes it; the public list shows it without
// sign-in; a revision becomes version 2 while version 1 stays readable; another department's staff cannot
// open it; the policy book prints; an operator at intake searches 高龄 and cites an item of 高龄津贴.

const TITLE = `百岁老人长寿补贴${Date.now().toString(36)}`;
const form = (page: Page) => page.getByRole('form', { name: /新增政策|编辑政策/ });
const phase = (page: Page) => page.getByTestId('policy-phase');

describe('the policy catalogue', () => {
  let browser: Browser;
  let policyPath = '';
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('admin writes a policy with items and publishes it; the public list shows it without sign-in', async () => {
    const page = await login(browser, 'admin');
    await page.getByTestId('home-title').waitFor();
    await page.goto('/policy-catalogue/new');
    const f = form(page);
    // a bad submit is refused next to its fields
    await f.getByRole('button', { name: '保存草稿' }).click();
    await expect
      .poll(() => f.getByRole('alert').allTextContents())
      .toEqual(expect.arrayContaining(['标题至少 2 个字', '至少填写一名政策联络员']));
    expect(await f.getByLabel('政策名称').getAttribute('aria-invalid')).toBe('true');

    await f.getByLabel('政策名称').fill(TITLE);
    await f.getByLabel('政策层级').selectOption({ label: '市级' });
    await f.getByLabel('政策领域').selectOption({ label: '惠民' });
    await f.getByLabel('发文字号').fill('示卫发〔2026〕99号');
    await f.getByLabel('牵头单位').selectOption({ label: '市卫生健康委员会' });
    await f.getByLabel('首席代表').selectOption({ label: '市卫生健康委员会承办人' });
    await f.getByLabel('联络员 1 姓名').fill('老龄健康处 温和');
    await f.getByLabel('联络员 1 电话').fill('0571-87000199');
    await f.getByLabel('免申即享（无需申请，主动兑现）').check();
    await f.getByLabel('享受条件').fill('本市户籍年满100周岁的老年人。');
    await f.getByLabel('资格规则（JSON，可不填）').fill('{">=":[{"var":"age"},100]}');
    await f.getByLabel('享受内容').fill('每人每月长寿补贴500元。');
    await f.getByLabel('关键词（空格或顿号分隔）').fill('百岁 长寿补贴');
    await f.getByLabel('第 1 条').fill('第一条 本市户籍年满100周岁的老年人每人每月享受长寿补贴500元。');
    await f.getByRole('button', { name: '添加条款' }).click();
    await f.getByLabel('第 2 条').fill('第二条 补贴根据户籍数据按月主动发放，无需申请。');
    await f.getByRole('button', { name: '保存草稿' }).click();
    await expect.poll(() => phase(page).textContent()).toContain('草稿');
    policyPath = new URL(page.url()).pathname;

    await page.getByRole('region', { name: '政策操作' }).getByRole('button', { name: '发布', exact: true }).click();
    await expect.poll(() => phase(page).textContent()).toContain('已发布');
    expect(await phase(page).textContent()).toContain('已发布版本 v1');
    expect(await page.getByRole('list', { name: '修改记录' }).textContent()).toContain('管理员 吴军');
    await screenshot(page, 'policy-published');
    await page.context().close();

    const visitor = await browser.newContext({ baseURL: baseUrl(), locale: 'zh-CN' });
    const pub = await visitor.newPage();
    await pub.goto('/policies');
    await pub.getByRole('link', { name: TITLE }).click();
    await pub.getByRole('heading', { name: TITLE }).waitFor();
    expect(await pub.getByRole('list', { name: '政策条款' }).getByRole('listitem').allTextContents()).toEqual([
      '第一条 本市户籍年满100周岁的老年人每人每月享受长寿补贴500元。',
      '第二条 补贴根据户籍数据按月主动发放，无需申请。',
    ]);
    const body = (await pub.locator('article').textContent()) ?? '';
    expect(body).toContain('0571-87000199');
    // no staff names on the public side
    expect(body).not.toContain('温和');
    expect(body).not.toContain('承办人');
    await screenshot(pub, 'policy-public');
    await visitor.close();
  });

  it('a revision becomes version 2 on publication while version 1 stays readable', async () => {
    const page = await login(browser, 'admin');
    await page.getByTestId('home-title').waitFor();
    await page.goto(policyPath);
    await page.getByRole('button', { name: '修订' }).click();
    await expect.poll(() => phase(page).textContent()).toContain('修订中');
    const f = form(page);
    await f.getByLabel('享受内容').fill('每人每月长寿补贴800元。');
    await f.getByLabel('第 3 条').fill('第三条 对发放结果有异议的，可拨打12345热线反映。');
    await f.getByRole('button', { name: '保存修改' }).click();
    await page.getByRole('status').filter({ hasText: '已保存' }).waitFor();

    // until it is published, the public still reads version 1
    const visitor = await browser.newContext({ baseURL: baseUrl(), locale: 'zh-CN' });
    const pub = await visitor.newPage();
    const publicPath = policyPath.replace('/policy-catalogue/', '/policies/');
    await pub.goto(publicPath);
    expect(await pub.locator('article').textContent()).toContain('每人每月长寿补贴500元。');

    // the issuing document goes with the revision
    const upload = page.getByRole('form', { name: '上传政策附件' });
    await upload.getByLabel(/政策文件/).setInputFiles({
      name: '示卫发〔2026〕99号.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n%%EOF\n'),
    });
    await upload.getByRole('button', { name: '上传' }).click();
    await page.getByRole('list', { name: '政策附件' }).getByRole('link', { name: '示卫发〔2026〕99号.pdf' }).waitFor();

    await page.getByRole('button', { name: '发布为 v2' }).click();
    await expect.poll(() => phase(page).textContent()).toContain('已发布版本 v2');
    expect(await page.getByRole('list', { name: '修改记录' }).textContent()).toContain('改动：政策条款、享受内容');
    await screenshot(page, 'policy-revised');

    await pub.goto(publicPath);
    expect(await pub.locator('article').textContent()).toContain('每人每月长寿补贴800元。');
    expect(await pub.getByRole('list', { name: '政策条款' }).getByRole('listitem').count()).toBe(3);
    const file = pub.getByRole('list', { name: '政策附件' }).getByRole('link', { name: '示卫发〔2026〕99号.pdf' });
    const download = await pub.request.get((await file.getAttribute('href'))!);
    expect(download.status()).toBe(200);
    expect((await download.body()).toString()).toBe('%PDF-1.4\n%%EOF\n');
    await pub.getByRole('navigation', { name: '历史版本' }).getByRole('link', { name: 'v1' }).click();
    await pub.getByRole('note').filter({ hasText: '这是第 1 版，已不是现行版本。' }).waitFor();
    expect(await pub.locator('article').textContent()).toContain('每人每月长寿补贴500元。');
    expect(await pub.getByRole('list', { name: '政策条款' }).getByRole('listitem').count()).toBe(2);
    await screenshot(pub, 'policy-version-1');
    await visitor.close();
    await page.context().close();
  });

  it("another department's staff cannot open the policy; its own staff can", async () => {
    const other = await login(browser, 'handler2');
    await other.getByTestId('home-title').waitFor();
    expect((await other.goto(policyPath))?.status()).toBe(403);
    await other.goto('/policy-catalogue');
    expect(await other.getByRole('link', { name: TITLE }).count()).toBe(0);
    await other.context().close();

    const own = await login(browser, 'handler-f09');
    await own.getByTestId('home-title').waitFor();
    await own.goto('/policy-catalogue');
    await own.getByRole('link', { name: TITLE }).click();
    await expect.poll(() => phase(own).textContent()).toContain('已发布版本 v2');
    await own.context().close();
  });

  it('prints the policy book', async () => {
    const visitor = await browser.newContext({ baseURL: baseUrl(), locale: 'zh-CN' });
    const pub = await visitor.newPage();
    await pub.goto('/policies/book');
    await pub.getByRole('heading', { name: '惠企惠民政策汇编' }).waitFor();
    for (const domain of ['惠民', '惠企', '惠人才', '惠招商', '惠金融'])
      await pub.getByRole('region', { name: domain }).waitFor();
    expect(await pub.getByRole('region', { name: '惠民' }).textContent()).toContain(TITLE);
    await pub.emulateMedia({ media: 'print' });
    expect(await pub.getByRole('button', { name: '打印' }).isVisible()).toBe(false);
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const pdf = await pub.pdf({ path: path.join(SCREENSHOT_DIR, 'policy-book.pdf'), format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await visitor.close();
  });

  it('an operator at intake searches 高龄 and cites an item of 高龄津贴', async () => {
    const page = await login(browser, 'operator');
    await page.getByTestId('home-title').waitFor();
    await page.goto('/intake');
    await page.locator('html[data-hydrated]').waitFor();
    await page.getByText('当场答复（咨询类）').click();
    await page.getByLabel('搜索政策库').fill('高龄');
    const results = page.getByRole('list', { name: '政策库结果' });
    const hit = results.getByRole('listitem').filter({ hasText: '东城区80周岁以上老年人高龄津贴' }).first();
    await hit.waitFor();
    expect(await hit.textContent()).toContain('免申即享');
    expect(await hit.textContent()).toContain('民政科 许敏');
    await hit.getByRole('button', { name: '引用 东城区80周岁以上老年人高龄津贴 第 2 条' }).click();
    await expect.poll(() => page.getByLabel('答复内容').inputValue()).toContain('《东城区80周岁以上老年人高龄津贴》');
    expect(await page.getByLabel('答复内容').inputValue()).toContain('第 2 条：第二条 高龄津贴标准');
    await screenshot(page, 'policy-intake-search');
    // departments do not search at intake
    await page.context().close();
    const handler = await login(browser, 'handler');
    await handler.getByTestId('home-title').waitFor();
    expect((await handler.request.get(`/policies/search?q=${encodeURIComponent('高龄')}`)).status()).toBe(403);
    await handler.context().close();
  });
});
