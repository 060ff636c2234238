import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_API_CLIENT_FILE } from '../../app/seed/demo-api-client.server';
import { baseUrl, launch, login, screenshot } from './browser';
import { recordComplaint } from './journeys';

// The delivery log in the browser: the demo interface client subscribes to every appeal's changes at a receiver
// that answers 410 Gone, an operator records a complaint, the admin sees its delivery failed with the receiver's
// answer, and once the receiver takes deliveries, redelivers it and sees it delivered.

describe('admin: status webhooks', () => {
  let browser: Browser;
  let server: Server;
  let accepting = false;
  const bodies: { status: number; body: string }[] = [];
  const demo = () =>
    JSON.parse(readFileSync(path.join(inject('dataDir'), DEMO_API_CLIENT_FILE), 'utf8')) as { apiKey: string };
  let subscriptionId = 0;

  beforeAll(async () => {
    browser = await launch();
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const status = accepting ? 200 : 410;
        bodies.push({ status, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    if (subscriptionId)
      await fetch(`${baseUrl()}/api/v1/subscriptions/${subscriptionId}`, {
        method: 'DELETE',
        headers: { 'X-Api-Key': demo().apiKey },
      });
    await browser?.close();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
  });

  it('shows a failed delivery with the receiver’s answer, and delivers it again on 重新投递', async () => {
    const { port } = server.address() as AddressInfo;
    const subscribed = await fetch(`${baseUrl()}/api/v1/subscriptions`, {
      method: 'POST',
      headers: { 'X-Api-Key': demo().apiKey, 'Content-Type': 'application/json' },
      body: JSON.stringify({ url: `http://127.0.0.1:${port}/hook`, scope: 'all' }),
    });
    expect(subscribed.status).toBe(201);
    subscriptionId = ((await subscribed.json()) as { id: number }).id;

    const title = `井盖缺失 ${Date.now() % 100000}`;
    await recordComplaint(browser, { phone: '13900005566', title });
    // The sweep posts the change within seconds; the receiver refuses it for good.
    await expect.poll(() => bodies.length, { timeout: 60_000 }).toBeGreaterThan(0);
    const admin = await login(browser, 'admin');
    await admin.getByTestId('home-title').waitFor();
    const numbers = () => bodies.map((b) => JSON.parse(b.body).request.service_request_id as string);
    await admin.goto('/admin/webhooks');
    const number = numbers()[0];
    const row = admin.locator('[data-testid^="webhook-delivery-"]', { hasText: number }).first();
    await expect
      .poll(async () => {
        await admin.reload();
        return row.textContent();
      })
      .toContain('投递失败');
    expect(await row.textContent()).toContain('HTTP 410');
    const subscription = admin.getByTestId('webhook-subscriptions').locator('tr', { hasText: `127.0.0.1:${port}` });
    expect(await subscription.textContent()).toContain('HTTP 410');
    expect(await subscription.textContent()).toContain('全部诉求');
    // Today's bar, the last of the chart, counts the change.
    expect(
      Number(await admin.getByTestId('webhook-per-day').locator('rect').last().getAttribute('width')),
    ).toBeGreaterThan(0);
    await screenshot(admin, 'admin-webhooks-failed');

    accepting = true;
    await row.getByRole('button', { name: '重新投递' }).click();
    await admin.waitForURL(/redelivered=/);
    await expect
      .poll(() => bodies.some((b) => b.status === 200 && b.body.includes(number)), { timeout: 60_000 })
      .toBe(true);
    await expect
      .poll(async () => {
        await admin.reload();
        return admin.locator('[data-testid^="webhook-delivery-"]', { hasText: number }).first().textContent();
      })
      .toContain('已投递');
    await screenshot(admin, 'admin-webhooks-redelivered');
  });
});
