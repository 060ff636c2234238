import { useEffect, useState } from 'react';
import type { GridMap as GridMapComponent, MapGrid } from './grid-map.client';

/** The Leaflet grid map, loaded in the browser only (Leaflet touches `window`); null until it has arrived. */
export function useGridMap(): typeof GridMapComponent | null {
  const [GridMap, setGridMap] = useState<typeof GridMapComponent | null>(null);
  useEffect(() => {
    let live = true;
    import('./grid-map.client').then((m) => {
      if (live) setGridMap(() => m.GridMap);
    });
    return () => {
      live = false;
    };
  }, []);
  return GridMap;
}

/** Grid shapes drawn without counts, for picking or showing a place: grey unless `fill` says otherwise. */
export function outlineGrids<G extends Pick<MapGrid, 'id' | 'code' | 'polygon'> & { name: string }>(
  outlines: G[],
  tooltip: (g: G) => string,
  fill: (g: G) => string = () => '#e2e8f0',
): MapGrid[] {
  return outlines.map((g) => ({
    id: g.id,
    code: g.code,
    polygon: g.polygon,
    fill: fill(g),
    overdue: 0,
    tooltip: tooltip(g),
  }));
}

const PALETTE = ['#f1f5f9', '#dbeafe', '#93c5fd', '#3b82f6', '#1e40af'];

/** Five shades for counts per grid: 0, then four equal bins up to the largest count, with their legend. */
export function countScale(counts: number[]) {
  const max = Math.max(0, ...counts);
  const step = Math.max(1, Math.ceil(max / 4));
  const bin = (n: number) => (n <= 0 ? 0 : Math.min(4, 1 + Math.floor((n - 1) / step)));
  const legend = PALETTE.map((color, i) => {
    if (i === 0) return { color, range: '0' };
    const lo = (i - 1) * step + 1;
    const hi = i * step;
    return { color, range: i === 4 ? `${lo}+` : lo === hi ? `${lo}` : `${lo}–${hi}` };
  });
  return { color: (n: number) => PALETTE[bin(n)], legend };
}
