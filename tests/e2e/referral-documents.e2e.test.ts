import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, login, screenshot } from './browser';
import { recordComplaint } from './journeys';
import { act, casePhase, openCase, referAppeal } from './referral-helpers';

/** A small but well-formed one-page PDF (header, catalog, pages, page, xref table, trailer). */
function tinyPdf(): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) body += `${String(off).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

const HAN = /[\u3400-\u9fff]/;
const uploadForm = (page: Page) => page.getByRole('form', { name: '上传材料', exact: true });
const documents = (page: Page) => page.getByTestId('referral-documents');

/** Uploads through the case page's own form and returns the upload's response. */
async function upload(page: Page, kindLabel: string, file: { name: string; mimeType: string; buffer: Buffer }) {
  const form = uploadForm(page);
  await form.locator('select[name="kind"]').selectOption({ label: kindLabel });
  await form.locator('input[type="file"][name="file"]').setInputFiles(file);
  const posted = page.waitForResponse(
    (r) => r.request().method() === 'POST' && /\/referrals\/\d+\/documents$/.test(new URL(r.url()).pathname),
  );
  await form.getByRole('button', { name: '上传', exact: true }).click();
  const res = await posted;
  await page.waitForLoadState('load');
  return res;
}

// Case files: the agency's own staff upload evidence to an open case; the city's desks read them;
// a file whose bytes are not what its name says is refused. And the case page in English.
describe('referral case documents and the case page in English', () => {
  let browser: Browser;
  let caseUrl: string;
  const title = `商铺租赁押金纠纷 ${Date.now()}`;
  const fileName = `租赁合同-${Math.random().toString(36).slice(2, 8)}.pdf`;
  const pdf = tinyPdf();

  beforeAll(async () => {
    browser = await launch();
    const url = await recordComplaint(browser, { phone: '13911110000', title });
    const page = await referAppeal(browser, url, '市人民调解委员会（人民调解）', '押金纠纷，建议人民调解');
    await page.context().close();
    const mediator = await openCase(browser, 'mediator', title);
    caseUrl = new URL(mediator.url()).pathname;
    await act(mediator, '受理');
    // (expect.poll is for tests only; a hook waits on the page.)
    await mediator.getByTestId('referral-phase').filter({ hasText: '调解中' }).waitFor();
    await mediator.context().close();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('the mediator uploads a PDF, which is listed and downloads', async () => {
    const page = await openCase(browser, 'mediator', title);
    expect(new URL(page.url()).pathname).toBe(caseUrl);
    expect(await documents(page).textContent()).toContain('暂无');
    const kinds = await uploadForm(page).locator('select[name="kind"] option').allTextContents();
    expect(kinds).toEqual(['请选择', '证据材料', '身份证明', '调解协议', '裁定文书', '其他']);

    const res = await upload(page, '证据材料', { name: fileName, mimeType: 'application/pdf', buffer: pdf });
    // Sent by the page's script: the redirect back to the case comes as Remix's own redirect answer.
    expect([204, 303]).toContain(res.status());
    await page.waitForURL((u) => u.pathname === caseUrl);
    await page.getByTestId('referral-phase').waitFor();
    const list = documents(page);
    await expect.poll(() => list.getByRole('link', { name: fileName, exact: true }).count()).toBe(1);
    const text = await list.textContent();
    expect(text).toContain('证据材料');
    expect(text).toContain('1 KB');

    const href = (await list.getByRole('link', { name: fileName, exact: true }).getAttribute('href'))!;
    expect(href).toMatch(/^\/referral-documents\/\d+$/);
    const download = await page.request.get(href);
    expect(download.status()).toBe(200);
    expect(download.headers()['content-type']).toBe('application/pdf');
    expect(download.headers()['content-disposition']).toMatch(/^attachment;/);
    expect(download.headers()['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent(fileName)}`);
    expect(Buffer.from(await download.body()).equals(pdf)).toBe(true);
    expect(await page.getByTestId('referral-timeline').count()).toBe(1);
    await screenshot(page, 'referral-document-uploaded');
    await page.context().close();
  });

  it('a supervisor sees the documents but has no upload form', async () => {
    const page = await login(browser, 'supervisor');
    await page.getByTestId('home-title').waitFor();
    await page.goto(caseUrl);
    await page.getByTestId('referral-phase').waitFor();
    const link = documents(page).getByRole('link', { name: fileName, exact: true });
    expect(await link.count()).toBe(1);
    expect(await uploadForm(page).count()).toBe(0);
    expect(await documents(page).getByRole('button').count()).toBe(0);
    expect((await page.request.get((await link.getAttribute('href'))!)).status()).toBe(200);
    await page.context().close();
  });

  it('refuses a text file named .pdf with the reason and lists nothing new', async () => {
    const page = await openCase(browser, 'mediator', title);
    const before = await documents(page).locator('li').count();
    expect(before).toBe(1);
    const res = await upload(page, '其他', {
      name: 'fake-scan.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('这不是PDF，只是一段文字。\n', 'utf8'),
    });
    expect(res.status()).toBe(400);
    // The case page stays, with the reason under the upload form.
    await expect.poll(() => uploadForm(page).getByTestId('upload-error').textContent()).toBe('文件内容与文件类型不符');
    expect(new URL(page.url()).pathname).toBe(caseUrl);
    await screenshot(page, 'referral-document-refused');
    await page.reload();
    await page.getByTestId('referral-phase').waitFor();
    expect(await documents(page).locator('li').count()).toBe(before);
    expect(await documents(page).textContent()).not.toContain('fake-scan.pdf');
    await page.context().close();
  });

  it("shows the case page in English after the header's language switch", async () => {
    const page = await openCase(browser, 'mediator', title);
    expect(await casePhase(page)).toBe('调解中');
    await page.getByTestId('language-switch').click();
    await expect.poll(() => casePhase(page)).toBe('In mediation');
    expect(new URL(page.url()).pathname).toBe(caseUrl);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');

    expect(await page.getByRole('heading', { name: 'Legal time limits', exact: true }).count()).toBe(1);
    expect(await page.getByRole('heading', { name: 'Documents', exact: true }).count()).toBe(1);
    expect(await page.getByTestId('legal-clocks').textContent()).toContain('Mediation deadline');
    for (const name of ['Add party', 'Schedule mediation', 'Mediation failed', 'Upload']) {
      expect(await page.getByRole('button', { name, exact: true }).count(), name).toBe(1);
    }
    const forms = await page
      .locator('form[aria-label]')
      .evaluateAll((fs) => fs.map((f) => f.getAttribute('aria-label') ?? ''));
    expect(forms).toEqual(expect.arrayContaining(['Add party', 'Schedule mediation', 'Upload document']));
    for (const f of forms) expect(f, `form name ${f}`).not.toMatch(HAN);
    const buttons = await page.locator('form[aria-label] button').allTextContents();
    expect(buttons.length).toBeGreaterThan(3);
    for (const b of buttons) expect(b, `button ${b}`).not.toMatch(HAN);
    expect(await documents(page).textContent()).toContain('Evidence');
    await screenshot(page, 'referral-case-english');

    // And back to Chinese.
    await page.getByTestId('language-switch').click();
    await expect.poll(() => casePhase(page)).toBe('调解中');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await page.context().close();
  });
});
