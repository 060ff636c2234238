import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, login, screenshot } from './browser';

describe("a department's worklist (单位工单)", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("a handler sees his department's open appeals by deadline; a supervisor picks the department", async () => {
    const h = await login(browser, 'handler');
    await h.getByTestId('home-title').waitFor();
    await h.getByRole('link', { name: '单位工单' }).click();
    await h.getByTestId('worklist-title').waitFor();
    expect(await h.getByTestId('worklist-title').textContent()).toContain('城市管理局');
    expect(await h.locator('#department').count()).toBe(0);
    const rows = h.getByTestId('worklist').locator('tbody tr');
    expect(await rows.count()).toBeGreaterThan(0);
    await screenshot(h, 'worklist-handler');
    // Another department's list is refused on the server, whatever the URL says.
    const other = await h.request.get('/worklist?department=999999');
    expect(other.status()).toBe(403);
    await h.context().close();

    const s = await login(browser, 'supervisor');
    await s.getByTestId('home-title').waitFor();
    await s.goto('/worklist');
    await s.locator('#department').selectOption({ label: '市城市管理局' });
    await s.getByRole('button', { name: '查看' }).click();
    await expect.poll(() => s.getByTestId('worklist-title').textContent()).toContain('市城市管理局');
    await s.context().close();
  });
});
