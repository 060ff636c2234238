import type { ActionFunctionArgs, AppLoadContext, LoaderFunctionArgs } from '@remix-run/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDraft } from '../../app/appeals/intake.server';
import { applyEvent } from '../../app/appeals/service.server';
import { csrfTokenOf } from '../../app/auth/csrf.server';
import { startSession } from '../../app/auth/session.server';
import { signInByCode } from '../../app/citizen/my-appeals.server';
import { requestCode } from '../../app/citizen/verification.server';
import * as help from '../../app/routes/c.help';
import * as mineDetail from '../../app/routes/c.mine.$number';
import * as mine from '../../app/routes/c.mine._index';
import * as submit from '../../app/routes/c.submit';
import * as track from '../../app/routes/c.track.$token';
import { fileWebAppeal, lastCode } from '../support/citizen';
import { DB_KINDS } from '../support/env';
import { useTestServices } from '../support/services';

// Who may do what on the citizens' site, route by route: every /c loader and action for someone with no session,
// a wrong or guessed link, another citizen's session and a staff session (never taken for a citizen's). Each answer
// is checked for its status and for what must not leak: staff names and another phone.

const PHONE_A = '13900001111';
const PHONE_B = '13900002222';

interface Answer {
  status: number;
  location: string | null;
  body: string;
}

/** A loader's or action's outcome as the browser would get it: returned or thrown, data or Response. */
async function answer(run: () => Promise<unknown>): Promise<Answer> {
  const out = await run().catch((e: unknown) => e);
  if (out instanceof Response)
    return { status: out.status, location: out.headers.get('Location'), body: await out.text() };
  if (out instanceof Error) throw out;
  return { status: 200, location: null, body: JSON.stringify(out) };
}

describe.each(DB_KINDS)('the /c routes for each kind of visitor on %s', (kind) => {
  const t = useTestServices(kind, { dataDir: true });
  let context: AppLoadContext;
  let token: string;
  let webNumber: string;
  let callNumber: string;
  let cookies: Record<'none' | 'citizenA' | 'citizenB' | 'staff' | 'forged', string | null>;
  let staffNames: string[];

  const signIn = async (phone: string) => {
    await requestCode(t.em(), { phone, purpose: 'track' }, null);
    return (await signInByCode(t.em(), { phone, code: await lastCode(t, phone) }, null)).split(';')[0];
  };
  const get = (path: string, cookie: string | null) =>
    new Request(`http://localhost${path}`, { headers: cookie ? { Cookie: cookie } : {} });
  /** A route's loader as the browser reaches it with the cookie. */
  const load = (
    route: { loader: (args: LoaderFunctionArgs) => Promise<unknown> },
    path: string,
    cookie: string | null,
    params: Record<string, string> = {},
  ) => answer(() => route.loader({ request: get(path, cookie), params, context }));
  /**
   * A route's action on a form post as the page sends it: with the CSRF token of the cookie's session unless told
   * otherwise, and as multipart where the page's form is (it carries files).
   */
  const act = async (
    route: { action: (args: ActionFunctionArgs) => Promise<unknown> },
    path: string,
    cookie: string | null,
    fields: Record<string, string>,
    options: { params?: Record<string, string>; withToken?: boolean; multipart?: boolean } = {},
  ) => {
    const { params = {}, withToken = true, multipart = false } = options;
    const csrf = cookie && withToken ? await csrfTokenOf(get('/', cookie)) : null;
    const all = { ...fields, ...(csrf ? { _csrf: csrf } : {}) };
    const body = multipart ? new FormData() : new URLSearchParams();
    for (const [name, value] of Object.entries(all)) body.set(name, value);
    const headers = new Headers(cookie ? { Cookie: cookie } : {});
    // A FormData body sets its own Content-Type, with the boundary.
    if (!multipart) headers.set('Content-Type', 'application/x-www-form-urlencoded');
    const request = new Request(`http://localhost${path}`, { method: 'POST', body, headers });
    return answer(() => route.action({ request, params, context }));
  };
  const count = async (table: string) => (await t.sql<{ n: number }>(`select count(*)::int as n from ${table}`))[0].n;
  const leaksNothing = (a: Answer, visitor: string) => {
    for (const name of staffNames) expect(a.body, `${visitor}: ${name}`).not.toContain(name);
    if (visitor !== 'citizenA') expect(a.body, visitor).not.toContain(PHONE_A);
  };

  beforeAll(async () => {
    context = { runtime: { db: t.db, services: t.services } } as unknown as AppLoadContext;
    staffNames = (await t.sql<{ display_name: string }>('select display_name from app_user')).map(
      (u) => u.display_name,
    );
    // Two minutes ago, so the phone may have its sign-in code now (one code a minute).
    const web = await fileWebAppeal(t, PHONE_A, {
      codeAt: new Date(Date.now() - 120_000),
      over: { content: '人行道上的井盖松动，踩上去会响，担心有人掉下去。' },
    });
    token = web.token;
    webNumber = web.number;
    const operator = t.as('operator');
    const draft = await createDraft(t.services, operator, {
      type: 'complaint',
      categoryId: t.ids.categories.get('0201')!,
      callerPhone: PHONE_A,
      citizenName: '赵女士',
      title: '垃圾清运',
      content: '小区垃圾三天没有清运。',
    });
    await applyEvent(t.services, { appealId: draft.id, type: 'SUBMIT', actor: operator });
    callNumber = draft.number;
    await applyEvent(t.services, {
      appealId: web.id,
      type: 'DISPATCH',
      payload: { departmentId: t.ids.departments.get('F02')! },
      actor: t.as('dispatcher'),
    });
    cookies = {
      none: null,
      citizenA: await signIn(PHONE_A),
      citizenB: await signIn(PHONE_B),
      staff: (await startSession(t.em(), t.ids.users.get('operator')!.id)).split(';')[0],
      forged: `__citizen=${'0'.repeat(64)}`,
    };
  });

  const OTHERS = ['none', 'citizenB', 'staff', 'forged'] as const;

  it('/c/track/$token: the link is the only key; a wrong, guessed or malformed one is 404 for everyone', async () => {
    const guessed = (token[0] === 'A' ? 'B' : 'A') + token.slice(1);
    for (const visitor of [...OTHERS, 'citizenA'] as const) {
      const cookie = cookies[visitor];
      for (const bad of [guessed, webNumber, 'x'.repeat(3)]) {
        const a = await load(track, `/c/track/${bad}`, cookie, { token: bad });
        expect(a.status, `${visitor} ${bad}`).toBe(404);
        expect(a.body).toBe('链接无效或已失效');
      }
      const right = await load(track, `/c/track/${token}`, cookie, { token });
      expect(right.status).toBe(200);
      expect(right.body).toContain(webNumber);
      leaksNothing(right, visitor);
      expect(right.body).not.toContain(PHONE_A); // not even to its owner: the page never shows the phone
      // Rating through a guessed link: refused, nothing written.
      const events = await count('appeal_event');
      const rated = await act(
        track,
        `/c/track/${guessed}`,
        cookie,
        { satisfaction: 'satisfied', resolved: 'yes' },
        { params: { token: guessed } },
      );
      expect(rated.status, visitor).toBe(404);
      expect(await count('appeal_event')).toBe(events);
    }
  });

  it("/c/mine: only a citizen session lists appeals, and only its own phone's", async () => {
    for (const visitor of ['none', 'staff', 'forged'] as const) {
      const a = await load(mine, '/c/mine', cookies[visitor]);
      expect(a, visitor).toMatchObject({ status: 200, body: JSON.stringify({ signedIn: false }) });
    }
    const b = await load(mine, '/c/mine', cookies.citizenB);
    expect(JSON.parse(b.body)).toEqual({ signedIn: true, appeals: [] });
    const a = await load(mine, '/c/mine', cookies.citizenA);
    const listed = JSON.parse(a.body) as { appeals: { number: string }[] };
    expect(listed.appeals.map((x) => x.number).sort()).toEqual([webNumber, callNumber].sort());
    leaksNothing(a, 'citizenA');
  });

  it('/c/mine/$number: no session goes to the sign-in, another phone is the same 404 as no such number', async () => {
    for (const visitor of ['none', 'staff', 'forged'] as const)
      for (const n of [callNumber, webNumber]) {
        const a = await load(mineDetail, `/c/mine/${n}`, cookies[visitor], { number: n });
        expect(a, visitor).toMatchObject({ status: 302, location: '/c/mine' });
      }
    for (const n of [callNumber, webNumber, '20991231999999']) {
      const a = await load(mineDetail, `/c/mine/${n}`, cookies.citizenB, { number: n });
      expect(a).toMatchObject({ status: 404, body: '未找到该诉求' });
    }
    const own = await load(mineDetail, `/c/mine/${callNumber}`, cookies.citizenA, { number: callNumber });
    expect(own.status).toBe(200);
    expect(own.body).toContain(callNumber);
    leaksNothing(own, 'citizenA');
    expect(own.body).not.toContain('赵女士');
  });

  it('/c/mine actions: a wrong code opens nothing, a staff cookie signs no citizen out, sign-out needs its token', async () => {
    const sessions = await count('citizen_session');
    for (const visitor of OTHERS) {
      const a = await act(mine, '/c/mine', cookies[visitor], { intent: 'signin', phone: PHONE_A, code: '000000' });
      expect(a.status, visitor).toBe(400);
      expect(JSON.parse(a.body).failure.fieldErrors.code, visitor).toHaveLength(1);
    }
    expect(await count('citizen_session')).toBe(sessions);
    // Without the session's token, a post from a signed-in citizen is refused before anything happens.
    const noToken = await act(mine, '/c/mine', cookies.citizenB, { intent: 'signout' }, { withToken: false });
    expect(noToken.status).toBe(403);
    // A staff session's sign-out of the citizen site ends no citizen session and no staff session.
    const staffOut = await act(mine, '/c/mine', cookies.staff, { intent: 'signout' });
    expect(staffOut.status).toBe(302);
    expect(await count('citizen_session')).toBe(sessions);
    const staffStill = await load(mine, '/c/mine', cookies.staff);
    expect(staffStill.status).toBe(200);
    expect(await t.sql('select 1 from user_session where user_id = ?', [t.ids.users.get('operator')!.id])).not.toEqual(
      [],
    );
    const out = await act(mine, '/c/mine', cookies.citizenB, { intent: 'signout' });
    expect(out).toMatchObject({ status: 302, location: '/c/mine' });
    expect(await count('citizen_session')).toBe(sessions - 1);
  });

  it('/c/submit: anyone may read the form; bad input is refused field by field and writes nothing', async () => {
    const appeals = await count('appeal');
    for (const visitor of [...OTHERS, 'citizenA'] as const) {
      const form = await load(submit, '/c/submit', cookies[visitor]);
      expect(form.status).toBe(200);
      leaksNothing(form, visitor);
      const a = await act(
        submit,
        '/c/submit',
        cookies[visitor],
        { intent: 'submit', phone: PHONE_A, code: '123' },
        { multipart: true },
      );
      expect(a.status, visitor).toBe(400);
      expect(JSON.parse(a.body).failure.fieldErrors).toMatchObject({ code: [expect.any(String)] });
    }
    expect(await count('appeal')).toBe(appeals);
  });

  it('/c/help: public, and nothing of staff in it', async () => {
    for (const visitor of [...OTHERS, 'citizenA'] as const) {
      const a = await load(help, '/c/help?q=公积金', cookies[visitor]);
      expect(a.status).toBe(200);
      expect(JSON.parse(a.body).articles.length).toBeGreaterThan(0);
      leaksNothing(a, visitor);
    }
  });
});
