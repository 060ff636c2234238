import { beforeAll, describe, expect, it } from 'vitest';
import { createDraft } from '../../app/appeals/intake.server';
import { searchAppeals } from '../../app/appeals/search.server';
import { applyEvent, type AppealServices } from '../../app/appeals/service.server';
import { sendAppealEvent } from '../../app/case-links/refer.server';
import { InvalidInput } from '../../app/domain/errors';
import { DB_KINDS } from '../support/env';
import { useTestServices } from '../support/services';
import { submitAppeal } from '../support/appeals';
import { sessionUser } from '../support/users';

describe.each(DB_KINDS)('appeal search on %s', (kind) => {
  const t = useTestServices(kind);
  const a: Record<string, { id: number; number: string }> = {};
  const paged: number[] = [];

  const user = (username: string) => sessionUser(t, username);
  const dept = (code: string) => t.ids.departments.get(code)!;
  const cat = (code: string) => t.ids.categories.get(code)!;
  const search = async (
    username: string,
    filters: Record<string, unknown>,
    page: { after?: string; limit?: number } = {},
  ) => searchAppeals(t.em(), user(username), filters, page);
  const numbers = async (username: string, filters: Record<string, unknown>) =>
    (await search(username, filters, { limit: 100 })).items.map((i) => i.number);

  /** A submitted appeal recorded at a chosen instant, so dates and numbers are predictable. */
  async function make(at: string, input: Record<string, unknown>) {
    const services: AppealServices = { ...t.services, now: () => new Date(at) };
    const draft = await createDraft(services, t.as('operator'), {
      type: 'complaint',
      content: '市民反映的情况需要相关部门处理。',
      ...input,
    });
    await applyEvent(services, { appealId: draft.id, type: 'SUBMIT', actor: t.as('operator') });
    return { id: draft.id, number: draft.number };
  }
  const send = (id: number, username: string, type: string, payload: Record<string, unknown> = {}) =>
    sendAppealEvent(t.services, { appealId: id, type, payload, actor: t.as(username) });

  beforeAll(async () => {
    a.lamp = await make('2026-03-02T02:00:00Z', {
      categoryId: cat('0201'),
      callerPhone: '13911110001',
      title: '标记甲 路灯不亮',
    });
    // 00:30 on 4 March in Shanghai, still 3 March in UTC: the date filters must use the local day.
    a.noise = await make('2026-03-03T16:30:00Z', {
      categoryId: cat('0202'),
      callerPhone: '13911110002',
      title: '标记乙 夜间施工噪声',
    });
    a.food = await make('2026-03-05T01:00:00Z', {
      categoryId: cat('0501'),
      callerPhone: '13911110003',
      title: '标记丙 过期食品',
      confidential: true,
    });
    a.house = await make('2026-03-06T01:00:00Z', {
      categoryId: cat('0101'),
      callerPhone: '13911110004',
      title: '标记丁 物业不作为',
      gridId: t.ids.grids.get('G01'),
    });
    a.debt = await make('2026-03-07T01:00:00Z', {
      categoryId: cat('0601'),
      callerPhone: '13911110005',
      title: '标记戊 拖欠工资',
    });
    a.build = await make('2026-03-08T01:00:00Z', {
      categoryId: cat('0102'),
      callerPhone: '13911110006',
      title: '标记己 墙体开裂',
    });
    await send(a.lamp.id, 'dispatcher', 'DISPATCH', { departmentId: dept('F02'), assistingDepartmentIds: [] });
    await send(a.lamp.id, 'handler', 'ACCEPT');
    await send(a.noise.id, 'dispatcher', 'DISPATCH', { departmentId: dept('F04'), assistingDepartmentIds: [] });
    await send(a.food.id, 'dispatcher', 'DISPATCH', { departmentId: dept('F02'), assistingDepartmentIds: [] });
    await send(a.debt.id, 'dispatcher', 'REFER', { agencyId: dept('R01') });
    // Led by housing; city management only assists, and must still find it.
    await send(a.build.id, 'dispatcher', 'DISPATCH', {
      departmentId: dept('F01'),
      assistingDepartmentIds: [dept('F02')],
    });

    // Seven appeals on one local day, with equal and sub-millisecond timestamps, for the paging test.
    const times = [
      '2026-02-01T02:00:00.123456Z',
      '2026-02-01T02:00:00.123456Z',
      '2026-02-01T02:00:00.123457Z',
      '2026-02-01T02:00:00.123Z',
      '2026-02-01T03:00:00Z',
      '2026-02-01T03:00:00Z',
      '2026-01-31T17:00:00Z',
    ];
    for (const at of times) {
      const { id } = await submitAppeal(t.services, t.ids);
      await t.sql('update appeal set created_at = ?::timestamptz where id = ?', [at, id]);
      paged.push(id);
    }
  });

  const march = { from: '2026-03-01', to: '2026-03-31' };

  it('finds an appeal by its full number and by a number prefix', async () => {
    expect(await numbers('dispatcher', { q: a.noise.number })).toEqual([a.noise.number]);
    expect(a.lamp.number).toMatch(/^20260302-\d{6}$/);
    const prefix = a.lamp.number.slice(0, 9);
    const found = await numbers('dispatcher', { q: prefix });
    expect(found).toContain(a.lamp.number);
    expect(found.every((n) => n.startsWith(prefix))).toBe(true);
    expect(found).not.toContain(a.noise.number);
  });

  it("finds appeals by the caller's full phone number, masked in the list", async () => {
    const r = await search('dispatcher', { q: '13911110002' });
    expect(r.items.map((i) => i.number)).toEqual([a.noise.number]);
    expect(r.items[0].caller).toBe('139****0002');
    expect(r.total).toBe(1);
    // City-wide roles may find a confidential caller …
    expect(await numbers('dispatcher', { q: '13911110003' })).toEqual([a.food.number]);
    // … a department may not, even for an appeal it handles, and never sees the number in its list.
    expect(await numbers('handler', { q: '13911110003' })).toEqual([]);
    const mine = await search('handler', { q: '标记丙' });
    expect(mine.items.map((i) => i.number)).toEqual([a.food.number]);
    expect(mine.items[0].caller).toBe('（保密）');
    expect(await numbers('handler', { q: '13911110001' })).toEqual([a.lamp.number]);
  });

  it('finds appeals by text in the title or content, treating wildcards literally', async () => {
    expect(await numbers('dispatcher', { q: '路灯不亮' })).toEqual([a.lamp.number]);
    expect(await numbers('dispatcher', { q: '施工噪声' })).toEqual([a.noise.number]);
    expect(await numbers('dispatcher', { q: '标记%' })).toEqual([]);
    expect(await numbers('dispatcher', { q: '标记', ...march })).toEqual(
      [a.build, a.debt, a.house, a.food, a.noise, a.lamp].map((x) => x.number),
    );
  });

  it('filters by category, a parent category including its children', async () => {
    expect(await numbers('dispatcher', { category: String(cat('02')), ...march })).toEqual([
      a.noise.number,
      a.lamp.number,
    ]);
    expect(await numbers('dispatcher', { category: String(cat('0201')), ...march })).toEqual([a.lamp.number]);
    expect(await numbers('dispatcher', { category: String(cat('01')), ...march })).toEqual([
      a.build.number,
      a.house.number,
    ]);
  });

  it('filters by lead department and grid', async () => {
    expect(await numbers('dispatcher', { department: String(dept('F04')) })).toEqual([a.noise.number]);
    expect(await numbers('dispatcher', { department: String(dept('F02')), ...march })).toEqual([
      a.food.number,
      a.lamp.number,
    ]);
    expect(await numbers('dispatcher', { grid: String(t.ids.grids.get('G01')), ...march })).toEqual([a.house.number]);
  });

  it('filters by phase, with handling and callback meaning any of their sub-states', async () => {
    expect(await numbers('dispatcher', { phase: 'dispatched', ...march })).toEqual([
      a.build.number,
      a.food.number,
      a.noise.number,
    ]);
    expect(await numbers('dispatcher', { phase: 'handling', ...march })).toEqual([a.lamp.number]);
    expect(await numbers('dispatcher', { phase: 'handling.working', ...march })).toEqual([a.lamp.number]);
    expect(await numbers('dispatcher', { phase: 'triage', ...march })).toEqual([a.house.number]);
    expect(await numbers('dispatcher', { phase: 'referred' })).toEqual([a.debt.number]);
    expect(await numbers('dispatcher', { phase: 'callback', ...march })).toEqual([]);
    expect(await numbers('dispatcher', { sla: 'onTime', q: '标记乙' })).toEqual([a.noise.number]);
    expect(await numbers('dispatcher', { sla: 'overdue', q: '标记乙' })).toEqual([]);
  });

  it('filters by local (Asia/Shanghai) days of creation', async () => {
    expect(await numbers('dispatcher', { from: '2026-03-04', to: '2026-03-04' })).toEqual([a.noise.number]);
    expect(await numbers('dispatcher', { from: '2026-03-03', to: '2026-03-03' })).toEqual([]);
    expect(await numbers('dispatcher', { from: '2026-03-02', to: '2026-03-05' })).toEqual([
      a.food.number,
      a.noise.number,
      a.lamp.number,
    ]);
    expect(await numbers('dispatcher', { from: '2026-03-08' })).not.toContain(a.debt.number);
    expect(await numbers('dispatcher', { to: '2026-03-01' })).not.toContain(a.lamp.number);
  });

  it('pages with a keyset cursor: every appeal exactly once, newest first, stable on equal times', async () => {
    const day = { from: '2026-02-01', to: '2026-02-01' };
    const seen: number[] = [];
    let after: string | undefined;
    const sizes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await search('dispatcher', day, { after, limit: 3 });
      expect(r.total).toBe(7);
      seen.push(...r.items.map((x) => x.id));
      sizes.push(r.items.length);
      if (!r.nextCursor) break;
      expect(r.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
      after = r.nextCursor;
    }
    expect(sizes).toEqual([3, 3, 1]);
    const [p0, p1, p2, p3, p4, p5, p6] = paged;
    const ties = (x: number, y: number) => [Math.max(x, y), Math.min(x, y)];
    expect(seen).toEqual([...ties(p4, p5), p2, ...ties(p0, p1), p3, p6]);
  });

  it('shows a department only what was sent to it, as lead or assisting', async () => {
    const handler = await search('handler', {}, { limit: 100 });
    expect(handler.items.map((i) => i.number).sort()).toEqual([a.lamp, a.food, a.build].map((x) => x.number).sort());
    expect(handler.total).toBe(3);
    expect(await numbers('handler2', {})).toEqual([a.build.number]);
    // Filters narrow the scope, never widen it.
    expect(await numbers('handler', { department: String(dept('F04')) })).toEqual([]);
    expect(await numbers('handler', { q: a.noise.number })).toEqual([]);
  });

  it('shows a grid worker his grids and an agency only the appeals referred to it', async () => {
    expect(await numbers('gridworker', {})).toEqual([a.house.number]);
    expect(await numbers('mediator', {})).toEqual([a.debt.number]);
    expect(await numbers('legalaid', {})).toEqual([]);
    const all = await search('dispatcher', {});
    expect(all.total).toBe(13);
  });

  it('refuses bad filter values with field errors', async () => {
    const refused = async (filters: Record<string, unknown>, page: { after?: string } = {}) => {
      const err = await search('dispatcher', filters, page).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(InvalidInput);
      return Object.keys((err as InvalidInput).fieldErrors);
    };
    expect(await refused({ phase: 'finished' })).toEqual(['phase']);
    expect(await refused({ category: 'abc', sla: 'late' })).toEqual(['category', 'sla']);
    expect(await refused({ from: '2026-02-30' })).toEqual(['from']);
    expect(await refused({ from: '2026-03-05', to: '2026-03-01' })).toEqual(['to']);
    expect(await refused({}, { after: 'not-a-cursor' })).toEqual(['after']);
    // Empty form fields are no filter at all.
    expect((await search('dispatcher', { q: '', phase: '', category: '', from: '' })).total).toBe(13);
  });
});
