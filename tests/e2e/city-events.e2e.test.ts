import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signEvent } from '../../app/city-events/signature';
import { baseUrl, launch, login, screenshot } from './browser';

// Inbound city events in the browser: the admin maps a new event type of the demo city brain, the city brain posts
// an event of that type over HTTP to the running server, and the supervisor finds it on the city-events page,
// dispatched by the 派单目录, and opens its appeal with the event's photo link and the catalogue's reason.

const CODE = `e2e-sewage-${Date.now() % 100000}`;

/** The demo city brain's key and secret, written beside the demo database when the demo city was made. */
const cityBrain = () =>
  JSON.parse(readFileSync(path.join(inject('dataDir'), 'demo-city-brain.json'), 'utf8')) as {
    apiKey: string;
    signingSecret: string;
  };

describe('inbound city events', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('an event type the admin maps is filed, routed by the catalogue and opens as its appeal', async () => {
    const admin = await login(browser, 'admin');
    await admin.goto('/admin/event-types');
    const form = admin.getByRole('form', { name: '新增事件类型' });
    await form.getByLabel('接口客户端').selectOption({ label: '城市大脑' });
    await form.getByLabel('场景代码').fill('river-patrol');
    await form.getByLabel('类型代码').fill(CODE);
    await form.getByLabel('名称').fill('污水直排');
    await form.getByLabel('诉求分类').selectOption({ label: '0201 环境卫生' });
    await admin.getByTestId('type-create').click();
    const row = admin.getByTestId(`type-river-patrol-${CODE}`);
    await row.waitFor();
    expect(await row.textContent()).toContain('0201 环境卫生');
    // Saved: the add form is empty again for the next type.
    await expect.poll(() => form.getByLabel('类型代码').inputValue()).toBe('');
    await screenshot(admin, 'city-events-type-mapped');
    await admin.context().close();

    // The city brain sends an event of the new type: a point in 向阳社区第1网格 (朝阳街道).
    const { apiKey, signingSecret } = cityBrain();
    const eventId = `e2e-${Date.now()}`;
    const body = JSON.stringify({
      eventId,
      scene: 'river-patrol',
      type: CODE,
      description: '巡河无人机发现排污口向河道直排污水',
      occurredAt: new Date().toISOString(),
      lat: 30.204,
      lng: 120.105,
      media: [{ url: 'https://city-brain.example.cn/snapshots/e2e-sewage.jpg', kind: 'photo' }],
      reporter: 'uav-07',
    });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const res = await fetch(`${baseUrl()}/api/v1/events`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Api-Key': apiKey,
        'X-Timestamp': timestamp,
        'X-Signature': `sha256=${signEvent(signingSecret, timestamp, body)}`,
      },
      body,
    });
    expect(res.status).toBe(201);
    const answer = (await res.json()) as { appealNumber: string; routed: string; departmentName: string };
    expect(answer).toMatchObject({ routed: 'catalogue', departmentName: '朝阳街道' });

    const s = await login(browser, 'supervisor');
    await s.goto('/supervision/city-events?scene=river-patrol');
    await s.getByTestId('scene-volume-chart').waitFor();
    const latest = s.getByTestId('latest-event').filter({ hasText: eventId });
    await latest.waitFor();
    expect(await latest.textContent()).toContain('按目录派单：朝阳街道');
    await screenshot(s, 'city-events-page');
    await latest.getByRole('link', { name: answer.appealNumber }).click();
    await s.waitForURL(/\/appeals\/\d+$/);
    await s.getByTestId('event-media').waitFor();
    expect(await s.getByTestId('event-media').textContent()).toContain('e2e-sewage.jpg');
    expect(await s.getByTestId('timeline-catalogue').textContent()).toContain('0201 × 朝阳街道');
    expect(await s.locator('body').textContent()).toContain(answer.appealNumber);
    await screenshot(s, 'city-events-appeal');
    await s.context().close();
  });
});
