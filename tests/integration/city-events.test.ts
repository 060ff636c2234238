import { describe, expect, it } from 'vitest';
import {
  createEventType,
  eventTypesPage,
  setEventTypeActive,
  updateEventType,
} from '../../app/city-events/event-types.server';
import { cityEventOperations } from '../../app/city-events/api-description.server';
import { cityEventsOverview } from '../../app/city-events/overview.server';
import { Conflict, Forbidden, InvalidInput } from '../../app/domain/errors';
import { DB_KINDS } from '../support/env';
import { newApiClient } from '../support/api-clients';
import { postEvent, signedEventRequest } from '../support/city-events';
import { useTestServices } from '../support/services';

// POST /api/v1/events through the route's action with signed requests: one appeal per event however often it is
// sent, every refusal writes nothing, and the 派单目录 dispatches at once where it decides.

/** A point in grid G01 (东城区 朝阳街道 向阳社区), and one far outside the city. */
const IN_G01 = { lat: 30.204, lng: 120.105 };
const OUTSIDE = { lat: 31.9, lng: 118.8 };

describe('the events operation as the interface document sees it', () => {
  it('checks bodies with the same schema the route uses and names every answer', () => {
    const [op] = cityEventOperations;
    expect(op).toMatchObject({ method: 'post', path: '/api/v1/events', operation: 'events:write', auth: 'signature' });
    const sample = {
      eventId: 'e1',
      scene: 'road-order',
      type: 'pothole',
      description: '路面坑洼影响通行',
      occurredAt: '2026-12-04T08:00:00+08:00',
      address: '人民路',
    };
    expect(op.body!.safeParse(sample).success).toBe(true);
    expect(op.body!.safeParse({ ...sample, extra: 1 }).success).toBe(false);
    expect(Object.keys(op.responses).map(Number)).toEqual([200, 201, 400, 401, 403, 409, 422, 429]);
  });
});

describe.each(DB_KINDS)('inbound city events on %s', (kind) => {
  const t = useTestServices(kind);
  let serial = 0;
  const now = () => Math.floor(Date.now() / 1000);

  async function cityBrain() {
    const client = await newApiClient(t, ['events:write']);
    const admin = t.as('admin');
    // 道路破损 (0402) is in the 派单目录 for 东城区 → 市交通运输局 (F05); 住房 (01), a top category, is in none.
    await createEventType(t.em(), admin, {
      clientId: client.id,
      scene: 'road-order',
      code: 'pothole',
      name: '路面坑洼',
      categoryId: t.ids.categories.get('0402'),
    });
    await createEventType(t.em(), admin, {
      clientId: client.id,
      scene: 'major-project',
      code: 'site-dust',
      name: '工地扬尘',
      categoryId: t.ids.categories.get('01'),
    });
    return client;
  }

  const event = (over: Record<string, unknown> = {}) => ({
    eventId: `ev-${kind}-${++serial}-${Date.now()}`,
    scene: 'road-order',
    type: 'pothole',
    description: '人民路与解放路交叉口路面出现坑洼，影响通行',
    occurredAt: '2026-12-04T08:15:00+08:00',
    ...IN_G01,
    media: [{ url: 'https://brain.example.cn/snap/1.jpg', kind: 'photo' }],
    reporter: 'cam-0231',
    ...over,
  });

  const counts = async () =>
    (
      await t.sql<{ appeals: number; events: number }>(
        `select (select count(*)::int from appeal) as appeals, (select count(*)::int from city_event) as events`,
      )
    )[0];

  it('files an event the catalogue decides straight to its lead department, dispatched by the system', async () => {
    const client = await cityBrain();
    const body = event();
    const res = await postEvent(t, signedEventRequest(client, body));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ eventId: body.eventId, routed: 'catalogue', departmentName: '市交通运输局' });
    const [a] = await t.sql<{
      id: number;
      phase: string;
      source: string;
      api_client_id: number;
      lead_department_id: number;
      grid_id: number;
    }>('select id, phase, source, api_client_id, lead_department_id, grid_id from appeal where number = ?', [
      res.body.appealNumber,
    ]);
    expect(a).toMatchObject({
      phase: 'dispatched',
      source: 'api',
      api_client_id: client.id,
      lead_department_id: t.ids.departments.get('F05'),
      grid_id: t.ids.grids.get('G01'),
    });
    const trail = await t.sql<{ type: string; actor_role: string; payload: { catalogue?: unknown } }>(
      'select type, actor_role, payload from appeal_event where appeal_id = ? order by seq',
      [a.id],
    );
    expect(trail.map((e) => [e.type, e.actor_role])).toEqual([
      ['CREATE', 'client'],
      ['SUBMIT', 'client'],
      ['DISPATCH', 'system'],
    ]);
    expect(trail[2].payload.catalogue).toMatchObject({ categoryCode: '0402', area: '东城区' });
    const [row] = await t.sql<{ routed: string; media: unknown; appeal_id: number }>(
      'select routed, media, appeal_id from city_event where event_id = ?',
      [body.eventId],
    );
    expect(row).toMatchObject({ routed: 'catalogue', appeal_id: a.id });
    const calls = await t.sql<{ status: number; outcome: string }>(
      `select status, outcome from api_call where client_id = ? and operation = 'events:write'`,
      [client.id],
    );
    expect(calls).toEqual([{ status: 201, outcome: 'ok' }]);
  });

  it('leaves an event the catalogue does not decide in triage for the dispatcher', async () => {
    const client = await cityBrain();
    const res = await postEvent(t, signedEventRequest(client, event({ scene: 'major-project', type: 'site-dust' })));
    expect(res.status).toBe(201);
    expect(res.body.routed).toBe('triage');
    expect(res.body.departmentName).toBeUndefined();
    const [a] = await t.sql<{ phase: string; lead_department_id: number | null }>(
      'select phase, lead_department_id from appeal where number = ?',
      [res.body.appealNumber],
    );
    expect(a).toEqual({ phase: 'triage', lead_department_id: null });
    // An address alone gives no grid, so no catalogue entry can decide it either.
    const byAddress = await postEvent(
      t,
      signedEventRequest(client, event({ lat: undefined, lng: undefined, address: '东城区人民路 18 号' })),
    );
    expect(byAddress).toMatchObject({ status: 201, body: { routed: 'triage' } });
  });

  it('makes one appeal of the same event sent 20 times at once; repeats answer 200 with its number', async () => {
    const client = await cityBrain();
    const body = event();
    const before = await counts();
    // Each copy is signed at its own second, as a retrying client would, so none is a replay.
    // (One clock reading for all: a second ticking over inside the loop would give two copies the same signature.)
    const signedAt = now();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => postEvent(t, signedEventRequest(client, body, { timestamp: signedAt - i }))),
    );
    const numbers = new Set(answers.map((r) => r.body.appealNumber));
    expect(numbers.size).toBe(1);
    expect(answers.filter((r) => r.status === 201)).toHaveLength(1);
    expect(answers.filter((r) => r.status === 200)).toHaveLength(19);
    const after = await counts();
    expect(after.appeals - before.appeals).toBe(1);
    expect(after.events - before.events).toBe(1);
    // The same event in other spacing is the same event; with other words it is a conflict and changes nothing.
    const spaced = await postEvent(t, signedEventRequest(client, body, { raw: JSON.stringify(body, null, 2) }));
    expect(spaced).toMatchObject({ status: 200, body: { appealNumber: [...numbers][0] } });
    const changed = await postEvent(
      t,
      signedEventRequest(client, { ...body, description: '另一处路面塌陷，请尽快处理' }),
    );
    expect(changed.status).toBe(409);
    expect(changed.body.error.code).toBe('event_conflict');
    expect(await counts()).toEqual(after);
  });

  it('refuses a bad or missing signature, an old timestamp and a replay with 401, writing nothing', async () => {
    const client = await cityBrain();
    const before = await counts();
    const body = event();
    const wrong = await postEvent(t, signedEventRequest(client, body, { secret: 'hs_not-the-secret' }));
    expect(wrong).toMatchObject({ status: 401, body: { error: { code: 'signature_invalid' } } });
    const missing = await postEvent(t, signedEventRequest(client, body, { signature: null }));
    expect(missing).toMatchObject({ status: 401, body: { error: { code: 'signature_required' } } });
    // Signed over other bytes than the ones sent.
    const tampered = signedEventRequest(client, body);
    const forged = new Request(tampered.url, {
      method: 'POST',
      headers: tampered.headers,
      body: JSON.stringify({ ...body, description: '改过的内容，签名不再相符' }),
    });
    expect((await postEvent(t, forged)).body.error.code).toBe('signature_invalid');
    const old = await postEvent(t, signedEventRequest(client, body, { timestamp: now() - 301 }));
    expect(old).toMatchObject({ status: 401, body: { error: { code: 'timestamp_out_of_window' } } });
    const ahead = await postEvent(t, signedEventRequest(client, body, { timestamp: now() + 400 }));
    expect(ahead.status).toBe(401);
    expect(await counts()).toEqual(before);

    const ts = now();
    const first = await postEvent(t, signedEventRequest(client, body, { timestamp: ts }));
    expect(first.status).toBe(201);
    const replay = await postEvent(t, signedEventRequest(client, body, { timestamp: ts }));
    expect(replay).toMatchObject({ status: 401, body: { error: { code: 'signature_replayed' } } });
    const outcomes = await t.sql<{ outcome: string; status: number }>(
      `select outcome, status from api_call where client_id = ? order by id`,
      [client.id],
    );
    expect(outcomes.map((o) => o.outcome)).toEqual([
      'signature-invalid',
      'signature-required',
      'signature-invalid',
      'timestamp-out-of-window',
      'timestamp-out-of-window',
      'ok',
      'signature-replayed',
    ]);
  });

  it('refuses an unknown or stopped type and a place outside the city with 422, and a bad body with 400', async () => {
    const client = await cityBrain();
    const before = await counts();
    const unknown = await postEvent(t, signedEventRequest(client, event({ type: 'no-such-type' })));
    expect(unknown.status).toBe(422);
    expect(unknown.body.error).toMatchObject({ code: 'unknown_type', fields: { type: expect.any(Array) } });
    const outside = await postEvent(t, signedEventRequest(client, event(OUTSIDE)));
    expect(outside).toMatchObject({ status: 422, body: { error: { code: 'outside_city' } } });
    const invalid = await postEvent(
      t,
      signedEventRequest(client, event({ media: [{ url: 'ftp://brain.example.cn/x.jpg', kind: 'photo' }] })),
    );
    expect(invalid.status).toBe(400);
    expect(Object.keys(invalid.body.error.fields)).toEqual(['media.0.url']);
    const nowhere = await postEvent(t, signedEventRequest(client, event({ lat: undefined, lng: undefined })));
    expect(nowhere.body.error.fields.address).toBeDefined();
    const [type] = await t.sql<{ id: number; version: number }>(
      `select id, version from city_event_type where client_id = ? and code = 'pothole'`,
      [client.id],
    );
    await setEventTypeActive(t.em(), t.as('admin'), type, false);
    const stopped = await postEvent(t, signedEventRequest(client, event()));
    expect(stopped.body.error.code).toBe('unknown_type');
    expect(await counts()).toEqual(before);
  });

  it('refuses a key without events:write and an unknown key before reading the event', async () => {
    const other = await newApiClient(t, ['open311:read']);
    const res = await postEvent(t, signedEventRequest(other, event()));
    expect(res).toMatchObject({ status: 403, body: { error: { code: 'operation' } } });
    const unknown = await postEvent(
      t,
      signedEventRequest({ apiKey: 'hk_000000000000_' + 'a'.repeat(43), signingSecret: 'x' }, event()),
    );
    expect(unknown).toMatchObject({ status: 401, body: { error: { code: 'unknown_key' } } });
  });

  it('lets only the admin keep event types: duplicates refused, edits version-guarded, each change audited', async () => {
    const client = await cityBrain();
    const admin = t.as('admin');
    const base = {
      clientId: client.id,
      scene: 'vehicle-supervision',
      code: 'muck-truck',
      name: '渣土车违规',
      categoryId: t.ids.categories.get('0801'),
    };
    await expect(createEventType(t.em(), t.as('supervisor'), base)).rejects.toBeInstanceOf(Forbidden);
    const { id } = await createEventType(t.em(), admin, base);
    const again = await createEventType(t.em(), admin, base).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(InvalidInput);
    expect((again as InvalidInput).fieldErrors.code).toBeDefined();
    const bad = await createEventType(t.em(), admin, { ...base, scene: 'Road Order' }).catch((e: unknown) => e);
    expect((bad as InvalidInput).fieldErrors.scene).toBeDefined();
    await updateEventType(t.em(), admin, { ...base, id, version: 1, name: '渣土车未密闭' });
    await expect(updateEventType(t.em(), admin, { ...base, id, version: 1, name: '旧版本' })).rejects.toBeInstanceOf(
      Conflict,
    );
    const page = await eventTypesPage(t.em(), admin);
    expect(page.types.find((x) => x.id === id)).toMatchObject({ name: '渣土车未密闭', version: 2, active: true });
    expect(page.options.clients.map((c) => c.id)).toContain(client.id);
    const audit = await t.sql<{ change: string }>(
      `select detail->>'change' as change from security_event
        where detail->>'setting' = 'cityEventType' and (detail->>'typeId')::int = ? order by id`,
      [id],
    );
    expect(audit.map((a) => a.change)).toEqual(['created', 'updated']);
  });

  it("shows supervisors each scene's days, the routing per client and scene, refusals and the latest events", async () => {
    const client = await cityBrain();
    await postEvent(t, signedEventRequest(client, event()));
    await postEvent(t, signedEventRequest(client, event({ scene: 'major-project', type: 'site-dust' })));
    await postEvent(t, signedEventRequest(client, event({ type: 'nothing-mapped' })));
    await expect(cityEventsOverview(t.em(), t.as('dispatcher'), {})).rejects.toBeInstanceOf(Forbidden);
    const o = await cityEventsOverview(t.em(), t.as('supervisor'), { client: String(client.id) });
    expect(o.days).toHaveLength(30);
    const mine = o.routing.filter((r) => r.clientId === client.id);
    expect(mine).toEqual([
      { clientId: client.id, client: client.name, scene: 'major-project', catalogue: 0, triage: 1 },
      { clientId: client.id, client: client.name, scene: 'road-order', catalogue: 1, triage: 0 },
    ]);
    expect(o.refusedByClient.find((r) => r.clientId === client.id)?.refused).toBe(1);
    expect(o.latest.map((e) => [e.scene, e.routed])).toEqual([
      ['major-project', 'triage'],
      ['road-order', 'catalogue'],
    ]);
    expect(o.latest[1]).toMatchObject({ typeName: '路面坑洼', department: '市交通运输局' });
    const today = o.volume.find((v) => v.scene === 'road-order')!.values.at(-1);
    expect(today).toBeGreaterThanOrEqual(1);
  });
});
