import { describe, expect, it } from 'vitest';
import { appealDetail } from '../../app/appeals/detail.server';
import { applyEvent } from '../../app/appeals/service.server';
import { SUPPLEMENT_RULES, supplementWebAppeal, withdrawWebAppeal } from '../../app/citizen/supplement.server';
import { trackAppeal } from '../../app/citizen/tracking.server';
import { Conflict, InvalidInput, NotFound, TooManyRequests } from '../../app/domain/errors';
import { fileWebAppeal, phoneSeries } from '../support/citizen';
import { DB_KINDS } from '../support/env';
import { useTestServices } from '../support/services';

// The citizen's own steps on the tracking page besides the rating: adding information (补充材料) while the appeal
// is open, seen by the dispatcher and the handling unit, and withdrawing it (撤回) before its first dispatch.

const freshPhone = phoneSeries('1370000');
const T0 = new Date('2026-12-07T02:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

describe.each(DB_KINDS)("the citizen's supplement and withdrawal on %s", (kind) => {
  const t = useTestServices(kind, { dataDir: true });
  const servicesAt = (now: Date) => ({ ...t.services, now: () => now });
  /** What the trail and the appeal row hold: a refused step must leave both as they were. */
  const stateOf = async (id: number) => ({
    appeal: await t.sql('select version, phase, tags, due_at, snapshot from appeal where id = ?', [id]),
    events: await t.sql('select seq, type from appeal_event where appeal_id = ? order by seq', [id]),
  });

  /** A web appeal filed by a phone of its own, in triage. */
  async function filed() {
    const phone = freshPhone();
    const r = await fileWebAppeal(t, phone, {
      codeAt: T0,
      now: at(1000),
      over: { name: '李女士', confidential: 'on' },
    });
    const step = (user: string, type: string, payload: Record<string, unknown> = {}) =>
      applyEvent(t.services, { appealId: r.id, type, payload, actor: t.as(user) });
    const version = async () => (await trackAppeal(t.em(), r.token)).version;
    return { ...r, phone, step, version };
  }

  it('withdraws from triage: void, off the dispatch queue, its deadline gone, 已撤回 on the page', async () => {
    const a = await filed();
    const before = await trackAppeal(t.em(), a.token);
    expect(before).toMatchObject({ mayWithdraw: true, maySupplement: true });
    await withdrawWebAppeal(t.services, a.token, { reason: '问题已经解决了', version: String(before.version) });
    const [row] = await t.sql<{ phase: string; tags: string[]; due_at: Date | null }>(
      'select phase, tags, due_at from appeal where id = ?',
      [a.id],
    );
    expect(row.phase).toBe('void');
    expect(row.tags).not.toContain('awaitingDispatch');
    expect(row.tags).not.toContain('counted');
    expect(row.tags).not.toContain('finished');
    // The timers of the handling deadline find nothing to fire on.
    expect(row.due_at).toBeNull();
    const [event] = await t.sql<{ actor_role: string; actor_id: number | null; payload: { reason: string } }>(
      `select actor_role, actor_id, payload from appeal_event where appeal_id = ? and type = 'WITHDRAW'`,
      [a.id],
    );
    expect(event).toMatchObject({ actor_role: 'citizen', actor_id: null, payload: { reason: '问题已经解决了' } });
    const queue = await t.sql(`select id from appeal where id = ? and tags @> '{needsDispatcher}'`, [a.id]);
    expect(queue).toEqual([]);
    const after = await trackAppeal(t.em(), a.token);
    expect(after).toMatchObject({ status: 'withdrawn', mayWithdraw: false, maySupplement: false });
    expect(after.steps.at(-1)).toMatchObject({ kind: 'withdrawn', text: '问题已经解决了' });
    const detail = await appealDetail(t.em(), t.as('dispatcher'), a.id);
    expect(detail.timeline.at(-1)).toMatchObject({ type: 'WITHDRAW', role: 'citizen', text: '问题已经解决了' });
  });

  it('refuses a withdrawal after dispatch and writes nothing', async () => {
    const a = await filed();
    await a.step('dispatcher', 'DISPATCH', { departmentId: t.ids.departments.get('F02')! });
    const page = await trackAppeal(t.em(), a.token);
    expect(page.mayWithdraw).toBe(false);
    const before = await stateOf(a.id);
    const refused = withdrawWebAppeal(t.services, a.token, { reason: '不需要了', version: String(page.version) });
    await expect(refused).rejects.toMatchObject({ code: 'notNow', message: expect.stringContaining('不能撤回') });
    expect(await stateOf(a.id)).toEqual(before);
  });

  it('finds nothing for a wrong token, and writes nothing', async () => {
    const a = await filed();
    const before = await stateOf(a.id);
    const wrong = 'x'.repeat(32);
    await expect(withdrawWebAppeal(t.services, wrong, { reason: '撤回', version: '2' })).rejects.toBeInstanceOf(
      NotFound,
    );
    await expect(
      supplementWebAppeal(t.services, wrong, { text: '补充一些情况说明', version: '2' }),
    ).rejects.toBeInstanceOf(NotFound);
    await expect(
      supplementWebAppeal(t.services, '../1', { text: '补充一些情况说明', version: '2' }),
    ).rejects.toBeInstanceOf(NotFound);
    expect(await stateOf(a.id)).toEqual(before);
  });

  it('records a supplement that the dispatcher and the handling unit see, with no more of the citizen', async () => {
    const a = await filed();
    await a.step('dispatcher', 'DISPATCH', { departmentId: t.ids.departments.get('F02')! });
    await a.step('handler', 'ACCEPT');
    const text = '路灯在 3 号楼东侧，<b>晚上七点</b>以后一直不亮。';
    await supplementWebAppeal(t.services, a.token, { text, version: String(await a.version()) });
    const [row] = await t.sql<{ phase: string }>('select phase from appeal where id = ?', [a.id]);
    expect(row.phase).toBe('handling.working');
    const [event] = await t.sql<{ actor_role: string; from_phase: string; to_phase: string }>(
      `select actor_role, from_phase, to_phase from appeal_event where appeal_id = ? and type = 'SUPPLEMENT'`,
      [a.id],
    );
    expect(event).toEqual({ actor_role: 'citizen', from_phase: 'handling.working', to_phase: 'handling.working' });
    for (const user of ['dispatcher', 'handler']) {
      const detail = await appealDetail(t.em(), t.as(user), a.id);
      expect(detail.timeline.at(-1), user).toMatchObject({ type: 'SUPPLEMENT', actor: '市民', role: 'citizen', text });
    }
    // Confidential: the unit sees what was added, not who added it.
    const unitView = JSON.stringify(await appealDetail(t.em(), t.as('handler'), a.id));
    expect(unitView).not.toContain(a.phone);
    expect(unitView).not.toContain('李女士');
    const page = await trackAppeal(t.em(), a.token);
    expect(page.steps.at(-1)).toMatchObject({ kind: 'supplemented', text });
    expect(page.maySupplement).toBe(true);
  });

  it('refuses a supplement on a closed appeal and writes nothing', async () => {
    const a = await filed();
    await a.step('operator', 'RESOLVE_ON_SPOT', { answer: '路灯维修电话 12319，已登记报修。' });
    await a.step('reviewer', 'APPROVE_REPLY');
    await a.step('reviewer', 'FEEDBACK', { satisfaction: 'satisfied', resolved: true });
    const page = await trackAppeal(t.em(), a.token);
    expect(page).toMatchObject({ status: 'closed', maySupplement: false });
    const before = await stateOf(a.id);
    await expect(
      supplementWebAppeal(t.services, a.token, { text: '还有一处路灯也坏了', version: String(page.version) }),
    ).rejects.toMatchObject({ code: 'notNow', message: expect.stringContaining('已办结') });
    expect(await stateOf(a.id)).toEqual(before);
  });

  it('refuses bad input with field errors and writes nothing', async () => {
    const a = await filed();
    const before = await stateOf(a.id);
    const version = String(await a.version());
    await expect(supplementWebAppeal(t.services, a.token, { text: ' 四个字 ', version })).rejects.toMatchObject({
      fieldErrors: { text: [expect.stringContaining('5 个字')] },
    });
    await expect(supplementWebAppeal(t.services, a.token, { text: '字'.repeat(1001), version })).rejects.toBeInstanceOf(
      InvalidInput,
    );
    await expect(supplementWebAppeal(t.services, a.token, { text: '补充一些情况说明' })).rejects.toMatchObject({
      fieldErrors: { version: [expect.any(String)] },
    });
    await expect(
      supplementWebAppeal(t.services, a.token, { text: '补充一些情况说明', version, phase: 'closed' }),
    ).rejects.toBeInstanceOf(InvalidInput);
    await expect(withdrawWebAppeal(t.services, a.token, { reason: '   ', version })).rejects.toMatchObject({
      fieldErrors: { reason: [expect.any(String)] },
    });
    await expect(withdrawWebAppeal(t.services, a.token, { reason: '字'.repeat(201), version })).rejects.toMatchObject({
      fieldErrors: { reason: [expect.stringContaining('200')] },
    });
    expect(await stateOf(a.id)).toEqual(before);
  });

  it('makes a step sent with the version read before a staff step stale, and keeps nothing of it', async () => {
    const a = await filed();
    const read = await a.version();
    await a.step('dispatcher', 'DISPATCH', { departmentId: t.ids.departments.get('F02')! });
    const before = await stateOf(a.id);
    await expect(
      supplementWebAppeal(t.services, a.token, { text: '补充一些情况说明', version: String(read) }),
    ).rejects.toMatchObject({ code: 'stale', message: expect.stringContaining('请刷新本页') });
    // Sent with the version of the page before the dispatch, the withdrawal is stale too, not a refusal by state.
    await expect(
      withdrawWebAppeal(t.services, a.token, { reason: '不需要了', version: String(read) }),
    ).rejects.toMatchObject({
      code: 'stale',
    });
    expect(await stateOf(a.id)).toEqual(before);
    // Two supplements sent from one page at once: one is recorded, the other is stale.
    const current = String(await a.version());
    const both = await Promise.allSettled(
      ['第一条补充情况说明', '第二条补充情况说明'].map((text) =>
        supplementWebAppeal(t.services, a.token, { text, version: current }),
      ),
    );
    expect(both.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const failed = both.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(failed.reason).toBeInstanceOf(Conflict);
  });

  it('takes at most 10 supplements per appeal and 5 an hour per phone', async () => {
    const a = await filed();
    for (let i = 0; i < SUPPLEMENT_RULES.phonePerHour; i++)
      await supplementWebAppeal(servicesAt(at(60_000 + i)), a.token, {
        text: `第 ${i + 1} 次补充情况`,
        version: String(await a.version()),
      });
    const before = await stateOf(a.id);
    await expect(
      supplementWebAppeal(servicesAt(at(120_000)), a.token, {
        text: '一小时内再补充',
        version: String(await a.version()),
      }),
    ).rejects.toThrow(/一小时后/);
    expect(await stateOf(a.id)).toEqual(before);
    for (let i = SUPPLEMENT_RULES.phonePerHour; i < SUPPLEMENT_RULES.perAppeal; i++)
      await supplementWebAppeal(servicesAt(at(2 * 3_600_000 + i)), a.token, {
        text: `第 ${i + 1} 次补充情况`,
        version: String(await a.version()),
      });
    const full = supplementWebAppeal(servicesAt(at(5 * 3_600_000)), a.token, {
      text: '第十一次补充情况',
      version: String(await a.version()),
    });
    await expect(full).rejects.toBeInstanceOf(TooManyRequests);
    await expect(full).rejects.toThrow(/最多补充 10 次/);
    const page = await trackAppeal(t.em(), a.token);
    expect(page.steps.filter((s) => s.kind === 'supplemented')).toHaveLength(SUPPLEMENT_RULES.perAppeal);
  });
});
