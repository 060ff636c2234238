import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, login, screenshot } from './browser';

// The firms the city knows and the rule tester: an admin records a firm (a wrong check character refused), puts it
// on the blacklist, and tries a rule: an 80-year-old matches 高龄津贴, the blacklisted firm matches nothing.

const NAME = '示范市浏览器测试食品有限公司';
const WRONG = '91330100MA2B3C4D1B';
const CODE = '91330100MA2B3C4D1A';

const hydrated = (page: Page) => page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');

describe('admin: firms and eligibility rules', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('admin records a firm: a wrong check character is refused and nothing saved; corrected, saved and blacklisted', async () => {
    const page = await login(browser, 'admin');
    await page.getByTestId('home-title').waitFor();
    await page.goto('/admin/firms');
    await hydrated(page);
    const heading = page.getByRole('heading', { name: /^企业（\d+）/ });
    const total = Number(/（(\d+)）/.exec((await heading.textContent())!)![1]);
    expect(total).toBeGreaterThanOrEqual(300);

    const form = page.getByRole('form', { name: '新增企业' });
    await form.getByLabel('统一社会信用代码').fill(WRONG);
    await form.getByLabel('企业名称').fill(NAME);
    await form.getByLabel(/^行业代码/).fill('C13');
    await form.getByLabel('企业规模').selectOption('small');
    await form.getByLabel('成立日期').fill('2025-03-01');
    await form.getByLabel('所在区').selectOption({ label: '东城区' });
    await form.getByLabel('信用等级').selectOption('A');
    await form.getByLabel('联系电话 1').fill('13966668888');
    await form.getByLabel('联系人姓名 1').fill('钱经理');
    await form.getByLabel('联系人职务 1').fill('法定代表人');
    await form.getByRole('button', { name: '新增' }).click();
    await expect
      .poll(() => form.getByRole('alert').allTextContents())
      .toContain('统一社会信用代码校验位不正确，请核对');
    expect(await form.getByLabel('统一社会信用代码').getAttribute('aria-invalid')).toBe('true');
    // what was typed stays for the correction
    expect(await form.getByLabel('企业名称').inputValue()).toBe(NAME);
    await screenshot(page, 'admin-firm-bad-code');
    expect(Number(/（(\d+)）/.exec((await heading.textContent())!)![1])).toBe(total);

    await form.getByLabel('统一社会信用代码').fill(CODE);
    await form.getByRole('button', { name: '新增' }).click();
    const edit = page.getByRole('form', { name: `编辑企业 ${NAME}` });
    await edit.waitFor();
    await expect.poll(() => heading.textContent()).toContain(`（${total + 1}）`);
    expect(await edit.getByLabel('统一社会信用代码').inputValue()).toBe(CODE);

    // found by the contact's phone
    const search = page.getByRole('form', { name: '查找企业' });
    await search.getByLabel('名称、统一社会信用代码或联系电话').fill('13966668888');
    await search.getByRole('button', { name: '查找' }).click();
    const row = page.getByTestId(`firm-${CODE}`);
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain(NAME);
    await row.getByRole('link', { name: `编辑 ${NAME}` }).click();

    const blacklist = page.getByRole('form', { name: '列入黑名单' });
    await blacklist.getByRole('button', { name: '列入黑名单' }).click();
    await expect.poll(() => blacklist.getByRole('alert').allTextContents()).toContain('请填写列入黑名单的原因');
    await blacklist.getByLabel('列入原因').fill('骗取财政补贴资金，列入严重失信主体名单');
    await blacklist.getByRole('button', { name: '列入黑名单' }).click();
    const status = page.getByTestId('firm-blacklist-status');
    await expect.poll(() => status.textContent()).toMatch(/^自 \d{4}-\d{2}-\d{2} 起列入黑名单：骗取财政补贴资金/);
    await expect.poll(() => row.textContent()).toContain('黑名单');
    expect(await page.getByTestId('firm-history').textContent()).toMatch(/列入黑名单：骗取财政补贴资金.*登记企业/);
    expect(await page.getByRole('form', { name: '移出黑名单' }).count()).toBe(1);
    await screenshot(page, 'admin-firm-blacklisted');

    // the security audit holds the listing: who, the reason, and what changed
    await page.goto('/admin/security');
    const audit = page.getByRole('row').filter({ hasText: '骗取财政补贴资金' });
    await expect.poll(() => audit.count()).toBeGreaterThan(0);
    const text = (await audit.first().textContent()) ?? '';
    expect(text).toContain('列入黑名单');
    expect(text).toContain(CODE);
    expect(text).toContain('黑名单：否 → 是');
    expect(text).not.toContain('13966668888');
    await screenshot(page, 'admin-firm-audit');
    await page.context().close();
  });

  it('the rule tester: an 80-year-old sample matches 高龄津贴; the blacklisted firm matches nothing', async () => {
    const page = await login(browser, 'admin');
    await page.getByTestId('home-title').waitFor();
    await page.goto('/admin/eligibility');
    await hydrated(page);
    const form = page.getByRole('form', { name: '测试规则' });
    await form.getByLabel('规则（json-logic）').fill('{">=": [{"var": "age"}, 80]}');
    await form.getByLabel('或年龄（周岁）').fill('80');
    await form.getByRole('button', { name: '测试' }).click();
    const outcome = page.getByTestId('eligibility-outcome');
    await expect.poll(() => outcome.textContent()).toBe('符合');
    expect(await page.getByTestId('eligibility-facts').textContent()).toContain('80');
    await screenshot(page, 'eligibility-tester-aged-80');

    // the demo caller of README's sipp example, by the phone the city keeps the record under: 82, and
    // the tester shows the birth year only
    await form.getByRole('radio', { name: '已知市民（按电话）' }).check();
    await form.getByLabel('市民电话').fill('13800001111');
    await form.getByRole('button', { name: '测试' }).click();
    await expect.poll(() => page.getByRole('region', { name: /^测试结果/ }).textContent()).toContain('138****1111');
    expect(await outcome.textContent()).toBe('符合');
    const facts = await page.getByTestId('eligibility-facts').textContent();
    expect(facts).toContain('1944-**-**');
    expect(facts).not.toContain('1944-03-15');
    await form.getByRole('radio', { name: '样例个人' }).check();

    // 79 is one year short: the condition that failed is shown
    await form.getByLabel('或年龄（周岁）').fill('79');
    await form.getByRole('button', { name: '测试' }).click();
    await expect.poll(() => outcome.textContent()).toBe('不符合');
    expect(await page.getByTestId('condition').first().textContent()).toContain('✗');

    // the blacklisted firm, by its code, under a rule every firm meets
    await form.getByLabel('规则（json-logic）').fill('{"==": [{"var": "subject"}, "firm"]}');
    await form.getByLabel('已知企业（按统一社会信用代码）').check();
    await form.getByLabel('企业的统一社会信用代码').fill(CODE);
    await form.getByRole('button', { name: '测试' }).click();
    // the outcome reads 不符合 already (79), so wait for the reason to change
    await expect
      .poll(() => page.getByTestId('eligibility-reason').textContent())
      .toBe('已列入黑名单，不予匹配任何政策');
    expect(await outcome.textContent()).toBe('不符合');
    expect(await page.getByTestId('eligibility-facts').textContent()).toContain(CODE);
    await screenshot(page, 'eligibility-tester-blacklisted-firm');

    // the threshold is the city's: at A, a B-rated sample firm is kept out; back to B it passes
    const threshold = page.getByRole('form', { name: '信用门槛' });
    await threshold.getByLabel('最低信用等级').selectOption('A');
    await threshold.getByRole('button', { name: '保存门槛' }).click();
    await expect.poll(() => threshold.getByLabel('最低信用等级').inputValue()).toBe('A');
    await form.getByRole('radio', { name: '样例企业' }).check();
    await form.getByRole('group', { name: '样例企业' }).getByLabel('信用等级').selectOption('B');
    await form.getByRole('button', { name: '测试' }).click();
    await expect
      .poll(() => page.getByTestId('eligibility-reason').textContent())
      .toBe('信用等级低于门槛，不予匹配任何政策');
    await threshold.getByLabel('最低信用等级').selectOption('B');
    await threshold.getByRole('button', { name: '保存门槛' }).click();
    await form.getByRole('button', { name: '测试' }).click();
    await expect.poll(() => outcome.textContent()).toBe('符合');

    // a malformed rule is refused with its reason
    await form.getByLabel('规则（json-logic）').fill('{"older_than": 80}');
    await form.getByRole('button', { name: '测试' }).click();
    await expect.poll(() => outcome.textContent()).toBe('规则有误');
    expect(await page.getByRole('region', { name: /^测试结果/ }).textContent()).toContain('未知的运算符「older_than」');
    await page.context().close();
  });

  it('operators may neither keep firms nor test rules', async () => {
    const page = await login(browser, 'operator');
    await page.getByTestId('home-title').waitFor();
    expect((await page.goto('/admin/firms'))?.status()).toBe(403);
    expect((await page.goto('/admin/eligibility'))?.status()).toBe(403);
    await page.context().close();
  });
});
