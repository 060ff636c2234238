/**
 * Softphone smoke test: the project's Kamailio (telephony/kamailio.cfg, auth on, free ports) and
 * Chromium pages running telephony/softphone.ts with real ephemeral credentials. Parallel ring to
 * the queue, caller known before answering, hold, DTMF, busy, recording, Kamailio stopped and
 * started again (re-register < 30 s), credential renewal, blind transfer.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import dgram from 'node:dgram';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { HarnessEvent, HarnessOptions } from './softphone-page';
import { issueSipCredentials } from '../../telephony/credentials';
import { startSipServer } from '../../scripts/sip-server.mjs';

type SipServer = Awaited<ReturnType<typeof startSipServer>> & { log: () => string };

const here = path.dirname(fileURLToPath(import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SECRET = `smoke-${Math.random().toString(36).slice(2)}`;

const CALLER = '13800001111';

function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Phone {
  name: string;
  page: Page;
}

async function events(p: Phone): Promise<HarnessEvent[]> {
  return p.page.evaluate(() => window.events);
}

/** Waits for an event of `type` whose fields include `match`; returns it. */
async function waitFor(
  p: Phone,
  type: string,
  match: Record<string, unknown> = {},
  timeout = 15_000,
  since = 0,
): Promise<HarnessEvent> {
  const handle = await p.page
    .waitForFunction(
      ({ type, match, since }) => {
        const isSub = (a: unknown, b: unknown): boolean =>
          typeof b === 'object' && b !== null
            ? typeof a === 'object' &&
              a !== null &&
              Object.entries(b).every(([k, v]) => isSub((a as Record<string, unknown>)[k], v))
            : a === b;
        return window.events.find((e) => e.type === type && e.at >= since && isSub(e, match)) ?? false;
      },
      { type, match, since },
      { timeout, polling: 50 },
    )
    .catch(async (e: Error) => {
      throw new Error(
        `${p.name}: no ${type} ${JSON.stringify(match)}: ${e.message}\nevents: ${JSON.stringify(await events(p))}`,
      );
    });
  return (await handle.jsonValue()) as HarnessEvent;
}

async function directions(p: Phone): Promise<string[]> {
  return p.page.evaluate(() =>
    (window.phone.peerConnection?.getTransceivers() ?? []).map((t) => t.currentDirection ?? 'none'),
  );
}

describe('softphone against Kamailio (smoke)', { timeout: 30_000 }, () => {
  let tmp: string;
  let kamailio: SipServer;
  let server: http.Server;
  let browser: Browser;
  let wsUrl: string;
  let pageUrl: string;
  const phones: Partial<Record<'agentA' | 'agentB' | 'caller' | 'late', Phone>> &
    Record<'agentA' | 'agentB' | 'caller', Phone> = {} as never;
  let open: (name: string, options: Omit<HarnessOptions, 'wsUrl' | 'domain'>) => Promise<Phone>;

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'softphone-smoke-'));
    const [udp, ws, web] = [await freeUdpPort(), await freeTcpPort(), await freeTcpPort()];
    // The project's own Kamailio config, with auth on: the phones get real ephemeral credentials.
    let log = '';
    kamailio = (await startSipServer({
      secret: SECRET,
      wsPort: ws,
      udpPort: udp,
      runDir: path.join(tmp, 'run'),
      eventsUrl: 'http://127.0.0.1:9/unused',
      log: (line: string) => {
        log = (log + line + '\n').slice(-200_000);
      },
    })) as SipServer;
    kamailio.log = () => log;
    wsUrl = `ws://127.0.0.1:${ws}`;

    const bundle = await build({
      entryPoints: [path.join(here, 'softphone-page.ts')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
    });
    const js = bundle.outputFiles[0].text;
    server = http.createServer((req, res) => {
      if (req.url === '/page.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
      } else {
        res
          .writeHead(200, { 'content-type': 'text/html' })
          .end('<!doctype html><title>softphone</title><script type="module" src="/page.js"></script>');
      }
    });
    await new Promise<void>((r) => server.listen(web, '127.0.0.1', r));
    // 127.0.0.1 is a secure context: getUserMedia and crypto.subtle work over plain http.
    pageUrl = `http://127.0.0.1:${web}/`;

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    open = async (name, options) => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.exposeFunction('issueCredentials', (sipUser: string, ttlMs: number) => {
        const c = issueSipCredentials({ sipUser, secret: SECRET, ttlSeconds: Math.max(1, Math.round(ttlMs / 1000)) });
        return { username: c.username, password: c.password, expiresAt: c.expiresAt.toISOString() };
      });
      await page.goto(pageUrl);
      await page.waitForFunction(() => typeof window.createPhone === 'function');
      await page.evaluate((o) => window.createPhone(o), { ...options, wsUrl, domain: '127.0.0.1' });
      return { name, page };
    };
    [phones.agentA, phones.agentB, phones.caller] = await Promise.all([
      open('agentA', { sipUser: 'agent1', queueAor: '12345' }),
      open('agentB', { sipUser: 'agent2', queueAor: '12345' }),
      open('caller', { sipUser: CALLER }),
    ]);
  });

  afterAll(async () => {
    // SOFTPHONE_SMOKE_DUMP=dir keeps every page's delegate events for a look afterwards.
    const dump = process.env.SOFTPHONE_SMOKE_DUMP;
    if (dump) {
      for (const p of Object.values(phones))
        writeFileSync(path.join(dump, `${p.name}.json`), JSON.stringify(await events(p), null, 1));
      if (kamailio) writeFileSync(path.join(dump, 'kamailio.log'), kamailio.log());
    }
    for (const p of Object.values(phones)) await p.page.evaluate(() => window.phone.stop()).catch(() => undefined);
    await browser?.close();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    await kamailio?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('registers, rings the queue in parallel, answers, holds, sends DTMF, records', async () => {
    const { agentA, agentB, caller } = phones;
    for (const p of [agentA, agentB, caller]) {
      expect(await p.page.evaluate(() => window.phone.status)).toBe('registered');
    }
    await agentA.page.evaluate(() => window.phone.joinQueue());
    await agentB.page.evaluate(() => window.phone.joinQueue());
    await waitFor(agentA, 'queue', { joined: true });
    await waitFor(agentB, 'queue', { joined: true });

    const dialed = await caller.page.evaluate(() => window.phone.dial('12345'));
    // Screen pop before answering, on both ready agents, with the caller's number and one Call-ID.
    const popA = await waitFor(agentA, 'incoming');
    const popB = await waitFor(agentB, 'incoming');
    expect(popA.call).toMatchObject({ callId: dialed.callId, direction: 'inbound', from: CALLER, to: '12345' });
    expect(popB.call).toMatchObject({ callId: dialed.callId, from: CALLER });
    await waitFor(caller, 'ringing');

    await agentA.page.evaluate(() => window.phone.answer());
    await waitFor(agentA, 'established', { call: { callId: dialed.callId } });
    await waitFor(caller, 'established', { call: { callId: dialed.callId } });
    // Kamailio cancels the other branch with "call completed elsewhere".
    await waitFor(agentB, 'ended', { reason: 'elsewhere', call: { callId: dialed.callId } });

    // Busy: a second call to the busy agent gets 486.
    await agentB.page.evaluate(() => window.phone.dial('agent1'));
    const busy = await waitFor(agentB, 'ended', { reason: 'busy', call: { to: 'agent1' } });
    const busyId = (busy.call as { callId: string }).callId;
    expect(
      (await events(agentB)).some((e) => e.type === 'ringing' && (e.call as { callId: string }).callId === busyId),
    ).toBe(false);
    expect(await agentA.page.evaluate(() => window.phone.activeCall?.callId)).toBe(dialed.callId);

    // Hold / unhold: re-INVITE with sendonly, then back to sendrecv.
    await agentA.page.evaluate(() => window.phone.hold(true));
    expect(await agentA.page.evaluate(() => window.phone.held)).toBe(true);
    expect(await directions(agentA)).toEqual(['sendonly']);
    expect(await directions(caller)).toEqual(['recvonly']);
    await agentA.page.evaluate(() => window.phone.hold(false));
    expect(await directions(agentA)).toEqual(['sendrecv']);
    expect(await directions(caller)).toEqual(['sendrecv']);

    // DTMF goes as RTP telephone-events (RFC 4733).
    expect(await agentA.page.evaluate(() => window.phone.sendDtmf('5'))).toBe('rfc4733');
    await agentA.page.evaluate(() => window.phone.mute(true));
    expect(await agentA.page.evaluate(() => window.phone.muted)).toBe(true);
    await agentA.page.evaluate(() => window.phone.mute(false));

    await sleep(1_500); // some audio for the recording
    await agentA.page.evaluate(() => window.phone.hangup());
    await waitFor(agentA, 'ended', { reason: 'hangup', call: { callId: dialed.callId } });
    await waitFor(caller, 'ended', { reason: 'hangup', call: { callId: dialed.callId } });
    const rec = await waitFor(agentA, 'recording', { call: { callId: dialed.callId } });
    expect(rec.size).toBeGreaterThan(1_000);
    expect(rec.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(rec.verified).toBe(true);
    expect(String(rec.mime)).toContain('audio/webm');
    expect(await agentA.page.evaluate(() => window.phone.activeCall)).toBeNull();
  });

  it('serialises rapid queue joins/leaves (one REGISTER in flight), rejects and cancels', async () => {
    const { agentB, caller } = phones;
    // Fired without waiting: each REGISTER waits for the previous one's final response.
    const outcome = await agentB.page.evaluate(async () => {
      const p = window.phone;
      const results = await Promise.allSettled([
        p.joinQueue(),
        p.leaveQueue(),
        p.joinQueue(),
        p.leaveQueue(),
        p.joinQueue(),
      ]);
      return {
        rejected: results
          .filter((r) => r.status === 'rejected')
          .map((r) => String((r as PromiseRejectedResult).reason)),
        inQueue: p.inQueue,
      };
    });
    expect(outcome).toEqual({ rejected: [], inQueue: true });
    await agentB.page.evaluate(() => window.phone.leaveQueue());
    expect(await agentB.page.evaluate(() => window.phone.inQueue)).toBe(false);

    // The agent declines: 486 to the caller (busy), 'rejected' for the agent.
    let since = Date.now();
    const declined = await caller.page.evaluate(() => window.phone.dial('agent2'));
    await waitFor(agentB, 'incoming', { call: { callId: declined.callId, from: CALLER, to: 'agent2' } }, 10_000, since);
    await agentB.page.evaluate(() => window.phone.reject());
    await waitFor(agentB, 'ended', { reason: 'rejected', call: { callId: declined.callId } }, 10_000, since);
    await waitFor(caller, 'ended', { reason: 'busy', call: { callId: declined.callId } }, 10_000, since);

    // The caller gives up while it rings: 'cancelled' on both sides.
    since = Date.now();
    const abandoned = await caller.page.evaluate(() => window.phone.dial('agent2'));
    await waitFor(caller, 'ringing', { call: { callId: abandoned.callId } }, 10_000, since);
    await caller.page.evaluate(() => window.phone.hangup());
    await waitFor(agentB, 'ended', { reason: 'cancelled', call: { callId: abandoned.callId } }, 10_000, since);
    await waitFor(caller, 'ended', { reason: 'cancelled', call: { callId: abandoned.callId } }, 10_000, since);
  });

  // The 30 s is asserted below; the test as a whole also stops and starts Kamailio and makes a call, which on a
  // busy machine takes longer than the smoke tests' 30 s.
  it(
    're-registers and re-joins the queue within 30 s of Kamailio stopping and starting again',
    { timeout: 90_000 },
    async () => {
      const { agentA, agentB, caller } = phones;
      await agentB.page.evaluate(() => window.phone.leaveQueue()); // the next queue call rings agent A only
      const killedAt = Date.now();
      await kamailio.stop();
      await waitFor(agentA, 'status', { status: 'reconnecting' }, 5_000, killedAt);
      await waitFor(agentA, 'queue', { joined: false }, 5_000, killedAt);
      await sleep(1_000);
      // While down, attempts fail: 'unreachable' (the UI offers manual intake).
      await waitFor(agentA, 'status', { status: 'unreachable' }, 10_000, killedAt);
      // A phone started while Kamailio is down: start() resolves, status says unreachable.
      phones.late = await open('late', { sipUser: 'agent9', credentialsTtlMs: 8_000 });
      expect(await phones.late.page.evaluate(() => window.phone.status)).toBe('unreachable');
      await kamailio.start();
      const registered = await waitFor(agentA, 'status', { status: 'registered' }, 30_000, killedAt);
      await waitFor(agentA, 'queue', { joined: true }, 30_000, killedAt);
      expect(registered.at - killedAt).toBeLessThan(30_000);
      for (const p of [agentB, caller, phones.late])
        await waitFor(p, 'status', { status: 'registered' }, 30_000, killedAt);
      // Fresh credentials were fetched for the reconnect.
      expect((await events(agentA)).filter((e) => e.type === 'credentials' && e.at >= killedAt).length).toBeGreaterThan(
        0,
      );

      // It takes a call again.
      const since = Date.now();
      const dialed = await caller.page.evaluate(() => window.phone.dial('12345'));
      await waitFor(agentA, 'incoming', { call: { callId: dialed.callId, from: CALLER } }, 10_000, since);
      await agentA.page.evaluate(() => window.phone.answer());
      await waitFor(caller, 'established', { call: { callId: dialed.callId } }, 10_000, since);
      await waitFor(agentA, 'established', { call: { callId: dialed.callId } }, 10_000, since);
      await sleep(1_000); // audio for agent A's recording of this call
    },
  );

  it('blind-transfers the call (REFER) to a third registered phone', async () => {
    const { agentA, agentB, caller } = phones;
    const since = Date.now();
    const current = await agentA.page.evaluate(() => window.phone.activeCall);
    expect(current).not.toBeNull();
    await agentA.page.evaluate(() => window.phone.transfer('agent2'));
    await waitFor(agentA, 'transferred', { target: 'agent2', call: { callId: current!.callId } }, 10_000, since);
    await waitFor(agentA, 'ended', { reason: 'hangup', call: { callId: current!.callId } }, 10_000, since);
    await waitFor(caller, 'ended', { call: { callId: current!.callId } }, 10_000, since);
    // The caller follows the REFER: agent B rings with the caller's number.
    const pop = await waitFor(agentB, 'incoming', { call: { from: CALLER } }, 10_000, since);
    await agentB.page.evaluate(() => window.phone.answer());
    await waitFor(agentB, 'established', {}, 10_000, since);
    await waitFor(
      caller,
      'established',
      { call: { callId: (pop.call as { callId: string }).callId, to: 'agent2' } },
      10_000,
      since,
    );
    await caller.page.evaluate(() => window.phone.hangup());
    await waitFor(agentB, 'ended', { reason: 'hangup' }, 10_000, since);
    await waitFor(agentA, 'recording', { call: { callId: current!.callId } }, 10_000, since);
  });

  it('renews credentials before they expire, without reconnecting', async () => {
    const late = phones.late!;
    const registered = (await events(late)).filter((e) => e.type === 'status').at(-1)!;
    expect(registered.status).toBe('registered');
    // 8 s credentials are renewed 5 s after they were fetched (the minimum), while registered.
    const renewed = await waitFor(late, 'credentials', {}, 10_000, registered.at + 1);
    expect((await events(late)).filter((e) => e.type === 'status' && e.at > registered.at)).toEqual([]);
    const inUse = await late.page.evaluate(
      () =>
        (window.phone as unknown as { ua: { configuration: { authorizationUsername: string } } }).ua.configuration
          .authorizationUsername,
    );
    expect(inUse).toBe(renewed.username);
  });

  it('stop() unregisters: calls to the stopped phone fail', async () => {
    const { agentB, caller } = phones;
    await agentB.page.evaluate(() => window.phone.stop());
    expect(await agentB.page.evaluate(() => window.phone.status)).toBe('offline');
    const since = Date.now();
    const dialed = await caller.page.evaluate(() => window.phone.dial('agent2'));
    await waitFor(caller, 'ended', { reason: 'failed', call: { callId: dialed.callId } }, 10_000, since);
  });
});
