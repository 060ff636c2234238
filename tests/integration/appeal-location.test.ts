import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { appealDetail } from '../../app/appeals/detail.server';
import { InvalidInput, Forbidden } from '../../app/domain/errors';
import { locatePoint } from '../../app/grids/grids.server';
import { recordIntake } from '../../app/intake/intake.server';
import { DB_KINDS } from '../support/env';
import { useTestServices } from '../support/services';

// Demo grid G01 spans lng 120.10–120.11, lat 30.200–30.208 (see seed gridPolygon).
const IN_G01 = { lat: '30.204', lng: '120.105' };
const NOWHERE = { lat: '31.5', lng: '121.9' };

describe.each(DB_KINDS)('appeal location on %s', (kind) => {
  const t = useTestServices(kind);
  const grid = (code: string) => t.ids.grids.get(code)!;
  const operator = () => t.as('operator');
  const form = (title: string, extra: Record<string, unknown>) => ({
    intent: 'submit',
    requestKey: randomUUID(),
    callerPhone: '13800005555',
    type: 'complaint',
    category: '0201 环境卫生',
    title,
    content: '路边井盖松动，行人容易绊倒，请尽快处理。',
    address: '示范市人民路1号',
    ...extra,
  });
  const row = async (id: number) =>
    (
      await t.sql<{ grid_id: number | null; lat: number | null; lng: number | null }>(
        'select grid_id, lat, lng from appeal where id = ?',
        [id],
      )
    )[0];
  const countTitled = async (title: string) =>
    (await t.sql<{ n: number }>('select count(*)::int as n from appeal where title = ?', [title]))[0].n;

  it('sets the grid from a point inside a grid, over a different grid chosen in the form', async () => {
    const r = await recordIntake(
      t.services,
      operator(),
      form('位置在第一网格', { ...IN_G01, gridId: String(grid('G05')) }),
    );
    expect(await row(r.appealId)).toEqual({ grid_id: grid('G01'), lat: 30.204, lng: 120.105 });

    const detail = await appealDetail(t.em(), t.as('dispatcher'), r.appealId);
    expect(detail.location).toMatchObject({ lat: 30.204, lng: 120.105, grid: { id: grid('G01'), code: 'G01' } });
    expect(detail.location!.outlines.map((o) => o.code)).toEqual(['G01']);
    expect(detail.suggestedGrid).toMatchObject({ id: grid('G01'), from: 'point' });
  });

  it('leaves the grid empty for a point outside every grid, even with a grid chosen', async () => {
    const r = await recordIntake(
      t.services,
      operator(),
      form('位置在网格之外', { ...NOWHERE, gridId: String(grid('G02')) }),
    );
    expect(await row(r.appealId)).toEqual({ grid_id: null, lat: 31.5, lng: 121.9 });
    const detail = await appealDetail(t.em(), t.as('dispatcher'), r.appealId);
    expect(detail.location).toMatchObject({ grid: null, outlines: [] });
    expect(detail.suggestedGrid).toBeNull();
  });

  it('keeps the chosen grid when no point is given', async () => {
    const r = await recordIntake(
      t.services,
      operator(),
      form('没有位置的诉求', { lat: '', lng: '', gridId: String(grid('G03')) }),
    );
    expect(await row(r.appealId)).toEqual({ grid_id: grid('G03'), lat: null, lng: null });
    const detail = await appealDetail(t.em(), t.as('dispatcher'), r.appealId);
    expect(detail.location).toBeNull();
    expect(detail.suggestedGrid).toMatchObject({ id: grid('G03'), from: 'intake' });
  });

  it('refuses a latitude without a longitude, and coordinates out of range, writing nothing', async () => {
    const title = '只有纬度的诉求';
    const err = await recordIntake(t.services, operator(), form(title, { lat: IN_G01.lat, lng: '' })).catch((e) => e);
    expect(err).toBeInstanceOf(InvalidInput);
    expect((err as InvalidInput).fieldErrors).toEqual({ lng: ['请同时填写经度和纬度'] });
    const far = await recordIntake(t.services, operator(), form(title, { lat: '95', lng: '120.1' })).catch((e) => e);
    expect(far).toBeInstanceOf(InvalidInput);
    expect(Object.keys((far as InvalidInput).fieldErrors ?? {})).toEqual(['lat']);
    expect(await countTitled(title)).toBe(0);
  });

  it('locates a point for intake roles and refuses a handler', async () => {
    const em = t.em();
    expect(await locatePoint(em, operator(), IN_G01)).toEqual({
      grid: { id: grid('G01'), code: 'G01', name: expect.any(String) },
    });
    expect(await locatePoint(em, t.as('gridworker'), NOWHERE)).toEqual({ grid: null });
    await expect(locatePoint(em, t.as('handler'), IN_G01)).rejects.toBeInstanceOf(Forbidden);
    await expect(locatePoint(em, t.as('dispatcher'), { lat: 'x', lng: '120' })).rejects.toBeInstanceOf(InvalidInput);
  });
});
