import { spawn } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { launch, login, postHeaders, screenshot } from './browser';
import { citizenPhone, waitForLine } from './citizen-phone';
import { phase, submit } from './journeys';
import type { Row } from '../../app/db/sql.server';

// The hotline's phone journeys with a real Kamailio (started beside the app by the e2e setup) and
// sip.js in two Chromium contexts with fake media: a citizen's demo phone and the operator's softphone.

const CITIZEN = '13912340001';
const state = (page: Page) => page.getByTestId('agent-state');

// Playwright waits (not expect.poll) so these also work in beforeAll.
async function waitForState(page: Page, text: string, timeout = 15_000) {
  await state(page).filter({ hasText: text }).waitFor({ timeout });
}

async function readyOperator(browser: Browser): Promise<Page> {
  const page = await login(browser, 'operator');
  await page.getByTestId('home-title').waitFor();
  await waitForState(page, '未就绪');
  await page.getByTestId('go-ready').click();
  await waitForState(page, '就绪');
  return page;
}

async function callJson(page: Page, callId: string) {
  const r = await page.request.get(`/telephony/calls/${encodeURIComponent(callId)}`);
  expect(r.status()).toBe(200);
  return r.json() as Promise<Row>;
}

describe('hotline telephony', () => {
  let browser: Browser;
  let operator: Page;
  let citizen: Page;
  let firstAppealNumber = '';
  let firstCallId = '';

  beforeAll(async () => {
    browser = await launch();
    operator = await readyOperator(browser);
    if (process.env.E2E_DEBUG) operator.on('console', (m) => console.log('operator:', m.text().slice(0, 300)));
    citizen = (await citizenPhone(browser, CITIZEN)).page;
    if (process.env.E2E_DEBUG) citizen.on('console', (m) => console.log('citizen:', m.text().slice(0, 300)));
  });
  afterAll(async () => {
    await browser?.close();
  });
  // What the two phones showed when a step failed.
  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    await screenshot(operator, `telephony-failed-operator-${ctx.task.name.slice(0, 20)}`).catch(() => undefined);
    await screenshot(citizen, `telephony-failed-citizen-${ctx.task.name.slice(0, 20)}`).catch(() => undefined);
  });

  it('a citizen calls 12345: screen pop before answering, intake filled with the caller, appeal linked with durations and recording', async () => {
    await citizen.getByTestId('citizen-dial').click();
    // The screen pop shows while it still rings.
    await operator.getByTestId('screen-pop').waitFor({ timeout: 15_000 });
    await waitForState(operator, '来电振铃');
    expect(await operator.getByTestId('screen-pop-number').textContent()).toBe(CITIZEN);
    await expect.poll(() => operator.getByTestId('screen-pop-recent').textContent()).toContain('没有诉求记录');
    await screenshot(operator, 'telephony-screen-pop-first-call');

    await operator.getByTestId('answer').click();
    await waitForState(operator, '通话中');
    await expect.poll(() => citizen.getByTestId('citizen-line').textContent(), { timeout: 10_000 }).toBe('通话中');
    await operator.waitForURL(/\/intake\?phone=13912340001&call=/);
    firstCallId = new URL(operator.url()).searchParams.get('call')!;
    expect(firstCallId.length).toBeGreaterThan(5);
    await operator.getByTestId('intake-call').waitFor();

    const f = operator.getByRole('form', { name: '诉求登记' });
    expect(await f.getByLabel('诉求人电话').inputValue()).toBe(CITIZEN);
    await f.getByLabel('诉求人姓名').fill('钱女士');
    await f.getByLabel('投诉').check();
    await f.getByLabel('分类（输入关键字选择）').fill('0201 环境卫生（市容环境）');
    await f.getByLabel('标题').fill('楼道堆放杂物堵塞消防通道');
    await f.getByLabel('诉求内容').fill('三号楼二单元楼道里堆满了旧家具，消防通道被堵，请物业清理。');
    // Hold and mute on the way: the bar follows the agent machine.
    await operator.getByTestId('hold').click();
    await waitForState(operator, '通话保持');
    await operator.getByTestId('hold').click();
    await waitForState(operator, '通话中');
    await operator.getByTestId('keypad-toggle').click();
    await operator.getByTestId('dtmf-1').click();
    await f.getByRole('button', { name: '提交（Ctrl+Enter）' }).click();
    await operator.getByTestId('appeal-number').waitFor();
    firstAppealNumber = (await operator.getByTestId('appeal-number').textContent())!;
    const appealPath = new URL(operator.url()).pathname;
    // Talk a little longer so the recording holds both sides.
    await operator.waitForTimeout(1500);
    await operator.getByTestId('hang-up').click();
    await expect.poll(() => citizen.getByTestId('citizen-line').textContent(), { timeout: 10_000 }).toBe('通话已结束');
    // After hang-up: after-call work, which ends by itself because the appeal is already saved.
    await waitForState(operator, '就绪', 20_000);

    // The call: answered, linked, with wait and talk time and the recording.
    await expect.poll(async () => (await callJson(operator, firstCallId)).hasRecording, { timeout: 20_000 }).toBe(true);
    const call = await callJson(operator, firstCallId);
    expect(call.disposition).toBe('answered');
    expect(call.appeals.map((a: { number: string }) => a.number)).toEqual([firstAppealNumber]);
    expect(call.talkSeconds).toBeGreaterThanOrEqual(2);
    expect(call.waitSeconds).toBeGreaterThanOrEqual(0);
    const audio = await operator.request.get(`/telephony/calls/${encodeURIComponent(firstCallId)}/recording`);
    expect(audio.status()).toBe(200);
    expect(audio.headers()['content-type']).toMatch(/^audio\//);
    expect((await audio.body()).length).toBeGreaterThan(1000);

    // Shown on the appeal page, playable.
    const supervisor = await login(browser, 'supervisor');
    await supervisor.getByTestId('home-title').waitFor();
    await supervisor.goto(appealPath);
    await supervisor.getByTestId('appeal-call').waitFor();
    expect(await supervisor.getByTestId('call-disposition').textContent()).toBe('已接听');
    expect(await supervisor.getByTestId('call-talk').textContent()).toMatch(/通话 \d+ 秒/);
    await supervisor.getByTestId('call-recording').waitFor();
    await screenshot(supervisor, 'telephony-appeal-call-recording');
    await supervisor.context().close();
  });

  it('a second call from the same number shows the first appeal in the screen pop', async () => {
    await citizen.getByTestId('citizen-dial').click();
    await operator.getByTestId('screen-pop').waitFor({ timeout: 15_000 });
    await expect
      .poll(() => operator.getByTestId('screen-pop-open').textContent(), { timeout: 10_000 })
      .toContain(firstAppealNumber);
    expect(await operator.getByTestId('screen-pop-name').textContent()).toBe('钱女士');
    await screenshot(operator, 'telephony-screen-pop-repeat');
    // The operator lets it go; the caller hangs up while it rings: a missed call to call back.
    await citizen.getByTestId('citizen-hang-up').click();
    await waitForState(operator, '就绪');
  });

  it('a missed call lands in the callback queue and is dialled back from it', async () => {
    await operator.getByTestId('go-not-ready').click();
    await waitForState(operator, '未就绪');
    await citizen.getByTestId('citizen-dial').click();
    // No agent ready: Kamailio answers 480 and reports the call as unanswered.
    await expect.poll(() => citizen.getByTestId('citizen-line').textContent(), { timeout: 10_000 }).toBe('通话已结束');
    await operator.getByRole('link', { name: '通话记录' }).click();
    await operator.getByTestId('tab-callback').click();
    const row = operator.locator(`[data-testid="callback-dial"][data-phone="${CITIZEN}"]`).first();
    await row.waitFor({ timeout: 10_000 });
    await screenshot(operator, 'telephony-callback-queue');
    await row.click();
    await expect.poll(() => citizen.getByTestId('citizen-line').textContent(), { timeout: 10_000 }).toBe('来电振铃');
    await citizen.getByTestId('citizen-answer').click();
    await waitForState(operator, '通话中');
    await operator.waitForTimeout(500);
    await operator.getByTestId('hang-up').click();
    await waitForState(operator, '话后处理');
    await operator.getByTestId('end-wrap-up').click();
    await waitForState(operator, '就绪');
    // The callback cleared the flag: the number is gone from the queue.
    await operator.reload();
    await waitForState(operator, '未就绪');
    expect(await operator.locator(`[data-testid="callback-dial"][data-phone="${CITIZEN}"]`).count()).toBe(0);
    await operator.getByTestId('go-ready').click();
    await waitForState(operator, '就绪');
  });

  it('blind transfer to a department line sends a SIP REFER to the caller', async () => {
    await citizen.getByTestId('citizen-dial').click();
    await operator.getByTestId('screen-pop').waitFor({ timeout: 15_000 });
    await operator.getByTestId('answer').click();
    await waitForState(operator, '通话中');
    const option = operator.getByTestId('transfer-target').locator('option').nth(1);
    const target = (await option.getAttribute('value'))!;
    await operator.getByTestId('transfer-target').selectOption(target);
    await operator.getByTestId('transfer').click();
    await expect
      .poll(() => citizen.getByTestId('citizen-transferred').textContent(), { timeout: 10_000 })
      .toContain(target);
    await waitForState(operator, '话后处理');
    const callId = new URL(operator.url()).searchParams.get('call')!;
    await expect
      .poll(async () => (await callJson(operator, callId)).disposition, { timeout: 10_000 })
      .toBe('transferred');
    await operator.getByTestId('end-wrap-up').click();
    await waitForState(operator, '就绪');
    await citizen.reload();
    await citizen.getByTestId('citizen-number').fill(CITIZEN);
    await citizen.getByTestId('citizen-connect').click();
    await expect
      .poll(() => citizen.getByTestId('citizen-line').textContent(), { timeout: 15_000 })
      .toBe('已就绪，可拨打');
  });

  it('sipp over UDP from the trunk rings the ready operator, who sees the caller', async () => {
    const caller = '13712340002';
    const sipp = spawn(
      'sipp',
      [
        '-sf',
        'telephony/sipp/invite-12345.xml',
        '-s',
        '12345',
        '-set',
        'caller',
        caller,
        '-i',
        '127.0.0.1',
        '-m',
        '1',
        '-timeout',
        '40s',
        `127.0.0.1:${inject('sipUdpPort')}`,
      ],
      { stdio: 'ignore' },
    );
    const done = new Promise<number | null>((r) => sipp.on('exit', r));
    await operator.getByTestId('screen-pop').waitFor({ timeout: 15_000 });
    expect(await operator.getByTestId('screen-pop-number').textContent()).toBe(caller);
    await screenshot(operator, 'telephony-sipp-screen-pop');
    // Signalling only: a plain RTP offer cannot be answered by WebRTC, so the operator rejects it.
    await operator.getByTestId('reject').click();
    await waitForState(operator, '就绪');
    expect(await done).toBe(0);
  });

  it("a callback (回访) is dialled from the appeal's callback step and recorded on the appeal", async () => {
    const reviewer = await login(browser, 'reviewer');
    await reviewer.getByTestId('home-title').waitFor();
    const links = await reviewer
      .locator('section#callback a[href^="/appeals/"]')
      .evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
    let appealPath = '';
    for (const href of links) {
      await reviewer.goto(href);
      if (await reviewer.getByTestId('callback-call').count()) {
        appealPath = href;
        break;
      }
    }
    expect(appealPath, 'an appeal waiting for its callback').not.toBe('');
    await waitForState(reviewer, '未就绪');
    // The citizen's own phone, on the number the appeal was recorded with.
    const reveal = await reviewer.request.post(`${appealPath}/reveal`, {
      form: { field: 'callerPhone' },
      headers: await postHeaders(reviewer),
    });
    const number = ((await reveal.json()) as { value: string }).value;
    const home = await citizenPhone(browser, number);
    await reviewer.getByTestId('callback-call').click();
    await waitForLine(home.page, '来电振铃', 10_000);
    await home.page.getByTestId('citizen-answer').click();
    await waitForState(reviewer, '通话中');
    await reviewer.waitForTimeout(500);
    await reviewer.getByTestId('hang-up').click();
    await waitForState(reviewer, '话后处理');
    await reviewer.getByTestId('end-wrap-up').click();
    await reviewer.reload();
    await reviewer.getByTestId('appeal-call').first().waitFor();
    const calls = await reviewer.getByTestId('appeal-calls').textContent();
    expect(calls).toContain('去电');
    expect(calls).toContain('已接听');
    await screenshot(reviewer, 'telephony-callback-from-appeal');
    await submit(reviewer, '回访评价', { 满意度: 'satisfied', 问题是否解决: 'yes' });
    await expect.poll(() => phase(reviewer)).toBe('已办结');
    await home.context.close();
    await reviewer.context().close();
  });

  it('Kamailio restarted during the shift: the softphone re-registers within 30 s and takes the next call', async () => {
    const restartedAt = Date.now();
    expect((await fetch(`${inject('sipControlUrl')}/restart`, { method: 'POST' })).status).toBe(200);
    await waitForState(operator, '重连', 10_000);
    await waitForState(operator, '就绪', 30_000);
    expect(Date.now() - restartedAt).toBeLessThan(30_000);
    await waitForLine(citizen, '(已就绪，可拨打|通话已结束)', 30_000);
    // The queue registration came back too: the next call rings.
    await citizen.getByTestId('citizen-dial').click();
    await operator.getByTestId('screen-pop').waitFor({ timeout: 10_000 });
    await operator.getByTestId('answer').click();
    await waitForState(operator, '通话中');
    await operator.getByTestId('hang-up').click();
    await waitForState(operator, '话后处理');
    await operator.getByTestId('end-wrap-up').click();
    await waitForState(operator, '就绪');
  });

  it('telephony down does not stop the hotline: the softphone says so and manual intake works', async () => {
    expect((await fetch(`${inject('sipControlUrl')}/stop`, { method: 'POST' })).status).toBe(200);
    try {
      await waitForState(operator, '电话系统无法连接，可继续手工登记', 30_000);
      await screenshot(operator, 'telephony-unreachable');
      await operator.getByRole('link', { name: '手工登记来电' }).click();
      const f = operator.getByRole('form', { name: '诉求登记' });
      await f.getByLabel('诉求人电话').fill('13912340009');
      await f.getByLabel('投诉').check();
      await f.getByLabel('分类（输入关键字选择）').fill('0201 环境卫生（市容环境）');
      await f.getByLabel('标题').fill('电话系统故障期间手工登记');
      await f.getByLabel('诉求内容').fill('市民到窗口反映小区垃圾未清运，手工登记。');
      await f.getByRole('button', { name: '提交（Ctrl+Enter）' }).click();
      await operator.getByTestId('appeal-number').waitFor();
      expect(await operator.getByTestId('appeal-phase').textContent()).toBe('待派单');
    } finally {
      expect((await fetch(`${inject('sipControlUrl')}/start`, { method: 'POST' })).status).toBe(200);
    }
    await waitForState(operator, '就绪', 30_000);
  });
});
