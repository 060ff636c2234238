import type { ActionFunctionArgs, AppLoadContext, LoaderFunctionArgs } from '@remix-run/node';
import { generate } from 'otplib';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../app/admin/users.server';
import { CSRF_FIELD } from '../../app/auth/csrf';
import { csrfTokenOf } from '../../app/auth/csrf.server';
import { setMfaPolicy } from '../../app/auth/mfa-policy.server';
import { requireUserWith, sessionUser } from '../../app/auth/session.server';
import { DEMO_TOTP_SECRET } from '../../app/auth/totp.server';
import { Forbidden } from '../../app/domain/errors';
import { action as enrolAction, loader as enrolLoader } from '../../app/routes/account.mfa';
import { action as usersAction, loader as usersLoader } from '../../app/routes/admin.users';
import { action as loginAction } from '../../app/routes/login';
import { action as secondStepAction, loader as secondStepLoader } from '../../app/routes/login_.mfa';
import { DB_KINDS } from '../support/env';
import { useTestDatabase } from '../support/services';

// The cookie secret (and with it the key that seals TOTP secrets), so nothing is created in .data.
process.env.SESSION_SECRET ??= 'mfa-test-secret-0123456789abcdef0123456789';

const BASE = 'http://localhost';
const PASSWORD = 'mfa-password-1';

/** A code of the authenticator `steps` time steps from now. */
const codeAt = (secret: string, steps = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + steps * 30 });

/** The cookies a response sets, name → value (empty for a cleared one). */
function cookiesOf(res: Response): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const i = pair.indexOf('=');
    out.set(pair.slice(0, i), pair.slice(i + 1));
  }
  return out;
}

/** What a loader or action threw or returned, as a Response. */
async function responseOf(p: Promise<unknown>): Promise<Response> {
  const r = await p.then(
    (v) => v,
    (e: unknown) => e,
  );
  expect(r).toBeInstanceOf(Response);
  return r as Response;
}

describe.each(DB_KINDS)('two-factor sign-in on %s', (kind) => {
  const t = useTestDatabase(kind);
  let context: AppLoadContext;
  beforeAll(() => {
    context = { runtime: { db: t.db } } as unknown as AppLoadContext;
  });
  afterEach(async () => {
    await setMfaPolicy(t.em(), t.as('admin'), { requiredFor: 'privileged' }, null);
    delete process.env.DEMO;
  });

  const users = new Map<string, number>();
  async function staff(username: string, role: 'operator' | 'admin' | 'reviewer') {
    if (!users.has(username)) {
      const { id } = await createUser(t.em(), t.as('admin'), {
        username,
        password: PASSWORD,
        displayName: `测试 ${username}`,
        role,
        gridIds: [],
      });
      users.set(username, id);
    }
    return users.get(username)!;
  }

  // As the page posts: with the session's CSRF token when there is a session.
  const post = async (path: string, fields: Record<string, string>, cookie = '') => {
    const token = cookie ? await csrfTokenOf(new Request(BASE, { headers: { Cookie: cookie } })) : null;
    return new Request(`${BASE}${path}`, {
      method: 'POST',
      body: new URLSearchParams(token ? { ...fields, [CSRF_FIELD]: token } : fields),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie },
    });
  };
  const get = (path: string, cookie = '') => new Request(`${BASE}${path}`, { headers: { Cookie: cookie } });
  const args = (request: Request) => ({ request, context, params: {} }) as ActionFunctionArgs & LoaderFunctionArgs;

  /** The password step; returns the response and the cookie header to send next. */
  async function signIn(username: string, password = PASSWORD, redirectTo = '/') {
    const res = await responseOf(loginAction(args(await post('/login', { username, password, redirectTo }))));
    const jar = cookiesOf(res);
    return { res, jar, cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') };
  }
  const answer = async (cookie: string, code: string) =>
    responseOf(secondStepAction(args(await post('/login/mfa', { code }, cookie))));

  /** Enrols a signed-in user through the page; returns the secret, the recovery codes and the confirm response. */
  async function enrol(cookie: string) {
    const page = await enrolLoader(args(get('/account/mfa', cookie)));
    expect(page.status.enabled).toBe(false);
    const secret = page.setup!.secret;
    expect(page.setup!.uri).toContain(`otpauth://totp/${encodeURIComponent('12345 热线')}:`);
    expect(page.setup!.qrSvg).toMatch(/^<svg/);
    const res = await responseOf(
      enrolAction(args(await post('/account/mfa', { intent: 'confirm', code: await codeAt(secret) }, cookie))),
    );
    expect(res.status).toBe(200);
    const body = (await res.clone().json()) as { recoveryCodes: string[] };
    return { secret, recoveryCodes: body.recoveryCodes, res };
  }

  /** The demo admin, signed in once with both factors (a second code in the same step would be a replay). */
  let adminCookie: string | null = null;
  async function demoAdmin() {
    if (!adminCookie) {
      const step = await signIn('admin', 'demo12345');
      const done = await answer(step.cookie, await codeAt(DEMO_TOTP_SECRET));
      expect(done.status).toBe(302);
      adminCookie = `__session=${cookiesOf(done).get('__session')}`;
    }
    return adminCookie;
  }

  const events = (kind: string, subjectId: number) =>
    t.sql<{ actor_id: number | null; detail: unknown }>(
      'select actor_id, detail from security_event where kind = ? and subject_id = ? order by id',
      [kind, subjectId],
    );

  it('switches TOTP on only after a correct code, stores the secret sealed, and shows 10 recovery codes', async () => {
    const id = await staff('mfa-enrol', 'operator');
    const { cookie, res } = await signIn('mfa-enrol');
    expect(res.headers.get('Location')).toBe('/'); // optional for an operator: signed in with the password
    const page = await enrolLoader(args(get('/account/mfa', cookie)));
    const secret = page.setup!.secret;
    const again = await enrolLoader(args(get('/account/mfa', cookie)));
    expect(again.setup!.secret).toBe(secret); // a reload shows the same QR code

    const wrong = await responseOf(
      enrolAction(args(await post('/account/mfa', { intent: 'confirm', code: await codeAt(secret, 10) }, cookie))),
    );
    expect(wrong.status).toBe(400);
    expect((await t.sql('select confirmed_at from user_totp where user_id = ?', [id]))[0].confirmed_at).toBeNull();

    const ok = await responseOf(
      enrolAction(args(await post('/account/mfa', { intent: 'confirm', code: await codeAt(secret) }, cookie))),
    );
    const { recoveryCodes } = (await ok.json()) as { recoveryCodes: string[] };
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const c of recoveryCodes) expect(c).toMatch(/^[a-z2-7]{5}-[a-z2-7]{5}$/);
    const [row] = await t.sql<{ secret: string; confirmed_at: Date | null }>(
      'select secret, confirmed_at from user_totp where user_id = ?',
      [id],
    );
    expect(row.confirmed_at).not.toBeNull();
    expect(row.secret).toMatch(/^v1\./);
    expect(row.secret).not.toContain(secret);
    const hashes = await t.sql<{ code_hash: string }>('select code_hash from mfa_recovery_code where user_id = ?', [
      id,
    ]);
    expect(hashes).toHaveLength(10);
    for (const c of recoveryCodes) expect(hashes.map((h) => h.code_hash)).not.toContain(c);
    expect(await events('mfaEnrolled', id)).toHaveLength(1);
    expect((await enrolLoader(args(get('/account/mfa', cookie)))).status.enabled).toBe(true);
  });

  it('gives no session until the second step, refuses a replayed code, and takes a recovery code once', async () => {
    const id = await staff('mfa-signin', 'operator');
    const { cookie: first } = await signIn('mfa-signin');
    const { secret, recoveryCodes } = await enrol(first);

    const step = await signIn('mfa-signin', PASSWORD, '/appeals?x=1');
    expect(step.res.headers.get('Location')).toBe('/login/mfa');
    expect(step.jar.has('__session')).toBe(false);
    expect(step.res.headers.getSetCookie().join()).toMatch(/Path=\/login\/mfa/);
    // The pending sign-in is not a session anywhere.
    expect(await sessionUser(t.em(), get('/', step.cookie))).toBeNull();
    const refused = await responseOf(requireUserWith(get('/appeals', step.cookie), context, 'calls:list'));
    expect(refused.headers.get('Location')).toMatch(/^\/login\?/);
    expect(await secondStepLoader(args(get('/login/mfa', step.cookie)))).toEqual({ displayName: '测试 mfa-signin' });

    const code = await codeAt(secret, 1); // the enrolment used this step's code
    const done = await answer(step.cookie, code);
    expect(done.status).toBe(302);
    expect(done.headers.get('Location')).toBe('/appeals?x=1');
    const session = `__session=${cookiesOf(done).get('__session')}`;
    expect(await sessionUser(t.em(), get('/', session))).toMatchObject({ id, username: 'mfa-signin' });
    // The pending sign-in is used up.
    expect(await responseOf(secondStepLoader(args(get('/login/mfa', step.cookie))))).toHaveProperty('status', 302);

    // The same code again, on a new sign-in: refused.
    const replay = await signIn('mfa-signin');
    const refusedReplay = await answer(replay.cookie, code);
    expect(refusedReplay.status).toBe(400);
    expect(await refusedReplay.json()).toEqual({ ended: false, attemptsLeft: 4 });
    expect(cookiesOf(refusedReplay).has('__session')).toBe(false);

    // A recovery code works instead, once.
    const recovered = await answer(replay.cookie, recoveryCodes[3].toUpperCase());
    expect(recovered.status).toBe(302);
    expect(cookiesOf(recovered).get('__session')).toMatch(/./);
    const reuse = await signIn('mfa-signin');
    expect((await answer(reuse.cookie, recoveryCodes[3])).status).toBe(400);
    const used = await events('recoveryCodeUsed', id);
    expect(used).toHaveLength(1);
    expect(used[0].detail).toMatchObject({ left: 9 });
    expect(await events('mfaFailed', id)).toHaveLength(2);
  });

  it('ends the pending sign-in after 5 wrong codes, even if the 6th is right', async () => {
    const id = await staff('mfa-guess', 'reviewer');
    const { secret } = await enrol((await signIn('mfa-guess')).cookie);
    const step = await signIn('mfa-guess');
    const wrongCode = (await codeAt(secret, 1)) === '123456' ? '654321' : '123456';
    for (let left = 4; left >= 1; left--)
      expect(await (await answer(step.cookie, wrongCode)).json()).toEqual({ ended: false, attemptsLeft: left });
    const fifth = await answer(step.cookie, wrongCode);
    expect(fifth.status).toBe(401);
    expect(await fifth.json()).toEqual({ ended: true, attemptsLeft: 0 });
    const late = await answer(step.cookie, await codeAt(secret, 1));
    expect(late.status).toBe(401);
    expect(cookiesOf(late).get('__session')).toBeUndefined();
    expect(await responseOf(secondStepLoader(args(get('/login/mfa', step.cookie))))).toHaveProperty('status', 302);
    const failed = await events('mfaFailed', id);
    expect(failed).toHaveLength(5);
    expect(failed[4].detail).toMatchObject({ attempt: 5, ended: true });
    expect(await t.sql('select 1 from mfa_challenge where user_id = ?', [id])).toHaveLength(0);
  });

  it('holds an admin without TOTP at enrolment: every other page redirects there until it is done', async () => {
    const id = await staff('mfa-admin', 'admin');
    const { res, cookie } = await signIn('mfa-admin', PASSWORD, '/admin/users');
    expect(res.headers.get('Location')).toBe('/account/mfa?redirectTo=%2Fadmin%2Fusers');
    const held = await responseOf(usersLoader(args(get('/admin/users', cookie))));
    expect(held.status).toBe(302);
    expect(held.headers.get('Location')).toBe('/account/mfa?redirectTo=%2Fadmin%2Fusers');
    const heldAction = await responseOf(
      usersAction(args(await post('/admin/users', { intent: 'mfaPolicy', requiredFor: 'allStaff' }, cookie))),
    );
    expect(heldAction.headers.get('Location')).toMatch(/^\/account\/mfa\?/);
    expect(await sessionUser(t.em(), get('/', cookie))).toBeNull(); // the layout shows no one signed in
    // Only a current code switches it on; the enrolment session cannot turn two factors off.
    const page = await enrolLoader(args(get('/account/mfa?redirectTo=%2Fadmin%2Fusers', cookie)));
    expect(page).toMatchObject({ pendingEnrolment: true, redirectTo: '/admin/users', status: { required: true } });
    const { res: confirmed } = await enrol(cookie);
    const fresh = cookiesOf(confirmed).get('__session');
    expect(fresh).toMatch(/./);
    // A new session replaces the enrolment one.
    expect(await responseOf(usersLoader(args(get('/admin/users', cookie))))).toHaveProperty('status', 302);
    const data = await usersLoader(args(get('/admin/users', `__session=${fresh}`)));
    expect(data.users.find((u) => u.id === id)?.mfaEnabled).toBe(true);
  });

  it('makes two factors required for every role when the admin says so, and records the change', async () => {
    const id = await staff('mfa-policy', 'operator');
    expect((await signIn('mfa-policy')).res.headers.get('Location')).toBe('/');
    const adminSession = await demoAdmin();
    const saved = await responseOf(
      usersAction(args(await post('/admin/users', { intent: 'mfaPolicy', requiredFor: 'allStaff' }, adminSession))),
    );
    expect(saved.status).toBe(302);
    expect((await usersLoader(args(get('/admin/users', adminSession)))).mfaRequiredFor).toBe('allStaff');
    const [change] = await t.sql<{ actor_id: number; detail: unknown }>(
      `select actor_id, detail from security_event where kind = 'settingChanged' order by id desc limit 1`,
    );
    expect(change.actor_id).toBe(t.ids.users.get('admin')!.id);
    expect(change.detail).toMatchObject({ setting: 'mfa.requiredFor', from: 'privileged', to: 'allStaff' });
    expect((await signIn('mfa-policy')).res.headers.get('Location')).toBe('/account/mfa?redirectTo=%2F');
    await expect(setMfaPolicy(t.em(), t.as('supervisor'), { requiredFor: 'privileged' }, null)).rejects.toBeInstanceOf(
      Forbidden,
    );
    expect(
      await t.sql('select 1 from user_session where user_id = ? and not mfa_pending_enrolment', [id]),
    ).toHaveLength(1);
  });

  it('lets an admin reset a user’s TOTP: authenticator, codes and sessions go, and the event is recorded', async () => {
    const id = await staff('mfa-reset', 'operator');
    const { cookie } = await signIn('mfa-reset');
    await enrol(cookie);
    expect((await signIn('mfa-reset')).res.headers.get('Location')).toBe('/login/mfa');
    const adminSession = await demoAdmin();
    const reset = await responseOf(
      usersAction(args(await post('/admin/users', { intent: 'resetMfa', id: String(id) }, adminSession))),
    );
    expect(reset.headers.get('Location')).toBe(`/admin/users?edit=${id}`);
    expect(await t.sql('select 1 from user_totp where user_id = ?', [id])).toHaveLength(0);
    expect(await t.sql('select 1 from mfa_recovery_code where user_id = ?', [id])).toHaveLength(0);
    expect(await t.sql('select 1 from user_session where user_id = ?', [id])).toHaveLength(0);
    expect(await sessionUser(t.em(), get('/', cookie))).toBeNull();
    const [event] = await events('mfaReset', id);
    expect(event.actor_id).toBe(t.ids.users.get('admin')!.id);
    expect(event.detail).toMatchObject({ by: 'admin', hadAuthenticator: true });
    expect((await signIn('mfa-reset')).res.headers.get('Location')).toBe('/');
  });

  it('honours the published demo secret only in demo mode', async () => {
    const supervisor = t.ids.users.get('supervisor')!.id;
    expect((await signIn('supervisor', 'demo12345')).res.headers.get('Location')).toBe('/login/mfa');
    process.env.DEMO = '0';
    const outside = await signIn('supervisor', 'demo12345');
    expect(outside.res.headers.get('Location')).toBe('/account/mfa?redirectTo=%2F');
    // Enrolment replaces the demo enrolment with a secret of its own.
    const { secret } = await enrol(outside.cookie);
    expect(secret).not.toBe(DEMO_TOTP_SECRET);
    const [row] = await t.sql<{ demo: boolean }>('select demo from user_totp where user_id = ?', [supervisor]);
    expect(row.demo).toBe(false);
  });
});
