import { createHash } from 'node:crypto';
import type { APIResponse, Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, login, postHeaders } from './browser';

// Every file the app hands out (exports, daily reports, grids, attachments, case documents, the printed
// agreement, call recordings) is answered over HTTP as something the browser must neither sniff into
// another type nor run as a page of our origin.

const SANDBOX = "default-src 'none'; sandbox";
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n',
  'latin1',
);
// The first bytes of a WebM (EBML) file, which is all the recording check looks at.
const WEBM = Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01]);

function expectFileHeaders(res: APIResponse, what: string) {
  expect(res.status(), what).toBe(200);
  const h = res.headers();
  expect(h['content-type'], what).not.toMatch(/text\/html/);
  expect(h['x-content-type-options'], what).toBe('nosniff');
  expect(h['content-security-policy'], what).toBe(SANDBOX);
}

// This site's Origin and the session's CSRF token, as the page's own forms send them.
const post = async (page: Page, url: string, init: Parameters<Page['request']['post']>[1]) =>
  page.request.post(url, { ...init, maxRedirects: 0, headers: { ...(await postHeaders(page)), ...init?.headers } });

describe('downloads', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function as(username: string): Promise<Page> {
    const page = await login(browser, username);
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    await page.waitForLoadState('load');
    return page;
  }

  it('report exports and the kept daily report', async () => {
    const page = await as('supervisor');
    for (const format of ['xlsx', 'pdf']) {
      expectFileHeaders(await page.request.get(`/reports/export?format=${format}`), `report ${format}`);
    }
    await page.goto('/reports/daily');
    await page.getByRole('button', { name: '立即生成昨日日报' }).click();
    const row = page.getByTestId('daily-report').first();
    await row.waitFor();
    for (const link of await row.getByRole('link').all()) {
      const href = (await link.getAttribute('href'))!;
      expectFileHeaders(await page.request.get(href), href);
    }
    await page.context().close();
  });

  it('the grid export', async () => {
    const page = await as('admin');
    expectFileHeaders(await page.request.get('/admin/grids/export'), 'grids');
    await page.context().close();
  });

  it('an appeal attachment', async () => {
    const page = await as('handler');
    const href = (await page
      .locator('#inHand tbody tr, #overdue tbody tr')
      .first()
      .getByRole('link')
      .getAttribute('href'))!;
    const appealId = Number(/\/appeals\/(\d+)/.exec(href)![1]);
    const fileName = `headers-${Math.random().toString(36).slice(2, 8)}.png`;
    const upload = await post(page, `/appeals/${appealId}/attachments`, {
      multipart: { file: { name: fileName, mimeType: 'image/png', buffer: PNG } },
    });
    expect(upload.status()).toBe(303);
    const data = await (
      await page.request.get(`/appeals/${appealId}?_data=${encodeURIComponent('routes/appeals.$id')}`)
    ).json();
    const attachment = (data.appeal.attachments as { id: number; fileName: string }[]).find(
      (f) => f.fileName === fileName,
    )!;
    expectFileHeaders(await page.request.get(`/attachments/${attachment.id}`), 'attachment');
    await page.context().close();
  });

  it("a referral case's document and its printed agreement", async () => {
    const supervisor = await as('supervisor');
    const mediator = await as('mediator');
    // The demo city takes some mediations as far as a signed agreement: find one the mediator may add to.
    let caseId = 0;
    for (let id = 1; id <= 100 && !caseId; id++) {
      // The agreement prints by a POST (each print is recorded), as the case page's print button sends it.
      const agreement = await post(supervisor, `/referrals/${id}/agreement.pdf`, { form: {} });
      if (agreement.status() !== 200) continue;
      expectFileHeaders(agreement, 'agreement');
      const upload = await post(mediator, `/referrals/${id}/documents`, {
        multipart: { kind: 'evidence', file: { name: 'evidence.pdf', mimeType: 'application/pdf', buffer: PDF } },
      });
      if (upload.status() === 303) caseId = id;
    }
    expect(caseId, 'a seeded mediation with an agreement, open to its mediator').toBeGreaterThan(0);
    const data = await (
      await mediator.request.get(`/referrals/${caseId}?_data=${encodeURIComponent('routes/referrals.$id')}`)
    ).json();
    const doc = (data.referral.documents as { id: number; fileName: string }[]).at(-1)!;
    expect(doc.fileName).toBe('evidence.pdf');
    expectFileHeaders(await mediator.request.get(`/referral-documents/${doc.id}`), 'referral document');
    await supervisor.context().close();
    await mediator.context().close();
  });

  it("a call's recording", async () => {
    const page = await as('operator');
    const callId = `headers-${Date.now()}@127.0.0.1`;
    const call = { callId, direction: 'inbound', from: '13900001111', to: '12345' };
    const t0 = Date.now() - 60_000;
    for (const [kind, at, extra] of [
      ['ringing', t0, {}],
      ['answered', t0 + 5_000, {}],
      ['ended', t0 + 30_000, { reason: 'hangup' }],
    ] as const) {
      const res = await post(page, '/telephony/calls/events', {
        data: { ...call, ...extra, kind, at: new Date(at).toISOString() },
      });
      expect(res.status(), kind).toBe(200);
    }
    const url = `/telephony/calls/${encodeURIComponent(callId)}/recording`;
    const sha256 = createHash('sha256').update(WEBM).digest('hex');
    const upload = await post(page, url, {
      multipart: { file: { name: 'call.webm', mimeType: 'audio/webm', buffer: WEBM }, sha256 },
    });
    expect(upload.status()).toBe(200);
    expectFileHeaders(await page.request.get(url), 'recording');
    await page.context().close();
  });
});
