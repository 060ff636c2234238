import { describe, expect, it } from 'vitest';
import { createDraft } from '../../app/appeals/intake.server';
import { applyEvent } from '../../app/appeals/service.server';
import { CITIZEN_SESSION_RULES, citizenPhone, endCitizenSession } from '../../app/auth/citizen-session.server';
import { searchHelp } from '../../app/citizen/help.server';
import { myAppeal, myAppeals, signInByCode } from '../../app/citizen/my-appeals.server';
import { trackAppeal } from '../../app/citizen/tracking.server';
import { CODE_RULES, requestCode } from '../../app/citizen/verification.server';
import { NotFound } from '../../app/domain/errors';
import { fileWebAppeal, lastCode, phoneSeries } from '../support/citizen';
import { DB_KINDS } from '../support/env';
import { useTestServices } from '../support/services';

// "My appeals": the sign-in by phone and SMS code, the citizen's session (idle and absolute ends, sign-out on every
// instance), the list of every appeal recorded with the phone and nothing of another's, and the site's help search.

const freshPhone = phoneSeries('1370000');
const T0 = new Date('2026-12-08T02:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const MIN = 60_000;

describe.each(DB_KINDS)('my appeals on %s', (kind) => {
  const t = useTestServices(kind, { dataDir: true });
  const count = async (table: string, where = 'true', params: unknown[] = []) =>
    (await t.sql<{ n: number }>(`select count(*)::int as n from ${table} where ${where}`, params))[0].n;
  const wrongOf = (code: string) => (code === '000000' ? '111111' : '000000');
  /** The Cookie header a browser sends back after the sign-in's Set-Cookie. */
  const requestWith = (setCookie: string) =>
    new Request('http://localhost/c/mine', { headers: { Cookie: setCookie.split(';')[0] } });
  const signIn = async (phone: string, now: Date) => {
    await requestCode(t.em(), { phone, purpose: 'track' }, null, now);
    return signInByCode(t.em(), { phone, code: await lastCode(t, phone) }, null, now);
  };

  it('signs in with a code for my appeals; wrong tries are counted, the fifth spends it, an expired one is refused', async () => {
    const phone = freshPhone();
    await requestCode(t.em(), { phone, purpose: 'track' }, null, T0);
    const code = await lastCode(t, phone);
    const sessions = await count('citizen_session');
    await expect(signInByCode(t.em(), { phone, code: wrongOf(code) }, null, at(1000))).rejects.toMatchObject({
      fieldErrors: { code: [`验证码不正确，还可尝试 ${CODE_RULES.maxTries - 1} 次`] },
    });
    const [row] = await t.sql<{ tries: number }>('select tries from citizen_code where phone = ?', [phone]);
    expect(row.tries).toBe(1);
    for (let i = 2; i < CODE_RULES.maxTries; i++)
      await expect(signInByCode(t.em(), { phone, code: wrongOf(code) }, null, at(1000))).rejects.toThrow('还可尝试');
    await expect(signInByCode(t.em(), { phone, code: wrongOf(code) }, null, at(1000))).rejects.toThrow('过多');
    // Spent by the fifth wrong try: the right code no longer opens anything.
    await expect(signInByCode(t.em(), { phone, code }, null, at(2000))).rejects.toThrow('请先获取');
    expect(await count('citizen_session')).toBe(sessions);

    const late = freshPhone();
    await requestCode(t.em(), { phone: late, purpose: 'track' }, null, T0);
    await expect(
      signInByCode(t.em(), { phone: late, code: await lastCode(t, late) }, null, at(CODE_RULES.ttlMs)),
    ).rejects.toThrow('已过期');
    // A code sent for filing an appeal does not sign in.
    const other = freshPhone();
    await requestCode(t.em(), { phone: other, purpose: 'submit' }, null, T0);
    await expect(
      signInByCode(t.em(), { phone: other, code: await lastCode(t, other) }, null, at(1000)),
    ).rejects.toThrow('请先获取');
    await expect(signInByCode(t.em(), { phone: '12', code: 'abc' }, null, T0)).rejects.toMatchObject({
      fieldErrors: { phone: [expect.any(String)], code: [expect.any(String)] },
    });
    expect(await count('citizen_session')).toBe(sessions);

    // The right code once: a session, its id kept only as a hash, the code spent.
    const ok = await signIn(late, at(2 * MIN));
    expect(ok).toMatch(/^__citizen=/);
    expect(ok).toMatch(/HttpOnly/);
    expect(ok).toMatch(/SameSite=Lax/);
    const stored = await t.sql<{ id_hash: string }>('select id_hash from citizen_session where phone = ?', [late]);
    expect(stored).toHaveLength(1);
    expect(stored[0].id_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(ok).not.toContain(stored[0].id_hash);
    expect(await citizenPhone(t.em(), requestWith(ok), null, at(3 * MIN))).toBe(late);
    // Over HTTPS the cookie is Secure and __Host- named, as the staff cookie is; the plain name is then not read.
    const secure = freshPhone();
    await requestCode(t.em(), { phone: secure, purpose: 'track' }, null, T0);
    const https = await signInByCode(t.em(), { phone: secure, code: await lastCode(t, secure) }, { secure: true }, T0);
    expect(https).toMatch(/^__Host-citizen=.*; Secure/);
    const plainNamed = `__citizen=${https.split(';')[0].slice('__Host-citizen='.length)}`;
    expect(await citizenPhone(t.em(), requestWith(https), { secure: true }, at(MIN))).toBe(secure);
    expect(await citizenPhone(t.em(), requestWith(plainNamed), { secure: true }, at(MIN))).toBe(null);
    await expect(
      signInByCode(t.em(), { phone: late, code: await lastCode(t, late) }, null, at(3 * MIN)),
    ).rejects.toThrow();
  });

  it('ends a session idle for thirty minutes, any session after two hours, and at sign-out on every instance', async () => {
    const phone = freshPhone();
    const idle = await signIn(phone, T0);
    expect(await citizenPhone(t.em(), requestWith(idle), null, at(CITIZEN_SESSION_RULES.idleMs - 1000))).toBe(phone);
    // Used just now, so thirty minutes on from the sign-in it still holds.
    expect(await citizenPhone(t.em(), requestWith(idle), null, at(CITIZEN_SESSION_RULES.idleMs + MIN))).toBe(phone);
    expect(await citizenPhone(t.em(), requestWith(idle), null, at(2 * CITIZEN_SESSION_RULES.idleMs + MIN))).toBe(null);
    expect(await count('citizen_session', 'phone = ?', [phone])).toBe(0);

    const busy = freshPhone();
    const cookie = await signIn(busy, T0);
    for (let m = 20; m < 120; m += 20)
      expect(await citizenPhone(t.em(), requestWith(cookie), null, at(m * MIN)), `${m} min`).toBe(busy);
    expect(await citizenPhone(t.em(), requestWith(cookie), null, at(CITIZEN_SESSION_RULES.absoluteMs))).toBe(null);

    const leaving = freshPhone();
    const mine = await signIn(leaving, T0);
    const cleared = await endCitizenSession(t.em(), requestWith(mine), null);
    expect(cleared).toMatch(/Max-Age=0/);
    expect(await count('citizen_session', 'phone = ?', [leaving])).toBe(0);
    // The old cookie, replayed: nothing.
    expect(await citizenPhone(t.em(), requestWith(mine), null, at(MIN))).toBe(null);
    // A forged or unsigned value is no session either.
    const forged = new Request('http://localhost/c/mine', { headers: { Cookie: `__citizen=${'a'.repeat(64)}` } });
    expect(await citizenPhone(t.em(), forged, null, T0)).toBe(null);
  });

  it("lists the phone's appeals from every channel, newest first, and opens none of another phone's", async () => {
    const phone = freshPhone();
    const other = freshPhone();
    const operator = t.as('operator');
    const category = t.ids.categories.get('0201')!;
    const byPhone = async (callerPhone: string, now: Date, extra: Record<string, unknown> = {}, submit = true) => {
      const services = { ...t.services, now: () => now };
      const draft = await createDraft(services, operator, {
        type: 'complaint',
        categoryId: category,
        callerPhone,
        citizenName: '王先生',
        title: '噪音扰民',
        content: '楼下饭店夜间排风扇噪音很大。',
        ...extra,
      });
      if (submit) await applyEvent(services, { appealId: draft.id, type: 'SUBMIT', actor: operator });
      return draft;
    };
    const call = await byPhone(phone, at(MIN));
    const secret = await byPhone(phone, at(2 * MIN), { confidential: true });
    await byPhone(phone, at(3 * MIN), {}, false); // an operator's draft: not an appeal yet
    const theirs = await byPhone(other, at(4 * MIN));
    const web = await fileWebAppeal(t, phone, { codeAt: at(5 * MIN), now: at(6 * MIN), over: { type: 'help' } });

    const list = await myAppeals(t.em(), phone);
    expect(list.map((a) => a.number)).toEqual([web.number, secret.number, call.number]);
    expect(list.every((a) => a.status === 'received' && a.category && a.at)).toBe(true);
    expect(JSON.stringify(list)).not.toContain(theirs.number);
    expect((await myAppeals(t.em(), other)).map((a) => a.number)).toEqual([theirs.number]);

    // The detail is the tracking page's view: the same steps for a web appeal.
    expect(await myAppeal(t.em(), phone, web.number)).toEqual({ ...(await trackAppeal(t.em(), web.token)) });
    const shown = await myAppeal(t.em(), phone, call.number);
    expect(shown.steps.map((s) => s.kind)).toEqual(['received']);
    expect(shown.mayRate).toBe(false);
    const staff = await t.sql<{ display_name: string }>('select display_name from app_user');
    for (const u of staff) expect(JSON.stringify(shown)).not.toContain(u.display_name);

    // Another phone's appeal and a number that does not exist: the same words.
    const refusals = await Promise.all(
      [theirs.number, '20991231000001', "1' or '1'='1"].map((n) =>
        myAppeal(t.em(), phone, n).then(
          () => null,
          (e: unknown) => e,
        ),
      ),
    );
    for (const r of refusals) {
      expect(r).toBeInstanceOf(NotFound);
      expect((r as Error).message).toBe('未找到该诉求');
    }
  });

  it('finds active, valid articles and published policies for the site, and nothing else of them', async () => {
    const [article] = await t.sql<{ title: string }>(
      `select title from knowledge_article where active and title like '%公积金%' limit 1`,
    );
    expect(article).toBeDefined();
    const now = new Date();
    await t.sql(
      `insert into knowledge_article (title, body, active, valid_to, created_at, updated_at)
       values ('公积金旧规（已失效）', '已失效的公积金提取规则。', true, '2020-01-01', ?, ?),
              ('公积金内部口径（停用）', '停用的公积金提取口径。', false, null, ?, ?)`,
      [now, now, now, now],
    );
    const found = await searchHelp(t.em(), { q: '公积金' });
    expect(found.articles.map((a) => a.title)).toContain(article.title);
    expect(found.articles.map((a) => a.title).join()).not.toMatch(/已失效|停用/);
    expect(Object.keys(found.articles[0]).sort()).toEqual(['body', 'department', 'id', 'title']);

    const [policy] = await t.sql<{ title: string }>(
      `select content->>'title' as title from policy_version where current and content->>'title' like '%高龄%' limit 1`,
    );
    expect(policy).toBeDefined();
    const policies = await searchHelp(t.em(), { q: '高龄' });
    expect(policies.policies.map((p) => p.title)).toContain(policy.title);
    // No liaison or chief representative (staff names) leaves with a policy.
    const [people] = await t.sql<{ names: string | null }>(
      `select string_agg(coalesce(l->>'name', ''), ',') as names
         from policy_version v, jsonb_array_elements(v.content->'liaisons') l where v.current`,
    );
    for (const name of (people.names ?? '').split(',').filter(Boolean))
      expect(JSON.stringify(policies)).not.toContain(name);
    expect(await searchHelp(t.em(), { q: '' })).toEqual({ q: '', articles: [], policies: [] });
    expect((await searchHelp(t.em(), { q: 'x'.repeat(500) })).q).toBe('');
  });
});
