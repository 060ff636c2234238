// Starts Kamailio with telephony/kamailio.cfg (docs/decisions/008-telephony.md).
// Plain ESM: imported by `scripts/sip.mjs` (npm run sip) and by test setup code.
//
// Settings reach the config as `-A NAME=value` defines; the shared secret and the events token go
// through the environment (`#!trydefenvs` in the config) so they do not show in `ps`.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Used when SIP_SHARED_SECRET is unset (development only); same constant as telephony/credentials.ts. */
export const DEV_SIP_SECRET = 'dev-only-sip-secret-change-me';

export const CONFIG_PATH = fileURLToPath(new URL('../telephony/kamailio.cfg', import.meta.url));

/** hex(sha256("sip-events:" + secret)), as telephony/credentials.ts sipEventsToken. */
export function sipEventsToken(secret) {
  return createHash('sha256').update(`sip-events:${secret}`).digest('hex');
}

function kamailioBinary() {
  if (process.env.KAMAILIO_BIN) return process.env.KAMAILIO_BIN;
  return existsSync('/usr/sbin/kamailio') ? '/usr/sbin/kamailio' : 'kamailio';
}

// Values end up inside double-quoted strings of the Kamailio config.
function configString(name, value) {
  const s = String(value);
  if (!s || /["\\\r\n\0]/.test(s))
    throw new Error(`${name} must be non-empty and contain no quote, backslash or newline`);
  return s;
}

function normalizeTrunks(trustedTrunks) {
  const list = (Array.isArray(trustedTrunks) ? trustedTrunks : String(trustedTrunks ?? '').split(','))
    .map((s) => String(s).trim())
    .filter(Boolean);
  for (const ip of list) if (!net.isIP(ip)) throw new Error(`trusted trunk is not an IP address: ${ip}`);
  // in_list() needs a non-empty list; 0.0.0.0 never is a packet source
  return list.length ? list.join(',') : '0.0.0.0';
}

/** The kamailio command line and environment for these options. */
export function kamailioCommand(o) {
  const args = [
    '-f',
    o.configPath ?? CONFIG_PATH,
    '-DD',
    '-E',
    '-Y',
    o.runDir,
    '-P',
    path.join(o.runDir, 'kamailio.pid'),
    '-m',
    '64',
    '-M',
    '8',
    '-A',
    `LISTEN_ADDR=${o.listenAddress}`,
    '-A',
    `UDP_PORT=${o.udpPort}`,
    '-A',
    `WS_PORT=${o.wsPort}`,
    '-A',
    `SIP_DOMAIN="${configString('domain', o.domain)}"`,
    '-A',
    `EVENTS_URL="${configString('eventsUrl', o.eventsUrl)}"`,
    '-A',
    `TRUSTED_TRUNKS="${normalizeTrunks(o.trustedTrunks)}"`,
    '-A',
    `PIKE_DENSITY=${o.pikeDensity}`,
  ];
  const env = {
    ...process.env,
    HOTLINE_KAMAILIO_SECRET: configString('secret', o.secret),
    HOTLINE_KAMAILIO_EVENTS_TOKEN: sipEventsToken(o.secret),
  };
  return { bin: kamailioBinary(), args, env };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function udpAnswers(address, port, timeoutMs) {
  return new Promise((resolve) => {
    const sock = dgram.createSocket(net.isIPv6(address) ? 'udp6' : 'udp4');
    const branch = `z9hG4bK-ready-${randomBytes(6).toString('hex')}`;
    let done = false;
    const finish = (ok) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.close();
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    sock.on('error', () => finish(false));
    sock.on('message', (msg) => finish(msg.toString().includes(branch)));
    sock.bind(0, address, () => {
      const { port: lport } = sock.address();
      const host = net.isIPv6(address) ? `[${address}]` : address;
      const m = [
        `OPTIONS sip:${host}:${port} SIP/2.0`,
        `Via: SIP/2.0/UDP ${host}:${lport};branch=${branch};rport`,
        'Max-Forwards: 70',
        `From: <sip:ready@${host}>;tag=${randomBytes(4).toString('hex')}`,
        `To: <sip:${host}:${port}>`,
        `Call-ID: ready-${randomBytes(8).toString('hex')}`,
        'CSeq: 1 OPTIONS',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
      sock.send(m, port, address, (err) => err && finish(false));
    });
  });
}

function tcpAnswers(address, port, timeoutMs) {
  return new Promise((resolve) => {
    const s = net.connect({ host: address, port });
    const timer = setTimeout(() => {
      s.destroy();
      resolve(false);
    }, timeoutMs);
    s.once('connect', () => {
      clearTimeout(timer);
      s.end();
      resolve(true);
    });
    s.once('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

function isRunningKamailio(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('kamailio');
  } catch {
    return false;
  }
}

/**
 * Starts Kamailio and resolves once its UDP port answers OPTIONS and its WebSocket port accepts TCP.
 * @param {object} options
 * @param {string} [options.secret] shared secret (SIP_SHARED_SECRET); default DEV_SIP_SECRET
 * @param {number} [options.wsPort] plain WebSocket port, default 8088
 * @param {number} [options.udpPort] UDP port, default 5060
 * @param {string} [options.listenAddress] default 127.0.0.1
 * @param {string} [options.runDir] pid file and runtime files, default .data/sip
 * @param {string} [options.eventsUrl] where offered/unanswered are posted
 * @param {string|string[]} [options.trustedTrunks] IPs that may INVITE 12345 without auth
 * @param {string} [options.domain] SIP domain served besides the listen address (SIP_DOMAIN)
 * @param {number} [options.pikeDensity] requests per 2 s before a source is blocked, default 200
 * @param {(line: string) => void} [options.log] receives Kamailio's log lines
 * @param {number} [options.readyTimeoutMs] default 10000
 */
export async function startSipServer(options = {}) {
  const o = {
    secret: DEV_SIP_SECRET,
    wsPort: 8088,
    udpPort: 5060,
    listenAddress: '127.0.0.1',
    runDir: '.data/sip',
    eventsUrl: 'http://127.0.0.1:3000/telephony/sip-events',
    trustedTrunks: '127.0.0.1',
    pikeDensity: 200,
    log: (line) => process.stdout.write(`${line}\n`),
    readyTimeoutMs: 10_000,
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
  };
  o.domain ??= o.listenAddress;
  o.runDir = path.resolve(o.runDir);
  if (!net.isIP(o.listenAddress)) throw new Error(`listenAddress must be an IP address: ${o.listenAddress}`);
  for (const k of ['wsPort', 'udpPort', 'pikeDensity']) {
    if (!Number.isInteger(Number(o[k])) || Number(o[k]) <= 0) throw new Error(`${k} must be a positive integer`);
  }
  const wsHost = net.isIPv6(o.listenAddress) ? `[${o.listenAddress}]` : o.listenAddress;

  let child = null;
  let exited = null;

  async function start() {
    mkdirSync(o.runDir, { recursive: true });
    const pidFile = path.join(o.runDir, 'kamailio.pid');
    if (existsSync(pidFile)) {
      const old = Number(readFileSync(pidFile, 'utf8').trim());
      if (old && isRunningKamailio(old)) throw new Error(`Kamailio already runs with ${pidFile} (pid ${old})`);
      rmSync(pidFile, { force: true });
    }
    const { bin, args, env } = kamailioCommand(o);
    const tail = [];
    // Its own process group: Kamailio forks workers that share its sockets, and stop() must end them all.
    const proc = spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    child = proc;
    exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))));
    let spawnError = null;
    proc.once('error', (err) => {
      spawnError = err;
    });
    for (const stream of [proc.stdout, proc.stderr]) {
      let buf = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk) => {
        buf += chunk;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          tail.push(line);
          if (tail.length > 40) tail.shift();
          o.log(line);
        }
      });
    }
    let dead = false;
    exited.then(() => {
      dead = true;
    });

    const deadline = Date.now() + o.readyTimeoutMs;
    for (;;) {
      if (spawnError) throw new Error(`cannot start ${bin}: ${spawnError.message}`);
      if (dead)
        throw new Error(`Kamailio exited during start (exit ${proc.exitCode ?? proc.signalCode}):\n${tail.join('\n')}`);
      if ((await udpAnswers(o.listenAddress, o.udpPort, 200)) && (await tcpAnswers(o.listenAddress, o.wsPort, 200)))
        break;
      if (Date.now() > deadline) {
        await stop();
        throw new Error(
          `Kamailio did not answer on udp ${o.udpPort} / ws ${o.wsPort} within ${o.readyTimeoutMs} ms:\n${tail.join('\n')}`,
        );
      }
      await sleep(50);
    }
  }

  async function stop() {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill('SIGTERM');
    const killed = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
    if (!killed) {
      proc.kill('SIGKILL');
      await exited;
    }
    // A worker that outlived the main process would keep answering on the ports: end the whole group,
    // and return only once nothing listens there any more.
    try {
      process.kill(-proc.pid, 'SIGKILL');
    } catch {
      // the group is already gone
    }
    const quiet = Date.now() + 5000;
    while (Date.now() < quiet && (await tcpAnswers(o.listenAddress, o.wsPort, 200))) await sleep(50);
  }

  await start();

  return {
    get pid() {
      return child.pid;
    },
    /** Resolves with the exit code when Kamailio exits (for whatever reason). */
    get exited() {
      return exited;
    },
    wsUrl: `ws://${wsHost}:${o.wsPort}`,
    udpPort: o.udpPort,
    listenAddress: o.listenAddress,
    stop,
    /** Starts it again after stop(), on the same ports. */
    start,
    async restart() {
      await stop();
      await start();
    },
  };
}
