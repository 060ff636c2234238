import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, login, screenshot } from './browser';
import { act, open, phase, recordComplaint, submit } from './journeys';

// The dispatcher's day: the grouped, searchable department picker; the 派单目录 from the admin's entry to a
// one-click dispatch; reclassification in triage; and the 退单 reason beside the ruling. Each test files
// its own appeals.

/** The operator records an appeal of `category` (as the intake's category box offers it) in a grid. */
async function recordInGrid(
  browser: Browser,
  opts: { category: string; grid: string; title: string; phone: string },
): Promise<string> {
  const page = await login(browser, 'operator');
  await page.getByTestId('home-title').waitFor();
  await page.goto('/intake');
  const f = page.getByRole('form', { name: '诉求登记' });
  await f.getByLabel('诉求人电话').fill(opts.phone);
  await f.getByLabel('诉求人姓名').fill('钱女士');
  await f.getByLabel('求助').check();
  await f.getByLabel('分类（输入关键字选择）').fill(opts.category);
  await f.getByLabel('标题').fill(opts.title);
  await f.getByLabel('诉求内容').fill('楼上邻居长期深夜装修，多次沟通无果，希望协调处理。');
  await f.locator('select[name="gridId"]').selectOption({ label: opts.grid });
  await f.getByRole('button', { name: '提交（Ctrl+Enter）' }).click();
  // A screenshot of the form if the appeal page never comes, to tell a refused form from a slow machine.
  await page
    .getByTestId('appeal-number')
    .waitFor()
    .catch(async (e: unknown) => {
      await screenshot(page, 'day-dispatch-intake-failed');
      throw e;
    });
  const url = new URL(page.url()).pathname;
  await page.context().close();
  return url;
}

const visibleOptions = (picker: ReturnType<Page['getByTestId']>, role: 'radio' | 'checkbox') =>
  picker.locator(`label:not([hidden]) input[type=${role}]`);

describe('the dispatcher: picker, 派单目录, reclassification, 退单 reason', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('picks the lead from a grouped, searchable list and several assisting units by plain clicks', async () => {
    const url = await recordComplaint(browser, { phone: '13955550801', title: '摊位占道需多部门联合整治' });
    const d = await open(browser, 'dispatcher', url);
    const form = act(d, '派单');
    const lead = form.getByTestId('department-picker-departmentId');
    const assisting = form.getByTestId('department-picker-assistingDepartmentIds');
    // Grouped by level and type; referral agencies are not offered (they go through 转介).
    for (const group of ['区', '街道', '社区', '市直部门'])
      await expect.poll(() => lead.getByRole('group', { name: group, exact: true }).count()).toBe(1);
    expect(await lead.getByRole('radio', { name: '市人民调解委员会' }).count()).toBe(0);
    expect(await lead.getByRole('radio', { name: '市城市管理局' }).isChecked()).toBe(true); // the category's unit

    // Filter as one types, by name …
    await lead.getByLabel('筛选主办').fill('水务');
    await expect.poll(() => visibleOptions(lead, 'radio').count()).toBe(1);
    await lead.getByRole('radio', { name: '市水务集团' }).check();
    await expect.poll(() => lead.getByTestId('picker-chip').textContent()).toContain('市水务集团');
    // … and the lead cannot also assist.
    expect(await assisting.getByRole('checkbox', { name: '市水务集团' }).isDisabled()).toBe(true);
    await lead.getByLabel('筛选主办').fill('城市管理');
    await lead.getByRole('radio', { name: '市城市管理局' }).check();

    // … or by code; several assisting units with plain clicks, no Ctrl.
    await assisting.getByLabel('筛选协办').fill('S01');
    await expect.poll(() => visibleOptions(assisting, 'checkbox').count()).toBe(2);
    await assisting.getByRole('checkbox', { name: '朝阳街道' }).click();
    await assisting.getByLabel('筛选协办').fill('公安');
    await assisting.getByRole('checkbox', { name: '市公安局' }).click();
    await assisting.getByLabel('筛选协办').fill('市场监督');
    await assisting.getByRole('checkbox', { name: '市市场监督管理局' }).click();
    await expect.poll(() => assisting.getByTestId('picker-chip').count()).toBe(3);
    // A chip's × takes the unit off again, even while the search hides it.
    await assisting.getByRole('button', { name: '移除 市市场监督管理局' }).click();
    await expect.poll(() => assisting.getByTestId('picker-chip').allTextContents()).toEqual(['朝阳街道×', '市公安局×']);
    await screenshot(d, 'day-dispatch-picker');

    await submit(d, '派单');
    await expect.poll(() => phase(d)).toBe('待签收');
    const record = d.getByRole('region', { name: '派单记录' });
    await expect.poll(() => record.textContent()).toContain('市城市管理局（主办');
    const text = (await record.textContent()) ?? '';
    expect(text).toContain('朝阳街道（协办');
    expect(text).toContain('市公安局（协办');
    expect(text).not.toContain('市市场监督管理局');
    await d.context().close();
  });

  it('an admin adds a 派单目录 entry; a matching appeal shows its reason and is dispatched in one click', async () => {
    const admin = await login(browser, 'admin');
    await admin.goto('/admin/dispatch-catalogue');
    const add = admin.getByRole('form', { name: '新增目录条目' });
    const category = add.getByLabel('分类');
    await category.selectOption(
      (await category.locator('option', { hasText: '1101 邻里纠纷' }).getAttribute('value'))!,
    );
    await add.getByLabel('区域（区、街道或网格）').selectOption({ label: '和平街道（东城区）' });
    await add
      .getByTestId('department-picker-leadDepartmentId')
      .getByRole('radio', { name: /^和平街道 / })
      .check();
    const assist = add.getByTestId('department-picker-assistingDepartmentIds');
    await assist.getByLabel('筛选协办').fill('公安');
    await assist.getByRole('checkbox', { name: '市公安局' }).click();
    await add.getByRole('button', { name: '新增' }).click();
    await admin.waitForLoadState('networkidle');
    const row = admin.locator('tr', { hasText: '1101 邻里纠纷' }).filter({ hasText: '和平街道' }).last();
    await expect.poll(() => row.textContent()).toContain('市公安局');
    expect(await row.getByTestId('catalogue-status').textContent()).toBe('有效');
    await screenshot(admin, 'day-dispatch-catalogue-admin');
    await admin.context().close();

    const url = await recordInGrid(browser, {
      category: '1101 邻里纠纷（矛盾纠纷）',
      grid: '和平里社区第1网格',
      title: '邻居深夜装修噪声',
      phone: '13955550802',
    });
    const d = await open(browser, 'dispatcher', url);
    const quick = d.getByTestId('catalogue-dispatch');
    await expect.poll(() => quick.getByTestId('catalogue-reason').textContent()).toContain('派单目录: 1101 × 和平街道');
    expect(await quick.textContent()).toContain('协办：市公安局');
    // The dispatch form is preselected from the same entry.
    const form = act(d, '派单');
    expect(await form.getByTestId('dispatch-suggestions').textContent()).toContain('派单目录: 1101 × 和平街道');
    expect(await form.getByRole('radio', { name: /^和平街道 / }).isChecked()).toBe(true);
    expect(await form.getByRole('checkbox', { name: '市公安局' }).isChecked()).toBe(true);
    await screenshot(d, 'day-dispatch-catalogue-suggestion');
    await quick.getByRole('button', { name: '按目录派单' }).click();
    await expect.poll(() => phase(d)).toBe('待签收');
    const record = d.getByRole('region', { name: '派单记录' });
    await expect.poll(() => record.textContent()).toContain('和平街道（主办');
    expect(await record.textContent()).toContain('市公安局（协办');
    await d.context().close();
  });

  it('the dispatcher corrects an appeal in triage: old → new in the timeline and a new deadline', async () => {
    const url = await recordComplaint(browser, { phone: '13955550803', title: '占道经营分类待更正' });
    const d = await open(browser, 'dispatcher', url);
    const deadline = async () => (await d.getByRole('region', { name: '时限', exact: true }).textContent()) ?? '';
    const before = await deadline();
    const form = act(d, '更正分类');
    await form.getByLabel('紧急程度').selectOption('urgent');
    await form.getByLabel('类型').selectOption('report');
    await form.getByLabel('地址').fill('示范市中山路 18 号菜市场东门');
    await form.getByLabel('所在网格').selectOption({ label: '向阳社区第1网格' });
    await submit(d, '更正分类');
    const timeline = d.getByTestId('timeline');
    await expect.poll(() => timeline.getByTestId('reclassification-changes').count()).toBe(1);
    const changes = d.getByTestId('reclassification-changes');
    expect(await changes.getByTestId('reclassified-urgency').textContent()).toBe('紧急程度：一般 → 紧急');
    expect(await changes.getByTestId('reclassified-appealType').textContent()).toBe('类型：投诉 → 举报');
    expect(await changes.getByTestId('reclassified-address').textContent()).toContain('→ 示范市中山路 18 号菜市场东门');
    expect(await changes.getByTestId('reclassified-grid').textContent()).toBe('所在网格：— → G01 向阳社区第1网格');
    const due = (await changes.getByTestId('reclassified-dueAt').textContent()) ?? '';
    const [, from, to] = /办理时限：(.+) → (.+)/.exec(due) ?? [];
    expect(from && to && to < from).toBe(true); // urgent is sooner than normal
    expect(before).toContain(from);
    await expect.poll(deadline).toContain(to);
    expect(await phase(d)).toBe('待派单');
    await screenshot(d, 'day-dispatch-reclassified');

    // Nothing changed is refused with a clear message, and no second entry appears.
    await submit(d, '更正分类');
    await expect.poll(() => act(d, '更正分类').getByRole('alert').textContent()).toContain('没有需要更正的内容');
    expect(await timeline.getByTestId('reclassification-changes').count()).toBe(1);
    await d.context().close();
  });

  it("shows the department's 退单 reason inside the ruling forms", async () => {
    const url = await recordComplaint(browser, { phone: '13955550804', title: '退单理由应在裁定旁' });
    const d = await open(browser, 'dispatcher', url);
    await act(d, '派单').getByRole('radio', { name: '市城市管理局' }).check();
    await submit(d, '派单');
    await d.context().close();
    const h = await open(browser, 'handler', url);
    const reason = '该市场属街道自管，请改派朝阳街道。';
    await submit(h, '申请退单', { 理由: reason });
    await expect.poll(() => phase(h)).toBe('退单待审');
    await h.context().close();

    const d2 = await open(browser, 'dispatcher', url);
    for (const ruling of ['同意退单', '驳回退单'])
      await expect.poll(() => act(d2, ruling).getByTestId('return-reason').textContent()).toContain(reason);
    await screenshot(d2, 'day-dispatch-return-reason');
    await submit(d2, '同意退单');
    await expect.poll(() => phase(d2)).toBe('待派单');
    await d2.context().close();
  });
});
