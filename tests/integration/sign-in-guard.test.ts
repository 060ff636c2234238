import { randomBytes } from 'node:crypto';
import type { AppLoadContext } from '@remix-run/node';
import { afterEach, describe, expect, it } from 'vitest';
import { createUser, listUsers, unlockUser } from '../../app/admin/users.server';
import { checkPassword } from '../../app/auth/sign-in.server';
import { sessionUser, setSessionCacheMs, startSession } from '../../app/auth/session.server';
import { resetTrustedProxies, type RequestClient } from '../../app/http/client.server';
import { action as loginAction } from '../../app/routes/login';
import { DB_KINDS } from '../support/env';
import { useTestDatabase } from '../support/services';

// The cookie secret, so the session module does not create one in .data.
process.env.SESSION_SECRET ??= 'sign-in-guard-test-secret-0123456789abcdef';

const PASSWORD = 'right-password-1';
const MINUTE = 60_000;
const SETTINGS = [
  'LOGIN_LOCK_FAILURES',
  'LOGIN_LOCK_WINDOW_MINUTES',
  'LOGIN_LOCK_MINUTES',
  'LOGIN_ADDRESS_ATTEMPTS',
  'LOGIN_ADDRESS_WINDOW_MINUTES',
  'SESSION_IDLE_MINUTES',
  'TRUSTED_PROXIES',
  'NODE_ENV',
];
const saved = Object.fromEntries(SETTINGS.map((k) => [k, process.env[k]]));

/** A client from its own documentation-range address, so tests do not share an address's throttle. */
const someClient = (): RequestClient => ({
  ip: `198.51.100.${1 + Math.floor(Math.random() * 250)}`,
  userAgent: 'vitest',
  secure: false,
});

describe.each(DB_KINDS)('sign-in lockout, throttling and sessions on %s', (kind) => {
  const t = useTestDatabase(kind);
  afterEach(() => {
    for (const k of SETTINGS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    resetTrustedProxies();
    setSessionCacheMs(null);
  });

  const newUser = async (role: 'operator' | 'admin' = 'operator') => {
    const username = `u${randomBytes(4).toString('hex')}`;
    const { id } = await createUser(t.em(), t.as('admin'), {
      username,
      displayName: '测试 用户',
      password: PASSWORD,
      role,
      gridIds: [],
    });
    return { id, username };
  };
  const events = (kind: string, subjectId: number) =>
    t.sql<{ username: string | null; ip: string | null; detail: unknown; actor_id: number | null }>(
      'select username, ip, detail, actor_id from security_event where kind = ? and subject_id = ? order by id',
      [kind, subjectId],
    );
  const failuresOf = async (username: string) =>
    (
      await t.sql<{ failures: number }>(`select failures from sign_in_failure where scope = 'account' and key = ?`, [
        username.toLowerCase(),
      ])
    )[0]?.failures ?? 0;

  const context = (peer = '203.0.113.10') => ({ runtime: { db: t.db }, peer }) as unknown as AppLoadContext;
  const post = (username: string, password: string, headers: Record<string, string> = {}) =>
    new Request('http://localhost/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams({ username, password, redirectTo: '/' }),
    });
  /** The login action's answer as status, Set-Cookie and the message shown. */
  const signIn = async (request: Request, ctx: AppLoadContext) => {
    const res = (await loginAction({ request, context: ctx, params: {} })) as unknown;
    if (res instanceof Response) {
      const body = res.headers.get('content-type')?.includes('json') ? await res.json() : null;
      return {
        status: res.status,
        cookie: res.headers.get('set-cookie'),
        retryAfter: res.headers.get('retry-after'),
        message: body?.formError ?? null,
      };
    }
    return { status: 200, cookie: null, retryAfter: null, message: (res as { formError: string }).formError };
  };

  it('locks an account after 20 parallel wrong passwords, counted exactly, and refuses the right one until unlocked', async () => {
    const { id, username } = await newUser();
    const client = someClient();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => checkPassword(t.em(), { username, password: 'wrong-password', client: null })),
    );
    expect(results.every((r) => !r.ok)).toBe(true);
    expect(await failuresOf(username)).toBe(20); // no lost update
    expect(await events('signInFailed', id)).toHaveLength(20);
    const lockouts = await events('lockout', id);
    expect(lockouts).toHaveLength(1);
    expect(lockouts[0]).toMatchObject({ username });

    // Locked: the right password is refused the same way as a wrong one, through the real sign-in form.
    const refused = await signIn(post(username, PASSWORD), context(client.ip!));
    expect(refused.cookie).toBeNull();
    expect(refused.message).toContain('账号已锁定');
    const wrong = await signIn(post(username, 'still-wrong'), context(client.ip!));
    expect(wrong.message).toBe(refused.message);
    expect((await events('signInFailed', id)).at(-2)).toMatchObject({ detail: { reason: 'locked' } });

    const admin = t.as('admin');
    expect((await listUsers(t.em(), admin)).find((u) => u.id === id)).toMatchObject({ locked: true });
    await unlockUser(t.em(), admin, id, { ip: '192.0.2.1', userAgent: 'admin browser', secure: false });
    expect(await events('unlock', id)).toMatchObject([{ actor_id: admin.userId, ip: '192.0.2.1', username }]);
    expect((await listUsers(t.em(), admin)).find((u) => u.id === id)).toMatchObject({ locked: false });
    // Unlocking again changes nothing and records nothing.
    await unlockUser(t.em(), admin, id);
    expect(await events('unlock', id)).toHaveLength(1);

    const ok = await signIn(post(username, PASSWORD), context(client.ip!));
    expect(ok.status).toBe(302);
    expect(ok.cookie).toMatch(/^__session=/);
    expect(await events('signIn', id)).toMatchObject([{ ip: client.ip }]);
  });

  it('locks after exactly LOGIN_LOCK_FAILURES failures, lifts a lock when LOGIN_LOCK_MINUTES have passed', async () => {
    process.env.LOGIN_LOCK_FAILURES = '3';
    process.env.LOGIN_LOCK_MINUTES = '10';
    const { id, username } = await newUser();
    const t0 = new Date();
    const attempt = (password: string, at: Date) => checkPassword(t.em(), { username, password, client: null }, at);
    expect(await attempt('x', t0)).toEqual({ ok: false, reason: 'invalid' });
    expect(await attempt('x', t0)).toEqual({ ok: false, reason: 'invalid' });
    expect(await attempt('x', t0)).toEqual({ ok: false, reason: 'locked' });
    expect(await attempt(PASSWORD, new Date(t0.getTime() + 9 * MINUTE))).toEqual({ ok: false, reason: 'locked' });
    expect(await attempt(PASSWORD, new Date(t0.getTime() + 11 * MINUTE))).toEqual({ ok: true, userId: id });
    expect(await failuresOf(username)).toBe(0);
    expect(await events('lockout', id)).toHaveLength(1);
  });

  it('counts failures within the window only, and a right password starts the count again', async () => {
    const { username } = await newUser();
    const t0 = new Date();
    for (let i = 0; i < 4; i++) await checkPassword(t.em(), { username, password: 'x', client: null }, t0);
    // The window of 15 minutes has passed: the count starts at 1 again.
    const later = new Date(t0.getTime() + 16 * MINUTE);
    expect(await checkPassword(t.em(), { username, password: 'x', client: null }, later)).toMatchObject({
      reason: 'invalid',
    });
    expect(await failuresOf(username)).toBe(1);
    expect(await checkPassword(t.em(), { username, password: PASSWORD, client: null }, later)).toMatchObject({
      ok: true,
    });
    expect(await failuresOf(username)).toBe(0);
  });

  it('locks a name that does not exist just like a real one, so the lock tells nothing', async () => {
    const name = `nobody${randomBytes(3).toString('hex')}`;
    const answers = [];
    for (let i = 0; i < 5; i++)
      answers.push(await checkPassword(t.em(), { username: name, password: 'x', client: null }));
    expect(answers.at(-1)).toEqual({ ok: false, reason: 'locked' });
    const [row] = await t.sql<{ n: number }>(
      `select count(*)::int as n from security_event where kind = 'lockout' and username = ? and subject_id is null`,
      [name],
    );
    expect(row.n).toBe(1);
  });

  it('throttles one address with 429 and Retry-After, and a successful sign-in gives its attempt back', async () => {
    process.env.LOGIN_ADDRESS_ATTEMPTS = '3';
    const { username } = await newUser();
    const ctx = context(`203.0.113.${100 + Math.floor(Math.random() * 100)}`);
    expect((await signIn(post(username, PASSWORD), ctx)).status).toBe(302);
    for (let i = 0; i < 3; i++) {
      const r = await signIn(post(`guess${i}`, 'x'), ctx);
      expect(r.status, `attempt ${i}`).toBe(200);
      expect(r.message).toBe('用户名或密码错误');
    }
    const throttled = await signIn(post(username, PASSWORD), ctx);
    expect(throttled).toMatchObject({ status: 429, cookie: null, message: '登录尝试过于频繁，请稍后再试' });
    expect(Number(throttled.retryAfter)).toBeGreaterThan(0);
    expect(Number(throttled.retryAfter)).toBeLessThanOrEqual(60);
    // Another address is not affected.
    expect((await signIn(post(username, PASSWORD), context('203.0.113.250'))).status).toBe(302);
    const [row] = await t.sql<{ n: number }>(
      `select count(*)::int as n from security_event where kind = 'signInFailed' and ip = ? and detail->>'reason' = 'throttled'`,
      [ctx.peer],
    );
    expect(row.n).toBe(1);
  });

  it('refuses a session left idle longer than SESSION_IDLE_MINUTES, even from the cache, and records it', async () => {
    setSessionCacheMs(60 * MINUTE);
    const { id } = await newUser();
    const t0 = new Date();
    const cookie = (await startSession(t.em(), id, null, { now: t0 })).split(';')[0];
    const request = new Request('http://localhost/', { headers: { Cookie: cookie } });
    const at = (minutes: number) => ({ now: new Date(t0.getTime() + minutes * MINUTE) });
    expect(await sessionUser(t.em(), request, at(0))).toMatchObject({ id });
    // Use at 20 minutes moves last-seen on (at most once a minute), so 45 minutes is 25 idle: still in.
    expect(await sessionUser(t.em(), request, at(20))).toMatchObject({ id });
    const [seen] = await t.sql<{ last_seen_at: Date }>('select last_seen_at from user_session where user_id = ?', [id]);
    expect(new Date(seen.last_seen_at).getTime()).toBe(t0.getTime() + 20 * MINUTE);
    expect(await sessionUser(t.em(), request, at(45))).toMatchObject({ id });
    // 31 minutes without a request: refused, although the cache was told to keep entries for an hour.
    expect(await sessionUser(t.em(), request, at(76.5))).toBeNull();
    expect(await t.sql('select id from user_session where user_id = ?', [id])).toEqual([]);
    expect(await events('sessionExpired', id)).toMatchObject([{ detail: { reason: 'idle' } }]);
  });

  it('takes SESSION_IDLE_MINUTES from the environment', async () => {
    process.env.SESSION_IDLE_MINUTES = '5';
    setSessionCacheMs(0);
    const { id } = await newUser();
    const t0 = new Date();
    const cookie = (await startSession(t.em(), id, null, { now: t0 })).split(';')[0];
    const request = new Request('http://localhost/', { headers: { Cookie: cookie } });
    expect(await sessionUser(t.em(), request, { now: new Date(t0.getTime() + 4 * MINUTE) })).toMatchObject({ id });
    expect(await sessionUser(t.em(), request, { now: new Date(t0.getTime() + 10 * MINUTE) })).toBeNull();
  });

  it('sets a Secure __Host- cookie over HTTPS, from a trusted proxy or in production, and a plain one otherwise', async () => {
    process.env.TRUSTED_PROXIES = '10.9.0.0/16';
    resetTrustedProxies();
    const { id, username } = await newUser();
    const https = { 'x-forwarded-proto': 'https' };
    const viaProxy = await signIn(post(username, PASSWORD, https), context('10.9.0.5'));
    expect(viaProxy.cookie).toMatch(/^__Host-session=[^;]+; Max-Age=\d+; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    // The same header from a client that is not a trusted proxy is not believed.
    const forged = await signIn(post(username, PASSWORD, https), context('198.51.100.77'));
    expect(forged.cookie).toMatch(/^__session=/);
    expect(forged.cookie).not.toMatch(/Secure/);
    // Plain http on the direct connection: the plain name, not Secure.
    const plain = await startSession(t.em(), id, { ip: null, userAgent: null, secure: false });
    expect(plain).toMatch(/^__session=/);
    expect(plain).not.toMatch(/Secure|Domain/);
    // A TLS connection to the app itself.
    const tls = await startSession(t.em(), id, { ip: null, userAgent: null, secure: true });
    expect(tls).toMatch(/^__Host-session=.*; Path=\/;.* Secure/);
    expect(tls).not.toMatch(/Domain/);
    process.env.NODE_ENV = 'production';
    const production = await startSession(t.em(), id, { ip: null, userAgent: null, secure: false });
    expect(production).toMatch(/^__Host-session=.*Secure/);
    Object.assign(process.env, { NODE_ENV: saved.NODE_ENV ?? 'test' });

    // Reading takes the cookie under the name the request's kind sets: a secure request ignores a plain-name one.
    setSessionCacheMs(0);
    const value = (c: string) => c.split(';')[0].split('=').slice(1).join('=');
    const secureClient = { ip: null, userAgent: null, secure: true };
    const withCookie = (c: string) => new Request('http://localhost/', { headers: { Cookie: c } });
    expect(
      await sessionUser(t.em(), withCookie(`__Host-session=${value(tls)}`), { client: secureClient }),
    ).toMatchObject({ id });
    expect(await sessionUser(t.em(), withCookie(`__session=${value(tls)}`), { client: secureClient })).toBeNull();
    expect(await sessionUser(t.em(), withCookie(`__session=${value(plain)}`))).toMatchObject({ id });
  });
});
