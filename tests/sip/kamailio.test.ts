// Kamailio (telephony/kamailio.cfg) started by scripts/sip-server.mjs, driven with raw SIP over UDP
// (node:dgram) and WebSocket (Node's global WebSocket, subprotocol "sip"), and with sipp.
// Contract: docs/decisions/008-telephony.md.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSipServer } from '../../scripts/sip-server.mjs';
import { crossSiteRefusal } from '../../app/http/request-guard.server';
import { issueSipCredentials, sipEventsToken } from '../../telephony/credentials';

const SECRET = `test-secret-${randomBytes(8).toString('hex')}`;
const HOST = '127.0.0.1';

// ---------------------------------------------------------------- SIP message helpers

interface SipMsg {
  raw: string;
  isRequest: boolean;
  method?: string;
  ruri?: string;
  status?: number;
  reason?: string;
  headers: [string, string][];
  body: string;
}

function parseSip(raw: string): SipMsg {
  const [head, ...rest] = raw.split('\r\n\r\n');
  const lines = head.split('\r\n');
  const start = lines[0];
  const headers: [string, string][] = [];
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) headers.push([line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim()]);
  }
  const m = /^SIP\/2\.0 (\d{3}) ?(.*)$/.exec(start);
  if (m) return { raw, isRequest: false, status: Number(m[1]), reason: m[2], headers, body: rest.join('\r\n\r\n') };
  const [method, ruri] = start.split(' ');
  return { raw, isRequest: true, method, ruri, headers, body: rest.join('\r\n\r\n') };
}

const hdr = (m: SipMsg, name: string) => m.headers.find(([n]) => n === name.toLowerCase())?.[1];
const hdrs = (m: SipMsg, name: string) => m.headers.filter(([n]) => n === name.toLowerCase()).map(([, v]) => v);
const cseqMethod = (m: SipMsg) => hdr(m, 'cseq')?.split(/\s+/)[1];
const rid = () => randomBytes(6).toString('hex');

interface Transport {
  proto: 'UDP' | 'WS';
  viaHost: string; // what goes in Via / Contact
  send(text: string): void;
  next(pred: (m: SipMsg) => boolean, timeoutMs?: number): Promise<SipMsg>;
  received: SipMsg[];
  close(): void;
}

function queue() {
  const received: SipMsg[] = [];
  const pending: SipMsg[] = [];
  const waiters: { pred: (m: SipMsg) => boolean; resolve: (m: SipMsg) => void }[] = [];
  return {
    received,
    push(m: SipMsg) {
      received.push(m);
      const w = waiters.findIndex((x) => x.pred(m));
      if (w >= 0) waiters.splice(w, 1)[0].resolve(m);
      else pending.push(m);
    },
    next(pred: (m: SipMsg) => boolean, timeoutMs = 3000): Promise<SipMsg> {
      const i = pending.findIndex(pred);
      if (i >= 0) return Promise.resolve(pending.splice(i, 1)[0]);
      return new Promise((resolve, reject) => {
        const w = {
          pred,
          resolve: (m: SipMsg) => {
            clearTimeout(t);
            resolve(m);
          },
        };
        const t = setTimeout(() => {
          waiters.splice(waiters.indexOf(w), 1);
          reject(
            new Error(
              `no matching SIP message within ${timeoutMs} ms; got:\n${received.map((r) => r.raw.split('\r\n')[0]).join('\n')}`,
            ),
          );
        }, timeoutMs);
        waiters.push(w);
      });
    },
  };
}

async function udpPeer(server: { port: number }, bindAddress = HOST): Promise<Transport & { port: number }> {
  const sock = dgram.createSocket('udp4');
  const q = queue();
  sock.on('message', (buf) => q.push(parseSip(buf.toString('utf8'))));
  await new Promise<void>((r) => sock.bind(0, bindAddress, () => r()));
  const port = sock.address().port;
  return {
    proto: 'UDP',
    viaHost: `${bindAddress}:${port}`,
    port,
    send: (text) => sock.send(text, server.port, HOST),
    next: q.next,
    received: q.received,
    close: () => sock.close(),
  };
}

async function wsPeer(url: string): Promise<Transport> {
  const ws = new WebSocket(url, 'sip');
  ws.binaryType = 'arraybuffer';
  const q = queue();
  ws.onmessage = (e) =>
    q.push(parseSip(typeof e.data === 'string' ? e.data : Buffer.from(e.data as ArrayBuffer).toString('utf8')));
  await new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = () => reject(new Error(`WebSocket ${url} failed`));
  });
  expect(ws.protocol).toBe('sip');
  return {
    proto: 'WS',
    viaHost: `${rid()}.invalid`,
    send: (text) => ws.send(text),
    next: q.next,
    received: q.received,
    close: () => ws.close(),
  };
}

interface ReqOpts {
  method: string;
  ruri: string;
  fromUser: string;
  toUser: string;
  callId?: string;
  cseq?: number;
  fromTag?: string;
  toTag?: string;
  branch?: string;
  extra?: string[];
  contactUser?: string;
  body?: string;
}

function buildRequest(t: Transport, o: ReqOpts) {
  const branch = o.branch ?? `z9hG4bK${rid()}`;
  const callId = o.callId ?? `${rid()}@test`;
  const transport = t.proto === 'WS' ? ';transport=ws' : '';
  const lines = [
    `${o.method} ${o.ruri} SIP/2.0`,
    `Via: SIP/2.0/${t.proto} ${t.viaHost};branch=${branch};rport`,
    'Max-Forwards: 70',
    `From: <sip:${o.fromUser}@${HOST}>;tag=${o.fromTag ?? rid()}`,
    `To: <sip:${o.toUser}@${HOST}>${o.toTag ? `;tag=${o.toTag}` : ''}`,
    `Call-ID: ${callId}`,
    `CSeq: ${o.cseq ?? 1} ${o.method}`,
    ...(o.contactUser !== undefined ? [`Contact: <sip:${o.contactUser}@${t.viaHost}${transport}>`] : []),
    ...(o.extra ?? []),
    ...(o.body ? ['Content-Type: application/sdp'] : []),
    `Content-Length: ${Buffer.byteLength(o.body ?? '')}`,
    '',
    o.body ?? '',
  ];
  return { text: lines.join('\r\n'), branch, callId };
}

/** Sends a request and waits for its final response (provisional ones skipped). */
async function transact(t: Transport, o: ReqOpts, timeoutMs = 3000) {
  const req = buildRequest(t, o);
  t.send(req.text);
  const res = await t.next(
    (m) => !m.isRequest && (hdr(m, 'via') ?? '').includes(req.branch) && m.status! >= 200,
    timeoutMs,
  );
  return { res, ...req };
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

function digestAuthorization(
  challenge: string,
  o: { username: string; password: string; method: string; uri: string },
) {
  const param = (name: string) => new RegExp(`${name}="?([^",]+)"?`, 'i').exec(challenge)?.[1] ?? '';
  const realm = param('realm');
  const nonce = param('nonce');
  const qop = param('qop');
  expect(challenge).toMatch(/^Digest /);
  expect(qop.split(/\s*,\s*|\s+/)).toContain('auth');
  const cnonce = rid();
  const nc = '00000001';
  const ha1 = md5(`${o.username}:${realm}:${o.password}`);
  const ha2 = md5(`${o.method}:${o.uri}`);
  const response = md5(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`);
  return `Digest username="${o.username}", realm="${realm}", nonce="${nonce}", uri="${o.uri}", response="${response}", algorithm=MD5, cnonce="${cnonce}", nc=${nc}, qop=auth`;
}

/** REGISTER; answers a 401/407 challenge once with the given credentials. */
async function register(
  t: Transport,
  srv: { port: number },
  o: {
    fromUser: string;
    toUser?: string;
    creds?: { username: string; password: string };
    expires?: number;
    contactUser?: string;
  },
) {
  const base: ReqOpts = {
    method: 'REGISTER',
    ruri: `sip:${HOST}:${srv.port}`,
    fromUser: o.fromUser,
    toUser: o.toUser ?? o.fromUser,
    callId: `${rid()}@reg`,
    fromTag: rid(),
    contactUser: o.contactUser ?? o.fromUser,
    extra: [`Expires: ${o.expires ?? 600}`],
  };
  const first = await transact(t, base);
  if (!o.creds || (first.res.status !== 401 && first.res.status !== 407)) return { first, final: first.res };
  const header = first.res.status === 401 ? 'www-authenticate' : 'proxy-authenticate';
  const auth = digestAuthorization(hdr(first.res, header)!, { ...o.creds, method: 'REGISTER', uri: base.ruri });
  const second = await transact(t, {
    ...base,
    cseq: 2,
    extra: [...base.extra!, `${first.res.status === 401 ? 'Authorization' : 'Proxy-Authorization'}: ${auth}`],
  });
  return { first, final: second.res };
}

function ack(t: Transport, invite: { branch: string; callId: string }, res: SipMsg, ruri: string) {
  // ACK for a non-2xx final response: same branch, To tag of the response
  const lines = [
    `ACK ${ruri} SIP/2.0`,
    `Via: SIP/2.0/${t.proto} ${t.viaHost};branch=${invite.branch};rport`,
    'Max-Forwards: 70',
    `From: ${hdr(res, 'from')}`,
    `To: ${hdr(res, 'to')}`,
    `Call-ID: ${invite.callId}`,
    'CSeq: 1 ACK',
    'Content-Length: 0',
    '',
    '',
  ];
  t.send(lines.join('\r\n'));
}

/** Response to a request received by a UA (copies Via/From/To/Call-ID/CSeq). */
function respond(t: Transport, req: SipMsg, status: number, reason: string, toTag?: string, extra: string[] = []) {
  const to = hdr(req, 'to')!;
  const lines = [
    `SIP/2.0 ${status} ${reason}`,
    ...hdrs(req, 'via').map((v) => `Via: ${v}`),
    ...hdrs(req, 'record-route').map((v) => `Record-Route: ${v}`),
    `From: ${hdr(req, 'from')}`,
    `To: ${toTag && !/;tag=/.test(to) ? `${to};tag=${toTag}` : to}`,
    `Call-ID: ${hdr(req, 'call-id')}`,
    `CSeq: ${hdr(req, 'cseq')}`,
    ...extra,
    'Content-Length: 0',
    '',
    '',
  ];
  t.send(lines.join('\r\n'));
}

const SDP = [
  'v=0',
  `o=- 1 1 IN IP4 ${HOST}`,
  's=-',
  `c=IN IP4 ${HOST}`,
  't=0 0',
  'm=audio 40000 RTP/AVP 0',
  'a=rtpmap:0 PCMU/8000',
  '',
].join('\r\n');

// ---------------------------------------------------------------- environment

async function portFree(port: number) {
  const tcp = await new Promise<boolean>((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, HOST, () => s.close(() => resolve(true)));
  });
  if (!tcp) return false;
  return new Promise<boolean>((resolve) => {
    const s = dgram.createSocket('udp4');
    s.once('error', () => resolve(false));
    s.bind(port, HOST, () => s.close(() => resolve(true)));
  });
}

async function freePorts(n: number) {
  const ports: number[] = [];
  while (ports.length < n) {
    const p = 20000 + Math.floor(Math.random() * 30000);
    if (!ports.includes(p) && (await portFree(p))) ports.push(p);
  }
  return ports;
}

interface PostedEvent {
  body: Record<string, unknown>;
  authorization?: string;
  contentType?: string;
  /** What the app's origin check says of the request as Kamailio sent it (no Origin, no cookie). */
  crossSite: string | null;
}

async function waitFor<T>(fn: () => T | undefined, timeoutMs = 3000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function runSipp(args: string[], timeoutMs = 20_000) {
  return new Promise<{ code: number | null; out: string }>((resolve) => {
    const p = spawn('sipp', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    const t = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('exit', (code) => {
      clearTimeout(t);
      resolve({ code, out });
    });
  });
}

// ---------------------------------------------------------------- tests

describe('Kamailio registrar/proxy (telephony/kamailio.cfg)', () => {
  let server: Awaited<ReturnType<typeof startSipServer>>;
  let udpPort: number;
  let wsPort: number;
  let runDir: string;
  let events: PostedEvent[] = [];
  let eventsServer: http.Server;
  const log: string[] = [];
  const srv = () => ({ port: udpPort });
  const creds = (sipUser: string, o: { secret?: string; now?: Date; ttlSeconds?: number } = {}) =>
    issueSipCredentials({ sipUser, secret: o.secret ?? SECRET, now: o.now, ttlSeconds: o.ttlSeconds });
  const trunkInvite = (p: Transport, to: string, caller: string, callId?: string) =>
    buildRequest(p, {
      method: 'INVITE',
      ruri: `sip:${to}@${HOST}:${udpPort}`,
      fromUser: caller,
      toUser: to,
      contactUser: caller,
      body: SDP,
      callId,
    });

  beforeAll(async () => {
    runDir = mkdtempSync(path.join(os.tmpdir(), 'hotline-sip-'));
    eventsServer = http.createServer((req, res) => {
      let b = '';
      req.on('data', (c) => (b += c));
      req.on('end', () => {
        events.push({
          body: JSON.parse(b),
          authorization: req.headers.authorization,
          contentType: req.headers['content-type'],
          crossSite: crossSiteRefusal({
            method: req.method ?? '',
            header: (name) => [req.headers[name.toLowerCase()]].flat()[0],
            peer: req.socket.remoteAddress,
          }),
        });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => eventsServer.listen(0, HOST, () => r()));
    const { port: httpPort } = eventsServer.address() as net.AddressInfo;
    [udpPort, wsPort] = await freePorts(2);
    server = await startSipServer({
      secret: SECRET,
      udpPort,
      wsPort,
      listenAddress: HOST,
      runDir,
      eventsUrl: `http://${HOST}:${httpPort}/telephony/sip-events`,
      trustedTrunks: [HOST],
      log: (line: string) => {
        log.push(line);
        if (log.length > 500) log.shift();
      },
    });
  });

  afterAll(async () => {
    await server?.stop();
    eventsServer?.close();
    rmSync(runDir, { recursive: true, force: true });
  });

  it('starts, answers OPTIONS over UDP and reports where it listens', async () => {
    expect(server.pid).toBeGreaterThan(0);
    expect(server.wsUrl).toBe(`ws://${HOST}:${wsPort}`);
    expect(server.udpPort).toBe(udpPort);
    const p = await udpPeer(srv());
    try {
      const { res } = await transact(p, {
        method: 'OPTIONS',
        ruri: `sip:${HOST}:${udpPort}`,
        fromUser: 'probe',
        toUser: 'probe',
      });
      expect(res.status).toBe(200);
    } finally {
      p.close();
    }
  });

  it('challenges an unauthenticated REGISTER (401) over UDP and WS and stores no binding', async () => {
    const p = await udpPeer(srv());
    const w = await wsPeer(server.wsUrl);
    try {
      const udp = await register(p, srv(), { fromUser: 'agent1', toUser: '12345' });
      expect(udp.final.status).toBe(401);
      expect(hdr(udp.final, 'www-authenticate')).toMatch(/^Digest .*qop="?auth/);
      const ws = await register(w, srv(), { fromUser: 'agent1' });
      expect(ws.final.status).toBe(401);
      expect(hdr(ws.final, 'www-authenticate')).toMatch(/^Digest /);

      // no binding: the queue is still empty, a trunk call finds nobody
      const inv = trunkInvite(p, '12345', '13800000001');
      p.send(inv.text);
      const res = await p.next((m) => m.status! >= 200 && hdr(m, 'call-id') === inv.callId);
      expect(res.status).toBe(480);
      ack(p, inv, res, `sip:12345@${HOST}:${udpPort}`);
    } finally {
      p.close();
      w.close();
    }
  });

  it('accepts valid ephemeral credentials and refuses expired, wrongly signed or borrowed ones', async () => {
    const p = await udpPeer(srv());
    const w = await wsPeer(server.wsUrl);
    try {
      const ok = await register(p, srv(), { fromUser: 'agent7', creds: creds('agent7') });
      expect(ok.first.res.status).toBe(401);
      expect(ok.final.status).toBe(200);
      expect(hdr(ok.final, 'contact')).toContain(`sip:agent7@${p.viaHost}`);

      const okWs = await register(w, srv(), { fromUser: 'agent8', creds: creds('agent8') });
      expect(okWs.final.status).toBe(200);

      const expired = await register(p, srv(), {
        fromUser: 'agent7',
        creds: creds('agent7', { now: new Date(Date.now() - 2 * 3600_000) }),
      });
      expect(expired.final.status).toBe(403);

      const wrongSecret = await register(p, srv(), {
        fromUser: 'agent7',
        creds: creds('agent7', { secret: 'not-the-secret' }),
      });
      expect(wrongSecret.final.status).toBe(403);

      // credentials of agent7, From agent9
      const borrowed = await register(p, srv(), { fromUser: 'agent9', creds: creds('agent7') });
      expect(borrowed.final.status).toBe(403);
      expect(borrowed.final.reason).toMatch(/From/);

      // own From, but registering somebody else's AOR
      const hijack = await register(p, srv(), { fromUser: 'agent7', toUser: 'agent9', creds: creds('agent7') });
      expect(hijack.final.status).toBe(403);

      // only agents may join the queue
      const citizen = await register(p, srv(), {
        fromUser: '13800001111',
        toUser: '12345',
        creds: creds('13800001111'),
      });
      expect(citizen.final.status).toBe(403);
      const citizenOwn = await register(p, srv(), { fromUser: '13800001111', creds: creds('13800001111'), expires: 0 });
      expect(citizenOwn.final.status).toBe(200);
    } finally {
      p.close();
      w.close();
    }
  });

  it('challenges unauthenticated INVITEs (407), lets the trunk call only 12345 and reports the unanswered call', async () => {
    const w = await wsPeer(server.wsUrl);
    const stranger = await udpPeer(srv(), '127.0.0.2');
    const trunk = await udpPeer(srv());
    try {
      const wsInv = await transact(w, {
        method: 'INVITE',
        ruri: `sip:12345@${HOST}`,
        fromUser: 'agent1',
        toUser: '12345',
        contactUser: 'agent1',
        body: SDP,
      });
      expect(wsInv.res.status).toBe(407);
      expect(hdr(wsInv.res, 'proxy-authenticate')).toMatch(/^Digest /);

      const strangerInv = await transact(stranger, {
        method: 'INVITE',
        ruri: `sip:12345@${HOST}:${udpPort}`,
        fromUser: '13800002222',
        toUser: '12345',
        contactUser: '13800002222',
        body: SDP,
      });
      expect(strangerInv.res.status).toBe(407);

      events = [];
      const inv = trunkInvite(trunk, '12345', '13800003333');
      trunk.send(inv.text);
      const res = await trunk.next((m) => m.status! >= 200 && hdr(m, 'call-id') === inv.callId);
      expect(res.status).toBe(480);
      expect(res.reason).toBe('No agent available');
      ack(trunk, inv, res, `sip:12345@${HOST}:${udpPort}`);
      await waitFor(() => events.length >= 2, 3000, 'two events');
      expect(events.map((e) => e.body)).toEqual([
        { event: 'offered', callId: inv.callId, from: '13800003333', to: '12345' },
        { event: 'unanswered', callId: inv.callId, from: '13800003333', to: '12345', code: 480 },
      ]);
      for (const e of events) {
        expect(e.authorization).toBe(`Bearer ${sipEventsToken(SECRET)}`);
        expect(e.contentType).toBe('application/json');
        expect(e.crossSite).toBe(null);
      }

      events = [];
      const toAgent = trunkInvite(trunk, 'agent1', '13800003333');
      trunk.send(toAgent.text);
      const res2 = await trunk.next((m) => m.status! >= 200 && hdr(m, 'call-id') === toAgent.callId);
      expect(res2.status).toBe(403);
      await sleep(100);
      expect(events).toEqual([]);
    } finally {
      w.close();
      stranger.close();
      trunk.close();
    }
  });

  it('rings every ready agent at once with one Call-ID; the first answer wins and the others are cancelled', async () => {
    const a = await udpPeer(srv());
    const b = await udpPeer(srv());
    const trunk = await udpPeer(srv());
    try {
      // ready = a second registration under AOR 12345, From the agent's own name
      expect(
        (
          await register(a, srv(), {
            fromUser: 'agent1',
            toUser: '12345',
            creds: creds('agent1'),
            contactUser: 'agent1',
          })
        ).final.status,
      ).toBe(200);
      expect(
        (
          await register(b, srv(), {
            fromUser: 'agent2',
            toUser: '12345',
            creds: creds('agent2'),
            contactUser: 'agent2',
          })
        ).final.status,
      ).toBe(200);

      events = [];
      const inv = trunkInvite(trunk, '12345', '13800004444');
      trunk.send(inv.text);
      const [ia, ib] = await Promise.all([a.next((m) => m.method === 'INVITE'), b.next((m) => m.method === 'INVITE')]);
      expect(hdr(ia, 'call-id')).toBe(inv.callId);
      expect(hdr(ib, 'call-id')).toBe(inv.callId);
      expect(ia.ruri).toContain(`agent1@${a.viaHost}`);
      expect(ib.ruri).toContain(`agent2@${b.viaHost}`);
      expect(hdr(ia, 'from')).toContain('13800004444');
      expect(hdrs(ia, 'record-route').length).toBeGreaterThan(0);

      respond(a, ia, 180, 'Ringing', 'ta');
      respond(b, ib, 180, 'Ringing', 'tb');
      respond(a, ia, 200, 'OK', 'ta', [`Contact: <sip:agent1@${a.viaHost}>`]);

      const ok = await trunk.next((m) => m.status === 200 && hdr(m, 'call-id') === inv.callId);
      expect(hdr(ok, 'to')).toContain('tag=ta');
      const cancel = await b.next((m) => m.method === 'CANCEL');
      expect(hdr(cancel, 'call-id')).toBe(inv.callId);
      expect(hdr(cancel, 'reason') ?? '').toMatch(/completed elsewhere|cause=200/i);
      respond(b, cancel, 200, 'OK');
      respond(b, ib, 487, 'Request Terminated', 'tb');
      await b.next((m) => m.method === 'ACK'); // Kamailio ACKs the 487 hop by hop

      // answered: offered only, never unanswered
      await sleep(200);
      expect(events.map((e) => e.body.event)).toEqual(['offered']);

      // in dialog: the trunk's ACK reaches the winner along the Record-Route; the agent's blind
      // transfer (REFER, From 12345 as answered) reaches the trunk without any credentials
      const route = hdrs(ok, 'record-route')
        .reverse()
        .map((v) => `Route: ${v}`);
      const agentContact = /<([^>]+)>/.exec(hdr(ok, 'contact')!)![1];
      trunk.send(
        buildRequest(trunk, {
          method: 'ACK',
          ruri: agentContact,
          fromUser: '13800004444',
          toUser: '12345',
          callId: inv.callId,
          fromTag: /tag=([^;>\s]+)/.exec(hdr(ok, 'from')!)![1],
          toTag: 'ta',
          extra: route,
        }).text,
      );
      const ackA = await a.next((m) => m.method === 'ACK');
      expect(hdr(ackA, 'call-id')).toBe(inv.callId);
      const trunkContact = /<([^>]+)>/.exec(hdr(ia, 'contact')!)![1];
      const refer = buildRequest(a, {
        method: 'REFER',
        ruri: trunkContact,
        fromUser: '12345',
        toUser: '13800004444',
        callId: inv.callId,
        cseq: 1,
        fromTag: 'ta',
        toTag: /tag=([^;>\s]+)/.exec(hdr(ia, 'from')!)![1],
        contactUser: 'agent1',
        extra: [
          ...hdrs(ia, 'record-route').map((v) => `Route: ${v}`),
          `Refer-To: <sip:agent3@${HOST}>`,
          `Referred-By: <sip:agent1@${HOST}>`,
        ],
      });
      a.send(refer.text);
      const gotRefer = await trunk.next((m) => m.method === 'REFER');
      expect(hdr(gotRefer, 'refer-to')).toBe(`<sip:agent3@${HOST}>`);
      expect(hdr(gotRefer, 'call-id')).toBe(inv.callId);
      respond(trunk, gotRefer, 202, 'Accepted');
      const accepted = await a.next((m) => m.status === 202);
      expect(cseqMethod(accepted)).toBe('REFER');

      // leave the queue (Expires: 0) so later calls find nobody
      expect(
        (await register(a, srv(), { fromUser: 'agent1', toUser: '12345', creds: creds('agent1'), expires: 0 })).final
          .status,
      ).toBe(200);
      expect(
        (await register(b, srv(), { fromUser: 'agent2', toUser: '12345', creds: creds('agent2'), expires: 0 })).final
          .status,
      ).toBe(200);
      const again = trunkInvite(trunk, '12345', '13800004444');
      trunk.send(again.text);
      const res = await trunk.next((m) => m.status! >= 200 && hdr(m, 'call-id') === again.callId);
      expect(res.status).toBe(480);
      ack(trunk, again, res, `sip:12345@${HOST}:${udpPort}`);
    } finally {
      a.close();
      b.close();
      trunk.close();
    }
  });

  it('routes an authenticated call to a registered user and answers 404 for an unknown one', async () => {
    const agent = await wsPeer(server.wsUrl);
    const citizen = await wsPeer(server.wsUrl);
    try {
      expect(
        (await register(citizen, srv(), { fromUser: '13800005555', creds: creds('13800005555') })).final.status,
      ).toBe(200);
      const c = creds('agent3');
      const base: ReqOpts = {
        method: 'INVITE',
        ruri: `sip:13800005555@${HOST}`,
        fromUser: 'agent3',
        toUser: '13800005555',
        contactUser: 'agent3',
        body: SDP,
        callId: `${rid()}@out`,
        fromTag: rid(),
      };
      const first = await transact(agent, base);
      expect(first.res.status).toBe(407);
      ack(agent, first, first.res, base.ruri);
      const auth = digestAuthorization(hdr(first.res, 'proxy-authenticate')!, {
        ...c,
        method: 'INVITE',
        uri: base.ruri,
      });
      const second = buildRequest(agent, { ...base, cseq: 2, extra: [`Proxy-Authorization: ${auth}`] });
      agent.send(second.text);
      const incoming = await citizen.next((m) => m.method === 'INVITE');
      expect(hdr(incoming, 'call-id')).toBe(base.callId);
      expect(hdr(incoming, 'proxy-authorization')).toBeUndefined(); // consumed, never forwarded
      respond(citizen, incoming, 486, 'Busy Here', 'tc');
      const busy = await agent.next((m) => m.status === 486);
      ack(agent, second, busy, base.ruri);

      const unknown = await transact(agent, {
        ...base,
        ruri: `sip:agent99@${HOST}`,
        toUser: 'agent99',
        callId: `${rid()}@out`,
      });
      expect(unknown.res.status).toBe(407);
      ack(agent, unknown, unknown.res, `sip:agent99@${HOST}`);
      const auth2 = digestAuthorization(hdr(unknown.res, 'proxy-authenticate')!, {
        ...c,
        method: 'INVITE',
        uri: `sip:agent99@${HOST}`,
      });
      const retry = await transact(agent, {
        ...base,
        ruri: `sip:agent99@${HOST}`,
        toUser: 'agent99',
        callId: unknown.callId,
        cseq: 2,
        extra: [`Proxy-Authorization: ${auth2}`],
      });
      expect(retry.res.status).toBe(404);
    } finally {
      agent.close();
      citizen.close();
    }
  });

  it('runs the sipp scenario telephony/sipp/invite-12345.xml: no agent ready, 480 accepted', async () => {
    events = [];
    const [localPort] = await freePorts(1);
    const { code, out } = await runSipp([
      '-sf',
      'telephony/sipp/invite-12345.xml',
      '-s',
      '12345',
      '-set',
      'caller',
      '13800006666',
      '-i',
      HOST,
      '-p',
      String(localPort),
      '-m',
      '1',
      '-nostdin',
      '-timeout',
      '15',
      '-timeout_error',
      `${HOST}:${udpPort}`,
    ]);
    expect(code, out).toBe(0);
    expect(out).toMatch(/Successful call\s*\|\s*\d+\s*\|\s*1/);
    await waitFor(() => events.length >= 2, 3000, 'events from the sipp call');
    expect(events.map((e) => [e.body.event, e.body.from, e.body.code])).toEqual([
      ['offered', '13800006666', undefined],
      ['unanswered', '13800006666', 480],
    ]);
  });

  it('restart() brings Kamailio back on the same ports with an empty location table', async () => {
    const p = await udpPeer(srv());
    try {
      expect(
        (await register(p, srv(), { fromUser: 'agent4', toUser: '12345', creds: creds('agent4') })).final.status,
      ).toBe(200);
      const before = server.pid;
      await server.restart();
      expect(server.pid).not.toBe(before);
      expect(server.udpPort).toBe(udpPort);

      // the queue registration did not survive (memory only)
      const inv = trunkInvite(p, '12345', '13800007777');
      p.send(inv.text);
      const res = await p.next((m) => m.status! >= 200 && hdr(m, 'call-id') === inv.callId);
      expect(res.status).toBe(480);
      ack(p, inv, res, `sip:12345@${HOST}:${udpPort}`);

      const fresh = await register(p, srv(), { fromUser: 'agent4', creds: creds('agent4') });
      expect(fresh.final.status).toBe(200);
      const w = await wsPeer(server.wsUrl);
      try {
        expect((await register(w, srv(), { fromUser: 'agent5', creds: creds('agent5') })).final.status).toBe(200);
      } finally {
        w.close();
      }
    } finally {
      p.close();
    }
  });

  it('pike drops a flooding source but keeps answering others', async () => {
    const flood = await udpPeer(srv(), '127.0.0.3');
    const calm = await udpPeer(srv());
    try {
      const total = 2000;
      for (let i = 0; i < total; i++) {
        flood.send(
          buildRequest(flood, { method: 'OPTIONS', ruri: `sip:${HOST}:${udpPort}`, fromUser: 'flood', toUser: 'flood' })
            .text,
        );
        if (i % 200 === 199) await sleep(5);
      }
      await sleep(300);
      const answered = flood.received.filter((m) => m.status === 200).length;
      expect(answered).toBeGreaterThan(100); // below the limit everything is answered
      expect(answered).toBeLessThan(total); // ... above it requests are dropped
      await expect(
        transact(flood, { method: 'OPTIONS', ruri: `sip:${HOST}:${udpPort}`, fromUser: 'flood', toUser: 'flood' }, 500),
      ).rejects.toThrow(/no matching/);

      const { res } = await transact(calm, {
        method: 'OPTIONS',
        ruri: `sip:${HOST}:${udpPort}`,
        fromUser: 'calm',
        toUser: 'calm',
      });
      expect(res.status).toBe(200);
    } finally {
      flood.close();
      calm.close();
    }
  });
});
