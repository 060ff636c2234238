import { describe, expect, it } from 'vitest';
import { ApiRefusal, addressAllowed, authenticateApiKey } from '../../app/api-clients/authenticate.server';
import { revokeClient, rotateClientKey } from '../../app/api-clients/clients.server';
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
});
