import { randomBytes } from 'node:crypto';
import type { AppLoadContext } from '@remix-run/node';
import { describe, expect, it } from 'vitest';
import { API_OPERATIONS } from '../../entities/api-client';
import { ApiRefusal, addressAllowed, authenticateApiKey } from '../../app/api-clients/authenticate.server';
import { registerClient, revokeClient, rotateClientKey, updateClient } from '../../app/api-clients/clients.server';
import {
  hashApiKey,
  openSigningSecret,
  resealSigningSecrets,
  signingSecretKeyUse,
} from '../../app/api-clients/credentials.server';
import { CALL_PAGE, callsPerDay, clientById, clientCalls, listClients } from '../../app/api-clients/register.server';
import { csrfTokenOf } from '../../app/auth/csrf.server';
import { startSession } from '../../app/auth/session.server';
import { Conflict, InvalidInput } from '../../app/domain/errors';
import { dataKey, dataKeyring, type DataKeyring } from '../../app/security/data-key.server';
import { API_OPERATION_LABELS } from '../../app/ui/labels';
import { action as registerAction } from '../../app/routes/admin.api-clients._index';
import { loader as pingLoader } from '../../app/routes/api.v1.ping';
import { fileClientAppeal } from '../../app/api-clients/filing.server';
import { inTransaction } from '../../app/db/sql.server';
import { DB_KINDS } from '../support/env';
import { newApiClient } from '../support/api-clients';
import { useTestServices } from '../support/services';

// The gate in front of every interface call: key, revocation, address, operation, rate limit.

const refusal = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiRefusal) return { reason: e.reason, status: e.status };
    throw e;
  }
  throw new Error('not refused');
};

describe('address allow-lists', () => {
  it('match single addresses and CIDR ranges of both families; an empty list allows all', () => {
    expect(addressAllowed([], '8.8.8.8')).toBe(true);
    expect(addressAllowed(['10.1.0.0/16'], '10.1.200.3')).toBe(true);
    expect(addressAllowed(['10.1.0.0/16'], '10.2.0.1')).toBe(false);
    expect(addressAllowed(['192.0.2.7'], '192.0.2.7')).toBe(true);
    expect(addressAllowed(['2001:db8::/32'], '2001:db8::1')).toBe(true);
    expect(addressAllowed(['192.0.2.7'], null)).toBe(false);
  });
});

describe.each(DB_KINDS)('interface clients on %s', (kind) => {
  const t = useTestServices(kind);
  const at = new Date('2026-12-07T02:00:30Z');

  it('let a key in for its operations only, and never a guessed or rotated-away key', async () => {
    const c = await newApiClient(t, ['open311:read']);
    const ok = await authenticateApiKey(t.em(), { apiKey: c.apiKey, operation: 'open311:read', ip: '127.0.0.1' }, at);
    expect(ok).toMatchObject({ id: c.id, name: c.name });
    expect(
      await refusal(authenticateApiKey(t.em(), { apiKey: c.apiKey, operation: 'open311:write', ip: null }, at)),
    ).toEqual({ reason: 'operation', status: 403 });
    expect(
      await refusal(authenticateApiKey(t.em(), { apiKey: undefined, operation: 'open311:read', ip: null }, at)),
    ).toEqual({ reason: 'missing-key', status: 401 });
    const guessed = c.apiKey.slice(0, -3) + (c.apiKey.endsWith('AAA') ? 'BBB' : 'AAA');
    expect(
      await refusal(authenticateApiKey(t.em(), { apiKey: guessed, operation: 'open311:read', ip: null }, at)),
    ).toEqual({ reason: 'unknown-key', status: 401 });
    const rotated = await rotateClientKey(t.em(), { userId: t.as('admin').userId }, { id: c.id, version: 1 }, at);
    expect(
      await refusal(authenticateApiKey(t.em(), { apiKey: c.apiKey, operation: 'open311:read', ip: null }, at)),
    ).toEqual({ reason: 'unknown-key', status: 401 });
    expect(
      (await authenticateApiKey(t.em(), { apiKey: rotated.apiKey, operation: 'open311:read', ip: null }, at)).id,
    ).toBe(c.id);
    await revokeClient(t.em(), { userId: t.as('admin').userId }, { id: c.id, version: 2 }, at);
    expect(
      await refusal(authenticateApiKey(t.em(), { apiKey: rotated.apiKey, operation: 'open311:read', ip: null }, at)),
    ).toEqual({ reason: 'revoked', status: 401 });
  });

  it('refuse an address off the allow-list and the call over the minute’s limit', async () => {
    const c = await newApiClient(t, ['events:write'], { rateLimitPerMinute: 3, ipAllowList: ['10.9.0.0/16'] });
    expect(
      await refusal(authenticateApiKey(t.em(), { apiKey: c.apiKey, operation: 'events:write', ip: '10.8.0.1' }, at)),
    ).toEqual({ reason: 'address', status: 403 });
    const call = () => authenticateApiKey(t.em(), { apiKey: c.apiKey, operation: 'events:write', ip: '10.9.3.4' }, at);
    await Promise.all([call(), call(), call()]);
    expect(await refusal(call())).toEqual({ reason: 'rate', status: 429 });
    // The next minute is a new window.
    const later = new Date(at.getTime() + 60_000);
    expect(
      (await authenticateApiKey(t.em(), { apiKey: c.apiKey, operation: 'events:write', ip: '10.9.3.4' }, later)).id,
    ).toBe(c.id);
  });

  it('file an appeal as the client: source api, the client on the row, submitted into triage', async () => {
    const c = await newApiClient(t, ['open311:write']);
    const [{ id: categoryId }] = await t.sql<{ id: number }>("select id from category where code = '0201'");
    const filed = await inTransaction(t.em(), (tx) =>
      fileClientAppeal(
        tx,
        t.services,
        { id: c.id },
        { type: 'complaint', categoryId, title: '人行道井盖缺失', content: '人民路口人行道井盖缺失，夜间危险。' },
        at,
      ),
    );
    const [row] = await t.sql<{ source: string; api_client_id: number; phase: string; created_by_id: number | null }>(
      'select source, api_client_id, phase, created_by_id from appeal where id = ?',
      [filed.id],
    );
    expect(row).toEqual({ source: 'api', api_client_id: c.id, phase: 'triage', created_by_id: null });
  });

  const admin = () => ({ userId: t.as('admin').userId });
  const fields = (over: Record<string, unknown> = {}) => ({
    name: `城管系统${randomBytes(3).toString('hex')}`,
    contact: '王工 0551-6300000',
    operations: ['open311:read'],
    ...over,
  });
  const eventsOf = (clientId: number) =>
    t.sql<{ act: string; detail: Record<string, unknown> }>(
      `select detail->>'act' as act, detail from security_event
        where kind = 'apiClientChanged' and (detail->>'clientId')::int = ? order by id`,
      [clientId],
    );
  const failure = async (p: Promise<unknown>) => p.then(() => null).catch((e: unknown) => e);

  it('register, edit, rotate and revoke a client, each a security event; stale or revoked versions are refused', async () => {
    const f = fields();
    const issued = await registerClient(t.em(), admin(), f, at);
    const renamed = `${f.name}二期`;
    await updateClient(
      t.em(),
      admin(),
      {
        ...f,
        id: issued.id,
        version: 1,
        name: renamed,
        operations: ['open311:read', 'open311:write'],
        ipAllowList: ['10.0.0.0/8'],
      },
      at,
    );
    expect(await clientById(t.em(), issued.id, at)).toMatchObject({
      name: renamed,
      operations: ['open311:read', 'open311:write'],
      ipAllowList: ['10.0.0.0/8'],
      version: 2,
    });
    // The form as it was before someone else's save: refused, nothing changed.
    const stale = await failure(updateClient(t.em(), admin(), { ...f, id: issued.id, version: 1 }, at));
    expect(stale).toBeInstanceOf(Conflict);
    expect(stale).toMatchObject({ status: 409, code: 'stale' });
    expect(await failure(rotateClientKey(t.em(), admin(), { id: issued.id, version: 1 }, at))).toMatchObject({
      code: 'stale',
    });
    expect((await clientById(t.em(), issued.id, at)).name).toBe(renamed);
    const rotated = await rotateClientKey(t.em(), admin(), { id: issued.id, version: 2 }, at);
    expect(rotated.apiKey).not.toBe(issued.apiKey);
    await revokeClient(t.em(), admin(), { id: issued.id, version: 3 }, at);
    expect(await failure(updateClient(t.em(), admin(), { ...f, id: issued.id, version: 4 }, at))).toMatchObject({
      code: 'notNow',
    });
    expect(await failure(revokeClient(t.em(), admin(), { id: issued.id, version: 4 }, at))).toMatchObject({
      code: 'notNow',
    });
    const events = await eventsOf(issued.id);
    expect(events.map((e) => e.act)).toEqual(['register', 'update', 'rotate', 'revoke']);
    expect(events[1].detail).toMatchObject({
      before: { name: f.name, operations: ['open311:read'], ipAllowList: [] },
      after: { name: renamed, operations: ['open311:read', 'open311:write'], ipAllowList: ['10.0.0.0/8'] },
    });
    expect((await clientById(t.em(), issued.id, at)).revokedAt).toBe(at.toISOString());
  });

  it('refuse a taken name (in any case), a bad allow-list entry, no operation; a refusal writes nothing', async () => {
    const first = await registerClient(t.em(), admin(), fields({ name: `Dept-${randomBytes(3).toString('hex')}` }), at);
    const { name } = await clientById(t.em(), first.id);
    const [{ n: before }] = await t.sql<{ n: number }>('select count(*)::int as n from api_client');
    const taken = await failure(registerClient(t.em(), admin(), fields({ name: name.toUpperCase() }), at));
    expect(taken).toBeInstanceOf(InvalidInput);
    expect((taken as InvalidInput).fieldErrors).toEqual({ name: ['已有同名客户端'] });
    const bad = await failure(
      registerClient(t.em(), admin(), fields({ ipAllowList: ['10.0.0.1', '10.0.0.300', 'example.org'] }), at),
    );
    expect((bad as InvalidInput).fieldErrors).toEqual({
      'ipAllowList.1': ['不是有效的 IP 地址或网段'],
      'ipAllowList.2': ['不是有效的 IP 地址或网段'],
    });
    const none = await failure(registerClient(t.em(), admin(), fields({ operations: [] }), at));
    expect((none as InvalidInput).fieldErrors).toEqual({ operations: ['至少选一项接口权限'] });
    const [{ n: after }] = await t.sql<{ n: number }>('select count(*)::int as n from api_client');
    expect(after).toBe(before);
    const other = await registerClient(t.em(), admin(), fields(), at);
    const renamed = await failure(updateClient(t.em(), admin(), { ...fields({ name }), id: other.id, version: 1 }, at));
    expect((renamed as InvalidInput).fieldErrors).toEqual({ name: ['已有同名客户端'] });
    expect(Object.keys(API_OPERATION_LABELS)).toEqual([...API_OPERATIONS]);
  });

  it('keep only the key’s hash and the sealed secret: neither is anywhere in the row', async () => {
    const c = await newApiClient(t, ['events:write']);
    const [row] = await t.sql<Record<string, unknown>>('select * from api_client where id = ?', [c.id]);
    const text = JSON.stringify(row);
    expect(text).not.toContain(c.apiKey);
    expect(text).not.toContain(c.apiKey.split('_')[2]);
    expect(text).not.toContain(c.signingSecret);
    expect(row.key_hash).toBe(hashApiKey(c.apiKey));
    expect(openSigningSecret(String(row.signing_secret_sealed))).toBe(c.signingSecret);
    expect((await clientById(t.em(), c.id)).keyHint).toBe(`hk_${c.apiKey.split('_')[1]}_…`);
  });

  it('answer the admin’s register form with the key once; the page read again has no key', async () => {
    const adminId = t.as('admin').userId;
    const cookie = (await startSession(t.em(), adminId)).split(';')[0];
    const token = (await csrfTokenOf(new Request('http://localhost/', { headers: { Cookie: cookie } })))!;
    const context = { runtime: { db: t.db } } as unknown as AppLoadContext;
    const name = `水务系统${randomBytes(3).toString('hex')}`;
    const body = new URLSearchParams({ name, contact: '李工 0551-1111111', rateLimitPerMinute: '120' });
    body.append('operations', 'events:write');
    body.append('operations', 'open311:read');
    body.set('ipAllowList', '192.0.2.0/24\r\n\r\n198.51.100.7\r\n');
    const res = (await registerAction({
      request: new Request('http://localhost/admin/api-clients', {
        method: 'POST',
        body,
        headers: { Cookie: cookie, 'X-CSRF-Token': token, 'Content-Type': 'application/x-www-form-urlencoded' },
      }),
      context,
      params: {},
    })) as Response;
    const answer = (await res.json()) as {
      issued: { id: number; apiKey: string; signingSecret: string; name: string };
    };
    expect(answer.issued.name).toBe(name);
    expect(answer.issued.apiKey).toMatch(/^hk_[0-9a-f]{12}_/);
    expect(await clientById(t.em(), answer.issued.id)).toMatchObject({
      operations: ['events:write', 'open311:read'],
      rateLimitPerMinute: 120,
      ipAllowList: ['192.0.2.0/24', '198.51.100.7'],
    });
    const listed = JSON.stringify(await listClients(t.em()));
    expect(listed).toContain(name);
    expect(listed).not.toContain(answer.issued.apiKey);
    expect(listed).not.toContain(answer.issued.signingSecret);
  });

  it('ping answers who the key is, logs every call, and the counts, log pages and chart figures follow', async () => {
    const c = await newApiClient(t, ['open311:read', 'events:write']);
    const context = { runtime: { db: t.db }, peer: '203.0.113.9' } as unknown as AppLoadContext;
    const call = (key: string | null) =>
      pingLoader({
        request: new Request('http://localhost/api/v1/ping', key ? { headers: { 'X-Api-Key': key } } : {}),
        context,
        params: {},
      });
    const ok = await call(c.apiKey);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ client: c.name, operations: ['open311:read', 'events:write'] });
    const missing = await call(null);
    expect([missing.status, await missing.json()]).toEqual([
      401,
      { error: 'missing-key', message: 'api_key is required' },
    ]);
    const r = await rotateClientKey(t.em(), admin(), { id: c.id, version: 1 });
    expect((await call(c.apiKey)).status).toBe(401);
    expect((await call(r.apiKey)).status).toBe(200);
    await revokeClient(t.em(), admin(), { id: c.id, version: 2 });
    const revoked = await call(r.apiKey);
    expect([revoked.status, ((await revoked.json()) as { error: string }).error]).toEqual([401, 'revoked']);

    const now = new Date();
    const row = await clientById(t.em(), c.id, now);
    // The old key is unknown (no client to count it for); the revoked key's call is this client's.
    expect(row).toMatchObject({ calls24h: 3, calls30d: 3, refusals30d: { revoked: 1 } });
    const log = await clientCalls(t.em(), c.id, {});
    expect(log.calls.map((x) => [x.operation, x.status, x.outcome, x.ip])).toEqual([
      ['ping', 401, 'revoked', '203.0.113.9'],
      ['ping', 200, 'ok', '203.0.113.9'],
      ['ping', 200, 'ok', '203.0.113.9'],
    ]);
    expect(log.outcomes).toEqual(['ok', 'revoked']);
    expect((await clientCalls(t.em(), c.id, { outcome: 'revoked' })).calls).toHaveLength(1);
    expect((await clientCalls(t.em(), c.id, { operation: 'open311:read' })).calls).toHaveLength(0);
    const perDay = await callsPerDay(t.em(), { clientId: c.id }, now);
    expect(perDay.days).toHaveLength(30);
    expect(
      perDay.outcomes.map((o) => [o.outcome, o.counts.at(-1), o.counts.slice(0, -1).every((n) => n === 0)]),
    ).toEqual([
      ['ok', 2, true],
      ['revoked', 1, true],
    ]);
  });

  it('page the call log by keyset: every call once, newest first, counts over the last day and month', async () => {
    const c = await newApiClient(t, ['open311:read']);
    const now = new Date('2026-12-20T04:00:00Z');
    const total = CALL_PAGE + 7;
    await t.sql(
      `insert into api_call (client_id, operation, status, outcome, ip, duration_ms, at)
       select ?, 'open311:read', case when g % 10 = 0 then 429 else 200 end,
              case when g % 10 = 0 then 'rate' else 'ok' end, '10.0.0.1', g, ?::timestamptz - g * interval '1 hour'
         from generate_series(1, ?) g`,
      [c.id, now, total],
    );
    const first = await clientCalls(t.em(), c.id, {});
    expect(first.calls).toHaveLength(CALL_PAGE);
    const second = await clientCalls(t.em(), c.id, { before: String(first.next) });
    expect(second.next).toBeNull();
    const all = [...first.calls, ...second.calls];
    expect(all.map((x) => x.durationMs)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(await clientById(t.em(), c.id, now)).toMatchObject({
      calls24h: 24,
      calls30d: total,
      refusals30d: { rate: Math.floor(total / 10) },
    });
    const perDay = await callsPerDay(t.em(), { clientId: c.id }, now);
    expect(perDay.outcomes.flatMap((o) => o.counts).reduce((a, b) => a + b, 0)).toBe(total);
    // 2026-12-20 04:00 UTC is 12:00 in the city: today's calls are the 12 hours since midnight.
    expect(perDay.days.at(-1)).toBe('2026-12-20');
    expect(perDay.outcomes.reduce((n, o) => n + o.counts.at(-1)!, 0)).toBe(12);
  });

  it('reseal the signing secrets under a new data key; the secret stays the same', async () => {
    const c = await newApiClient(t, ['events:write']);
    const old = dataKeyring();
    const next: DataKeyring = { current: dataKey(randomBytes(32)), previous: [old.current] };
    expect(await resealSigningSecrets(t.em(), next)).toBeGreaterThanOrEqual(1);
    expect(await resealSigningSecrets(t.em(), next)).toBe(0);
    expect(Object.keys(await signingSecretKeyUse(t.em()))).toEqual([next.current.id]);
    const [row] = await t.sql<{ signing_secret_sealed: string }>(
      'select signing_secret_sealed from api_client where id = ?',
      [c.id],
    );
    expect(openSigningSecret(row.signing_secret_sealed, { current: next.current, previous: [] })).toBe(c.signingSecret);
    // Back under the test's own key, for the tests after this one.
    await resealSigningSecrets(t.em(), { current: old.current, previous: [next.current] });
    expect(Object.keys(await signingSecretKeyUse(t.em()))).toEqual([old.current.id]);
  });
});
