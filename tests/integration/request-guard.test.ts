import { afterEach, describe, expect, it } from 'vitest';
import { crossSiteRefusal, unreadableUrl, type RequestHead } from '../../app/http/request-guard.server';
import { resetTrustedProxies } from '../../app/http/client.server';
import { InvalidText, readForm, readInterfaceForm, readInterfaceJson, readJson } from '../../app/http/body.server';
import { cleanText } from '../../app/http/text.server';

const CONTROL = '含有不允许的控制字符';
const NOT_UTF8 = '不是有效的 UTF-8 文本';

function head(method: string, headers: Record<string, string>, peer = '192.0.2.10'): RequestHead {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { method, header: (name) => lower[name.toLowerCase()], peer, peerSecure: false };
}

describe('the origin check (CSRF, first guard)', () => {
  afterEach(() => {
    delete process.env.PUBLIC_ORIGIN;
    delete process.env.TRUSTED_PROXIES;
    resetTrustedProxies();
  });
  const site = { host: 'hotline.example', cookie: '__session=abc' };

  it('lets reads through whatever they carry', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS'])
      expect(crossSiteRefusal(head(method, { origin: 'null' }))).toBe(null);
  });

  it('refuses Origin null, no Origin and no Referer, and a foreign Referer, never throwing', () => {
    expect(crossSiteRefusal(head('POST', { ...site, origin: 'null' }))).toMatch(/跨站/);
    expect(crossSiteRefusal(head('POST', { ...site, origin: 'not a url' }))).toMatch(/跨站/);
    expect(crossSiteRefusal(head('POST', site))).toMatch(/跨站/);
    expect(crossSiteRefusal(head('POST', { host: site.host, referer: 'http://evil.example/x' }))).toMatch(/跨站/);
    expect(crossSiteRefusal(head('POST', { ...site, origin: 'http://hotline.example.evil.example' }))).toMatch(/跨站/);
    expect(crossSiteRefusal(head('DELETE', { ...site, origin: 'http://evil.example' }))).toMatch(/跨站/);
  });

  it('lets the same site through by Origin, or by Referer when there is no Origin', () => {
    expect(crossSiteRefusal(head('POST', { ...site, origin: 'http://hotline.example' }))).toBe(null);
    expect(crossSiteRefusal(head('POST', { ...site, referer: 'http://hotline.example/intake?x=1' }))).toBe(null);
    // An Origin decides even when a Referer says otherwise.
    expect(
      crossSiteRefusal(head('POST', { ...site, origin: 'http://evil.example', referer: 'http://hotline.example/' })),
    ).toMatch(/跨站/);
  });

  it('keeps machine calls working: a bearer token and no cookie need no Origin', () => {
    expect(crossSiteRefusal(head('POST', { host: site.host, authorization: 'Bearer 0123abcd' }))).toBe(null);
    // With a cookie it is a browser's request like any other.
    expect(crossSiteRefusal(head('POST', { ...site, authorization: 'Bearer 0123abcd' }))).toMatch(/跨站/);
  });

  it('lets calls to the interfaces through without an Origin: they answer only to a key or signature', () => {
    const at = (path: string) => ({ ...head('POST', { host: site.host }), path });
    expect(crossSiteRefusal(at('/open311/v2/requests.json'))).toBe(null);
    expect(crossSiteRefusal(at('/api/v1/events'))).toBe(null);
    expect(crossSiteRefusal(at('/appeals/1'))).toMatch(/跨站/);
    expect(crossSiteRefusal(at('/apiary'))).toMatch(/跨站/);
  });

  it('believes X-Forwarded-Host and -Proto only from a trusted proxy, and PUBLIC_ORIGIN over both', () => {
    const proxied = { host: 'app:3000', 'x-forwarded-host': 'hotline.example', 'x-forwarded-proto': 'https' };
    const from = (origin: string, peer = '10.0.0.2') => crossSiteRefusal(head('POST', { ...proxied, origin }, peer));
    expect(from('https://hotline.example')).toMatch(/跨站/); // no trusted proxy yet: the host is app:3000
    process.env.TRUSTED_PROXIES = '10.0.0.0/8';
    resetTrustedProxies();
    expect(from('https://hotline.example')).toBe(null);
    expect(from('http://hotline.example')).toMatch(/跨站/); // the proxy says the page came over https
    expect(from('https://hotline.example', '192.0.2.99')).toMatch(/跨站/); // not from the proxy
    process.env.PUBLIC_ORIGIN = 'https://12345.city.example';
    expect(from('https://hotline.example')).toMatch(/跨站/);
    expect(from('https://12345.city.example')).toBe(null);
  });
});

describe('the address check', () => {
  it('refuses a NUL, other control characters and bytes that are not UTF-8 in a path or query', () => {
    for (const url of [
      '/knowledge/search?q=%00',
      '/appeals?q=%FF',
      '/appeals?q=%E4%B8',
      '/appeals/%00',
      '/appeals?%07=1',
      '/appeals?q=a%0D',
      '/appeals?q=\u00ff', // a raw byte 0xFF, as Node hands a request line to the server
    ])
      expect(unreadableUrl(url), url).toMatch(/请求地址/);
  });

  it('lets ordinary addresses through, Chinese and tabs included', () => {
    for (const url of [
      '/',
      '/appeals?q=%E5%81%9C%E6%B0%B4&phase=triage',
      '/knowledge/search?q=a+b%09c',
      '/build/_shared/chunk-ABC.js',
      '/appeals?q=100%',
      '/field/patrol?_data=routes%2Ffield.patrol',
    ])
      expect(unreadableUrl(url), url).toBe(null);
  });
});

describe('the body reader', () => {
  it('cleans text: CRLF to LF, NFC; refuses controls, lone CR and lone surrogates', () => {
    expect(cleanText('a\r\nb\tc')).toEqual({ ok: true, value: 'a\nb\tc' });
    expect(cleanText('e\u0301')).toEqual({ ok: true, value: '\u00e9' });
    for (const bad of ['\u0000', '\u0007', '\u001b', '\u007f', '\u0085', 'a\rb'])
      expect(cleanText(bad)).toEqual({ ok: false, problem: CONTROL });
    expect(cleanText('\ud800x')).toEqual({ ok: false, problem: NOT_UTF8 });
    expect(cleanText('\ufffd', { replaced: true })).toEqual({ ok: false, problem: NOT_UTF8 });
  });

  it('reads multipart text fields (U+FFFD left by the parser is refused) and checks file names only', async () => {
    const form = new FormData();
    form.set('title', 'Cafe\u0301');
    form.set('file', new File([new Uint8Array([0, 1, 2, 0xff])], 'photo.png', { type: 'image/png' }));
    const read = await readForm(new Request('http://localhost/x', { method: 'POST', body: form }));
    expect(read.get('title')).toBe('Caf\u00e9');
    expect(new Uint8Array(await (read.get('file') as File).arrayBuffer())).toEqual(new Uint8Array([0, 1, 2, 0xff]));

    const boundary = 'b0undary';
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\n`),
      Buffer.from([0x41, 0xff, 0x42]),
      Buffer.from(`\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a\u0007.png"\r\n`),
      Buffer.from(`Content-Type: image/png\r\n\r\nPNG\r\n--${boundary}--\r\n`),
    ]);
    const err = await readForm(
      new Request('http://localhost/x', {
        method: 'POST',
        body,
        headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
      }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidText);
    expect((err as InvalidText).fieldErrors).toEqual({ title: [NOT_UTF8], file: [CONTROL] });
  });

  it('reads JSON: every string checked with its path as the key, bad JSON and bad bytes a clear refusal', async () => {
    const json = (body: BodyInit) =>
      readJson(new Request('http://localhost/x', { method: 'POST', body })).catch((e: unknown) => e);
    expect(await json(JSON.stringify({ a: ['e\u0301', { b: 'x\r\ny' }], n: 1 }))).toEqual({
      a: ['\u00e9', { b: 'x\ny' }],
      n: 1,
    });
    expect(((await json(JSON.stringify({ a: [1, { b: '\u0000' }] }))) as InvalidText).fieldErrors).toEqual({
      'a.1.b': [CONTROL],
    });
    expect(((await json('{"a": "\\ud800"}')) as InvalidText).fieldErrors).toEqual({ a: [NOT_UTF8] });
    expect(await json('{"a": ')).toMatchObject({ status: 400, fieldErrors: { _form: ['请求内容应为 JSON'] } });
    expect(await json(new Uint8Array([0x7b, 0xff, 0x7d]))).toMatchObject({
      status: 400,
      fieldErrors: { _form: [NOT_UTF8] },
    });
  });

  it('reads an interface call without a session token, with the same text checks, and keeps the bytes it signed', async () => {
    const post = (body: BodyInit, type = 'application/x-www-form-urlencoded') =>
      new Request('http://localhost/open311/v2/requests.json', {
        method: 'POST',
        body,
        headers: { 'Content-Type': type },
      });
    const form = await readInterfaceForm(
      post('api_key=k&attribute%5Bdepth%5D=3&attribute%5Bdepth%5D=4&description=e%CC%81'),
    );
    expect(form.getAll('attribute[depth]')).toEqual(['3', '4']);
    expect(form.get('description')).toBe('\u00e9');
    expect(
      ((await readInterfaceForm(post('description=%00')).catch((e: unknown) => e)) as InvalidText).fieldErrors,
    ).toEqual({
      description: [CONTROL],
    });
    expect(await readInterfaceForm(post('{}', 'application/json')).catch((e: unknown) => e)).toMatchObject({
      status: 400,
    });
    const sent = JSON.stringify({ type: 'road', n: 1 });
    const read = await readInterfaceJson(post(sent, 'application/json'));
    expect(Buffer.from(read.raw).toString()).toBe(sent);
    expect(read.body).toEqual({ type: 'road', n: 1 });
  });
});
