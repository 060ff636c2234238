import type { ActionFunctionArgs, AppLoadContext, LoaderFunctionArgs } from '@remix-run/node';
import { generate } from 'otplib';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TOTP_SECRET } from '../../app/auth/totp.server';
import { action as loginAction, loader as loginLoader } from '../../app/routes/login';
import { action as secondStepAction } from '../../app/routes/login_.mfa';
import { DB_KINDS } from '../support/env';
import { useTestDatabase } from '../support/services';

process.env.SESSION_SECRET ??= 'landing-test-secret-0123456789abcdef0123456789';

const BASE = 'http://localhost';

/** What a loader or action threw or returned, as a Response. */
async function responseOf(p: Promise<unknown>): Promise<Response> {
  const r = await p.then(
    (v) => v,
    (e: unknown) => e,
  );
  expect(r).toBeInstanceOf(Response);
  return r as Response;
}

const cookieOf = (res: Response) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');

describe.each(DB_KINDS)('where signing in lands on %s', (kind) => {
  const t = useTestDatabase(kind);
  let context: AppLoadContext;
  beforeAll(() => {
    context = { runtime: { db: t.db } } as unknown as AppLoadContext;
  });

  const args = (request: Request) => ({ request, context, params: {} }) as ActionFunctionArgs & LoaderFunctionArgs;
  const post = (path: string, fields: Record<string, string>, cookie = '') =>
    new Request(`${BASE}${path}`, {
      method: 'POST',
      body: new URLSearchParams(fields),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie },
    });
  const signIn = (username: string, redirectTo = '/') =>
    responseOf(loginAction(args(post('/login', { username, password: 'demo12345', redirectTo }))));

  it('lands a grid worker on his field work, and everyone else where they landed before', async () => {
    expect((await signIn('gridworker')).headers.get('Location')).toBe('/field');
    expect((await signIn('dispatcher')).headers.get('Location')).toBe('/');
    expect((await signIn('handler')).headers.get('Location')).toBe('/');
    expect((await signIn('mediator')).headers.get('Location')).toBe('/referrals');
  });

  it('keeps the page a sign-in was asked for', async () => {
    expect((await signIn('gridworker', '/field/patrol')).headers.get('Location')).toBe('/field/patrol');
    expect((await signIn('gridworker', '/appeals')).headers.get('Location')).toBe('/appeals');
  });

  it('sends a grid worker who is signed in already from the login page to his field work', async () => {
    const signedIn = await signIn('gridworker');
    const res = await responseOf(
      loginLoader(args(new Request(`${BASE}/login`, { headers: { Cookie: cookieOf(signedIn) } }))),
    );
    expect(res.headers.get('Location')).toBe('/field');
  });

  it('lands him on his field work after the second step too', async () => {
    const now = new Date();
    await t.sql(
      'insert into user_totp (user_id, secret, demo, confirmed_at, last_step, created_at) values (?, null, true, ?, null, ?)',
      [t.ids.users.get('gridworker')!.id, now, now],
    );
    const step = await signIn('gridworker');
    expect(step.headers.get('Location')).toBe('/login/mfa');
    const code = await generate({ secret: DEMO_TOTP_SECRET, epoch: Math.floor(Date.now() / 1000) });
    const done = await responseOf(secondStepAction(args(post('/login/mfa', { code }, cookieOf(step)))));
    expect(done.status).toBe(302);
    expect(done.headers.get('Location')).toBe('/field');
  });
});
