import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import { booleanValid } from '@turf/boolean-valid';
import { kinks } from '@turf/kinks';
import type { Position } from 'geojson';
import type { GridGeometry } from '../../entities/grid';
import { problem, type Problem } from '../domain/problem';

// Grid shapes: what a valid one looks like, and which grid a point falls in. Pure, so the
// browser and the tests can use it as well as the server.

export type { GridGeometry };

// One thing wrong with a shape or an import file (app/domain/problem.ts).
export { problem, type Problem } from '../domain/problem';

const isPosition = (p: unknown): p is Position =>
  Array.isArray(p) && p.length >= 2 && p.every((n) => typeof n === 'number');

/** Where a ring sits, so a problem can point at it: "第 1 部分第 2 个环". */
function ringProblem(key: string, part: number, ring: number, multi: boolean): Problem {
  return multi
    ? problem(`第 {{part}} 部分第 {{ring}} 个环${key}`, { part, ring })
    : problem(`第 {{ring}} 个环${key}`, { ring });
}

/** Everything wrong with a Polygon or MultiPolygon; an empty list means it is usable as a grid. */
export function validateGeometry(g: unknown): Problem[] {
  if (!g || typeof g !== 'object' || Array.isArray(g)) return [problem('缺少几何图形')];
  const { type, coordinates } = g as { type?: unknown; coordinates?: unknown };
  if (type !== 'Polygon' && type !== 'MultiPolygon') {
    return [problem('几何类型必须是 Polygon 或 MultiPolygon，而不是 {{type}}', { type: String(type ?? '（无）') })];
  }
  const multi = type === 'MultiPolygon';
  if (!Array.isArray(coordinates) || coordinates.length === 0) return [problem('坐标为空或格式不对')];
  const parts = multi ? coordinates : [coordinates];
  const problems: Problem[] = [];
  parts.forEach((rings: unknown, pi) => {
    if (!Array.isArray(rings) || rings.length === 0) {
      problems.push(multi ? problem('第 {{part}} 部分没有环', { part: pi + 1 }) : problem('坐标为空或格式不对'));
      return;
    }
    rings.forEach((ring: unknown, ri) => {
      const at = (key: string) => ringProblem(key, pi + 1, ri + 1, multi);
      if (!Array.isArray(ring) || !ring.every(isPosition)) {
        problems.push(at('的坐标格式不对，每个点应为 [经度, 纬度]'));
        return;
      }
      if (
        !ring.every(
          (p) => Number.isFinite(p[0]) && Number.isFinite(p[1]) && Math.abs(p[0]) <= 180 && Math.abs(p[1]) <= 90,
        )
      ) {
        problems.push(at('有坐标超出范围（经度 −180～180，纬度 −90～90）'));
        return;
      }
      if (ring.length < 4) {
        problems.push(at('至少需要 4 个坐标点（含与起点相同的终点）'));
        return;
      }
      const [first, last] = [ring[0], ring[ring.length - 1]];
      if (first[0] !== last[0] || first[1] !== last[1]) {
        problems.push(at('未闭合（终点必须与起点相同）'));
        return;
      }
      // kinks checks a line against itself, so each ring is checked on its own here.
      if (kinks({ type: 'LineString', coordinates: ring }).features.length > 0) problems.push(at('自相交'));
    });
  });
  // Only once every ring is sound: how holes sit in their shell and how parts sit against each other.
  if (problems.length === 0 && !booleanValid(g as GridGeometry))
    problems.push(problem('洞与外环相交、环有尖刺或各部分相互重叠'));
  return problems;
}

export interface LocatableGrid {
  id: number;
  code: string;
  geometry: GridGeometry;
}

/**
 * The grid a point falls in, or null when it is in none (the dispatcher then decides).
 *
 * A point on a grid's boundary belongs to that grid, and a point in a hole does not. Grids
 * drawn edge to edge both contain a point on their shared edge; it goes to the grid with the
 * smaller code. Any fixed rule would do, but this one does not depend on the order grids were
 * loaded or imported in, so the same address is always routed to the same grid worker, and a
 * dispatcher can predict the answer by reading the two codes.
 */
export function locate<G extends LocatableGrid>(point: { lng: number; lat: number }, grids: readonly G[]): G | null {
  if (!Number.isFinite(point.lng) || !Number.isFinite(point.lat)) return null;
  let found: G | null = null;
  for (const grid of grids) {
    if (found && grid.code >= found.code) continue;
    if (booleanPointInPolygon([point.lng, point.lat], grid.geometry)) found = grid;
  }
  return found;
}
