import { describe, expect, it } from 'vitest';
import { locate, validateGeometry, type GridGeometry } from './geometry';

const square = (x: number, y: number, size = 1): number[][] => [
  [x, y],
  [x + size, y],
  [x + size, y + size],
  [x, y + size],
  [x, y],
];

// A 3 × 3 square with a 1 × 1 hole in the middle; B sits edge to edge on its right (x = 3);
// M is a multipolygon of two squares far apart.
const A: GridGeometry = { type: 'Polygon', coordinates: [square(0, 0, 3), square(1, 1, 1).reverse()] };
const B: GridGeometry = { type: 'Polygon', coordinates: [square(3, 0, 3)] };
const M: GridGeometry = { type: 'MultiPolygon', coordinates: [[square(10, 10)], [square(20, 20)]] };
const grids = [
  // Listed with the larger code first, so the shared-edge rule cannot pass by list order.
  { id: 2, code: 'G02', geometry: B },
  { id: 1, code: 'G01', geometry: A },
  { id: 3, code: 'G03', geometry: M },
];
const codeAt = (lng: number, lat: number) => locate({ lng, lat }, grids)?.code ?? null;

describe('locate', () => {
  it('finds the grid a point is inside', () => {
    expect(codeAt(0.5, 0.5)).toBe('G01');
    expect(codeAt(4.5, 1)).toBe('G02');
  });

  it('counts a point on an edge or a vertex as inside', () => {
    expect(codeAt(0, 1.7)).toBe('G01');
    expect(codeAt(6, 2)).toBe('G02');
    expect(codeAt(0, 0)).toBe('G01');
    expect(codeAt(6, 3)).toBe('G02');
  });

  it('puts a point inside a hole outside the grid', () => {
    expect(codeAt(1.5, 1.5)).toBeNull();
    // The hole's own edge is the grid's boundary, so it is inside.
    expect(codeAt(1, 1.5)).toBe('G01');
  });

  it('finds a point in the second part of a multipolygon', () => {
    expect(codeAt(20.5, 20.5)).toBe('G03');
    expect(codeAt(15, 15)).toBeNull();
  });

  it('returns null outside every grid', () => {
    expect(codeAt(-1, -1)).toBeNull();
    expect(codeAt(100, 50)).toBeNull();
    expect(locate({ lng: Number.NaN, lat: 1 }, grids)).toBeNull();
    expect(locate({ lng: 0.5, lat: 0.5 }, [])).toBeNull();
  });

  it('gives a point on an edge shared by two grids to the smaller code, whatever the order', () => {
    expect(codeAt(3, 1.5)).toBe('G01');
    expect(codeAt(3, 3)).toBe('G01');
    expect(locate({ lng: 3, lat: 1.5 }, [...grids].reverse())?.code).toBe('G01');
    const renamed = [
      { id: 2, code: 'G00', geometry: B },
      { id: 1, code: 'G01', geometry: A },
    ];
    expect(locate({ lng: 3, lat: 1.5 }, renamed)?.code).toBe('G00');
  });
});

describe('validateGeometry', () => {
  const messages = (g: unknown) => validateGeometry(g).map((p) => p.message);

  it('accepts polygons with holes and multipolygons', () => {
    expect(validateGeometry(A)).toEqual([]);
    expect(validateGeometry(B)).toEqual([]);
    expect(validateGeometry(M)).toEqual([]);
  });

  it('refuses an open ring', () => {
    expect(
      messages({
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 1],
          ],
        ],
      }),
    ).toEqual(['第 1 个环未闭合（终点必须与起点相同）']);
    expect(
      messages({
        type: 'MultiPolygon',
        coordinates: [
          [square(0, 0)],
          [
            [
              [5, 5],
              [6, 5],
              [6, 6],
              [5, 6],
              [5, 5.5],
            ],
          ],
        ],
      }),
    ).toEqual(['第 2 部分第 1 个环未闭合（终点必须与起点相同）']);
  });

  it('refuses a ring with too few points', () => {
    expect(
      messages({
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [0, 0],
          ],
        ],
      }),
    ).toEqual(['第 1 个环至少需要 4 个坐标点（含与起点相同的终点）']);
    expect(messages({ type: 'Polygon', coordinates: [] })).toEqual(['坐标为空或格式不对']);
  });

  it('refuses a self-intersecting bow-tie', () => {
    expect(
      messages({
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
      }),
    ).toEqual(['第 1 个环自相交']);
  });

  it('refuses a hole that crosses its shell', () => {
    expect(messages({ type: 'Polygon', coordinates: [square(0, 0, 3), square(2, 1, 2)] })).toHaveLength(1);
  });

  it('refuses coordinates out of range or not numbers', () => {
    expect(messages({ type: 'Polygon', coordinates: [square(179.5, 0)] })).toEqual([
      '第 1 个环有坐标超出范围（经度 −180～180，纬度 −90～90）',
    ]);
    expect(messages({ type: 'Polygon', coordinates: [square(0, 89.5)] })).toEqual([
      '第 1 个环有坐标超出范围（经度 −180～180，纬度 −90～90）',
    ]);
    expect(
      messages({
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            ['1', 1],
            [0, 0],
          ],
        ],
      }),
    ).toEqual(['第 1 个环的坐标格式不对，每个点应为 [经度, 纬度]']);
  });

  it('refuses the wrong type', () => {
    expect(messages({ type: 'Point', coordinates: [0, 0] })).toEqual([
      '几何类型必须是 Polygon 或 MultiPolygon，而不是 Point',
    ]);
    expect(
      messages({
        type: 'LineString',
        coordinates: [
          [0, 0],
          [1, 1],
        ],
      }),
    ).toHaveLength(1);
    expect(messages(null)).toEqual(['缺少几何图形']);
    expect(messages('Polygon')).toEqual(['缺少几何图形']);
  });

  it('lists every bad ring, not only the first', () => {
    expect(
      messages({
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 1],
            [1, 0],
            [0, 1],
            [0, 0],
          ],
          [
            [0, 0],
            [1, 0],
            [0, 0],
          ],
        ],
      }),
    ).toEqual(['第 1 个环自相交', '第 2 个环至少需要 4 个坐标点（含与起点相同的终点）']);
  });
});
