import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    dataDir: string;
  }
}

function freePort(): Promise<number> {
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
  let log = '';
  const server: ChildProcess = spawn(process.execPath, ['server.mjs'], {
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, DEMO_APPEALS: '60', DATABASE_URL: '' },
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
    server.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([exited, new Promise((r) => (timer = setTimeout(() => r('timeout'), 15_000)))]);
    clearTimeout(timer);
    const lockLeft = existsSync(path.join(dataDir, 'pglite.lock'));
    rmSync(dataDir, { recursive: true, force: true });
    // A clean shutdown is part of the contract: PGlite must be closed on SIGTERM.
    if (code !== 0 || lockLeft) throw new Error(`server did not shut down cleanly (exit ${String(code)}, lock left: ${lockLeft})\n${log.slice(-2000)}`);
  };
}
