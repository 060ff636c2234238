import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, login, postHeaders, screenshot } from './browser';
import { recordComplaint } from './journeys';
import {
  ARBITRATION_PARTY_FIELDS,
  act,
  beijingDay,
  caseForm,
  casePhase,
  openCase,
  referAppeal,
} from './referral-helpers';

// A working day at the referral agencies: a session is recorded as held only once it has been
// (point 24), a labour arbitration names its parties and prints its award (25), and the mediation
// agreement names the parties in full, printed only by those allowed and recorded (26).

const dir = mkdtempSync(path.join(os.tmpdir(), 'day-referral-'));
/** The PDF's text as poppler reads it, whitespace removed (CJK lines wrap anywhere). */
function pdfText(bytes: Buffer): string {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, bytes);
  return execFileSync('pdftotext', ['-enc', 'UTF-8', '-layout', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
}

/** Posts a case form's fields as the signed-in page would, bypassing what the page offers. */
async function postCase(page: Page, caseUrl: string, fields: Record<string, string | string[]>) {
  const version = await page.locator('input[name="version"]').first().getAttribute('value');
  const form = new URLSearchParams();
  form.set('_csrf', (await page.locator('meta[name="csrf-token"]').getAttribute('content')) ?? '');
  form.set('version', version ?? '');
  for (const [k, v] of Object.entries(fields)) for (const x of [v].flat()) form.append(k, x);
  return page.request.post(caseUrl, {
    headers: { ...(await postHeaders(page)), 'content-type': 'application/x-www-form-urlencoded' },
    data: form.toString(),
    maxRedirects: 0,
  });
}

/** Prints a case document through its print form's address, as that form posts it. */
async function print(page: Page, caseUrl: string, document: 'agreement' | 'award') {
  return page.request.post(`${caseUrl}/${document}.pdf`, {
    headers: await postHeaders(page),
    form: { _csrf: (await page.locator('meta[name="csrf-token"]').getAttribute('content')) ?? '' },
  });
}

const alertIn = (page: Page, form: string) => caseForm(page, form).getByRole('alert');

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('24: a session is recorded as held only once its planned time has come', () => {
  const title = `楼道堆物邻里纠纷 ${Date.now().toString(36)}`;
  let caseUrl: string;

  beforeAll(async () => {
    const url = await recordComplaint(browser, { phone: '13955550024', title });
    const page = await referAppeal(browser, url, '市人民调解委员会（人民调解）', '楼道堆物纠纷，建议调解');
    await page.context().close();
  });

  it('offers no recording for a session planned for next week, and refuses one posted anyway', async () => {
    const page = await openCase(browser, 'mediator', title);
    caseUrl = new URL(page.url()).pathname;
    await act(page, '受理');
    await expect.poll(() => casePhase(page)).toBe('调解中');
    await act(page, '添加当事人', { 姓名: '孙立', 当事人身份: 'applicant' });
    await act(page, '添加当事人', { 姓名: '吴涛', 当事人身份: 'respondent' });
    const nextWeek = beijingDay(8);
    await act(page, '安排调解', { '时间（北京时间）': `${nextWeek}T09:30`, 地点: '社区人民调解室' });
    const sessions = page.getByTestId('referral-sessions');
    await expect.poll(() => sessions.textContent()).toContain(`${nextWeek} 09:30`);
    expect(await sessions.textContent()).toContain('待进行');
    // Nothing to record yet: the form is not offered.
    expect(await caseForm(page, '记录调解').count()).toBe(0);

    // Posted by hand, it is refused with the reason and the session stays as planned.
    const res = await postCase(page, caseUrl, {
      intent: 'RECORD_SESSION',
      no: '1',
      minutes: '双方到场陈述。',
      'attendeePartyIds-present': '1',
      attendeePartyIds: ['1', '2'],
    });
    expect(res.status()).toBe(400);
    expect(await res.text()).toContain('尚未到约定时间，不能记录为已举行');
    await page.reload();
    await page.getByTestId('referral-phase').waitFor();
    expect(await page.getByTestId('referral-sessions').textContent()).toContain('待进行');
    expect(await page.getByTestId('referral-sessions').textContent()).not.toContain('已进行');
    await page.context().close();
  });

  it("records yesterday's session with the time it was held, never before it was planned nor later than now", async () => {
    const page = await openCase(browser, 'mediator', title);
    const yesterday = beijingDay(-1);
    await act(page, '安排调解', { '时间（北京时间）': `${yesterday}T09:30`, 地点: '街道司法所' });
    const form = caseForm(page, '记录调解');
    await expect.poll(() => form.count()).toBe(1);
    // Only the session whose time has come can be chosen.
    const choices = await form.getByLabel('场次', { exact: true }).locator('option').allTextContents();
    expect(choices).toHaveLength(1);
    expect(choices[0]).toContain(`${yesterday} 09:30`);

    const heldAt = '举行时间（北京时间，不填为现在）';
    const minutes = '双方同意清理楼道堆放物品。';
    await act(page, '记录调解', { 调解笔录: minutes, [heldAt]: `${beijingDay(-2)}T10:00` }, { 孙立: true, 吴涛: true });
    await expect.poll(() => alertIn(page, '记录调解').allTextContents()).toContain('举行时间不能早于约定时间');
    await act(page, '记录调解', { 调解笔录: minutes, [heldAt]: `${beijingDay(1)}T10:00` }, { 孙立: true, 吴涛: true });
    await expect.poll(() => alertIn(page, '记录调解').allTextContents()).toContain('举行时间不能晚于当前时间');
    await screenshot(page, 'day-referral-session-refused');

    await act(page, '记录调解', { 调解笔录: minutes, [heldAt]: `${yesterday}T10:15` }, { 孙立: true, 吴涛: true });
    const sessions = page.getByTestId('referral-sessions');
    await expect.poll(() => sessions.textContent()).toContain(minutes);
    const items = await sessions.locator('li').allTextContents();
    expect(items[0]).toContain('待进行');
    expect(items[1]).toContain(`已进行 ${yesterday} 10:15`);
    expect(await caseForm(page, '记录调解').count()).toBe(0);
    await screenshot(page, 'day-referral-session-recorded');
    await page.context().close();
  });
});

describe('25: a labour arbitration names its parties and prints its award', () => {
  const title = `餐馆拖欠厨师工资 ${Date.now().toString(36)}`;
  let caseUrl: string;

  beforeAll(async () => {
    const url = await recordComplaint(browser, { phone: '13955550025', title });
    const page = await referAppeal(browser, url, '市劳动人事争议仲裁院（劳动仲裁）', '拖欠工资，建议劳动仲裁');
    await page.context().close();
  });

  it('records the applicant and the employer, checking the ID number and the credit code', async () => {
    const page = await openCase(browser, 'arbitrator', title);
    caseUrl = new URL(page.url()).pathname;
    expect(await page.getByRole('heading', { name: '当事人与仲裁请求' }).count()).toBe(1);
    await act(page, '登记当事人', { ...ARBITRATION_PARTY_FIELDS, 统一社会信用代码: '91350100M000100Y44' });
    await expect
      .poll(() => alertIn(page, '登记当事人').allTextContents())
      .toContain('统一社会信用代码校验位不正确，请核对');
    await act(page, '登记当事人', { ...ARBITRATION_PARTY_FIELDS, 申请人身份证号: '110105194912310021' });
    await expect
      .poll(() => alertIn(page, '登记当事人').allTextContents())
      .toContain('身份证号不正确，请核对（18 位，末位为校验码）');
    expect(await page.getByTestId('arbitration-parties').count()).toBe(0);

    await act(page, '登记当事人', ARBITRATION_PARTY_FIELDS);
    const parties = page.getByTestId('arbitration-parties');
    await expect.poll(() => parties.count()).toBe(1);
    const shown = (await parties.textContent()) ?? '';
    expect(shown).toContain('赵铁柱');
    expect(shown).toContain('110105********002X');
    expect(shown).not.toContain('11010519491231002X');
    expect(shown).toContain('示范市顺达物流有限公司');
    expect(shown).toContain('91350100M000100Y43');
    expect(shown).toContain('支付拖欠工资人民币壹万贰仟元');

    await act(page, '受理');
    await expect.poll(() => casePhase(page)).toBe('已受理');
    // Corrected before the hearing: the form comes filled in, the ID number is kept when left empty.
    const f = caseForm(page, '登记当事人');
    expect(await f.getByLabel('单位名称', { exact: true }).inputValue()).toBe('示范市顺达物流有限公司');
    await act(page, '登记当事人', { 仲裁请求: '支付拖欠工资人民币壹万贰仟元及经济补偿金。' });
    await expect.poll(() => parties.textContent()).toContain('经济补偿金');
    expect(await parties.textContent()).toContain('110105********002X');
    await screenshot(page, 'day-referral-arbitration-parties');
    await page.context().close();
  });

  it('after the hearing the parties stand; the award prints with both parties in full for the arbitrator only', async () => {
    const page = await openCase(browser, 'arbitrator', title);
    await act(page, '安排开庭', { '时间（北京时间）': `${beijingDay(-1)}T14:00`, 地点: '仲裁院第二仲裁庭' });
    await act(page, '记录开庭', { 庭审笔录: '双方到庭，被申请人承认拖欠工资。' });
    await expect.poll(() => casePhase(page)).toBe('已开庭');
    expect(await caseForm(page, '登记当事人').count()).toBe(0);
    await act(page, '作出裁决', {
      裁决内容: '被申请人于裁决生效之日起十日内支付申请人工资壹万贰仟元。',
      是否解决: 'yes',
    });
    await expect.poll(() => casePhase(page)).toBe('已裁决');
    const printForm = page.getByRole('form', { name: '打印裁决书' });
    expect(await printForm.count()).toBe(1);
    expect(await printForm.getAttribute('action')).toBe(`${caseUrl}/award.pdf`);
    expect(await printForm.getAttribute('target')).toBe('_blank');

    const res = await print(page, caseUrl, 'award');
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toBe('application/pdf');
    const text = pdfText(Buffer.from(await res.body()));
    expect(text).toContain('劳动争议仲裁裁决书');
    expect(text).toMatch(/编号：ZC\d{10}/);
    expect(text).toContain(
      '申请人：姓名：赵铁柱，身份证号：11010519491231002X，住址：示范市东城区和平里5号，联系电话：13700001111',
    );
    expect(text).toContain('名称：示范市顺达物流有限公司，统一社会信用代码：91350100M000100Y43');
    expect(text).toContain('经济补偿金');
    expect(text).toContain('被申请人于裁决生效之日起十日内支付申请人工资壹万贰仟元');
    await page.reload();
    await page.getByTestId('referral-phase').waitFor();
    await expect.poll(() => page.getByTestId('print-log').textContent()).toContain('打印了仲裁裁决书');
    await screenshot(page, 'day-referral-award');
    await page.context().close();

    // The reviewer follows the case but does not print it, not even by posting.
    const reviewer = await login(browser, 'reviewer');
    await reviewer.getByTestId('home-title').waitFor();
    await reviewer.goto(caseUrl);
    await reviewer.getByTestId('referral-phase').waitFor();
    expect(await reviewer.getByRole('form', { name: '打印裁决书' }).count()).toBe(0);
    expect((await print(reviewer, caseUrl, 'award')).status()).toBe(403);
    await reviewer.context().close();
  });
});

describe('26: the mediation agreement names the parties in full, printed only by those allowed and recorded', () => {
  const title = `装修噪声邻里纠纷 ${Date.now().toString(36)}`;
  let caseUrl: string;

  beforeAll(async () => {
    const url = await recordComplaint(browser, { phone: '13955550026', title });
    const page = await referAppeal(browser, url, '市人民调解委员会（人民调解）', '装修噪声纠纷，建议调解');
    await page.context().close();
    const mediator = await openCase(browser, 'mediator', title);
    caseUrl = new URL(mediator.url()).pathname;
    await act(mediator, '受理');
    await mediator.getByTestId('referral-phase').filter({ hasText: '调解中' }).waitFor();
    await mediator.context().close();
  });

  it('records ID numbers and addresses, shows them masked, and prints them in full', async () => {
    const page = await openCase(browser, 'mediator', title);
    await act(page, '添加当事人', {
      姓名: '郑小红',
      当事人身份: 'applicant',
      '电话（可选）': '13912340026',
      '身份证号（可选）': '110105194912310021',
    });
    await expect
      .poll(() => alertIn(page, '添加当事人').allTextContents())
      .toContain('身份证号不正确，请核对（18 位，末位为校验码）');
    await act(page, '添加当事人', {
      姓名: '郑小红',
      当事人身份: 'applicant',
      '电话（可选）': '13912340026',
      '身份证号（可选）': '11010519491231002x',
      '住址（可选）': '示范市幸福路8号2单元301室',
    });
    await act(page, '添加当事人', {
      姓名: '冯大力',
      当事人身份: 'respondent',
      '电话（可选）': '13912340027',
      '身份证号（可选）': '110101199003071233',
      '住址（可选）': '示范市幸福路8号2单元401室',
    });
    const parties = page.getByTestId('referral-parties');
    await expect.poll(() => parties.locator('tbody tr').count()).toBe(2);
    const shown = (await parties.textContent()) ?? '';
    expect(shown).toContain('110105********002X');
    expect(shown).toContain('示范市幸福路8号2单元301室');
    expect(shown).toContain('139****0026');
    expect(await page.content()).not.toContain('11010519491231002X');

    await act(page, '安排调解', { '时间（北京时间）': `${beijingDay(-1)}T09:30`, 地点: '社区人民调解室' });
    await act(
      page,
      '记录调解',
      { 调解笔录: '双方同意装修时间为工作日 9 时至 18 时。' },
      { 郑小红: true, 冯大力: true },
    );
    await act(page, '达成协议', { 协议内容: '冯大力仅在工作日9时至18时装修，并向郑小红赔偿人民币伍佰元。' });
    await expect.poll(() => casePhase(page)).toBe('已达成协议');

    // The address opened by itself prints nothing: it goes back to the case.
    const get = await page.request.get(`${caseUrl}/agreement.pdf`, { maxRedirects: 0 });
    expect(get.status()).toBe(302);
    expect(get.headers()['content-type'] ?? '').not.toContain('pdf');

    const res = await print(page, caseUrl, 'agreement');
    expect(res.status()).toBe(200);
    const text = pdfText(Buffer.from(await res.body()));
    expect(text).toContain('人民调解协议书');
    expect(text).toContain(
      '申请人：姓名：郑小红，身份证号：11010519491231002X，住址：示范市幸福路8号2单元301室，联系电话：13912340026',
    );
    expect(text).toContain(
      '被申请人：姓名：冯大力，身份证号：110101199003071233，住址：示范市幸福路8号2单元401室，联系电话：13912340027',
    );
    expect(text).not.toContain('****');
    await page.reload();
    await page.getByTestId('referral-phase').waitFor();
    await expect.poll(() => page.getByTestId('print-log').textContent()).toContain('调解员 赵敏 打印了调解协议书');
    await screenshot(page, 'day-referral-agreement');
    await page.context().close();
  });

  it('the dispatcher follows the case masked and cannot print; the supervisor prints and sees every print', async () => {
    const dispatcher = await login(browser, 'dispatcher');
    await dispatcher.getByTestId('home-title').waitFor();
    await dispatcher.goto(caseUrl);
    await dispatcher.getByTestId('referral-phase').waitFor();
    expect(await dispatcher.getByRole('form', { name: '打印协议书' }).count()).toBe(0);
    expect(await dispatcher.getByTestId('print-log').count()).toBe(0);
    expect((await print(dispatcher, caseUrl, 'agreement')).status()).toBe(403);
    await dispatcher.context().close();

    const supervisor = await login(browser, 'supervisor');
    await supervisor.getByTestId('home-title').waitFor();
    await supervisor.goto(caseUrl);
    await supervisor.getByTestId('referral-phase').waitFor();
    expect(await supervisor.getByRole('form', { name: '打印协议书' }).count()).toBe(1);
    expect((await print(supervisor, caseUrl, 'agreement')).status()).toBe(200);
    await supervisor.reload();
    await supervisor.getByTestId('referral-phase').waitFor();
    const log = await supervisor.getByTestId('print-log').locator('li').allTextContents();
    expect(log).toHaveLength(2);
    expect(log[0]).toContain('值班长 周涛 打印了调解协议书');
    expect(log[1]).toContain('调解员 赵敏 打印了调解协议书');
    await supervisor.context().close();
  });
});
