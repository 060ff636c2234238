import { describe, expect, it } from 'vitest';
import { actionOptions, payloadFromForm } from '../../app/appeals/actions.server';
import { appealDetail } from '../../app/appeals/detail.server';
import { createDraft } from '../../app/appeals/intake.server';
import { applyEvent } from '../../app/appeals/service.server';
import { Conflict, Forbidden, InvalidInput } from '../../app/domain/errors';
import { DB_KINDS } from '../support/env';
import { useTestServices } from '../support/services';
import { counts, jobCount } from '../support/appeals';

// RECLASSIFY: the dispatch desk corrects an appeal in triage; the row, the deadline and its timers follow,
// the audit keeps old and new, and anything that is not a real category, grid, type or urgency changes nothing.

describe.each(DB_KINDS)('reclassification in triage on %s', (kind) => {
  const t = useTestServices(kind);
  const cat = (code: string) => t.ids.categories.get(code)!;
  const grid = (code: string) => t.ids.grids.get(code)!;
  const submitted = new Date('2025-09-26T02:00:00Z'); // Fri 10:00 Beijing

  async function triageAppeal() {
    const svc = { ...t.services, now: () => submitted };
    const draft = await createDraft(svc, t.as('operator'), {
      type: 'complaint',
      categoryId: cat('0201'),
      title: '垃圾清运不及时',
      content: '小区垃圾桶三天没有清运。',
      address: '示范市人民路 1 号',
    });
    await applyEvent(svc, { appealId: draft.id, type: 'SUBMIT', actor: t.as('operator') });
    return draft.id;
  }
  const reclassify = (
    id: number,
    payload: Record<string, unknown>,
    user = 'dispatcher',
    now = '2025-09-27T01:00:00Z',
  ) =>
    applyEvent(
      { ...t.services, now: () => new Date(now) },
      {
        appealId: id,
        type: 'RECLASSIFY',
        payload: {
          categoryId: cat('0201'),
          appealType: 'complaint',
          urgency: 'normal',
          address: '示范市人民路 1 号',
          ...payload,
        },
        actor: t.as(user),
      },
    );
  const row = async (id: number) =>
    (
      await t.sql<{
        category_id: number;
        type: string;
        urgency: string;
        address: string;
        grid_id: number;
        due_at: Date;
        phase: string;
      }>('select category_id, type, urgency, address, grid_id, due_at, phase from appeal where id = ?', [id])
    )[0];

  it('corrects the row, counts the deadline again from submission, and audits old and new', async () => {
    const id = await triageAppeal();
    // 0201 general, normal: 7 working days → end of Oct 13 (Sep 28 is an adjusted working Sunday, Oct 1–8 holidays).
    expect(new Date((await row(id)).due_at).toISOString()).toBe('2025-10-13T16:00:00.000Z');
    const jobs = await jobCount(t.db, id);
    // The client's own deadline is not trusted.
    const r = await reclassify(id, {
      appealType: 'report',
      urgency: 'urgent',
      address: '示范市解放路 8 号',
      gridId: grid('G05'),
      dueAt: '2030-01-01T00:00:00Z',
    });
    expect(r.phase).toBe('triage');
    const after = await row(id);
    expect(after).toMatchObject({
      category_id: cat('0201'),
      type: 'report',
      urgency: 'urgent',
      address: '示范市解放路 8 号',
      grid_id: grid('G05'),
      phase: 'triage',
    });
    // urgent general: 3 working days from Fri Sep 26 → Sep 28, 29, 30.
    expect(new Date(after.due_at).toISOString()).toBe('2025-09-30T16:00:00.000Z');
    expect(await jobCount(t.db, id)).toBe(jobs + 2); // WARN and OVERDUE for the new deadline
    const [audit] = await t.sql<{ payload: Record<string, unknown>; actor_role: string }>(
      `select payload, actor_role from appeal_event where appeal_id = ? and type = 'RECLASSIFY'`,
      [id],
    );
    expect(audit.actor_role).toBe('dispatcher');
    expect(audit.payload).toMatchObject({
      from: {
        categoryId: cat('0201'),
        appealType: 'complaint',
        urgency: 'normal',
        address: '示范市人民路 1 号',
        gridId: null,
      },
      urgency: 'urgent',
      previousDueAt: '2025-10-13T16:00:00.000Z',
      dueAt: '2025-09-30T16:00:00.000Z',
      dueUnit: 'workingDays',
    });

    // A new category brings its own limits: utilities, urgent = 24 clock hours from submission, already past.
    await reclassify(
      id,
      {
        categoryId: cat('0301'),
        urgency: 'urgent',
        gridId: grid('G05'),
        address: '示范市解放路 8 号',
        appealType: 'report',
      },
      'supervisor',
      '2025-09-29T01:00:00Z',
    );
    expect(new Date((await row(id)).due_at).toISOString()).toBe('2025-09-27T02:00:00.000Z');

    const detail = await appealDetail(t.em(), t.as('dispatcher'), id);
    const changes = detail.timeline.filter((e) => e.type === 'RECLASSIFY').map((e) => e.changes);
    expect(changes[0]).toEqual([
      { field: 'appealType', from: 'complaint', to: 'report' },
      { field: 'urgency', from: 'normal', to: 'urgent' },
      { field: 'address', from: '示范市人民路 1 号', to: '示范市解放路 8 号' },
      { field: 'grid', from: null, to: 'G05 和平里社区第1网格' },
      { field: 'dueAt', from: '2025-10-14 00:00', to: '2025-10-01 00:00' },
    ]);
    expect(changes[1]).toEqual([
      { field: 'category', from: '0201 环境卫生', to: '0301 停水' },
      { field: 'dueAt', from: '2025-10-01 00:00', to: '2025-09-27 10:00' },
    ]);
    const o = await actionOptions(t.em(), t.as('dispatcher'), id);
    expect(o.types).toContain('RECLASSIFY');
    expect(o.reclassify?.current).toEqual({
      categoryId: cat('0301'),
      appealType: 'report',
      urgency: 'urgent',
      address: '示范市解放路 8 号',
      gridId: grid('G05'),
    });
  });

  it('refuses what is not a real category, grid, type or urgency, or changes nothing, and writes nothing', async () => {
    const id = await triageAppeal();
    const before = await counts(t.db, id);
    const refused = async (payload: Record<string, unknown>, field: string) => {
      const err = await reclassify(id, payload).catch((e: unknown) => e);
      expect(err, JSON.stringify(payload)).toBeInstanceOf(InvalidInput);
      expect(Object.keys((err as InvalidInput).fieldErrors ?? {}), JSON.stringify(payload)).toContain(field);
      expect(await counts(t.db, id)).toEqual(before);
    };
    await refused({ categoryId: 999999 }, 'categoryId');
    await refused({ categoryId: 'abc' }, 'categoryId');
    await refused({ gridId: 999999 }, 'gridId');
    await refused({ urgency: 'whenever' }, 'urgency');
    await refused({ appealType: 'rant' }, 'appealType');
    await refused({ address: 'x'.repeat(256) }, 'address');
    await refused({}, '_form'); // nothing changed
    await expect(reclassify(id, { urgency: 'urgent' }, 'handler')).rejects.toBeInstanceOf(Forbidden);
    await expect(reclassify(id, { urgency: 'urgent' }, 'operator')).rejects.toBeInstanceOf(Forbidden);
    expect(await counts(t.db, id)).toEqual(before);
  });

  it('refuses an inactive category and any reclassification once the appeal has left triage', async () => {
    const id = await triageAppeal();
    const stopped = (
      await t.sql<{ id: number }>(
        `insert into category (code, name, parent_id, limits, active, created_at, updated_at)
       select '0299', '停用分类', parent_id, limits, false, now(), now() from category where id = ? returning id`,
        [cat('0201')],
      )
    )[0].id;
    await expect(reclassify(id, { categoryId: stopped })).rejects.toBeInstanceOf(InvalidInput);
    await applyEvent(t.services, {
      appealId: id,
      type: 'DISPATCH',
      payload: { departmentId: t.ids.departments.get('F02') },
      actor: t.as('dispatcher'),
    });
    const before = await counts(t.db, id);
    await expect(reclassify(id, { urgency: 'urgent' })).rejects.toBeInstanceOf(Conflict);
    expect(await counts(t.db, id)).toEqual(before);
  });

  it('reads the form: the category and grid are numbers, an empty address or grid clears it', () => {
    const f = new FormData();
    f.set('intent', 'RECLASSIFY');
    f.set('categoryId', '12');
    f.set('appealType', 'report');
    f.set('urgency', 'urgent');
    f.set('address', ' ');
    f.set('gridId', '');
    expect(payloadFromForm(f)).toEqual({ categoryId: 12, appealType: 'report', urgency: 'urgent' });
  });
});
