import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { png } from './png';
import { launch, login, screenshot } from './browser';
import { act, open, phase, recordComplaint, submit } from './journeys';

/** A solid-colour PNG, so before and after are real images the browser shows as thumbnails. */

/** Uploads one file through the appeal page's 附件 form, the way a person does. */
async function upload(page: Page, name: string, buffer: Buffer) {
  const region = page.getByRole('region', { name: '附件' });
  await region.getByLabel('上传附件').setInputFiles({ name, mimeType: 'image/png', buffer });
  await region.getByRole('button', { name: '上传', exact: true }).click();
  // The form posts in the background and the page reloads its data: the file is then listed.
  await expect.poll(() => page.getByRole('region', { name: '附件' }).textContent()).toContain(name);
}

describe('verification (核查) of a grid-handled appeal: before and after photos, send back, approve', () => {
  let browser: Browser;
  let url: string;
  const suffix = Math.random().toString(36).slice(2, 7);
  const before = `处置前-${suffix}.png`;
  const after = `处置后-${suffix}.png`;

  beforeAll(async () => {
    browser = await launch();
    url = await recordComplaint(browser, { phone: '13955554444', title: '小区门口垃圾堆积' });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('the dispatcher sends the triage appeal to grid G01', async () => {
    const d = await open(browser, 'dispatcher', url);
    expect(await phase(d)).toBe('待派单');
    // Grids are listed by code: G01 first.
    await act(d, '派至网格').getByLabel('网格').selectOption({ index: 1 });
    await submit(d, '派至网格');
    await expect.poll(() => phase(d)).toBe('待签收');
    await d.context().close();
  });

  it('the grid worker accepts, uploads a before and an after photo, and replies: the appeal awaits verification', async () => {
    const g = await open(browser, 'gridworker', url);
    await submit(g, '签收');
    await expect.poll(() => phase(g)).toBe('办理中');
    await upload(g, before, png(64, 48, [170, 60, 40]));
    await upload(g, after, png(64, 48, [40, 150, 70]));
    await submit(g, '办理答复', { 办理结果: '已清运垃圾并设置分类投放点。', 是否解决: 'yes' });
    await expect.poll(() => phase(g)).toBe('待核查');
    // The grid worker cannot verify his own work.
    expect(await act(g, '核查通过').count()).toBe(0);
    expect(await g.getByTestId('verification-photos').count()).toBe(0);
    await g.context().close();
  });

  it('the reviewer finds it in 待核查, sees the photos labelled before/after, and sends it back with a reason', async () => {
    const r = await login(browser, 'reviewer');
    await r.getByTestId('home-title').waitFor();
    const queue = r.locator('#verification');
    expect(await queue.getByRole('heading').textContent()).toContain('待核查');
    expect(await queue.locator(`a[href="${url}"]`).count()).toBe(1);
    await r.goto(url);
    await r.getByTestId('appeal-phase').waitFor();
    expect(await phase(r)).toBe('待核查');

    const photos = r.getByTestId('verification-photo');
    await expect.poll(() => photos.count()).toBe(2);
    expect(await photos.nth(0).textContent()).toContain('处置前');
    expect(await photos.nth(1).textContent()).toContain('处置后');
    expect(await photos.nth(0).locator('img').getAttribute('alt')).toBe(before);
    expect(await photos.nth(1).locator('img').getAttribute('alt')).toBe(after);
    expect(await photos.nth(0).textContent()).toContain('网格员 陈刚');
    for (const i of [0, 1]) {
      await expect
        .poll(() =>
          photos
            .nth(i)
            .locator('img')
            .evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth),
        )
        .toBe(64);
    }
    const forms = await r.getByRole('form').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    expect(forms).toEqual(expect.arrayContaining(['核查通过', '核查退回']));
    expect(forms).not.toContain('审核通过');
    await screenshot(r, 'verification-before-after');

    // Without a reason it is refused, and nothing changes.
    await submit(r, '核查退回');
    expect(await act(r, '核查退回').getByRole('alert').first().textContent()).toBeTruthy();
    expect(await phase(r)).toBe('待核查');

    await submit(r, '核查退回', { 退回原因: '处置后照片中仍有散落垃圾，请彻底清理。' });
    await expect.poll(() => phase(r)).toBe('办理中');
    expect(await r.getByTestId('timeline').textContent()).toContain('核查退回');
    expect(await r.getByText('重办/重启/延期').locator('xpath=following-sibling::dd[1]').textContent()).toBe(
      '1 / 0 / 0',
    );
    await r.context().close();
  });

  it('the grid worker replies again, the reviewer approves, and the citizen is called back', async () => {
    const g = await open(browser, 'gridworker', url);
    await submit(g, '办理答复', { 办理结果: '已彻底清理并安排每日巡查。', 是否解决: 'yes' });
    await expect.poll(() => phase(g)).toBe('待核查');
    await g.context().close();

    const r = await open(browser, 'reviewer', url);
    await expect.poll(() => r.getByTestId('verification-photo').count()).toBe(2);
    await submit(r, '核查通过', { '核查意见（可选）': '现场已清理干净。' });
    await expect.poll(() => phase(r)).toBe('待回访');
    expect(await r.getByTestId('verification-photos').count()).toBe(0);
    const timeline = (await r.getByTestId('timeline').textContent())!;
    expect(timeline).toContain('核查通过');
    expect(timeline.split('办理答复').length - 1).toBe(2);
    expect(await act(r, '回访评价').count()).toBe(1);
    await screenshot(r, 'verification-approved-callback');
    await r.context().close();
  });
});
