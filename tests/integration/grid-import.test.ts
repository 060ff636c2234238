import { beforeAll, describe, expect, it } from 'vitest';
import { Forbidden, InvalidInput } from '../../app/domain/errors';
import { exportGrids, gridForPoint, importGrids } from '../../app/grids/grids.server';
import { DB_KINDS } from '../support/env';
import { useTestDatabase } from '../support/services';

const square = (x: number, y: number, size = 0.01): number[][] => [
  [x, y],
  [x + size, y],
  [x + size, y + size],
  [x, y + size],
  [x, y],
];
const polygon = (x: number, y: number) => ({ type: 'Polygon', coordinates: [square(x, y)] });
const feature = (properties: Record<string, unknown>, geometry: unknown = polygon(121, 31)) => ({
  type: 'Feature',
  properties,
  geometry,
});
const file = (...features: unknown[]) => JSON.stringify({ type: 'FeatureCollection', features });

// A valid first feature in every bad file: if anything were written before the check, it would show.
const goodFirst = feature({ code: 'G01', name: '不应写入的新名称', community: 'M01', workers: [] });

describe.each(DB_KINDS)('grid import and export on %s', (kind) => {
  const t = useTestDatabase(kind);
  beforeAll(async () => {
    // A second grid worker, so a file can move grids between workers.
    await t.sql(`insert into app_user (username, password_hash, display_name, role, department_id, active, created_at, updated_at)
               values ('gridworker2', 'x', '网格员 二号', 'gridWorker', null, true, now(), now())`);
  });
  const admin = () => t.as('admin');
  /** Every column of both tables, in a fixed order: "nothing changed" means this is equal. */
  const dump = async () => ({
    grid: await t.sql(
      `select id, code, name, community_id, polygon::text as polygon, created_at, updated_at from grid order by id`,
    ),
    grid_worker: await t.sql('select grid_id, user_id from grid_worker order by grid_id, user_id'),
  });
  const workersOf = async (code: string) =>
    (
      await t.sql<{ username: string }>(
        'select u.username from grid_worker gw join grid g on g.id = gw.grid_id join app_user u on u.id = gw.user_id where g.code = ? order by u.username',
        [code],
      )
    ).map((r) => r.username);

  it('creates new grids and updates existing ones by code', async () => {
    expect(await gridForPoint(t.em(), { lng: 121.25, lat: 31.25 })).toBeNull();
    const [{ polygon: g02Shape }] = await t.sql<{ polygon: unknown }>(
      'select polygon::text as polygon from grid where code = ?',
      ['G02'],
    );
    const multi = {
      type: 'MultiPolygon',
      coordinates: [[square(121, 31)], [square(121.2, 31.2, 0.1), square(121.22, 31.22, 0.02)]],
    };
    const result = await importGrids(
      t.em(),
      admin(),
      file(
        feature(
          { code: 'G01', name: '向阳社区第1网格（调整）', community: 'M02', workers: ['gridworker2'] },
          polygon(120.1, 30.2),
        ),
        // Exactly as stored and without workers: unchanged, and its worker stays.
        feature({ code: 'G02', name: '向阳社区第2网格', community: 'M01' }, JSON.parse(String(g02Shape))),
        feature({ code: 'G90', name: '新建网格', community: 'M01', workers: ['gridworker', 'GridWorker2'] }, multi),
      ),
    );
    expect(result).toEqual({ created: 1, updated: 1, unchanged: 1 });
    const [g01] = await t.sql<{ name: string; community_id: number }>(
      'select name, community_id from grid where code = ?',
      ['G01'],
    );
    expect(g01).toEqual({ name: '向阳社区第1网格（调整）', community_id: t.ids.departments.get('M02') });
    expect(await workersOf('G01')).toEqual(['gridworker2']);
    expect(await workersOf('G02')).toEqual(['gridworker']);
    expect(await workersOf('G90')).toEqual(['gridworker', 'gridworker2']);
    // The point lookup sees the import at once: the second part of the new grid, but not its hole.
    expect(await gridForPoint(t.em(), { lng: 121.25, lat: 31.25 })).toMatchObject({ code: 'G90', name: '新建网格' });
    expect(await gridForPoint(t.em(), { lng: 121.23, lat: 31.23 })).toBeNull();
  });

  it('finds the grid for a point, giving a shared edge to the smaller code', async () => {
    expect(await gridForPoint(t.em(), { lng: 120.105, lat: 30.204 })).toEqual({
      id: t.ids.grids.get('G01'),
      code: 'G01',
      name: '向阳社区第1网格（调整）',
    });
    expect(await gridForPoint(t.em(), { lng: 120.11, lat: 30.204 })).toMatchObject({ code: 'G01' });
    expect(await gridForPoint(t.em(), { lng: 120.115, lat: 30.204 })).toMatchObject({ code: 'G02' });
    expect(await gridForPoint(t.em(), { lng: 100, lat: 20 })).toBeNull();
  });

  const refusals: [string, string, string[]][] = [
    [
      'bad geometry',
      file(
        goodFirst,
        feature(
          { code: 'G98', name: '坏网格', community: 'M01' },
          {
            type: 'Polygon',
            coordinates: [
              [
                [0, 0],
                [1, 1],
                [1, 0],
                [0, 1],
                [0, 0],
              ],
            ],
          },
        ),
      ),
      ['第 2 个要素（G98）：第 1 个环自相交'],
    ],
    [
      'a geometry that is not a polygon',
      file(
        goodFirst,
        feature({ code: 'G98', name: '坏网格', community: 'M01' }, { type: 'Point', coordinates: [120, 30] }),
      ),
      ['第 2 个要素（G98）：几何类型必须是 Polygon 或 MultiPolygon，而不是 Point'],
    ],
    [
      'duplicate codes in the file',
      file(
        goodFirst,
        feature({ code: 'G98', name: '甲', community: 'M01' }),
        feature({ code: 'G98', name: '乙', community: 'M01' }),
      ),
      ['第 3 个要素（G98）：编码 G98 与第 2 个要素重复'],
    ],
    [
      'missing properties',
      file(goodFirst, feature({ code: 'G98' }), feature({ name: '无编码', community: 'M01' })),
      ['第 2 个要素（G98）：缺少属性 name；缺少属性 community', '第 3 个要素：缺少属性 code'],
    ],
    [
      'an unknown or unsuitable community',
      file(
        goodFirst,
        feature({ code: 'G98', name: '甲', community: 'M99' }),
        feature({ code: 'G97', name: '乙', community: 'S0101' }),
      ),
      ['第 2 个要素（G98）：社区编码 M99 不存在', '第 3 个要素（G97）：S0101 不是社区级部门'],
    ],
    [
      'an unknown worker or one who is no grid worker',
      file(goodFirst, feature({ code: 'G98', name: '甲', community: 'M01', workers: ['nobody', 'operator'] })),
      ['第 2 个要素（G98）：用户 nobody 不存在；用户 operator 不是网格员'],
    ],
    [
      'workers that are not a list',
      file(goodFirst, feature({ code: 'G98', name: '甲', community: 'M01', workers: 'gridworker' })),
      ['第 2 个要素（G98）：workers 必须是用户名的数组'],
    ],
    [
      'not a FeatureCollection',
      JSON.stringify(goodFirst),
      ['文件：不是 GeoJSON FeatureCollection（需要 type 为 FeatureCollection 且有 features 数组）'],
    ],
    ['an empty FeatureCollection', file(), ['文件：文件中没有要素']],
    ['invalid JSON', '{"type": "FeatureCollection", "features": [', ['文件：不是有效的 JSON']],
  ];

  it.each(refusals)('refuses %s, naming the feature, and writes nothing', async (_, text, lines) => {
    const before = await dump();
    const err = await importGrids(t.em(), admin(), text).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InvalidInput);
    expect((err as InvalidInput).message).toBe(lines.join('\n'));
    expect((err as InvalidInput).fieldErrors).toEqual({ file: lines });
    expect(await dump()).toEqual(before);
  });

  it('lists every problem of every feature in one answer', async () => {
    const before = await dump();
    const err = (await importGrids(
      t.em(),
      admin(),
      file(
        goodFirst,
        feature(
          { code: 'G98', name: '甲', community: 'M99', workers: ['nobody'] },
          {
            type: 'Polygon',
            coordinates: [
              [
                [0, 0],
                [1, 0],
                [1, 1],
                [0, 1],
              ],
            ],
          },
        ),
        feature({ code: 'G98', name: '乙', community: 'M01' }, { type: 'Polygon', coordinates: [square(200, 0)] }),
      ),
    ).then(
      () => null,
      (e: unknown) => e,
    )) as InvalidInput;
    expect(err.message.split('\n')).toEqual([
      '第 2 个要素（G98）：第 1 个环未闭合（终点必须与起点相同）；社区编码 M99 不存在；用户 nobody 不存在',
      '第 3 个要素（G98）：第 1 个环有坐标超出范围（经度 −180～180，纬度 −90～90）；编码 G98 与第 2 个要素重复',
    ]);
    expect(await dump()).toEqual(before);
  });

  it('refuses import and export to anyone but an admin', async () => {
    const before = await dump();
    for (const who of ['operator', 'dispatcher', 'supervisor', 'gridworker']) {
      await expect(importGrids(t.em(), t.as(who), file(goodFirst))).rejects.toBeInstanceOf(Forbidden);
      await expect(exportGrids(t.em(), t.as(who))).rejects.toBeInstanceOf(Forbidden);
    }
    expect(await dump()).toEqual(before);
  });

  it('an export imported again changes nothing', async () => {
    const before = await dump();
    const exported = await exportGrids(t.em(), admin());
    expect(exported.features).toHaveLength(21);
    expect(exported.features.find((f) => f.properties.code === 'G02')).toMatchObject({
      type: 'Feature',
      properties: { code: 'G02', name: '向阳社区第2网格', community: 'M01', workers: ['gridworker'] },
      geometry: { type: 'Polygon' },
    });
    expect(exported.features.find((f) => f.properties.code === 'G90')!.geometry.type).toBe('MultiPolygon');
    const result = await importGrids(t.em(), admin(), JSON.stringify(exported, null, 2));
    expect(result).toEqual({ created: 0, updated: 0, unchanged: 21 });
    expect(await dump()).toEqual(before);
    expect(await exportGrids(t.em(), admin())).toEqual(exported);
  });
});
