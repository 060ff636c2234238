import { describe, expect, it } from 'vitest';
import { actionOptions, payloadFromForm, performAction } from '../../app/appeals/actions.server';
import { applyEvent } from '../../app/appeals/service.server';
import { DB_KINDS } from '../support/env';
import { useTestServices } from '../support/services';
import { counts, submitAppeal } from '../support/appeals';

describe.each(DB_KINDS)('appeal page actions on %s', (kind) => {
  const t = useTestServices(kind);

  it('offers exactly the events the machine accepts from this user', async () => {
    const a = await submitAppeal(t.services, t.ids);
    expect((await actionOptions(t.em(), t.as('dispatcher'), a.id)).types.sort()).toEqual(
      ['ASSIGN_GRID', 'DISPATCH', 'MERGE_INTO', 'RECLASSIFY', 'REFER', 'RESOLVE_ON_SPOT'].sort(),
    );
    expect((await actionOptions(t.em(), t.as('handler'), a.id)).types).toEqual([]);
    expect((await actionOptions(t.em(), t.as('reviewer'), a.id)).types).toEqual([]);
  });

  it('suggests the 派单目录 entry, the category default and the unit this category went to most often in this grid', async () => {
    const grid = t.ids.grids.get('G05')!;
    const dispatchTo = async (code: string) => {
      const a = await submitAppeal(t.services, t.ids, { category: '0201' });
      await t.sql('update appeal set grid_id = ? where id = ?', [grid, a.id]);
      await applyEvent(t.services, {
        appealId: a.id,
        type: 'DISPATCH',
        payload: { departmentId: t.ids.departments.get(code) },
        actor: t.as('dispatcher'),
      });
    };
    await dispatchTo('S0201');
    await dispatchTo('S0201');
    await dispatchTo('F02');
    const fresh = await submitAppeal(t.services, t.ids, { category: '0201' });
    await t.sql('update appeal set grid_id = ? where id = ?', [grid, fresh.id]);
    const o = await actionOptions(t.em(), t.as('dispatcher'), fresh.id);
    expect(o.suggestions).toEqual([
      { id: t.ids.departments.get('F02'), name: '市城市管理局', reason: 'catalogue' },
      { id: t.ids.departments.get('F02'), name: '市城市管理局', reason: 'categoryDefault' },
      { id: t.ids.departments.get('S0201'), name: '新华街道', reason: 'history', count: 2 },
    ]);
    // The catalogue decides what is preselected; history only when no entry matches.
    expect(o.suggestedDepartmentId).toBe(t.ids.departments.get('F02'));
    await t.sql(
      `update dispatch_catalogue_entry set valid_to = '2025-12-31', valid_from = '2025-01-01'
                  where category_id = ?`,
      [t.ids.categories.get('0201')],
    );
    const without = await actionOptions(t.em(), t.as('dispatcher'), fresh.id);
    expect(without.catalogue).toBeNull();
    expect(without.suggestedDepartmentId).toBe(t.ids.departments.get('S0201'));
  });

  it('turns a form into a payload and refuses form fields the event does not have', async () => {
    const f = new FormData();
    f.set('intent', 'DISPATCH');
    f.set('version', '3');
    f.set('appealId', '9');
    f.set('departmentId', '12');
    f.append('assistingDepartmentIds', '13');
    f.append('assistingDepartmentIds', '14');
    f.set('resolved', 'yes');
    f.set('reason', '  ');
    expect(payloadFromForm(f)).toEqual({ departmentId: 12, assistingDepartmentIds: [13, 14], resolved: true });

    const a = await submitAppeal(t.services, t.ids);
    const before = await counts(t.db, a.id);
    const bad = new FormData();
    bad.set('departmentId', String(t.ids.departments.get('F02')));
    bad.set('smuggled', 'x');
    await expect(
      performAction(t.services, t.as('dispatcher'), a.id, 'DISPATCH', before.version, bad),
    ).rejects.toMatchObject({ status: 400 });
    expect(await counts(t.db, a.id)).toEqual(before);
  });
  it('gives the approver of an extension the days and reason the department asked for', async () => {
    const a = await submitAppeal(t.services, t.ids);
    const send = (type: string, payload: Record<string, unknown>, role: string) =>
      applyEvent(t.services, { appealId: a.id, type, payload, actor: t.as(role) });
    await send('DISPATCH', { departmentId: t.ids.departments.get('F02') }, 'dispatcher');
    expect((await actionOptions(t.em(), t.as('dispatcher'), a.id)).extensionRequest).toBeNull();
    await send('ACCEPT', {}, 'handler');
    await send('REQUEST_EXTENSION', { days: 6, reason: '需联合执法' }, 'handler');
    const o = await actionOptions(t.em(), t.as('dispatcher'), a.id);
    expect(o.types).toContain('APPROVE_EXTENSION');
    expect(o.extensionRequest).toEqual({ days: 6, reason: '需联合执法' });
  });
});
