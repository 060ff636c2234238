import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, login, postHeaders, screenshot } from './browser';

const form = (page: Page) => page.getByRole('form', { name: '诉求登记' });

async function fillComplaint(page: Page, opts: { phone: string; title: string }) {
  const f = form(page);
  await f.getByLabel('诉求人电话').fill(opts.phone);
  await f.getByLabel('诉求人姓名').fill('赵女士');
  await f.getByLabel('投诉').check();
  await f.getByLabel('分类（输入关键字选择）').fill('0201 环境卫生（市容环境）');
  await f.getByLabel('标题').fill(opts.title);
  await f.getByLabel('诉求内容').fill('小区东门垃圾桶已经三天没有清运，气味很大，请尽快处理。');
  await f.getByLabel('地址').fill('示范市人民路100号');
}

describe('operator intake', () => {
  let browser: Browser;
  let firstNumber = '';
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('records a complaint while talking and submits it for dispatch', async () => {
    const page = await login(browser, 'operator');
    await page.getByTestId('home-title').waitFor();
    await page.goto('/intake?phone=13911112222');
    await fillComplaint(page, { phone: '13911112222', title: '东门垃圾清运不及时' });
    await form(page).getByRole('button', { name: '提交（Ctrl+Enter）' }).click();
    await page.getByTestId('appeal-number').waitFor();
    expect(await page.getByTestId('appeal-phase').textContent()).toBe('待派单');
    firstNumber = (await page.getByTestId('appeal-number').textContent())!;
    const timeline = await page.getByTestId('timeline').textContent();
    expect(timeline).toContain('登记');
    expect(timeline).toContain('草稿 → 待派单');
    await screenshot(page, 'intake-submitted');
    await page.context().close();
  });

  it('shows the caller history, then hints the duplicate and merges into it', async () => {
    const page = await login(browser, 'operator');
    await page.getByTestId('home-title').waitFor();
    await page.goto('/intake?phone=13911112222');
    expect(await page.getByTestId('caller-history').textContent()).toContain(firstNumber);
    await fillComplaint(page, { phone: '13911112222', title: '再次反映垃圾问题' });
    const hint = page.getByRole('region', { name: '疑似重复' });
    await hint.waitFor();
    expect(await hint.textContent()).toContain(firstNumber);
    await screenshot(page, 'intake-duplicate-hint');
    await hint.getByRole('listitem').filter({ hasText: firstNumber }).getByRole('button', { name: '合并到此' }).click();
    await page.getByTestId('appeal-number').waitFor();
    expect(await page.getByTestId('appeal-phase').textContent()).toBe('已合并');
    expect(await page.getByTestId('timeline').textContent()).toContain('合并');
    await page.context().close();
  });

  it('answers a consultation on the spot from the knowledge base', async () => {
    const page = await login(browser, 'operator');
    await page.getByTestId('home-title').waitFor();
    await page.goto('/intake');
    await page.waitForLoadState('networkidle'); // hydrated: a click before that is the browser's own submit
    const f = form(page);
    await f.getByLabel('咨询').check();
    await f.getByLabel('分类（输入关键字选择）').fill('1001 户籍办理（政策咨询）');
    await f.getByLabel('标题').fill('新生儿落户材料');
    await f.getByLabel('诉求内容').fill('孩子刚出生，咨询办理落户需要哪些材料。');
    await page.getByText('当场答复（咨询类）').click();
    await f.getByLabel('搜索知识库').fill('新生儿');
    const results = page.getByRole('list', { name: '知识库结果' });
    await results.waitFor();
    await results.getByRole('listitem').first().getByRole('button', { name: '引用' }).click();
    const quoted = await f.getByLabel('答复内容').inputValue();
    expect(quoted).toContain('出生医学证明');
    await f.getByRole('button', { name: '当场答复并办结' }).click();
    await page.getByTestId('appeal-number').waitFor();
    expect(await page.getByTestId('appeal-phase').textContent()).toBe('已当场答复');
    const timeline = await page.getByTestId('timeline').textContent();
    expect(timeline).toContain('当场答复');
    expect(timeline).toContain(quoted.slice(0, 20));
    await screenshot(page, 'intake-answered-from-knowledge-base');
    await page.context().close();
  });

  it('shows field errors for bad input and creates nothing', async () => {
    const page = await login(browser, 'operator');
    await page.getByTestId('home-title').waitFor();
    await page.goto('/intake');
    await page.waitForLoadState('networkidle'); // hydrated: a click before that is the browser's own submit
    await form(page).getByLabel('诉求人电话').fill('12ab');
    await form(page).getByRole('button', { name: '提交（Ctrl+Enter）' }).click();
    await expect.poll(() => form(page).getByRole('alert').count()).toBeGreaterThan(3);
    const text = await form(page).textContent();
    expect(text).toContain('电话号码格式不正确');
    expect(text).toContain('请选择诉求类型');
    expect(new URL(page.url()).pathname).toBe('/intake');
    await screenshot(page, 'intake-field-errors');
    await page.context().close();
  });

  it('creates one appeal when the same form is submitted twice', async () => {
    const page = await login(browser, 'operator');
    await page.getByTestId('home-title').waitFor();
    await page.goto('/intake');
    await page.waitForLoadState('networkidle'); // hydrated: a click before that is the browser's own submit
    const key = await form(page).locator('input[name=requestKey]').inputValue();
    const body = {
      requestKey: key,
      intent: 'submit',
      type: 'help',
      category: '0301 停水（公用事业）',
      title: '突然停水',
      content: '整栋楼从早上开始停水，没有通知。',
      callerPhone: '13922223333',
    };
    const headers = await postHeaders(page);
    const post = () => page.request.post('/intake', { form: body, headers, maxRedirects: 0 });
    const [a, b] = await Promise.all([post(), post()]);
    expect(a.status()).toBe(302);
    expect(b.status()).toBe(302);
    expect(a.headers().location).toBe(b.headers().location);
    await page.goto(a.headers().location);
    expect(await page.getByTestId('appeal-phase').textContent()).toBe('待派单');
    await page.context().close();
  });
});
