import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { baseUrl, launch, login, postHeaders, screenshot } from './browser';

// A valid 1×1 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

describe('appeal attachments', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('lets the handling department upload a photo and download it, and refuses another department', async () => {
    const handler = await login(browser, 'handler');
    await handler.getByTestId('home-title').waitFor();
    const link = handler.locator('#inHand tbody tr, #overdue tbody tr').first().getByRole('link');
    const href = (await link.getAttribute('href'))!;
    const appealId = Number(href.match(/\/appeals\/(\d+)/)![1]);
    await link.click();
    await handler.getByTestId('appeal-number').waitFor();

    const fileName = `现场照片-${Math.random().toString(36).slice(2, 8)}.png`;
    const origin = await postHeaders(handler);
    const upload = await handler.request.post(`/appeals/${appealId}/attachments`, {
      headers: origin,
      maxRedirects: 0,
      multipart: { file: { name: fileName, mimeType: 'image/png', buffer: PNG } },
    });
    expect(upload.status()).toBe(303);
    expect(new URL(upload.headers().location, baseUrl()).pathname).toBe(`/appeals/${appealId}`);

    // A PDF renamed to .png is refused with the reason, and not listed.
    const renamed = await handler.request.post(`/appeals/${appealId}/attachments`, {
      headers: origin,
      maxRedirects: 0,
      multipart: { file: { name: 'renamed.png', mimeType: 'image/png', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') } },
    });
    expect(renamed.status()).toBe(400);
    expect((await renamed.json()).fieldErrors.file[0]).toBe('文件内容与文件类型不符');

    await handler.reload();
    const files = handler.getByRole('region', { name: '附件' });
    await expect.poll(() => files.textContent()).toContain(fileName);
    expect(await files.textContent()).not.toContain('renamed.png');
    await screenshot(handler, 'appeal-attachment-uploaded');

    // The page's loader data carries the attachment ids.
    const data = await (
      await handler.request.get(`/appeals/${appealId}?_data=${encodeURIComponent('routes/appeals.$id')}`)
    ).json();
    const attachment = (data.appeal.attachments as { id: number; fileName: string }[]).find(
      (f) => f.fileName === fileName,
    )!;
    expect(attachment).toBeDefined();

    const download = await handler.request.get(`/attachments/${attachment.id}`);
    expect(download.status()).toBe(200);
    const headers = download.headers();
    expect(headers['content-type']).toBe('image/png');
    expect(headers['content-length']).toBe(String(PNG.byteLength));
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent(fileName)}`);
    expect(headers['content-disposition']).toMatch(/^attachment;/);
    expect(Buffer.from(await download.body()).equals(PNG)).toBe(true);

    const hash = createHash('sha256').update(PNG).digest('hex');
    expect(existsSync(path.join(inject('dataDir'), 'attachments', hash.slice(0, 2), hash))).toBe(true);
    await handler.context().close();

    const other = await login(browser, 'handler2');
    await other.getByTestId('home-title').waitFor();
    expect((await other.request.get(`/attachments/${attachment.id}`)).status()).toBe(403);
    const refused = await other.request.post(`/appeals/${appealId}/attachments`, {
      headers: await postHeaders(other),
      maxRedirects: 0,
      multipart: { file: { name: 'other.png', mimeType: 'image/png', buffer: PNG } },
    });
    expect(refused.status()).toBe(403);
    expect((await other.request.get('/attachments/999999')).status()).toBe(404);
    await other.context().close();

    // Without a session the file is not served: the request is sent to sign in.
    const anonymous = await browser.newContext({ baseURL: baseUrl() });
    const res = await anonymous.request.get(`/attachments/${attachment.id}`, { maxRedirects: 0 });
    expect(res.status()).toBe(302);
    expect(res.headers().location).toContain('/login');
    await anonymous.close();
  });

  it('uploads through the form a person uses, and comes back to the appeal', async () => {
    const page = await login(browser, 'handler');
    await page.getByTestId('home-title').waitFor();
    const link = page.locator('#inHand tbody tr, #overdue tbody tr').first().getByRole('link');
    const appealId = Number((await link.getAttribute('href'))!.match(/\/appeals\/(\d+)/)![1]);
    await link.click();
    await page.getByTestId('appeal-number').waitFor();
    const form = page.getByRole('region', { name: '附件' });
    // No long digit runs in the name: other tests check pages for anything that looks like a phone number.
    const fileName = `整改后照片-${Math.random().toString(36).slice(2, 8)}.png`;
    await form.getByLabel('上传附件').setInputFiles({ name: fileName, mimeType: 'image/png', buffer: PNG });
    await form.getByRole('button', { name: '上传', exact: true }).click();
    await expect.poll(() => page.getByRole('region', { name: '附件' }).textContent()).toContain(fileName);
    expect(new URL(page.url()).pathname).toBe(`/appeals/${appealId}`);
    await screenshot(page, 'appeal-attachment-form');

    // A file that is not what its name says is refused on the page itself, with the reason.
    await form
      .getByLabel('上传附件')
      .setInputFiles({ name: 'renamed.png', mimeType: 'image/png', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') });
    await form.getByRole('button', { name: '上传', exact: true }).click();
    await expect.poll(() => form.getByTestId('upload-error').textContent()).toBe('文件内容与文件类型不符');
    expect(new URL(page.url()).pathname).toBe(`/appeals/${appealId}`);
    expect(await form.textContent()).not.toContain('renamed.png');
    await page.context().close();
  });
});
