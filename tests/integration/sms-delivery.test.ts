import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpSmsGateway, smsGatewayFromEnv } from '../../app/jobs/sms-gateway.server';
import { recordDeliveryReport } from '../../app/jobs/sms-delivery.server';
import { MAX_SMS_ATTEMPTS, sendPendingSms, type SmsGateway } from '../../app/jobs/sms.server';
import { action as deliveryReportAction } from '../../app/routes/sms.delivery-reports';
import { DB_KINDS } from '../support/env';
import { useTestServices } from '../support/services';

// The outbox as a production centre runs it: a gateway that throws leaves the message for a later try with
// backoff, five failures give it up, the HTTP provider is driven through a real local server, and its delivery
// reports (shared secret, idempotent) move sent → delivered | failed.

const SECRET = 'delivery-secret-0123456789';
const T0 = new Date('2026-12-07T02:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

/** A provider stand-in on a real port: each request is answered by the next scripted reply. */
interface Provider {
  url: string;
  requests: { auth: string | undefined; body: Record<string, unknown> }[];
  script: ((res: ServerResponse) => void)[];
}
let server: Server;
const provider: Provider = { url: '', requests: [], script: [] };
const reply = (status: number, body: unknown) => (res: ServerResponse) => {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
};
/** Never answers: the gateway's timeout has to end the wait. */
const hang = () => () => {};

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      provider.requests.push({ auth: req.headers.authorization, body: JSON.parse(raw) as Record<string, unknown> });
      (provider.script.shift() ?? reply(500, { error: 'unscripted' }))(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  provider.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms/send`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe.each(DB_KINDS)('SMS delivery on %s', (kind) => {
  const t = useTestServices(kind);
  let phones = 0;
  const queue = async (body = '【12345】测试短信') => {
    const phone = `1370000${String(1000 + phones++)}`;
    const [row] = await t.sql<{ id: number }>(
      `insert into sms_outbox (appeal_id, phone, template, body, status, created_at, updated_at)
       values (null, ?, 'verification', ?, 'pending', ?, ?) returning id`,
      [phone, body, T0, T0],
    );
    return row.id;
  };
  const row = async (id: number) =>
    (
      await t.sql<{
        status: string;
        attempts: number;
        next_attempt_at: Date | null;
        last_error: string | null;
        provider_message_id: string | null;
        delivered_at: Date | null;
      }>(
        'select status, attempts, next_attempt_at, last_error, provider_message_id, delivered_at from sms_outbox where id = ?',
        [id],
      )
    )[0];
  /** Sends with the clock at `when`, only the rows of this test (others stay as they are). */
  const sendAt = (gateway: SmsGateway, when: Date, only: number[]) =>
    sendPendingSms(
      t.db,
      {
        send: (m) => {
          if (!only.includes(m.id)) throw new Error('not this test');
          return gateway.send(m);
        },
      },
      { now: () => when },
    );
  const throwing: SmsGateway = {
    send: async () => {
      throw new Error('carrier down');
    },
  };
  const accepting = (prefix: string): SmsGateway => ({
    send: async (m) => ({ providerMessageId: `${prefix}-${m.id}` }),
  });
  const clean = async () => t.sql(`update sms_outbox set status = 'failed' where status = 'pending'`);

  it('keeps a message a throwing gateway could not send, and sends it at its retry time', async () => {
    await clean();
    const id = await queue();
    expect(await sendAt(throwing, T0, [id])).toBe(0);
    expect(await row(id)).toMatchObject({ status: 'pending', attempts: 1, last_error: 'carrier down' });
    expect(new Date((await row(id)).next_attempt_at!).toISOString()).toBe(at(1).toISOString());
    // Not before its time.
    expect(await sendAt(accepting('early'), at(0.5), [id])).toBe(0);
    expect((await row(id)).attempts).toBe(1);
    expect(await sendAt(accepting('p'), at(1), [id])).toBe(1);
    expect(await row(id)).toMatchObject({
      status: 'sent',
      attempts: 2,
      last_error: null,
      next_attempt_at: null,
      provider_message_id: `p-${id}`,
    });
  });

  it('gives a message up after the fifth failed attempt, waiting 1, 5, 30 and 120 minutes between', async () => {
    await clean();
    const id = await queue();
    let when = T0;
    const waits: number[] = [];
    for (let n = 1; n <= MAX_SMS_ATTEMPTS; n++) {
      await sendAt(throwing, when, [id]);
      const r = await row(id);
      expect(r.attempts).toBe(n);
      if (n < MAX_SMS_ATTEMPTS) {
        expect(r.status).toBe('pending');
        const next = new Date(r.next_attempt_at!);
        waits.push((next.getTime() - when.getTime()) / 60_000);
        when = next;
      }
    }
    expect(waits).toEqual([1, 5, 30, 120]);
    expect(await row(id)).toMatchObject({
      status: 'failed',
      attempts: 5,
      next_attempt_at: null,
      last_error: 'carrier down',
    });
    // Given up: a later sweep leaves it alone.
    expect(await sendAt(accepting('late'), at(10_000), [id])).toBe(0);
    expect((await row(id)).status).toBe('failed');
  });

  it('claims with SKIP LOCKED: two sweeps at once send each message once', async () => {
    await clean();
    const ids = [await queue(), await queue(), await queue()];
    const sent: number[] = [];
    const slow: SmsGateway = {
      send: async (m) => {
        sent.push(m.id);
        await new Promise((r) => setTimeout(r, 50));
        return { providerMessageId: `dup-${m.id}` };
      },
    };
    const [a, b] = await Promise.all([sendAt(slow, T0, ids), sendAt(slow, T0, ids)]);
    expect(a + b).toBe(3);
    expect(sent.sort()).toEqual([...ids].sort());
  });

  describe('delivery reports', () => {
    const sentMessage = async (messageId: string) => {
      await clean();
      const id = await queue();
      await sendAt({ send: async () => ({ providerMessageId: messageId }) }, T0, [id]);
      return id;
    };
    const report = (auth: string | null, body: unknown) =>
      recordDeliveryReport(t.em(), auth, body, { secret: SECRET, now: at(2) });
    const post = (auth: string | null, body: unknown) =>
      deliveryReportAction({
        request: new Request('http://localhost/sms/delivery-reports', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...(auth ? { Authorization: auth } : {}) },
          body: JSON.stringify(body),
        }),
        context: { runtime: { db: t.db } },
        params: {},
      } as never);

    it('marks a sent message delivered, once; a repeated report changes nothing', async () => {
      const id = await sentMessage(`ok-${kind}`);
      const deliveredAt = '2026-12-07T02:01:30Z';
      expect(await report(`Bearer ${SECRET}`, { messageId: `ok-${kind}`, status: 'delivered', deliveredAt })).toEqual({
        id,
        status: 'delivered',
        changed: true,
      });
      const first = await row(id);
      expect(first.status).toBe('delivered');
      expect(new Date(first.delivered_at!).toISOString()).toBe('2026-12-07T02:01:30.000Z');
      expect(await report(`Bearer ${SECRET}`, { messageId: `ok-${kind}`, status: 'delivered' })).toEqual({
        id,
        status: 'delivered',
        changed: false,
      });
      // A late 'failed' after the delivery is ignored too: a settled message stays as it is.
      expect(await report(`Bearer ${SECRET}`, { messageId: `ok-${kind}`, status: 'failed' })).toMatchObject({
        changed: false,
      });
      expect(await row(id)).toEqual(first);
    });

    it('marks a message the carrier could not deliver failed, with its reason', async () => {
      const id = await sentMessage(`undelivered-${kind}`);
      await report(`Bearer ${SECRET}`, { messageId: `undelivered-${kind}`, status: 'failed', error: '用户关机' });
      expect(await row(id)).toMatchObject({ status: 'failed', last_error: '用户关机', delivered_at: null });
    });

    it('refuses a wrong or missing secret with 401 and writes nothing', async () => {
      process.env.SMS_DELIVERY_SECRET = SECRET;
      try {
        const id = await sentMessage(`secret-${kind}`);
        const before = await row(id);
        for (const auth of [null, 'Bearer wrong-secret', SECRET, `Basic ${SECRET}`]) {
          const res = await post(auth, { messageId: `secret-${kind}`, status: 'delivered' });
          expect(res.status, String(auth)).toBe(401);
        }
        expect(await row(id)).toEqual(before);
        // The right one through the same route.
        const ok = await post(`Bearer ${SECRET}`, { messageId: `secret-${kind}`, status: 'delivered' });
        expect(ok.status).toBe(200);
        expect(await ok.json()).toEqual({ id, status: 'delivered', changed: true });
      } finally {
        delete process.env.SMS_DELIVERY_SECRET;
      }
      // No secret configured: every report is refused.
      await expect(
        recordDeliveryReport(t.em(), `Bearer ${SECRET}`, { messageId: 'x', status: 'delivered' }),
      ).rejects.toMatchObject({ status: 401 });
    });

    it('answers 404 for an id no message has, and 400 with field errors for a bad report', async () => {
      await expect(report(`Bearer ${SECRET}`, { messageId: 'nobody', status: 'delivered' })).rejects.toMatchObject({
        status: 404,
      });
      await expect(report(`Bearer ${SECRET}`, { messageId: '', status: 'read', extra: 1 })).rejects.toMatchObject({
        status: 400,
        fieldErrors: { messageId: ['缺少 messageId'], status: ['status 应为 delivered 或 failed'] },
      });
      const id = await sentMessage(`bad-${kind}`);
      await expect(
        report(`Bearer ${SECRET}`, { messageId: `bad-${kind}`, status: 'delivered', deliveredAt: 'yesterday' }),
      ).rejects.toMatchObject({ status: 400 });
      expect((await row(id)).status).toBe('sent');
    });
  });

  describe('HTTP provider', () => {
    const gateway = (timeoutMs = 2_000) =>
      httpSmsGateway({ url: provider.url, key: 'provider-key', signName: '某市12345', timeoutMs });

    it('posts the phone, text, sign name and the outbox id, and keeps the provider message id', async () => {
      await clean();
      provider.requests.length = 0;
      provider.script.push(reply(200, { messageId: `prov-${kind}-1` }));
      const id = await queue('【12345】您的验证码是 123456');
      expect(await sendAt(gateway(), T0, [id])).toBe(1);
      expect(provider.requests).toEqual([
        {
          auth: 'Bearer provider-key',
          body: {
            phone: expect.stringMatching(/^1370000\d{4}$/),
            text: '【12345】您的验证码是 123456',
            signName: '某市12345',
            clientRef: String(id),
          },
        },
      ]);
      expect(await row(id)).toMatchObject({ status: 'sent', attempts: 1, provider_message_id: `prov-${kind}-1` });
    });

    it('retries after a 500 with the same client reference, and then sends', async () => {
      await clean();
      provider.requests.length = 0;
      provider.script.push(reply(500, { error: 'busy' }), reply(202, { messageId: `prov-${kind}-2` }));
      const id = await queue();
      expect(await sendAt(gateway(), T0, [id])).toBe(0);
      expect(await row(id)).toMatchObject({ status: 'pending', attempts: 1 });
      expect((await row(id)).last_error).toContain('HTTP 500');
      expect(await sendAt(gateway(), at(1), [id])).toBe(1);
      expect(await row(id)).toMatchObject({ status: 'sent', attempts: 2, provider_message_id: `prov-${kind}-2` });
      expect(provider.requests.map((r) => r.body.clientRef)).toEqual([String(id), String(id)]);
    });

    it('fails a message at once when the provider calls the number invalid', async () => {
      await clean();
      provider.script.push(reply(400, { error: 'invalid_number', message: 'no such mobile' }));
      const id = await queue();
      await sendAt(gateway(), T0, [id]);
      const r = await row(id);
      expect(r).toMatchObject({ status: 'failed', attempts: 1, next_attempt_at: null });
      expect(r.last_error).toContain('号码无效');
    });

    it('retries a 400 that is not about the number, like any other refusal', async () => {
      await clean();
      provider.script.push(reply(400, { error: 'template_not_approved' }));
      const id = await queue();
      await sendAt(gateway(), T0, [id]);
      expect(await row(id)).toMatchObject({ status: 'pending', attempts: 1 });
    });

    it('gives up waiting at its timeout and leaves the message for a retry', async () => {
      await clean();
      provider.script.push(hang());
      const id = await queue();
      const started = Date.now();
      expect(await sendAt(gateway(300), T0, [id])).toBe(0);
      expect(Date.now() - started).toBeLessThan(5_000);
      const r = await row(id);
      expect(r).toMatchObject({ status: 'pending', attempts: 1 });
      expect(r.last_error).toContain('超时');
    });
  });
});

describe('SMS gateway from the environment', () => {
  it('defaults to the development file gateway', () => {
    expect(smsGatewayFromEnv({ DATA_DIR: '/tmp/x' }).describe).toContain('file gateway');
  });

  it('stops the start when SMS_GATEWAY=http lacks its settings, naming each', () => {
    expect(() => smsGatewayFromEnv({ SMS_GATEWAY: 'http' })).toThrow(
      /SMS_GATEWAY=http 配置不完整：SMS_HTTP_URL 未设置；SMS_HTTP_KEY 未设置；SMS_SIGN_NAME 未设置；SMS_DELIVERY_SECRET 未设置/,
    );
    expect(() =>
      smsGatewayFromEnv({
        SMS_GATEWAY: 'http',
        SMS_HTTP_URL: 'not a url',
        SMS_HTTP_KEY: 'k',
        SMS_SIGN_NAME: 's',
        SMS_DELIVERY_SECRET: 'short',
        SMS_HTTP_TIMEOUT_MS: 'soon',
      }),
    ).toThrow(/SMS_HTTP_URL 不是有效的网址.*SMS_DELIVERY_SECRET 至少 16 个字符.*SMS_HTTP_TIMEOUT_MS 应为毫秒数/);
    expect(() => smsGatewayFromEnv({ SMS_GATEWAY: 'carrier-pigeon' })).toThrow(/应为 file 或 http/);
  });

  it('builds the HTTP gateway from complete settings', () => {
    const { describe: line } = smsGatewayFromEnv({
      SMS_GATEWAY: 'http',
      SMS_HTTP_URL: 'https://sms.example.com/v1/send',
      SMS_HTTP_KEY: 'k',
      SMS_SIGN_NAME: '某市12345',
      SMS_DELIVERY_SECRET: SECRET,
    });
    expect(line).toBe('[sms] HTTP provider sms.example.com (timeout 10000 ms)');
  });
});
