import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    dataDir: string;
    /** POST /restart, /stop or /start here controls Kamailio on the same ports. */
    sipControlUrl: string;
    sipUdpPort: number;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** Starts the built server (npm run build first) on a fresh embedded database with a small demo city. */
export default async function setup(project: TestProject) {
  if (!existsSync('build/index.js')) throw new Error('build/index.js is missing: run `npm run build` first');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hotline-e2e-'));
  const port = await freePort();
  // Kamailio beside the app, with its own secret, ports and run folder.
  const secret = `e2e-${Math.random().toString(36).slice(2)}`;
  const [wsPort, udpPort] = [await freePort(), await freePort()];
  const { startSipServer } = await import('../../scripts/sip-server.mjs');
  let sipLog = '';
  const sip = await startSipServer({
    secret,
    wsPort,
    udpPort,
    runDir: path.join(dataDir, 'sip'),
    eventsUrl: `http://127.0.0.1:${port}/telephony/sip-events`,
    log: (line: string) => {
      sipLog = (sipLog + line + '\n').slice(-20_000);
    },
  });
  const control = http.createServer((req, res) => {
    const step = { '/restart': () => sip.restart(), '/stop': () => sip.stop(), '/start': () => sip.start() }[
      req.url ?? ''
    ];
    if (req.method !== 'POST' || !step) return res.writeHead(404).end();
    step().then(
      () => res.writeHead(200).end('done'),
      (err: Error) => res.writeHead(500).end(err.message),
    );
  });
  await new Promise<void>((r) => control.listen(0, '127.0.0.1', () => r()));
  project.provide('sipControlUrl', `http://127.0.0.1:${(control.address() as net.AddressInfo).port}`);
  project.provide('sipUdpPort', udpPort);
  let log = '';
  const server: ChildProcess = spawn(process.execPath, ['server.mjs'], {
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      DEMO_APPEALS: '60',
      DATABASE_URL: '',
      SIP_SHARED_SECRET: secret,
      SIP_WS_URL: `ws://127.0.0.1:${wsPort}`,
      SIP_DOMAIN: '127.0.0.1',
      HOTLINE_DEMO_PHONE: '1',
      HOTLINE_AFTER_CALL_SECONDS: '20',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout!.on('data', (d) => (log += d));
  server.stderr!.on('data', (d) => (log += d));
  const exited = new Promise<number | null>((r) => server.on('exit', (code) => r(code)));
  const deadline = Date.now() + 150_000;
  while (!log.includes('ready at')) {
    if (server.exitCode !== null || Date.now() > deadline) throw new Error(`server did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  project.provide('baseUrl', `http://127.0.0.1:${port}`);
  project.provide('dataDir', dataDir);
  return async () => {
    control.close();
    await sip.stop();
    if (process.env.E2E_SIP_LOG) console.log(sipLog);
    server.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([exited, new Promise((r) => (timer = setTimeout(() => r('timeout'), 15_000)))]);
    clearTimeout(timer);
    const lockLeft = existsSync(path.join(dataDir, 'pglite.lock'));
    rmSync(dataDir, { recursive: true, force: true });
    // A clean shutdown is part of the contract: PGlite must be closed on SIGTERM.
    if (code !== 0 || lockLeft)
      throw new Error(
        `server did not shut down cleanly (exit ${String(code)}, lock left: ${lockLeft})\n${log.slice(-2000)}`,
      );
  };
}
