import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl, DEMO_PASSWORD } from './browser';

// A user who clicks submit ten times, over plain HTTP: every request a form sends is built from the
// page's own hidden fields (request key and whatever else the form carries) plus what the user typed.

/** The cookies the server has set so far, sent back on every request. */
class Jar {
  private cookies = new Map<string, string>();
  take(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair.indexOf('=');
      this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
  }
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/** The hidden inputs of the page's forms, as the browser would send them. */
function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const tag of html.match(/<input[^>]*type="hidden"[^>]*>/g) ?? []) {
    const name = /name="([^"]*)"/.exec(tag)?.[1];
    if (name) fields[name] = /value="([^"]*)"/.exec(tag)?.[1]?.replace(/&amp;/g, '&') ?? '';
  }
  return fields;
}

async function page(base: string, jar: Jar, path: string) {
  const res = await fetch(`${base}${path}`, { headers: { Cookie: jar.header() }, redirect: 'manual' });
  jar.take(res);
  return hiddenFields(await res.text());
}

function post(base: string, jar: Jar, path: string, fields: Record<string, string>) {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { Cookie: jar.header(), Origin: base, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
    redirect: 'manual',
  });
}

async function signIn(base: string, username: string): Promise<Jar> {
  const jar = new Jar();
  const fields = { ...(await page(base, jar, '/login')), username, password: DEMO_PASSWORD };
  const res = await post(base, jar, '/login', fields);
  expect(res.status).toBe(302);
  jar.take(res);
  return jar;
}

async function tenSubmitsOfOneForm(base: string) {
  const jar = await signIn(base, 'operator');
  const form: Record<string, string> = {
    ...(await page(base, jar, '/intake')),
    intent: 'submit',
    callerPhone: '13922226666',
    type: 'complaint',
    category: '0201 环境卫生（市容环境）',
    title: '连续点击提交十次',
    content: '网络卡顿，话务员连续点击了十次提交按钮。',
  };
  expect(form.requestKey).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
  const responses = await Promise.all(Array.from({ length: 10 }, () => post(base, jar, '/intake', form)));
  expect(responses.map((r) => r.status)).toEqual(Array(10).fill(302));
  const locations = new Set(responses.map((r) => r.headers.get('location')));
  expect(locations.size).toBe(1);
  expect([...locations][0]).toMatch(/^\/appeals\/\d+$/);
}

describe('one intake form submitted ten times at once', () => {
  it('redirects every submit to the one appeal it filed (embedded database)', async () => {
    await tenSubmitsOfOneForm(baseUrl());
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('one intake form submitted ten times at once on PostgreSQL', () => {
  let server: { url: string; stop(): Promise<void> };
  beforeAll(async () => {
    server = await startOnPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('redirects every submit to the one appeal it filed', async () => {
    await tenSubmitsOfOneForm(server.url);
  });
});

/** The built server on a fresh PostgreSQL database with the demo city's people and no appeals. */
async function startOnPostgres() {
  const name = `hotline_e2e_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await c.connect();
    await c.query(sql).finally(() => c.end());
  };
  await admin(`create database "${name}"`);
  const url = new URL(process.env.TEST_DATABASE_URL!);
  url.pathname = `/${name}`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hotline-e2e-pg-'));
  const port = await new Promise<number>((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
  const child = spawn(process.execPath, ['server.mjs'], {
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, DATABASE_URL: url.toString(), DEMO_APPEALS: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
    await admin(`drop database if exists "${name}" with (force)`);
  };
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', () => log.includes('ready at') && resolve());
      void exited.then(() => reject(new Error('exited')));
      setTimeout(() => reject(new Error('not ready after 150 s')), 150_000).unref();
    });
  } catch (err) {
    await stop();
    throw new Error(`server on PostgreSQL did not start:\n${log.slice(-2000)}`, { cause: err });
  }
  return { url: `http://127.0.0.1:${port}`, stop };
}
