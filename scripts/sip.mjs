// `npm run sip`: Kamailio (telephony/kamailio.cfg) in the foreground with a pid file.
// Env: SIP_SHARED_SECRET, SIP_WS_PORT (8088), SIP_UDP_PORT (5060), SIP_LISTEN_ADDRESS (127.0.0.1),
// SIP_DOMAIN (= listen address), SIP_RUN_DIR (.data/sip), HOTLINE_EVENTS_URL
// (http://127.0.0.1:3000/telephony/sip-events), SIP_TRUSTED_TRUNKS (127.0.0.1, comma-separated).
// SIGTERM/SIGINT stop Kamailio; this process exits when Kamailio exits, with its code.
import path from 'node:path';
import { DEV_SIP_SECRET, startSipServer } from './sip-server.mjs';

const env = process.env;
let secret = env.SIP_SHARED_SECRET;
if (!secret) {
  secret = DEV_SIP_SECRET;
  console.warn(
    'WARNING: SIP_SHARED_SECRET is not set; using the development secret. Anybody who knows it can mint SIP credentials. ' +
      'Set SIP_SHARED_SECRET (the same value as the app) outside development.',
  );
}

const port = (name, fallback) => {
  const v = env[name] ? Number(env[name]) : fallback;
  if (!Number.isInteger(v) || v <= 0 || v > 65535) {
    console.error(`${name} must be a port number, got ${JSON.stringify(env[name])}`);
    process.exit(2);
  }
  return v;
};

const options = {
  secret,
  wsPort: port('SIP_WS_PORT', 8088),
  udpPort: port('SIP_UDP_PORT', 5060),
  listenAddress: env.SIP_LISTEN_ADDRESS || '127.0.0.1',
  domain: env.SIP_DOMAIN || undefined,
  runDir: path.resolve(env.SIP_RUN_DIR || '.data/sip'),
  eventsUrl: env.HOTLINE_EVENTS_URL || 'http://127.0.0.1:3000/telephony/sip-events',
  trustedTrunks: env.SIP_TRUSTED_TRUNKS ?? '127.0.0.1',
  log: (line) => process.stdout.write(`${line}\n`),
};

let server;
try {
  server = await startSipServer(options);
} catch (err) {
  console.error(`Kamailio did not start: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}

console.log(
  [
    '',
    `Kamailio is running (pid ${server.pid}, pid file ${path.join(options.runDir, 'kamailio.pid')})`,
    `  WebSocket (browsers): ${server.wsUrl}`,
    `  UDP (trunk, sipp):    ${options.listenAddress}:${server.udpPort}`,
    `  SIP domain:           ${options.domain ?? options.listenAddress}`,
    `  trusted trunks:       ${options.trustedTrunks || '(none)'}`,
    `  events to:            ${options.eventsUrl}`,
    '',
  ].join('\n'),
);

let stopping = null;
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => {
    if (stopping) return;
    console.log(`${sig}: stopping Kamailio`);
    stopping = server.stop().catch((err) => {
      console.error(err);
      process.exit(1);
    });
  });
}

const code = await server.exited;
// Its workers are ended after the main process: wait for that before leaving.
if (stopping) await stopping;
else console.error(`Kamailio exited unexpectedly (code ${code})`);
process.exit(stopping ? 0 : code || 1);
