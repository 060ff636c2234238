import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppLoadContext } from '@remix-run/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyEvent } from '../../app/appeals/service.server';
import { fileClientAppeal } from '../../app/api-clients/filing.server';
import { inTransaction } from '../../app/db/sql.server';
import { bossTimers, startBoss } from '../../app/jobs/timers.server';
import { sweepEvery } from '../../app/jobs/sweep-chain.server';
import { action as subscriptionsAction, loader as subscriptionsLoader } from '../../app/routes/api.v1.subscriptions';
import { action as subscriptionAction } from '../../app/routes/api.v1.subscriptions.$id';
import { WEBHOOK_QUEUE, deliverDueWebhooks, retryDelayMs } from '../../app/webhooks/delivery.server';
import { redeliver, webhookLog } from '../../app/webhooks/log.server';
import { createSubscription, webhookPayloadSchema } from '../../app/webhooks/subscriptions.server';
import { DB_KINDS } from '../support/env';
import { newApiClient } from '../support/api-clients';
import { useTestServices } from '../support/services';

// Status webhooks end to end: subscriptions through the interface, changes written with the appeal's steps, signed
// deliveries to a real HTTP receiver that fails before it recovers, in order, across a restart.

interface Received {
  path: string;
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  answered: number;
}

/** A receiver on a free local port: answers 500 to the first `failFirst` posts, then 200. */
async function receiver(failFirst: number) {
  const got: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answered = got.length < failFirst ? 500 : 200;
      got.push({
        path: req.url ?? '',
        id: String(req.headers['x-webhook-id']),
        timestamp: String(req.headers['x-timestamp']),
        signature: String(req.headers['x-signature']),
        body: Buffer.concat(chunks).toString('utf8'),
        answered,
      });
      res.writeHead(answered).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    got,
    base: `http://127.0.0.1:${port}`,
    accepted: (path: string) => got.filter((g) => g.path === path && g.answered === 200),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const signed = (secret: string, r: Received) =>
  r.signature === `sha256=${createHmac('sha256', secret).update(`${r.timestamp}.${r.body}`).digest('hex')}`;

describe.each(DB_KINDS)('status webhooks on %s', (kind) => {
  const t = useTestServices(kind);
  let rx: Awaited<ReturnType<typeof receiver>>;
  const context = () => ({ runtime: { db: t.db, boss: t.boss } }) as unknown as AppLoadContext;
  const api = (apiKey: string, path: string, init: RequestInit = {}) =>
    new Request(`http://localhost${path}`, {
      ...init,
      headers: { 'X-Api-Key': apiKey, 'Content-Type': 'application/json', ...(init.headers ?? {}) },
    });
  const subscribe = async (apiKey: string, body: unknown) =>
    subscriptionsAction({
      request: api(apiKey, '/api/v1/subscriptions', { method: 'POST', body: JSON.stringify(body) }),
      context: context(),
      params: {},
    });
  const categoryId = () => t.ids.categories.get('0201')!;
  const file = (clientId: number, title: string) =>
    inTransaction(t.em(), (tx) =>
      fileClientAppeal(
        tx,
        t.services,
        { id: clientId },
        { type: 'complaint', categoryId: categoryId(), title, content: `${title}，请尽快处理。` },
        new Date(),
      ),
    );
  const step = async (appealId: number, user: string, type: string, payload: Record<string, unknown> = {}) => {
    await applyEvent(t.services, { appealId, type, payload, actor: t.as(user) });
  };
  /** Drives the sender with a clock that jumps an hour each round, until `done` holds (at most `rounds`). */
  const deliverUntil = async (clock: { at: number }, done: () => boolean, rounds = 30) => {
    for (let i = 0; i < rounds && !done(); i++) {
      await deliverDueWebhooks(t.db, { now: () => new Date(clock.at) });
      clock.at += 3_600_000;
    }
    return done();
  };

  beforeAll(async () => {
    rx = await receiver(3);
  });
  afterAll(async () => {
    await rx.close();
  });

  it('refuses an all-appeals subscription without webhooks:all, and urls that are not https', async () => {
    const plain = await newApiClient(t, ['webhooks:subscribe']);
    const refused = await subscribe(plain.apiKey, { url: 'https://example.org/hook', scope: 'all' });
    expect(refused.status).toBe(403);
    expect((await subscribe(plain.apiKey, { url: 'http://example.org/hook' })).status).toBe(400);
    expect((await subscribe(plain.apiKey, { url: 'https://example.org/hook', extra: 1 })).status).toBe(400);
    const noKey = await subscribe('hk_000000000000_' + 'A'.repeat(43), { url: 'https://example.org/hook' });
    expect(noKey.status).toBe(401);
    expect(await t.sql('select 1 from webhook_subscription where client_id = ?', [plain.id])).toHaveLength(0);
    const calls = await t.sql<{ status: number; outcome: string }>(
      'select status, outcome from api_call where client_id = ? order by id',
      [plain.id],
    );
    expect(calls).toEqual([
      { status: 403, outcome: 'operation' },
      { status: 400, outcome: 'invalid' },
      { status: 400, outcome: 'invalid' },
    ]);
  });

  it('delivers every change once the receiver recovers, in order, signed, with stable ids, across a restart', async () => {
    const filer = await newApiClient(t, ['open311:write', 'webhooks:subscribe']);
    const other = await newApiClient(t, ['open311:write']);
    const watcher = await newApiClient(t, ['webhooks:subscribe', 'webhooks:all']);
    const own = await subscribe(filer.apiKey, { url: `${rx.base}/own`, scope: 'own' });
    expect(own.status).toBe(201);
    const ownSub = (await own.json()) as { id: number; url: string; scope: string; createdAt: string };
    expect(ownSub).toMatchObject({ url: `${rx.base}/own`, scope: 'own' });
    expect((await subscribe(watcher.apiKey, { url: `${rx.base}/all`, scope: 'all' })).status).toBe(201);
    const listed = await subscriptionsLoader({
      request: api(filer.apiKey, '/api/v1/subscriptions'),
      context: context(),
      params: {},
    });
    expect(((await listed.json()) as { subscriptions: { id: number }[] }).subscriptions.map((s) => s.id)).toEqual([
      ownSub.id,
    ]);

    const mine = await file(filer.id, '路灯不亮');
    const theirs = await file(other.id, '井盖缺失');
    await step(mine.id, 'dispatcher', 'DISPATCH', { departmentId: t.ids.departments.get('F02') });
    await step(mine.id, 'handler', 'ACCEPT');
    await step(mine.id, 'handler', 'REPLY', { result: '已更换灯泡', resolved: true });
    const ownRows = await t.sql<{ sequence: number }>(
      'select sequence from webhook_delivery where subscription_id = ? order by sequence',
      [ownSub.id],
    );
    expect(ownRows.map((r) => r.sequence)).toEqual([2, 3, 4, 5]); // SUBMIT, DISPATCH, ACCEPT, REPLY

    // One round: the first change of each appeal to each subscription is refused; then the app stops and starts
    // again on the same database.
    const clock = { at: Date.now() };
    await deliverUntil(clock, () => rx.got.length >= 3, 1);
    expect(rx.got.map((g) => g.answered)).toEqual([500, 500, 500]);
    await t.boss.stop({ graceful: false });
    await t.db.close();
    t.db = await t.reopen();
    t.boss = await startBoss(t.db);
    t.services = { db: t.db, timers: bossTimers(t.boss) };

    expect(await deliverUntil(clock, () => rx.accepted('/own').length >= 4 && rx.accepted('/all').length >= 5)).toBe(
      true,
    );
    const accepted = rx.accepted('/own');
    expect(accepted).toHaveLength(4);
    const payloads = accepted.map((r) => webhookPayloadSchema.parse(JSON.parse(r.body)));
    expect(payloads.map((p) => p.sequence)).toEqual([2, 3, 4, 5]);
    expect(payloads.every((p) => p.request.service_request_id === mine.number)).toBe(true);
    expect(payloads.map((p) => p.request.status)).toEqual(['open', 'open', 'open', 'open']);
    expect(payloads[0].request.phase).toBe('已受理');
    expect(payloads[1].request.agency_responsible).toBeTruthy();
    expect(new Set(payloads.map((p) => p.eventId)).size).toBe(4);
    // Every post, refused or accepted, was signed with the client's secret and named its event in the header.
    for (const r of rx.got.filter((g) => g.path === '/own')) {
      expect(signed(filer.signingSecret, r)).toBe(true);
      expect(JSON.parse(r.body).eventId).toBe(r.id);
    }
    // The refused posts were each appeal's first change, sent again under the same id and body, before any later one.
    const refused = rx.got.filter((g) => g.answered === 500);
    for (const r of refused) {
      const later = rx.got.filter((g) => g.answered === 200 && g.path === r.path);
      const retried = later.find((g) => g.id === r.id)!;
      expect(retried.body).toBe(r.body);
      expect(JSON.parse(r.body).sequence).toBe(2);
      const sameAppeal = later.filter(
        (g) => JSON.parse(g.body).request.service_request_id === JSON.parse(r.body).request.service_request_id,
      );
      expect(sameAppeal[0].id).toBe(r.id);
    }
    expect(accepted[0].id).toBe(refused.find((r) => r.path === '/own')!.id);
    // The other client's appeal went to the all-appeals subscription only.
    expect(accepted.some((r) => r.body.includes(theirs.number))).toBe(false);
    const allPayloads = rx.accepted('/all').map((r) => webhookPayloadSchema.parse(JSON.parse(r.body)));
    expect(allPayloads.filter((p) => p.request.service_request_id === theirs.number)).toHaveLength(1);
    expect(allPayloads.filter((p) => p.request.service_request_id === mine.number).map((p) => p.sequence)).toEqual([
      2, 3, 4, 5,
    ]);
    for (const r of rx.accepted('/all')) expect(signed(watcher.signingSecret, r)).toBe(true);
    const [tally] = await t.sql<{ delivered: number; pending: number }>(
      `select count(*) filter (where status = 'delivered')::int as delivered,
              count(*) filter (where status = 'pending')::int as pending
         from webhook_delivery where subscription_id = ?`,
      [ownSub.id],
    );
    expect(tally).toEqual({ delivered: 4, pending: 0 });

    // A deleted subscription gets nothing more.
    const gone = await subscriptionAction({
      request: api(filer.apiKey, `/api/v1/subscriptions/${ownSub.id}`, { method: 'DELETE' }),
      context: context(),
      params: { id: String(ownSub.id) },
    });
    expect(gone.status).toBe(204);
    const again = await subscriptionAction({
      request: api(watcher.apiKey, `/api/v1/subscriptions/${ownSub.id}`, { method: 'DELETE' }),
      context: context(),
      params: { id: String(ownSub.id) },
    });
    expect(again.status).toBe(404);
    await step(mine.id, 'reviewer', 'APPROVE_REPLY');
    expect(await deliverUntil(clock, () => rx.accepted('/all').length >= 6)).toBe(true);
    expect(rx.accepted('/own')).toHaveLength(4);
    expect(
      await t.sql('select 1 from webhook_delivery where subscription_id = ? and sequence = 6', [ownSub.id]),
    ).toHaveLength(0);
  });

  it('fails a change at once on 410 Gone, holds the later ones back, and sends them in order once redelivered', async () => {
    const filer = await newApiClient(t, ['open311:write', 'webhooks:subscribe']);
    let gone = true;
    const posts: { status: number; body: string }[] = [];
    // The all-appeals subscription of the test before sees this appeal too: only this one's posts are counted.
    const post = async ({ url, body }: { url: string; body: string }) => {
      if (url === 'https://receiver.example/gone') posts.push({ status: gone ? 410 : 200, body });
      return { status: gone ? 410 : 200 };
    };
    const sub = await createSubscription(
      t.em(),
      { id: filer.id, operations: ['webhooks:subscribe'] },
      { url: 'https://receiver.example/gone' },
    );
    const a = await file(filer.id, '路面塌陷');
    await step(a.id, 'dispatcher', 'DISPATCH', { departmentId: t.ids.departments.get('F02') });
    const clock = { at: Date.now() };
    await deliverDueWebhooks(t.db, { post, now: () => new Date(clock.at) });
    await deliverDueWebhooks(t.db, { post, now: () => new Date(clock.at + 86_400_000) });
    expect(posts.map((p) => p.status)).toEqual([410]);
    const log = await webhookLog(t.em());
    const figures = log.subscriptions.find((s) => s.id === sub.id)!;
    expect(figures).toMatchObject({ delivered: 0, pending: 1, failed: 1, lastError: 'HTTP 410' });
    const failed = log.deliveries.find((d) => d.appealNumber === a.number && d.status === 'failed')!;
    expect(failed).toMatchObject({ sequence: 2, attempts: 1, lastStatus: 410, mayRedeliver: true });
    // Only a failed delivery can be sent again.
    const pending = log.deliveries.find((d) => d.appealNumber === a.number && d.status === 'pending')!;
    await expect(redeliver(t.em(), { id: pending.id })).rejects.toThrow('该投递不是可重新投递的失败记录');
    gone = false;
    await redeliver(t.em(), { id: failed.id }, new Date(clock.at));
    await deliverDueWebhooks(t.db, { post, now: () => new Date(clock.at) });
    expect(posts.slice(1).map((p) => [p.status, JSON.parse(p.body).sequence])).toEqual([
      [200, 2],
      [200, 3],
    ]);
    // A DELETE that carries anything but an empty body is refused and deletes nothing.
    const refused = await subscriptionAction({
      request: api(filer.apiKey, `/api/v1/subscriptions/${sub.id}`, {
        method: 'DELETE',
        body: '{"force":true}',
        // As the HTTP server hands it over: a request body comes with its length.
        headers: { 'Content-Length': '14' },
      }),
      context: context(),
      params: { id: String(sub.id) },
    });
    expect(refused.status).toBe(400);
    expect(
      await t.sql('select 1 from webhook_subscription where id = ? and deleted_at is null', [sub.id]),
    ).toHaveLength(1);
  });

  it('sends through the pg-boss sweep chain, in order, retrying what failed', async () => {
    const filer = await newApiClient(t, ['open311:write', 'webhooks:subscribe']);
    const fresh = await receiver(1);
    try {
      expect((await subscribe(filer.apiKey, { url: `${fresh.base}/q` })).status).toBe(201);
      const a = await file(filer.id, '噪音扰民');
      await step(a.id, 'dispatcher', 'DISPATCH', { departmentId: t.ids.departments.get('F02') });
      // The first post fails and waits its backoff: each sweep of the pg-boss chain sees a clock an hour later.
      let offset = 0;
      await sweepEvery(
        t.boss,
        WEBHOOK_QUEUE,
        1,
        () => {
          offset += 3_600_000;
          return deliverDueWebhooks(t.db, { now: () => new Date(Date.now() + offset) });
        },
        { pollingIntervalSeconds: 0.5 },
      );
      await expect.poll(() => fresh.accepted('/q').length, { timeout: 30_000, interval: 200 }).toBe(2);
      const seq = fresh.accepted('/q').map((r) => JSON.parse(r.body).sequence);
      expect(seq).toEqual([2, 3]);
    } finally {
      await fresh.close();
    }
  });
});

describe.skipIf(!DB_KINDS.includes('postgres'))('status webhooks with two instances', () => {
  const t = useTestServices('postgres');

  it('post each change once when two senders sweep the same outbox', async () => {
    const rx = await receiver(0);
    const second = await t.reopen();
    try {
      const filer = await newApiClient(t, ['open311:write', 'webhooks:subscribe']);
      await createSubscription(t.em(), { id: filer.id, operations: ['webhooks:subscribe'] }, { url: `${rx.base}/two` });
      for (let i = 0; i < 6; i++)
        await inTransaction(t.em(), (tx) =>
          fileClientAppeal(
            tx,
            t.services,
            { id: filer.id },
            {
              type: 'complaint',
              categoryId: t.ids.categories.get('0201')!,
              title: `占道经营${i}`,
              content: '占道经营，影响通行。',
            },
            new Date(),
          ),
        );
      await Promise.all([deliverDueWebhooks(t.db), deliverDueWebhooks(second)]);
      const ids = rx.accepted('/two').map((r) => r.id);
      expect(ids).toHaveLength(6);
      expect(new Set(ids).size).toBe(6);
    } finally {
      await second.close();
      await rx.close();
    }
  });
});

describe('backoff', () => {
  it('doubles from 10 s with ±20 % jitter, at most an hour', () => {
    expect(retryDelayMs(1, () => 0.5)).toBe(10_000);
    expect(retryDelayMs(2, () => 0.5)).toBe(20_000);
    expect(retryDelayMs(4, () => 0)).toBe(64_000);
    expect(retryDelayMs(20, () => 1)).toBe(4_320_000);
    expect(retryDelayMs(20, () => 0.5)).toBe(3_600_000);
  });
});
