// What the HTTP benchmarks share: latency statistics, the built server started on its own port and data
// folder, sign-in through the login form, and a one-socket keep-alive client.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { generate } from 'otplib';

export interface Stats {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function stats(lat: number[]): Stats {
  const s = [...lat].sort((a, b) => a - b);
  return {
    n: s.length,
    p50: percentile(s, 50),
    p95: percentile(s, 95),
    p99: percentile(s, 99),
    mean: s.reduce((a, b) => a + b, 0) / (s.length || 1),
    max: s[s.length - 1] ?? 0,
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface Server {
  base: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** The key the bench data's ID numbers are sealed with (generated data, so a fixed key); DATA_KEY overrides it. */
export const BENCH_DATA_KEY = process.env.DATA_KEY ?? 'b3'.repeat(32);

/** `node server.mjs` from `appDir` on PostgreSQL, with no demo city and its session secret and files in a temporary folder. */
export async function startServer(
  databaseUrl: string,
  opts: { appDir?: string; readySeconds?: number; nodeArgs?: string[] } = {},
): Promise<Server> {
  const port = await freePort();
  const readySeconds = opts.readySeconds ?? 180;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hotline-bench-data-'));
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), 'server.mjs'], {
    cwd: opts.appDir ?? process.cwd(),
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      NODE_ENV: 'production',
      DEMO: '0',
      DATA_DIR: dataDir,
      SESSION_SECRET: randomBytes(32).toString('hex'),
      SIP_SHARED_SECRET: randomBytes(32).toString('hex'),
      DATA_KEY: BENCH_DATA_KEY,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keep = (b: Buffer) => {
    log = (log + b.toString()).slice(-8000);
  };
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server not ready after ${readySeconds} s:\n${log}`)),
      readySeconds * 1000,
    );
    child.stdout!.on('data', (b: Buffer) => {
      keep(b);
      if (/ready at/.test(log)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before it was ready:\n${log}`));
    });
  });
  return {
    base: `http://127.0.0.1:${port}`,
    child,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Signs in through the login form, as a browser would (same-origin POST), and returns the session cookie. */
export async function signIn(base: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { Origin: base, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password, redirectTo: '/' }),
  });
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith('__session=') || c.startsWith('__Host-session='));
  if (res.status !== 302 || !cookie) throw new Error(`sign-in as ${username} failed: HTTP ${res.status}`);
  // Admins and supervisors must enrol a second factor first (benchmarks run with DEMO=0): enrol as a phone would.
  if (res.headers.get('location')?.startsWith('/account/mfa')) return enrolTotp(base, cookie);
  return cookie;
}

async function enrolTotp(base: string, cookie: string): Promise<string> {
  // Every post carries the session's CSRF token, which the page gives in its <meta name="csrf-token">.
  const html = await (await fetch(`${base}/account/mfa`, { headers: { Cookie: cookie } })).text();
  const token = /<meta name="csrf-token" content="([^"]+)"/.exec(html)?.[1] ?? '';
  const page = await fetch(`${base}/account/mfa?_data=routes%2Faccount.mfa`, { headers: { Cookie: cookie } });
  const { setup } = (await page.json()) as { setup: { secret: string } };
  const res = await fetch(`${base}/account/mfa?_data=routes%2Faccount.mfa`, {
    method: 'POST',
    headers: {
      Cookie: cookie,
      Origin: base,
      'Content-Type': 'application/x-www-form-urlencoded',
      'X-CSRF-Token': token,
    },
    body: new URLSearchParams({ intent: 'confirm', code: await generate({ secret: setup.secret }) }),
  });
  const session = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith('__session=') || c.startsWith('__Host-session='));
  if (!res.ok || !session) throw new Error(`two-factor enrolment failed: HTTP ${res.status}`);
  return session;
}

// A plain keep-alive HTTP client: one socket, reused, so the figure is the server's work plus one loopback round trip,
// not the client's (WHATWG fetch costs the client more than the server spends on a small route).
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

export function get(url: string, cookie: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers: { Cookie: cookie } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/** Closes the kept-alive socket, so the benchmark process can exit. */
export function closeClient(): void {
  agent.destroy();
}

const ROOT = process.cwd();
const BUILD_LOCK = '/tmp/hotline-build.lock';

/**
 * Copies build/ (after `npx remix build` unless --no-build) into a private folder, under the shared build lock, so a
 * concurrent rebuild by someone else cannot change the server under the benchmark. The folder gets the server script and
 * package.json, and links to node_modules, public and entities (the migrations), so `node server.mjs` runs from it as
 * from the working copy.
 */
export function privateBuild(build: boolean, prefix = 'hotline-bench-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  const script = `${build ? 'npx remix build >&2 && ' : ''}test -f build/index.js && cp -r build ${JSON.stringify(dir)}/build`;
  console.error(`[build] ${build ? 'npx remix build, then copy' : 'copy the existing'} build/ under ${BUILD_LOCK}`);
  const r = spawnSync('flock', [BUILD_LOCK, 'sh', '-c', script], {
    stdio: ['ignore', 2, 2],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (r.status !== 0)
    throw new Error(
      build
        ? 'npx remix build failed (try --no-build to time the existing build)'
        : 'no build/index.js (run without --no-build)',
    );
  copyFileSync(path.join(ROOT, 'server.mjs'), path.join(dir, 'server.mjs'));
  copyFileSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
  for (const link of ['node_modules', 'public', 'entities']) symlinkSync(path.join(ROOT, link), path.join(dir, link));
  return dir;
}

const f = (x: number, d = 2) => x.toFixed(d);

/** Latency figures as an aligned text table. */
export function table(rows: [string, Stats][]): string {
  const head = ['path', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'mean ms', 'max ms'];
  const body = rows.map(([label, s]) => [label, String(s.n), f(s.p50), f(s.p95), f(s.p99), f(s.mean), f(s.max)]);
  const all = [head, ...body];
  const widths = head.map((_, i) => Math.max(...all.map((row) => row[i].length)));
  return all
    .map((row) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '))
    .join('\n');
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * Builds when there is no build (or it lacks the screen-pop route), and rebuilds when the build predates the app's
 * sources, since a stale build would time old code. If that rebuild fails (someone's half-written file), the
 * existing build is used with a warning.
 */
export function ensureBuild(allowBuild: boolean) {
  const out = path.resolve('build/index.js');
  const usable = existsSync(out) && readFileSync(out, 'utf8').includes('routes/telephony.screenpop');
  const stale =
    usable && ['app', 'entities', 'machines'].some((d) => existsSync(d) && newestMtime(d) > statSync(out).mtimeMs);
  if (usable && (!stale || !allowBuild)) {
    if (stale) console.error('[build] warning: the build is older than the sources (--no-build: using it anyway)');
    return;
  }
  if (!allowBuild) throw new Error('no usable build/index.js (run npm run build)');
  console.error(
    `[build] ${!existsSync(out) ? 'no build' : !usable ? 'build lacks the screen-pop route' : 'build older than the sources'}: npm run build`,
  );
  const r = spawnSync('npm', ['run', 'build'], {
    stdio: ['ignore', 2, 2],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (r.status === 0) return;
  if (!usable) throw new Error('npm run build failed');
  console.error('[build] warning: npm run build failed; timing the existing (older) build');
}
