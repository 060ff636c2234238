import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, login, screenshot } from './browser';
import type { Row } from '../../app/db/sql.server';

type CallEvent = Record<string, unknown>;

/** Posts call events from the signed-in page, as the softphone does. */
function post(page: Page, events: CallEvent[]): Promise<{ status: number; body: Row }[]> {
  return page.evaluate(async (events) => {
    const out: { status: number; body: Row }[] = [];
    for (const e of events) {
      const res = await fetch('/telephony/calls/events', {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-CSRF-Token': document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')!.content,
        },
        body: JSON.stringify(e),
      });
      out.push({ status: res.status, body: await res.json().catch(() => null) });
    }
    return out;
  }, events);
}

const rows = (page: Page) => page.getByTestId('calls-table').locator('tbody tr');

describe('call records', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("lists the operator's calls, filters them, and queues the abandoned one for a callback", async () => {
    const page = await login(browser, 'operator');
    await page.getByTestId('home-title').waitFor();

    const now = Date.now();
    const at = (s: number) => new Date(now - 600_000 + s * 1000).toISOString();
    const tag = Math.random().toString(36).slice(2, 8);
    const answered = { callId: `e2e-answered-${tag}`, direction: 'inbound', from: '13800007001', to: '12345' };
    const abandoned = { callId: `e2e-abandoned-${tag}`, direction: 'inbound', from: '13800007002', to: '12345' };
    const outbound = { callId: `e2e-out-${tag}`, direction: 'outbound', from: '12345', to: '13900007003' };
    const results = await post(page, [
      { ...answered, kind: 'ringing', at: at(0) },
      { ...answered, kind: 'answered', at: at(8) },
      { ...answered, kind: 'ended', reason: 'hangup', at: at(128) },
      { ...abandoned, kind: 'ringing', at: at(200) },
      { ...abandoned, kind: 'ended', reason: 'cancelled', at: at(225) },
      { ...abandoned, kind: 'ended', reason: 'cancelled', at: at(225) }, // a retry: no-op
      { ...outbound, kind: 'dialing', at: at(300) },
      { ...outbound, kind: 'answered', at: at(312) },
      { ...outbound, kind: 'ended', reason: 'hangup', at: at(372) },
    ]);
    expect(results.map((r) => r.status)).toEqual(Array(9).fill(200));
    expect(results[5].body).toMatchObject({ recorded: false, disposition: 'abandoned', needsCallback: true });
    const bad = await post(page, [{ ...answered, kind: 'exploded', at: at(0) }]);
    expect(bad[0].status).toBe(400);
    expect(Object.keys(bad[0].body.fieldErrors)).toEqual(['kind']);

    // The agent uploads the answered call's recording with the hash his browser computed; a wrong hash is refused.
    const uploads = await page.evaluate(async (callId) => {
      const bytes = new Uint8Array(4096);
      bytes.set([0x1a, 0x45, 0xdf, 0xa3]);
      for (let i = 4; i < bytes.length; i++) bytes[i] = (i * 31) % 251;
      const hex = Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)), (b) =>
        b.toString(16).padStart(2, '0'),
      ).join('');
      const send = async (sha256: string) => {
        const form = new FormData();
        form.append('file', new Blob([bytes], { type: 'audio/webm;codecs=opus' }), 'call.webm');
        form.append('sha256', sha256);
        const res = await fetch(`/telephony/calls/${encodeURIComponent(callId)}/recording`, {
          method: 'POST',
          body: form,
          headers: { 'X-CSRF-Token': document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')!.content },
        });
        return { status: res.status, body: await res.json().catch(() => null) };
      };
      return [await send('0'.repeat(64)), await send(hex), hex] as const;
    }, answered.callId);
    expect(uploads[0].status).toBe(400);
    expect(uploads[1]).toEqual({ status: 200, body: { sha256: uploads[2], ref: `recordings/${uploads[2]}.webm` } });
    const ranged = await page.request.get(`/telephony/calls/${answered.callId}/recording`, {
      headers: { Range: 'bytes=0-3' },
    });
    expect(ranged.status()).toBe(206);
    expect(ranged.headers()['content-range']).toBe('bytes 0-3/4096');
    expect([...(await ranged.body())]).toEqual([0x1a, 0x45, 0xdf, 0xa3]);
    const polled = await (await page.request.get(`/telephony/calls/${answered.callId}`)).json();
    expect(polled).toMatchObject({ callId: answered.callId, disposition: 'answered', hasRecording: true, appeals: [] });

    await page.goto('/calls');
    await expect.poll(() => rows(page).count()).toBeGreaterThanOrEqual(3);
    // The agent may play his own call's recording.
    expect(await page.locator(`tr[data-call-id="${answered.callId}"] audio`).getAttribute('src')).toBe(
      `/telephony/calls/${answered.callId}/recording`,
    );
    const text = await page.getByTestId('calls-table').textContent();
    expect(text).toContain('138****7001');
    expect(text).toContain('已接听');
    expect(text).toContain('振铃中挂断');
    expect(text).toContain('2:00'); // the answered call's talk time

    // Filter: outbound calls only.
    const form = page.getByRole('search', { name: '查询条件' });
    await form.getByLabel('方向').selectOption('outbound');
    await form.getByRole('button', { name: '查询' }).click();
    await page.waitForURL(/direction=outbound/);
    await expect.poll(async () => (await rows(page).allTextContents()).every((r) => r.includes('去电'))).toBe(true);
    expect(await page.getByTestId('calls-table').textContent()).toContain('139****7003');

    // A bad filter is refused next to its field.
    await page.goto('/calls?phone=abc');
    await page.getByTestId('calls-error').waitFor();
    expect(await page.locator('#phone-error').textContent()).toContain('号码应为 3–20 位数字');

    // The callback queue: the abandoned call, with a dial button the softphone can hook.
    await page.goto('/calls');
    await page.getByTestId('tab-callback').click();
    await page.waitForURL(/callbackQueue=1/);
    const dial = page.getByTestId('callback-dial').and(page.locator('[data-phone="13800007002"]'));
    await dial.waitFor();
    expect(await dial.getAttribute('data-dial')).toBe('13800007002');
    const queued = await rows(page).allTextContents();
    expect(queued.some((r) => r.includes('138****7002'))).toBe(true);
    expect(queued.some((r) => r.includes('138****7001'))).toBe(false);
    await screenshot(page, 'calls-callback-queue');

    await page.goto('/calls');
    await screenshot(page, 'calls-list');
    await page.context().close();

    // Departments do not see the hotline's calls.
    const handler = await login(browser, 'handler');
    await handler.getByTestId('home-title').waitFor();
    expect((await handler.request.get('/calls')).status()).toBe(403);
    await handler.context().close();
  });
});
