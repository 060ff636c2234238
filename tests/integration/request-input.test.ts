import type { AppLoadContext } from '@remix-run/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { csrfTokenOf } from '../../app/auth/csrf.server';
import { startSession } from '../../app/auth/session.server';
import { action as intakeAction } from '../../app/routes/intake';
import { action as appealAction } from '../../app/routes/appeals.$id';
import { action as knowledgeAction } from '../../app/routes/admin.knowledge';
import { action as usersAction } from '../../app/routes/admin.users';
import { action as categoriesAction } from '../../app/routes/admin.categories';
import { action as callEventsAction } from '../../app/routes/telephony.calls.events';
import { action as sipEventsAction } from '../../app/routes/telephony.sip-events';
import { DB_KINDS } from '../support/env';
import { useTestServices } from '../support/services';
import { submitAppeal } from '../support/appeals';
import { applyEvent } from '../../app/appeals/service.server';

// The cookie secret, so the session module does not create one in .data.
process.env.SESSION_SECRET ??= 'request-input-test-secret-0123456789abcdef';

const CONTROL = '含有不允许的控制字符';
const NOT_UTF8 = '不是有效的 UTF-8 文本';

type Action = (args: { request: Request; context: AppLoadContext; params: Record<string, string> }) => unknown;

describe.each(DB_KINDS)('text from requests on %s', (kind) => {
  const t = useTestServices(kind);
  let context: AppLoadContext;
  const sessions = new Map<string, { cookie: string; token: string }>();
  beforeAll(async () => {
    context = { runtime: { db: t.db, services: t.services } } as unknown as AppLoadContext;
    for (const name of ['operator', 'dispatcher', 'admin']) {
      const cookie = (await startSession(t.em(), t.ids.users.get(name)!.id)).split(';')[0];
      const token = (await csrfTokenOf(new Request('http://localhost/', { headers: { Cookie: cookie } })))!;
      sessions.set(name, { cookie, token });
    }
  });

  const count = async (table: string) => (await t.sql<{ n: number }>(`select count(*)::int as n from ${table}`))[0].n;

  /** Posts a urlencoded body as `who` would from the page; `raw` bodies go as they are (bytes the browser sent). */
  async function post(
    who: string,
    run: Action,
    url: string,
    body: Record<string, string> | string,
    opts: { token?: string | null; params?: Record<string, string> } = {},
  ): Promise<Response> {
    const session = sessions.get(who)!;
    const token = opts.token === undefined ? session.token : opts.token;
    const form = typeof body === 'string' ? body : new URLSearchParams(body).toString();
    const request = new Request(`http://localhost${url}`, {
      method: 'POST',
      body: token === null ? form : `${form}&_csrf=${encodeURIComponent(token)}`,
      headers: { Cookie: session.cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    return (await Promise.resolve(run({ request, context, params: opts.params ?? {} })).catch((e: unknown) => {
      if (e instanceof Response) return e;
      throw e;
    })) as Response;
  }

  const fieldErrors = async (res: Response) => {
    expect(res.status).toBe(400);
    return ((await res.json()) as { failure: { fieldErrors: Record<string, string[]> } }).failure.fieldErrors;
  };

  const intake = (content: string) => ({
    requestKey: `k-${Math.random().toString(36).slice(2)}`,
    intent: 'submit',
    type: 'help',
    category: '0201',
    title: '垃圾清运',
    content,
    callerPhone: '13922223333',
  });

  it('refuses a NUL, a bell and bytes that are not UTF-8 in intake content, and stores nothing', async () => {
    const before = await count('appeal');
    for (const content of ['小区停水\u0000三天', '小区停水\u0007三天', '小区停水\r三天']) {
      const res = await post('operator', intakeAction, '/intake', intake(content));
      expect(await fieldErrors(res)).toEqual({ content: [CONTROL] });
    }
    const raw = new URLSearchParams(intake('x')).toString().replace('content=x', 'content=%E5%B0%8F%FF%FE');
    expect(await fieldErrors(await post('operator', intakeAction, '/intake', raw))).toEqual({ content: [NOT_UTF8] });
    // Raw bytes that are not UTF-8, not percent-encoded, are noticed the same way.
    const rest = new URLSearchParams(intake('x'));
    rest.delete('content');
    const bytes = Buffer.concat([
      Buffer.from(`${rest}&_csrf=${sessions.get('operator')!.token}&content=`),
      Buffer.from([0xc3, 0x28]),
    ]);
    const request = new Request('http://localhost/intake', {
      method: 'POST',
      body: bytes,
      headers: { Cookie: sessions.get('operator')!.cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(await fieldErrors((await intakeAction({ request, context, params: {} })) as Response)).toEqual({
      content: [NOT_UTF8],
    });
    expect(await count('appeal')).toBe(before);
  });

  it('refuses a NUL in a NOTE and adds no event', async () => {
    // A dispatched, accepted appeal: one a dispatcher may add a note to.
    const submitted = await submitAppeal(t.services, t.ids);
    let version = submitted.version;
    for (const [who, type, payload] of [
      ['dispatcher', 'DISPATCH', { departmentId: t.ids.departments.get('F02') }],
      ['handler', 'ACCEPT', {}],
    ] as const)
      ({ version } = await applyEvent(t.services, {
        appealId: submitted.id,
        expectedVersion: version,
        type,
        payload,
        actor: t.as(who),
      }));
    const appeal = { id: submitted.id, version };
    const events = async () =>
      (await t.sql<{ n: number }>('select count(*)::int as n from appeal_event where appeal_id = ?', [appeal.id]))[0].n;
    const before = await events();
    const res = await post(
      'dispatcher',
      appealAction,
      `/appeals/${appeal.id}`,
      { intent: 'NOTE', version: String(appeal.version), text: '已电话联系\u0000' },
      { params: { id: String(appeal.id) } },
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ failure: { intent: 'NOTE', fieldErrors: { text: [CONTROL] } } });
    expect(await events()).toBe(before);
    // The same note with tab and newline (CRLF, as a textarea sends it) is taken.
    const ok = await post(
      'dispatcher',
      appealAction,
      `/appeals/${appeal.id}`,
      { intent: 'NOTE', version: String(appeal.version), text: '已电话联系\r\n\t明日回访' },
      { params: { id: String(appeal.id) } },
    );
    expect(ok.status, await ok.clone().text()).toBe(302);
    expect(await events()).toBe(before + 1);
  });

  it('refuses control characters in a knowledge body; keeps tab and newline; stores NFC', async () => {
    const before = await count('knowledge_article');
    const bad = await post('admin', knowledgeAction, '/admin/knowledge', {
      intent: 'create',
      title: '停水处置指引',
      body: '先确认范围\u001b[31m',
    });
    expect(await fieldErrors(bad)).toEqual({ body: [CONTROL] });
    expect(await count('knowledge_article')).toBe(before);

    const good = await post('admin', knowledgeAction, '/admin/knowledge', {
      intent: 'create',
      title: 'Cafe\u0301 停水指引',
      body: '第一步\t确认范围\r\n第二步\t通知物业',
    });
    expect(good.status).toBe(302);
    const [row] = await t.sql<{ title: string; body: string }>(
      'select title, body from knowledge_article order by id desc limit 1',
    );
    expect(row).toEqual({ title: 'Caf\u00e9 停水指引', body: '第一步\t确认范围\n第二步\t通知物业' });
  });

  it("refuses a NUL in a user's display name and a category name", async () => {
    const users = await count('app_user');
    const user = await post('admin', usersAction, '/admin/users', {
      intent: 'create',
      username: 'nulluser',
      displayName: '新\u0000用户',
      password: 'longenough',
      role: 'operator',
    });
    expect(await fieldErrors(user)).toEqual({ displayName: [CONTROL] });
    expect(await count('app_user')).toBe(users);

    const categories = await count('category');
    const category = await post('admin', categoriesAction, '/admin/categories', {
      intent: 'create',
      code: '9901',
      name: '测试\u0000分类',
    });
    expect(await fieldErrors(category)).toEqual({ name: [CONTROL] });
    const invalid = await post('admin', categoriesAction, '/admin/categories', 'intent=create&code=9902&name=%C0%AF');
    expect(await fieldErrors(invalid)).toEqual({ name: [NOT_UTF8] });
    expect(await count('category')).toBe(categories);
  });

  describe('CSRF token', () => {
    it('refuses a form without the token or with a wrong one, with a 403 and no change', async () => {
      const before = await count('knowledge_article');
      const body = { intent: 'create', title: '无令牌的条目', body: '这条不应被保存' };
      for (const token of [null, '', 'x'.repeat(43), sessions.get('operator')!.token]) {
        const res = await post('admin', knowledgeAction, '/admin/knowledge', body, { token });
        expect(res.status).toBe(403);
      }
      expect(await count('knowledge_article')).toBe(before);
    });

    it('takes the token from the X-CSRF-Token header for script calls', async () => {
      const { cookie, token } = sessions.get('operator')!;
      const call = (headers: Record<string, string>, body: string) =>
        callEventsAction({
          request: new Request('http://localhost/telephony/calls/events', {
            method: 'POST',
            body,
            headers: { Cookie: cookie, 'Content-Type': 'application/json', ...headers },
          }),
          context,
          params: {},
        }).catch((e: unknown) => e as Response);
      const event = {
        callId: `csrf-${Math.random()}`,
        kind: 'ringing',
        direction: 'inbound',
        from: '13800007001',
        at: new Date().toISOString(),
      };
      expect((await call({}, JSON.stringify(event))).status).toBe(403);
      const ok = await call({ 'X-CSRF-Token': token }, JSON.stringify({ ...event, to: '12345' }));
      expect(ok.status, await ok.clone().text()).toBe(200);
      // A JSON body with a NUL in a string: a 400 naming the path, nothing recorded.
      const calls = await count('call_event');
      const nul = await call({ 'X-CSRF-Token': token }, JSON.stringify({ ...event, callId: 'nul\u0000', to: '12345' }));
      expect(nul.status).toBe(400);
      expect(((await nul.json()) as { fieldErrors: Record<string, string[]> }).fieldErrors).toEqual({
        callId: [CONTROL],
      });
      const broken = await call({ 'X-CSRF-Token': token }, '{"callId": ');
      expect(broken.status).toBe(400);
      expect(await count('call_event')).toBe(calls);
    });

    it('asks no token of a machine call without a session cookie (Kamailio)', async () => {
      const res = (await sipEventsAction({
        request: new Request('http://localhost/telephony/sip-events', {
          method: 'POST',
          body: JSON.stringify({ event: 'offered', callId: 'x\u0000', from: '13900009999', to: '12345' }),
          headers: { Authorization: 'Bearer 00', 'Content-Type': 'application/json' },
        }),
        context,
        params: {},
      })) as Response;
      // Not a 403 for the token: the text is read (and refused) first, the bearer is the endpoint's own check.
      expect(res.status).toBe(400);
      expect(((await res.json()) as { fieldErrors: object }).fieldErrors).toEqual({ callId: [CONTROL] });
    });
  });
});
