import { useMemo, useState } from 'react';
import type { GridGeometry } from '../../entities/grid';
import { useT } from '../i18n/use-t';
import { outlineGrids, useGridMap } from './grid-map-loader';

// Where the matter is, picked on the city's grid map (drawn from our own shapes, no tiles) or told in words in the
// address field beside it. The map arrives with its own script once the page is interactive; without it the address
// is the way.

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

export function PlacePicker({
  outlines,
  initial,
  error,
}: {
  outlines: { id: number; code: string; name: string; polygon: GridGeometry }[];
  initial: { lat?: string; lng?: string };
  error?: React.ReactNode;
}) {
  const { t } = useT();
  const GridMap = useGridMap();
  const start =
    Number.isFinite(Number(initial.lat)) && Number.isFinite(Number(initial.lng)) && initial.lat && initial.lng;
  const [point, setPoint] = useState<{ lat: number; lng: number } | null>(
    start ? { lat: round6(Number(initial.lat)), lng: round6(Number(initial.lng)) } : null,
  );
  const grids = useMemo(() => outlineGrids(outlines, (g) => g.name), [outlines]);
  return (
    <div data-testid="place-picker">
      <input type="hidden" name="lat" value={point?.lat ?? ''} />
      <input type="hidden" name="lng" value={point?.lng ?? ''} />
      {GridMap ? (
        <>
          <p className="mt-1 text-sm text-slate-600">{t('可在地图上点选事发位置')}</p>
          <GridMap
            grids={grids}
            marker={point}
            onPick={setPoint}
            label={t('事发位置地图')}
            className="mt-1 h-[240px]"
          />
          <div className="mt-1 flex items-center justify-between gap-2 text-sm">
            <span data-testid="place-picked" aria-live="polite" className={point ? 'text-green-800' : 'text-slate-500'}>
              {point ? t('已在地图上选定位置') : t('未在地图上选择位置')}
            </span>
            {point ? (
              <button type="button" onClick={() => setPoint(null)} className="rounded border px-2 py-1">
                {t('清除位置')}
              </button>
            ) : null}
          </div>
        </>
      ) : null}
      {error}
    </div>
  );
}
