import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, login, screenshot } from './browser';
import { act, chooseUnits, open, phase, recordComplaint, submit } from './journeys';
import { png } from './png';

// The reviewer's and callback agent's day: the reply under review beside the buttons, a callback dialled while
// the phone system is down, where a redo goes, what the callback's timeline rows say, and the SMS the citizen got.

const REPLY = '已责令商户退回市场内经营，并在路口设置了隔离栏。';
const RECEIVED = '【12345】您的诉求已受理，编号 {appealNo}，办理时限 {dueAt}。';

/** Waits (with the locator's own wait, usable outside a test too) until the appeal shows the phase. */
const phaseIs = (page: Page, label: string) =>
  page.locator('[data-testid="appeal-phase"]', { hasText: new RegExp(`^${label}$`) }).waitFor();

async function dispatchToCityManagement(browser: Browser, url: string) {
  const d = await open(browser, 'dispatcher', url);
  await chooseUnits(d, '市城市管理局');
  await submit(d, '派单');
  await phaseIs(d, '待签收');
  await d.context().close();
}

/** The handler accepts and replies, with a photo uploaded while handling; returns the photo's file name. */
async function handleAndReply(browser: Browser, url: string): Promise<string> {
  const h = await open(browser, 'handler', url);
  await submit(h, '签收');
  await phaseIs(h, '办理中');
  const files = h.getByRole('region', { name: '附件' });
  const fileName = `整改照片-${Math.random().toString(36).slice(2, 8)}.png`;
  await files
    .getByLabel('上传附件')
    .setInputFiles({ name: fileName, mimeType: 'image/png', buffer: png(4, 4, [0, 160, 0]) });
  await files.getByRole('button', { name: '上传', exact: true }).click();
  await files.getByText(fileName).waitFor();
  await submit(h, '办理答复', { 办理结果: REPLY, 是否解决: 'yes' });
  await phaseIs(h, '待审核');
  await h.context().close();
  return fileName;
}

async function saveTemplate(page: Page, name: string, body: string) {
  const form = page.getByRole('form', { name, exact: true });
  await form.getByLabel('短信内容').fill(body);
  await form.getByRole('button', { name: '保存' }).click();
  await page.waitForLoadState('networkidle');
}

describe('the review and callback desk', () => {
  let browser: Browser;
  let url: string;
  let photo: string;
  beforeAll(async () => {
    browser = await launch();
    url = await recordComplaint(browser, { phone: '13955550115', title: '菜市场门口占道经营（审核）' });
    await dispatchToCityManagement(browser, url);
    photo = await handleAndReply(browser, url);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('15: shows the reply under review — text, who and when, its file — inside the review actions', async () => {
    const r = await open(browser, 'reviewer', url);
    const actions = r.getByRole('region', { name: '操作' });
    const box = actions.getByTestId('reply-under-review');
    await box.waitFor();
    expect(await box.getByTestId('reply-under-review-text').textContent()).toBe(REPLY);
    const by = await box.getByTestId('reply-under-review-by').textContent();
    expect(by).toContain('办理答复');
    expect(by).toContain('市城市管理局');
    expect(by).toContain('已解决');
    expect(by).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    expect(await box.getByTestId('reply-under-review-files').textContent()).toContain(photo);
    // The decision buttons are right below it, in the same section.
    await act(r, '审核通过').waitFor();
    await act(r, '退回重办').waitFor();
    await screenshot(r, 'review-reply-under-review');
    await submit(r, '审核通过');
    await expect.poll(() => phase(r)).toBe('待回访');
    await r.context().close();
  });

  it('16: a callback dialled while the phone system is unreachable says so in Chinese (and English), never raw', async () => {
    const r = await login(browser, 'reviewer');
    await r.getByTestId('home-title').waitFor();
    // No SIP server for this browser: every WebSocket it opens is closed at once.
    await r.context().routeWebSocket(/.*/, (ws) => ws.close());
    await r.goto(url);
    await r.getByTestId('appeal-phase').waitFor();
    await expect
      .poll(() => r.getByTestId('agent-state').textContent(), { timeout: 30_000 })
      .toContain('电话系统无法连接');
    await r.getByTestId('callback-call').click();
    const alert = r.getByTestId('softphone').getByRole('alert');
    await expect
      .poll(() => alert.textContent(), { timeout: 15_000 })
      .toBe('电话系统暂不可用，请稍后再拨或手工登记回访结果');
    expect(await r.getByTestId('softphone').textContent()).not.toMatch(/unreachable|not started|Error/i);
    await screenshot(r, 'review-callback-phone-down');

    await r.getByTestId('language-switch').click();
    await r.getByTestId('appeal-phase').waitFor();
    await expect
      .poll(() => r.getByTestId('agent-state').textContent(), { timeout: 30_000 })
      .toContain('Phone system unreachable');
    await r.getByTestId('callback-call').click();
    await expect
      .poll(() => r.getByTestId('softphone').getByRole('alert').textContent(), { timeout: 15_000 })
      .toBe('The phone system is unavailable: call again later, or record the callback result by hand');
    await r.context().close();
  });

  it('18: the callback rows of the timeline carry the attempt, the rating, the resolved answer and the words', async () => {
    const r = await open(browser, 'reviewer', url);
    await submit(r, '回访未接通', { 备注: '无人接听' });
    await expect.poll(() => r.getByTestId('timeline-attempt').first().textContent()).toBe('第 1 / 3 次未接通');
    await submit(r, '回访评价', {
      满意度: 'basicallySatisfied',
      问题是否解决: 'yes',
      市民意见: '摊位少了，早上还有两家。',
    });
    await expect.poll(() => phase(r)).toBe('已办结');
    const feedback = r.getByTestId('timeline').locator('li', { has: r.getByTestId('timeline-feedback') });
    const text = await feedback.textContent();
    expect(text).toContain('回访评价');
    expect(text).toContain('满意度：基本满意');
    expect(text).toContain('问题是否解决：已解决');
    expect(text).toContain('摊位少了，早上还有两家。');
    await screenshot(r, 'review-callback-timeline');
    await r.context().close();
  });

  it('17: the reviewer chooses where a redo goes; back to triage the dispatcher sends it again', async () => {
    const other = await recordComplaint(browser, { phone: '13955550117', title: '人行道摊位占道（退回派单）' });
    await dispatchToCityManagement(browser, other);
    await handleAndReply(browser, other);

    const r = await open(browser, 'reviewer', other);
    const redo = act(r, '退回重办');
    expect(await redo.getByLabel('原承办单位重办').isChecked()).toBe(true);
    await redo.getByLabel('退回派单重新派单').check();
    await redo.getByLabel('理由').fill('该路段属向阳街道管辖，请重新派单。');
    await screenshot(r, 'review-redo-choice');
    await redo.getByRole('button', { name: '退回重办' }).click();
    await r.waitForLoadState('networkidle');
    await expect.poll(() => phase(r)).toBe('待派单');
    expect(await r.getByText('重办/重启/延期').locator('xpath=following-sibling::dd[1]').textContent()).toBe(
      '0 / 0 / 0',
    );
    await r.context().close();

    const d = await open(browser, 'dispatcher', other);
    await act(d, '派单').waitFor();
    expect(await d.getByRole('region', { name: '派单记录' }).textContent()).toContain('已改派');
    await d.context().close();
  });

  it('28: the appeal lists the SMS sent to the citizen with status; the admin edits the template the next one uses', async () => {
    const r = await open(browser, 'reviewer', url);
    const sms = r.getByRole('region', { name: /短信通知/ });
    await expect.poll(() => sms.getByTestId('appeal-sms-item').count()).toBe(2);
    expect(await sms.textContent()).toContain('受理通知');
    expect(await sms.textContent()).toContain('答复通知');
    expect(await sms.getByTestId('sms-phone').first().textContent()).toBe('139****0115');
    const number = await r.getByTestId('appeal-number').textContent();
    expect(await sms.getByTestId('sms-body').first().textContent()).toContain(number!);
    // The outbox is swept every few seconds: the messages go out and show when.
    await expect
      .poll(
        async () => {
          await r.reload();
          return r
            .getByRole('region', { name: /短信通知/ })
            .getByTestId('sms-status')
            .allTextContents();
        },
        { timeout: 60_000, interval: 2_000 },
      )
      .toEqual(['已发送', '已发送']);
    expect(
      await r
        .getByRole('region', { name: /短信通知/ })
        .getByTestId('sms-sent-at')
        .first()
        .textContent(),
    ).toMatch(/发送于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    await screenshot(r, 'review-appeal-sms');
    await r.context().close();

    const admin = await login(browser, 'admin');
    await admin.goto('/admin/sms-templates');
    await admin.getByRole('heading', { name: '短信模板' }).waitFor();
    try {
      // A text without the appeal number is refused, with the reason beside it.
      await saveTemplate(admin, '受理通知', '【12345】您的诉求已受理。');
      await expect
        .poll(() => admin.getByRole('form', { name: '受理通知', exact: true }).getByRole('alert').textContent())
        .toContain('短信内容必须包含诉求编号 {appealNo}');
      await admin.goto('/admin/sms-templates');
      await saveTemplate(admin, '受理通知', '【12345】诉求 {appealNo} 已登记（审核测试），请在 {dueAt} 前留意答复。');
      await expect
        .poll(() =>
          admin.getByRole('form', { name: '受理通知', exact: true }).getByTestId('sms-template-preview').textContent(),
        )
        .toMatch(/^【12345】诉求 \d{8}-\d{6} 已登记（审核测试）/);
      await screenshot(admin, 'review-sms-templates');

      // The next appeal's message is in the new text; its confidential complainant's number stays hidden from the unit.
      const next = await recordComplaint(browser, {
        phone: '13955550128',
        title: '夜间占道烧烤（短信）',
        confidential: true,
      });
      await dispatchToCityManagement(browser, next);
      const d = await open(browser, 'dispatcher', next);
      const body = await d
        .getByRole('region', { name: /短信通知/ })
        .getByTestId('sms-body')
        .first()
        .textContent();
      expect(body).toContain('已登记（审核测试）');
      expect(body).toContain((await d.getByTestId('appeal-number').textContent())!);
      await d.context().close();
      const h = await open(browser, 'handler', next);
      const handlerSms = h.getByRole('region', { name: /短信通知/ });
      expect(await handlerSms.getByTestId('sms-phone').first().textContent()).toBe('（保密）');
      expect(await handlerSms.textContent()).not.toMatch(/13955550128|139\*{4}0128/);
      await h.context().close();
    } finally {
      await admin.goto('/admin/sms-templates');
      await saveTemplate(admin, '受理通知', RECEIVED);
      await admin.context().close();
    }
  });
});
