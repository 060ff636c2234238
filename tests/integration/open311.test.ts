import type { AppLoadContext } from '@remix-run/node';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { fileClientAppeal } from '../../app/api-clients/filing.server';
import { inTransaction } from '../../app/db/sql.server';
import { toXml } from '../../app/open311/format.server';
import * as collection from '../../app/routes/open311.v2.$resource';
import * as requestItem from '../../app/routes/open311.v2.requests.$item';
import * as serviceItem from '../../app/routes/open311.v2.services.$item';
import * as tokenItem from '../../app/routes/open311.v2.tokens.$item';
import { DB_KINDS } from '../support/env';
import { newApiClient } from '../support/api-clients';
import { PHOTO_PLACE } from '../support/photos';
import { useTestServices } from '../support/services';

// Open311 GeoReport v2 through its routes, in both formats: the field lists exactly as the specification names
// them, the errors in its format with their status, every call in the call log, and no personal data read back.

const DISCOVERY_FIELDS = ['changeset', 'contact', 'key_service', 'endpoints'];
const ENDPOINT_FIELDS = ['specification', 'url', 'changeset', 'type', 'formats'];
const SERVICE_FIELDS = ['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group'];
const DEFINITION_FIELDS = ['service_code', 'attributes'];
const ATTRIBUTE_FIELDS = [
  'variable',
  'code',
  'datatype',
  'required',
  'datatype_description',
  'order',
  'description',
  'values',
];
const VALUE_FIELDS = ['key', 'name'];
const POST_FIELDS = ['service_request_id', 'token', 'service_notice', 'account_id'];
const TOKEN_FIELDS = ['service_request_id', 'token'];
const REQUEST_FIELDS = [
  'service_request_id',
  'status',
  'status_notes',
  'service_name',
  'service_code',
  'description',
  'agency_responsible',
  'service_notice',
  'requested_datetime',
  'updated_datetime',
  'expected_datetime',
  'address',
  'address_id',
  'zipcode',
  'lat',
  'long',
  'media_url',
];
const ERROR_FIELDS = ['code', 'description'];

const LISTS = ['service', 'request', 'error', 'attribute', 'value', 'endpoint', 'format'];
const parser = new XMLParser({ parseTagValue: false, isArray: (name) => LISTS.includes(name) });

type Doc = Record<string, unknown>;
const keys = (o: unknown) => Object.keys(o as object);

const BASE = 'http://localhost/open311/v2';

describe('the XML writer', () => {
  it('escapes what markup would otherwise read, and a parser reads back the same text', () => {
    const nasty = `<b>&amp; & &#x41; "q" 'a' ]]> 测试`;
    const xml = toXml('errors', [{ code: 400, description: nasty }]);
    expect(xml).not.toContain('<b>');
    expect(parser.parse(xml).errors.error[0].description).toBe(nasty);
  });
});

describe.each(DB_KINDS)('Open311 GeoReport v2 on %s', (kind) => {
  const t = useTestServices(kind);
  const context = () =>
    ({ runtime: { db: t.db, services: t.services }, peer: '127.0.0.1' }) as unknown as AppLoadContext;

  const get = (path: string, query: Record<string, string> = {}) => {
    const url = new URL(`${BASE}/${path}`);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const request = new Request(url);
    const [first, item] = path.split('/');
    if (!item) return collection.loader({ request, context: context(), params: { resource: first } });
    const route = { services: serviceItem, requests: requestItem, tokens: tokenItem }[first]!;
    return route.loader({ request, context: context(), params: { item } });
  };

  const post = (path: string, fields: [string, string][]) =>
    collection.action({
      request: new Request(`${BASE}/${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      }),
      context: context(),
      params: { resource: path },
    });

  const json = async (res: Response) => {
    expect(res.headers.get('Content-Type')).toMatch(/^application\/json/);
    return (await res.json()) as Doc[];
  };
  const xml = async (res: Response) => {
    expect(res.headers.get('Content-Type')).toMatch(/^text\/xml/);
    return parser.parse(await res.text()) as Doc;
  };

  const expectJsonError = async (res: Response, status: number, words: RegExp) => {
    expect(res.status).toBe(status);
    const body = await json(res);
    expect(body).toHaveLength(1);
    expect(keys(body[0])).toEqual(ERROR_FIELDS);
    expect(body[0].code).toBe(status);
    expect(String(body[0].description)).toMatch(words);
  };
  const expectXmlError = async (res: Response, status: number, words: RegExp) => {
    expect(res.status).toBe(status);
    const errors = ((await xml(res)).errors as Doc).error as Doc[];
    expect(errors).toHaveLength(1);
    expect(keys(errors[0])).toEqual(ERROR_FIELDS);
    expect(errors[0].code).toBe(String(status));
    expect(String(errors[0].description)).toMatch(words);
  };

  const count = async (table: string) =>
    Number((await t.sql<{ n: number }>(`select count(*)::int as n from ${table}`))[0].n);

  const person = { phone: '13900001111', first_name: '小明', last_name: '欧阳', email: 'ouyang@example.org' };

  const filing = (apiKey: string, over: [string, string][] = []): [string, string][] => [
    ['api_key', apiKey],
    ['jurisdiction_id', '12345'],
    ['service_code', '0202'],
    ['lat', String(PHOTO_PLACE.lat)],
    ['long', String(PHOTO_PLACE.lng)],
    ['address_string', '西湖区文三路 100 号'],
    ['address_id', 'ADDR-778'],
    ['description', '楼下工地每晚十一点后仍在施工，噪声很大'],
    ['media_url', 'https://photos.example.org/noise/1.jpg'],
    ['phone', person.phone],
    ['first_name', person.first_name],
    ['last_name', person.last_name],
    ['email', person.email],
    ['device_id', 'device-42'],
    ['account_id', 'acct-7'],
    ['attribute[noise_source]', 'construction'],
    ['attribute[noise_started]', '2026-12-01T23:00:00+08:00'],
    ['attribute[nights]', '3'],
    ...over,
  ];

  it('answers the discovery document in both formats, without a key', async () => {
    const [j] = [(await (await get('discovery.json')).json()) as Doc];
    expect(keys(j)).toEqual(DISCOVERY_FIELDS);
    const endpoints = j.endpoints as Doc[];
    expect(keys(endpoints[0])).toEqual(ENDPOINT_FIELDS);
    expect(endpoints[0]).toMatchObject({
      specification: 'http://wiki.open311.org/GeoReport_v2',
      url: 'http://localhost/open311/v2',
      type: 'production',
      formats: ['text/xml', 'application/json'],
    });
    const x = (await xml(await get('discovery.xml'))).discovery as Doc;
    expect(keys(x)).toEqual(DISCOVERY_FIELDS);
    const endpoint = ((x.endpoints as Doc).endpoint as Doc[])[0];
    expect(keys(endpoint)).toEqual(ENDPOINT_FIELDS);
    expect((endpoint.formats as Doc).format).toEqual(['text/xml', 'application/json']);
    expect(x.changeset).toBe(j.changeset);
  });

  it('lists the active leaf categories as services, and a category’s questions as its definition', async () => {
    const reader = await newApiClient(t, ['open311:read']);
    const list = await json(await get('services.json', { api_key: reader.apiKey }));
    for (const s of list) expect(keys(s)).toEqual(SERVICE_FIELDS);
    const codes = list.map((s) => s.service_code);
    expect(codes).toContain('0101');
    expect(codes).not.toContain('01');
    expect(list.find((s) => s.service_code === '0202')).toMatchObject({
      service_name: '噪声扰民',
      metadata: true,
      type: 'realtime',
      group: '市容环境',
    });
    expect(list.find((s) => s.service_code === '0101')?.metadata).toBe(false);
    const x = ((await xml(await get('services.xml', { api_key: reader.apiKey }))).services as Doc).service as Doc[];
    expect(x).toHaveLength(list.length);
    for (const s of x) expect(keys(s)).toEqual(SERVICE_FIELDS);
    expect(x.find((s) => s.service_code === '0202')?.metadata).toBe('true');

    const def = (await (await get('services/0202.json', { api_key: reader.apiKey })).json()) as Doc;
    expect(keys(def)).toEqual(DEFINITION_FIELDS);
    const attributes = def.attributes as Doc[];
    expect(attributes.map((a) => a.code)).toEqual(['noise_source', 'noise_started', 'nights']);
    for (const a of attributes) expect(keys(a)).toEqual(ATTRIBUTE_FIELDS);
    expect(attributes[0]).toMatchObject({ variable: true, datatype: 'singlevaluelist', required: true });
    for (const v of attributes[0].values as Doc[]) expect(keys(v)).toEqual(VALUE_FIELDS);
    const xdef = (await xml(await get('services/0202.xml', { api_key: reader.apiKey }))).service_definition as Doc;
    expect(keys(xdef)).toEqual(DEFINITION_FIELDS);
    const xattrs = (xdef.attributes as Doc).attribute as Doc[];
    for (const a of xattrs) expect(keys(a)).toEqual(ATTRIBUTE_FIELDS);
    expect(((xattrs[0].values as Doc).value as Doc[]).map((v) => v.key)).toEqual([
      'construction',
      'business',
      'traffic',
      'neighbour',
    ]);

    await expectJsonError(await get('services/9999.json', { api_key: reader.apiKey }), 404, /service_code 9999/);
    await expectXmlError(await get('services/9999.xml', { api_key: reader.apiKey }), 404, /service_code 9999/);
  });

  it('files a request as an appeal of the client, with its token, answers and link, in JSON and XML', async () => {
    const writer = await newApiClient(t, ['open311:write', 'open311:read']);
    const res = await post('requests.json', filing(writer.apiKey));
    expect(res.status).toBe(200);
    const [filed] = await json(res);
    expect(keys(filed)).toEqual(POST_FIELDS);
    expect(filed).toMatchObject({ account_id: 'acct-7' });
    const [appeal] = await t.sql<{
      id: number;
      source: string;
      api_client_id: number;
      tags: string[];
      grid_id: number | null;
      caller_phone: string;
      title: string;
    }>('select id, source, api_client_id, tags, grid_id, caller_phone, title from appeal where number = ?', [
      filed.service_request_id,
    ]);
    expect(appeal).toMatchObject({ source: 'api', api_client_id: writer.id, caller_phone: person.phone });
    expect(appeal.tags).toContain('submitted');
    expect(appeal.grid_id).not.toBeNull();
    expect(appeal.title).toMatch(/^噪声扰民：/);
    const [stored] = await t.sql<{ answers: unknown; media_url: string; address_id: string; client_id: number }>(
      'select answers, media_url, address_id, client_id from open311_token where token = ?',
      [filed.token],
    );
    expect(stored).toMatchObject({
      media_url: 'https://photos.example.org/noise/1.jpg',
      address_id: 'ADDR-778',
      client_id: writer.id,
    });
    const answers = (typeof stored.answers === 'string' ? JSON.parse(stored.answers) : stored.answers) as Doc[];
    expect(answers.map((a) => [a.code, a.shown])).toEqual([
      ['noise_source', '建筑施工'],
      ['noise_started', '2026-12-01T23:00:00+08:00'],
      ['nights', '3'],
    ]);

    // A token is read back by the client that filed it only.
    const [byToken] = await json(await get(`tokens/${filed.token}.json`, { api_key: writer.apiKey }));
    expect(keys(byToken)).toEqual(TOKEN_FIELDS);
    expect(byToken).toEqual({ service_request_id: filed.service_request_id, token: filed.token });
    const xToken = (
      (await xml(await get(`tokens/${filed.token}.xml`, { api_key: writer.apiKey }))).service_requests as Doc
    ).request as Doc[];
    expect(keys(xToken[0])).toEqual(TOKEN_FIELDS);
    expect(xToken[0].service_request_id).toBe(filed.service_request_id);
    const other = await newApiClient(t, ['open311:read']);
    await expectJsonError(await get(`tokens/${filed.token}.json`, { api_key: other.apiKey }), 404, /token/);

    const road = await post('requests.xml', [
      ['api_key', writer.apiKey],
      ['service_code', '0402'],
      ['address_string', '莫干山路与文一路口'],
      ['attribute[damage_kind][]', 'pothole'],
      ['attribute[damage_kind][]', 'manhole'],
    ]);
    expect(road.status).toBe(200);
    const xFiled = ((await xml(road)).service_requests as Doc).request as Doc[];
    expect(xFiled).toHaveLength(1);
    expect(keys(xFiled[0])).toEqual(POST_FIELDS);
    const [roadAnswers] = await t.sql<{ answers: unknown; content: string }>(
      'select t.answers, a.content from open311_token t join appeal a on a.id = t.appeal_id where t.token = ?',
      [xFiled[0].token],
    );
    const ra = (
      typeof roadAnswers.answers === 'string' ? JSON.parse(roadAnswers.answers) : roadAnswers.answers
    ) as Doc[];
    expect(ra[0]).toMatchObject({ value: ['pothole', 'manhole'], shown: '坑槽、井盖缺失或松动' });
    expect(roadAnswers.content).toMatch(/道路破损/);

    const calls = await t.sql<{ operation: string; outcome: string; status: number }>(
      'select operation, outcome, status from api_call where client_id = ? order by id',
      [writer.id],
    );
    expect(calls.filter((c) => c.operation === 'open311:write')).toEqual([
      { operation: 'open311:write', outcome: 'ok', status: 200 },
      { operation: 'open311:write', outcome: 'ok', status: 200 },
    ]);
  });

  it('lists and shows requests in both formats, without personal data, confidential ones without their words', async () => {
    const writer = await newApiClient(t, ['open311:write', 'open311:read']);
    const [filed] = await json(await post('requests.json', filing(writer.apiKey)));
    const secret = await inTransaction(t.em(), (tx) =>
      fileClientAppeal(
        tx,
        t.services,
        writer,
        {
          type: 'help',
          categoryId: t.ids.categories.get('0101')!,
          title: '保密诉求',
          content: '保密的内容不应被其他系统读到',
          address: '保密地址 1 号',
          confidential: true,
        },
        new Date(),
      ),
    );

    const list = await get('requests.json', { api_key: writer.apiKey });
    const text = await list.clone().text();
    for (const value of [...Object.values(person), 'acct-7', 'device-42', '欧阳小明'])
      expect(text).not.toContain(value);
    const rows = await json(list);
    for (const r of rows) expect(keys(r)).toEqual(REQUEST_FIELDS);
    const mine = rows.find((r) => r.service_request_id === filed.service_request_id)!;
    expect(mine).toMatchObject({
      status: 'open',
      service_code: '0202',
      service_name: '噪声扰民',
      description: '楼下工地每晚十一点后仍在施工，噪声很大',
      address: '西湖区文三路 100 号',
      address_id: 'ADDR-778',
      lat: PHOTO_PLACE.lat,
      long: PHOTO_PLACE.lng,
      media_url: 'https://photos.example.org/noise/1.jpg',
      status_notes: '已受理，等待派单',
    });
    expect(new Date(String(mine.requested_datetime)).getTime()).toBeGreaterThan(Date.now() - 60_000);
    const hidden = rows.find((r) => r.service_request_id === secret.number)!;
    expect(hidden).toMatchObject({ description: null, address: null, lat: null, long: null });
    expect(text).not.toContain('保密的内容');
    // Newest first.
    const times = rows.map((r) => new Date(String(r.requested_datetime)).getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const xlist = await get('requests.xml', { api_key: writer.apiKey });
    const xtext = await xlist.clone().text();
    for (const value of Object.values(person)) expect(xtext).not.toContain(value);
    const xrows = ((await xml(xlist)).service_requests as Doc).request as Doc[];
    expect(xrows).toHaveLength(rows.length);
    for (const r of xrows) expect(keys(r)).toEqual(REQUEST_FIELDS);

    const one = await json(await get(`requests/${filed.service_request_id}.json`, { api_key: writer.apiKey }));
    expect(one).toHaveLength(1);
    expect(keys(one[0])).toEqual(REQUEST_FIELDS);
    expect(one[0]).toMatchObject({ service_request_id: filed.service_request_id, status: 'open' });
    const xone = (
      (await xml(await get(`requests/${filed.service_request_id}.xml`, { api_key: writer.apiKey })))
        .service_requests as Doc
    ).request as Doc[];
    expect(keys(xone[0])).toEqual(REQUEST_FIELDS);
    expect(xone[0].lat).toBe(String(PHOTO_PLACE.lat));

    // Filters: by number (overriding the rest), by service, by status.
    const byNumber = await json(
      await get('requests.json', {
        api_key: writer.apiKey,
        service_request_id: `${filed.service_request_id},${secret.number}`,
        service_code: '0501',
      }),
    );
    expect(byNumber.map((r) => r.service_request_id).sort()).toEqual([filed.service_request_id, secret.number].sort());
    const noise = await json(await get('requests.json', { api_key: writer.apiKey, service_code: '0202' }));
    expect(noise.length).toBeGreaterThan(0);
    expect(noise.every((r) => r.service_code === '0202')).toBe(true);
    const closed = await json(await get('requests.json', { api_key: writer.apiKey, status: 'closed' }));
    expect(closed.every((r) => r.status === 'closed')).toBe(true);
    expect(closed.some((r) => r.service_request_id === filed.service_request_id)).toBe(false);
    const old = await json(
      await get('requests.json', {
        api_key: writer.apiKey,
        start_date: '2020-01-01T00:00:00+08:00',
        end_date: '2020-02-01T00:00:00+08:00',
      }),
    );
    expect(old).toEqual([]);
    await expectJsonError(await get('requests/NO-SUCH.json', { api_key: writer.apiKey }), 404, /NO-SUCH/);
  });

  it('refuses in the specification’s error format and changes nothing', async () => {
    const writer = await newApiClient(t, ['open311:write', 'open311:read']);
    const reader = await newApiClient(t, ['open311:read']);
    const appeals = await count('appeal');
    const tokens = await count('open311_token');
    const without = filing(writer.apiKey).filter(([k]) => k !== 'api_key');

    await expectJsonError(await post('requests.json', without), 401, /api_key/);
    await expectXmlError(await post('requests.xml', without), 401, /api_key/);
    await expectJsonError(await get('requests.json'), 401, /api_key/);
    await expectXmlError(await get('services.xml'), 401, /api_key/);
    await expectJsonError(await post('requests.json', filing(reader.apiKey)), 403, /open311:write/);
    await expectXmlError(await post('requests.xml', filing(reader.apiKey)), 403, /open311:write/);

    const swap = (k: string, v: string | null) =>
      filing(writer.apiKey)
        .filter(([name]) => name !== k)
        .concat(v === null ? [] : [[k, v]]);
    await expectJsonError(await post('requests.json', swap('service_code', '9999')), 404, /service_code 9999/);
    await expectXmlError(await post('requests.xml', swap('service_code', '9999')), 404, /service_code 9999/);
    await expectJsonError(await post('requests.json', swap('jurisdiction_id', 'elsewhere.gov')), 404, /jurisdiction/);
    await expectXmlError(await post('requests.xml', swap('jurisdiction_id', 'elsewhere.gov')), 404, /jurisdiction/);
    await expectJsonError(
      await get('services.json', { api_key: reader.apiKey, jurisdiction_id: 'x' }),
      404,
      /jurisdiction/,
    );
    const long = '很'.repeat(4001);
    await expectJsonError(await post('requests.json', swap('description', long)), 400, /description.*4000/);
    await expectXmlError(await post('requests.xml', swap('description', long)), 400, /description.*4000/);
    const nowhere = filing(writer.apiKey).filter(([k]) => !['lat', 'long', 'address_string', 'address_id'].includes(k));
    await expectJsonError(await post('requests.json', nowhere), 400, /location is required/);
    await expectXmlError(await post('requests.xml', nowhere), 400, /location is required/);
    await expectJsonError(await post('requests.json', swap('lat', null)), 400, /lat and long/);
    await expectJsonError(await post('requests.json', swap('lat', '39.9')), 400, /outside the city/);
    await expectJsonError(await post('requests.json', swap('media_url', 'javascript:alert(1)')), 400, /media_url/);
    await expectJsonError(await post('requests.json', swap('phone', '12')), 400, /phone/);
    await expectJsonError(
      await post('requests.json', swap('attribute[noise_source]', null)),
      400,
      /noise_source\] is required/,
    );
    await expectJsonError(
      await post('requests.json', swap('attribute[noise_source]', 'dragons')),
      400,
      /no choice dragons/,
    );
    await expectJsonError(
      await post('requests.json', swap('attribute[nights]', 'many')),
      400,
      /nights\] must be a number/,
    );
    await expectJsonError(await post('requests.json', swap('attribute[bogus]', '1')), 400, /bogus\] is not asked/);
    await expectXmlError(await post('requests.xml', swap('attribute[noise_started]', 'yesterday')), 400, /ISO 8601/);

    const range = { api_key: reader.apiKey, start_date: '2026-01-01T00:00:00Z', end_date: '2026-06-01T00:00:00Z' };
    await expectJsonError(await get('requests.json', range), 400, /at most 90 days/);
    await expectXmlError(await get('requests.xml', range), 400, /at most 90 days/);
    await expectJsonError(await get('requests.json', { api_key: reader.apiKey, start_date: 'last week' }), 400, /W3C/);
    await expectJsonError(await get('requests.json', { api_key: reader.apiKey, status: 'pending' }), 400, /status/);
    await expectJsonError(await get('nonsense.json', { api_key: reader.apiKey }), 404, /no such resource/);
    await expectJsonError(await get('requests.html', { api_key: reader.apiKey }), 404, /no such resource/);

    expect(await count('appeal')).toBe(appeals);
    expect(await count('open311_token')).toBe(tokens);
    const outcomes = await t.sql<{ outcome: string; n: number }>(
      `select outcome, count(*)::int as n from api_call where client_id = ? group by outcome order by outcome`,
      [writer.id],
    );
    expect(Object.fromEntries(outcomes.map((o) => [o.outcome, Number(o.n)]))).toEqual({
      invalid: 13,
      'not-found': 4,
    });
    const anonymous = await t.sql<{ n: number }>(
      `select count(*)::int as n from api_call where client_id is null and outcome = 'missing-key'`,
    );
    expect(Number(anonymous[0].n)).toBeGreaterThanOrEqual(4);
  });

  it('answers a call over the rate limit 429 with Retry-After', async () => {
    const c = await newApiClient(t, ['open311:read'], { rateLimitPerMinute: 1 });
    expect((await get('services.json', { api_key: c.apiKey })).status).toBe(200);
    const res = await get('services.xml', { api_key: c.apiKey });
    expect(Number(res.headers.get('Retry-After'))).toBeGreaterThan(0);
    await expectXmlError(res, 429, /calls a minute/);
  });
});
