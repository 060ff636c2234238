import { describe, expect, it } from 'vitest';
import { actionOptions } from '../../app/appeals/actions.server';
import { applyEvent } from '../../app/appeals/service.server';
import {
  createCatalogueEntry,
  endCatalogueEntry,
  listCatalogue,
  updateCatalogueEntry,
} from '../../app/dispatch/catalogue-admin.server';
import { matchCatalogue } from '../../app/dispatch/catalogue.server';
import { dispatchUnits } from '../../app/dispatch/units.server';
import { Forbidden, InvalidInput } from '../../app/domain/errors';
import { DB_KINDS } from '../support/env';
import { useTestServices } from '../support/services';
import { counts, submitAppeal } from '../support/appeals';

// 派单目录: the precedence of entries and their valid days, the admin's changes (validated and audited),
// and what dispatch makes of a match. 1101 邻里纠纷 and its parent 11 have no demo entries, so each test
// here adds its own on them.

const day = (iso: string) => new Date(`${iso}T12:00:00+08:00`);

describe.each(DB_KINDS)('the dispatch catalogue on %s', (kind) => {
  const t = useTestServices(kind);
  const dept = (code: string) => t.ids.departments.get(code)!;
  const grid = (code: string) => t.ids.grids.get(code)!;
  const cat = (code: string) => t.ids.categories.get(code)!;
  const add = (e: { category: string; area: string; lead: string; assisting?: string[]; from?: string; to?: string }) =>
    createCatalogueEntry(t.em(), t.as('admin'), {
      categoryId: String(cat(e.category)),
      area: e.area.startsWith('G') ? `grid:${grid(e.area)}` : `dept:${dept(e.area)}`,
      leadDepartmentId: String(dept(e.lead)),
      assistingDepartmentIds: (e.assisting ?? []).map((a) => String(dept(a))),
      validFrom: e.from ?? '2026-01-01',
      validTo: e.to ?? '',
    });
  // G05 lies in 和平里社区 (M03) of 和平街道 (S0102), 东城区 (D01).
  const atG05 = (category = '1101', on = day('2026-06-01')) =>
    matchCatalogue(t.em(), { categoryId: cat(category), gridId: grid('G05') }, on);
  const endAll = async () => {
    const entries = await listCatalogue(t.em(), t.as('admin'));
    await t.sql(
      `update dispatch_catalogue_entry set valid_to = '2025-12-31', valid_from = '2025-01-01' where category_id in (?, ?)`,
      [cat('1101'), cat('11')],
    );
    return entries.length;
  };

  it('prefers grid over street over district, and the own category over its parent', async () => {
    await endAll();
    expect(await atG05()).toBeNull();
    await add({ category: '11', area: 'G05', lead: 'M03' });
    expect(await atG05()).toMatchObject({
      level: 'grid',
      exactCategory: false,
      categoryCode: '11',
      lead: { id: dept('M03') },
    });
    await add({ category: '1101', area: 'D01', lead: 'D01', assisting: ['F08'] });
    expect(await atG05()).toMatchObject({
      level: 'district',
      exactCategory: true,
      categoryCode: '1101',
      area: '东城区',
      lead: { id: dept('D01'), name: '东城区' },
      assisting: [{ id: dept('F08'), name: '市公安局' }],
    });
    await add({ category: '1101', area: 'S0102', lead: 'S0102' });
    expect(await atG05()).toMatchObject({ level: 'street', area: '和平街道', lead: { id: dept('S0102') } });
    await add({ category: '1101', area: 'G05', lead: 'M03', assisting: ['S0102'] });
    expect(await atG05()).toMatchObject({ level: 'grid', lead: { id: dept('M03') } });
    // Another grid of the same street still takes the street's entry; another street's grid the district's.
    const at = (g: string) => matchCatalogue(t.em(), { categoryId: cat('1101'), gridId: grid(g) }, day('2026-06-01'));
    expect(await at('G06')).toMatchObject({ level: 'street' });
    expect(await at('G01')).toMatchObject({ level: 'district' });
    expect(await at('G09')).toBeNull(); // 西城区
    // No grid, no place: nothing to match.
    expect(await matchCatalogue(t.em(), { categoryId: cat('1101'), gridId: null })).toBeNull();
  });

  it('uses only entries valid on the day, both ends inclusive; among those the latest start wins', async () => {
    await endAll();
    await add({ category: '1101', area: 'S0102', lead: 'S0102', from: '2026-03-01', to: '2026-03-31' });
    await add({ category: '1101', area: 'S0102', lead: 'F08', from: '2026-03-15' });
    expect(await atG05('1101', day('2026-02-28'))).toBeNull();
    expect((await atG05('1101', day('2026-03-01')))?.lead.id).toBe(dept('S0102'));
    expect((await atG05('1101', day('2026-03-15')))?.lead.id).toBe(dept('F08'));
    await endAll();
    await add({ category: '1101', area: 'S0102', lead: 'S0102', from: '2026-03-01', to: '2026-03-31' });
    expect((await atG05('1101', day('2026-03-31')))?.lead.id).toBe(dept('S0102'));
    expect(await atG05('1101', day('2026-04-01'))).toBeNull();
    // The local day decides: 2026-03-31 23:30 in Shanghai is still the 31st, 16:30 UTC.
    expect(await atG05('1101', new Date('2026-03-31T15:30:00Z'))).not.toBeNull();
    expect(await atG05('1101', new Date('2026-03-31T16:30:00Z'))).toBeNull();
  });

  it('skips entries whose lead may no longer lead and leaves out assisting units that may not assist', async () => {
    await endAll();
    await add({ category: '1101', area: 'D01', lead: 'F06' });
    await add({ category: '1101', area: 'S0102', lead: 'F07', assisting: ['F09', 'F13'] });
    await t.sql('update department set active = false where code in (?, ?)', ['F07', 'F13']);
    try {
      expect(await atG05()).toMatchObject({ level: 'district', lead: { id: dept('F06') } });
      await t.sql('update department set active = true where code = ?', ['F07']);
      expect(await atG05()).toMatchObject({ level: 'street', assisting: [{ id: dept('F09') }] });
    } finally {
      await t.sql('update department set active = true where code in (?, ?)', ['F07', 'F13']);
    }
  });

  it('refuses entries that name what does not exist or cannot lead, and writes nothing', async () => {
    const before = (await t.sql<{ n: number }>('select count(*)::int as n from dispatch_catalogue_entry'))[0].n;
    const base = {
      categoryId: String(cat('1101')),
      area: `dept:${dept('S0102')}`,
      leadDepartmentId: String(dept('S0102')),
      assistingDepartmentIds: [],
      validFrom: '2026-01-01',
    };
    const refused = async (patch: Record<string, unknown>, field: string) => {
      const err = await createCatalogueEntry(t.em(), t.as('admin'), { ...base, ...patch }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidInput);
      expect(Object.keys((err as InvalidInput).fieldErrors ?? {})).toContain(field);
    };
    await refused({ categoryId: '999999' }, 'categoryId');
    await refused({ categoryId: '' }, 'categoryId');
    await refused({ area: `dept:${dept('M03')}` }, 'area'); // a community is not an area of the catalogue
    await refused({ area: 'grid:999999' }, 'area');
    await refused({ area: 'S0102' }, 'area');
    await refused({ leadDepartmentId: String(dept('R01')) }, 'leadDepartmentId'); // referral agencies take REFER
    await refused({ assistingDepartmentIds: [String(dept('R02'))] }, 'assistingDepartmentIds');
    await refused({ assistingDepartmentIds: [String(dept('S0102'))] }, 'assistingDepartmentIds');
    await refused({ validFrom: '2026-02-30' }, 'validFrom');
    await refused({ validTo: '2025-12-31' }, 'validTo');
    await expect(createCatalogueEntry(t.em(), t.as('dispatcher'), base)).rejects.toBeInstanceOf(Forbidden);
    expect((await t.sql<{ n: number }>('select count(*)::int as n from dispatch_catalogue_entry'))[0].n).toBe(before);
  });

  it('records every change in the security audit with the entry before and after; ending is for good', async () => {
    const now = day('2026-06-01');
    const events = async () =>
      t.sql<{ detail: { change: string; entryId: number; before: unknown; after: { validTo: string | null } } }>(
        `select detail from security_event where kind = 'settingChanged' and detail->>'setting' = 'dispatchCatalogue' order by id`,
      );
    const seen = (await events()).length;
    const { id } = await add({ category: '1101', area: 'D02', lead: 'D02' });
    await updateCatalogueEntry(t.em(), t.as('admin'), id, {
      categoryId: String(cat('1101')),
      area: `dept:${dept('D02')}`,
      leadDepartmentId: String(dept('F08')),
      assistingDepartmentIds: [String(dept('D02'))],
      validFrom: '2026-01-01',
    });
    await endCatalogueEntry(t.em(), t.as('admin'), id, {}, null, now);
    const mine = (await events()).slice(seen).map((e) => e.detail);
    expect(mine.map((d) => d.change)).toEqual(['created', 'updated', 'ended']);
    expect(mine.every((d) => d.entryId === id)).toBe(true);
    expect(mine[0].before).toBeNull();
    expect(mine[1]).toMatchObject({
      before: { lead: '西城区' },
      after: { lead: '市公安局', assisting: [{ name: '西城区' }] },
    });
    expect(mine[2].after.validTo).toBe('2026-06-01');
    const ended = (await listCatalogue(t.em(), t.as('admin'), day('2026-06-02'))).find((e) => e.id === id);
    expect(ended?.status).toBe('ended');
    await expect(endCatalogueEntry(t.em(), t.as('admin'), id, {}, null, day('2026-06-02'))).rejects.toBeInstanceOf(
      InvalidInput,
    );
  });

  it('preselects the match on the appeal page, and dispatch goes only to units that may lead', async () => {
    const a = await submitAppeal(t.services, t.ids, { category: '0201' });
    await t.sql('update appeal set grid_id = ? where id = ?', [grid('G05'), a.id]);
    // The demo catalogue: 0201 in 东城区 → 市城市管理局 with 东城区 assisting.
    const o = await actionOptions(t.em(), t.as('dispatcher'), a.id);
    expect(o.catalogue).toMatchObject({ categoryCode: '0201', area: '东城区', lead: { id: dept('F02') } });
    expect(o.suggestions[0]).toEqual({ id: dept('F02'), name: '市城市管理局', reason: 'catalogue' });
    expect(o.suggestedDepartmentId).toBe(dept('F02'));
    expect(o.suggestedAssistingIds).toEqual([dept('D01')]);
    const ids = o.departments.map((d) => d.id);
    for (const code of ['R01', 'R02', 'R03', 'R04', 'C']) expect(ids).not.toContain(dept(code));
    for (const code of ['D01', 'S0102', 'M03', 'F02']) expect(ids).toContain(dept(code));
    expect(new Set(o.departments.map((d) => d.group))).toEqual(
      new Set(['district', 'street', 'community', 'functional']),
    );
    expect((await dispatchUnits(t.em())).find((d) => d.id === dept('M03'))).toMatchObject({ parent: '和平街道' });

    const before = await counts(t.db, a.id);
    await expect(
      applyEvent(t.services, {
        appealId: a.id,
        type: 'DISPATCH',
        payload: { departmentId: dept('R01') },
        actor: t.as('dispatcher'),
      }),
    ).rejects.toBeInstanceOf(InvalidInput);
    expect(await counts(t.db, a.id)).toEqual(before);
    await applyEvent(t.services, {
      appealId: a.id,
      type: 'DISPATCH',
      payload: { departmentId: o.catalogue!.lead.id, assistingDepartmentIds: o.suggestedAssistingIds },
      actor: t.as('dispatcher'),
    });
    const rows = await t.sql<{ department_id: number; role: string }>(
      `select department_id, role from assignment where appeal_id = ? and status = 'active' order by role desc`,
      [a.id],
    );
    expect(rows).toEqual([
      { department_id: dept('F02'), role: 'lead' },
      { department_id: dept('D01'), role: 'assisting' },
    ]);
  });
});
