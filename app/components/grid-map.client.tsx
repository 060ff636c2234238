import L from 'leaflet';
import { useEffect, useRef } from 'react';
import type { GridGeometry } from '../../entities/grid';

export interface MapGrid {
  id: number;
  code: string;
  polygon: GridGeometry;
  fill: string;
  overdue: number;
  /** Plain text: shown with textContent, never parsed as HTML. */
  tooltip: string;
}

export interface MapPoint {
  id: number;
  lat: number;
  lng: number;
  label: string;
}

const OVERDUE_BORDER = '#b91c1c';
const NO_POINTS: MapPoint[] = [];

function styleOf(g: MapGrid, selected: boolean): L.PathOptions {
  const late = g.overdue > 0;
  return {
    fillColor: g.fill,
    fillOpacity: selected ? 0.95 : 0.8,
    color: late ? OVERDUE_BORDER : selected ? '#0f172a' : '#64748b',
    weight: selected ? 5 : late ? 3 : 1,
    dashArray: late ? '6 4' : undefined,
  };
}

// Six decimals is about 10 cm: finer than any click and short enough to read.
const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

/**
 * The map is ONE tab stop, its container: Leaflet's own keyboard handling pans (arrows) and zooms (+/-) there, and a
 * picker takes the point at the centre with Enter. Shapes, labels and zoom buttons are left out of the tab order, so
 * a form around the map is not walked through each grid.
 */
function keepOneTabStop(container: HTMLElement) {
  container.tabIndex = 0;
  for (const el of container.querySelectorAll<HTMLElement | SVGElement>('a, button, path, [tabindex]')) {
    if (el.getAttribute('tabindex') !== '-1') el.setAttribute('tabindex', '-1');
  }
}

function textNode(text: string, className?: string): HTMLElement {
  const el = document.createElement('span');
  if (className) el.className = className;
  el.textContent = text;
  return el;
}

/**
 * The grids drawn from our own GeoJSON, with no tile layer: the map works offline and shows
 * nothing we did not draw. Leaflet touches `window` on import, so this module is client-only.
 */
export function GridMap({
  grids,
  points = NO_POINTS,
  selectedId = null,
  onSelect,
  label,
  marker = null,
  onPick,
  className = 'h-[420px]',
}: {
  grids: MapGrid[];
  points?: MapPoint[];
  selectedId?: number | null;
  onSelect?: (id: number) => void;
  label: string;
  /** One picked location, drawn as a pin above the grids. */
  marker?: { lat: number; lng: number } | null;
  /** Makes the map a location picker: a click anywhere (on a grid or not) reports its lat/lng. */
  onPick?: (point: { lat: number; lng: number }) => void;
  /** Size classes for the map box. */
  className?: string;
}) {
  const el = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const polygons = useRef(new Map<number, { layer: L.GeoJSON; grid: MapGrid }>());
  const fitted = useRef(false);
  const select = useRef(onSelect);
  select.current = onSelect;
  const pick = useRef(onPick);
  pick.current = onPick;
  const selected = useRef(selectedId);
  selected.current = selectedId;

  useEffect(() => {
    const m = L.map(el.current!, { attributionControl: false, zoomSnap: 0.25, minZoom: 10, maxZoom: 18 });
    // Appeal points get their own pane (and SVG) so the overlay pane holds grid polygons only.
    m.createPane('appealPoints').style.zIndex = '450';
    // Clicks on a grid bubble up to the map, so a pick inside a grid lands here too.
    m.on('click', (e: L.LeafletMouseEvent) => pick.current?.({ lat: round6(e.latlng.lat), lng: round6(e.latlng.lng) }));
    if (pick.current) m.getContainer().style.cursor = 'crosshair';
    // Enter on the focused picker takes the point under the centre cross (arrows move the map beneath it).
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Enter' || !pick.current || e.target !== m.getContainer()) return;
      e.preventDefault();
      const c = m.getCenter();
      pick.current({ lat: round6(c.lat), lng: round6(c.lng) });
    };
    m.getContainer().addEventListener('keydown', onKey);
    // Leaflet adds focusable parts as it draws (zoom buttons, shapes): each time, they leave the tab order.
    const quiet = new MutationObserver(() => keepOneTabStop(m.getContainer()));
    quiet.observe(m.getContainer(), { childList: true, subtree: true });
    keepOneTabStop(m.getContainer());
    map.current = m;
    const drawn = polygons.current; // one Map for the map's whole life
    return () => {
      quiet.disconnect();
      m.getContainer().removeEventListener('keydown', onKey);
      m.remove();
      map.current = null;
      drawn.clear();
      fitted.current = false;
    };
  }, []);

  useEffect(() => {
    const m = map.current;
    if (!m) return;
    const group = L.featureGroup().addTo(m);
    const drawn = polygons.current;
    drawn.clear();
    for (const g of grids) {
      const layer = L.geoJSON(g.polygon, {
        style: () => ({ ...styleOf(g, g.id === selected.current), className: `grid-polygon grid-${g.code}` }),
      });
      layer.bindTooltip(textNode(g.tooltip), { sticky: true });
      layer.on('click', () => select.current?.(g.id));
      layer.addTo(group);
      drawn.set(g.id, { layer, grid: g });
      // Codes sit in the marker pane, not clickable, so clicks fall through to the polygon.
      const center = layer.getBounds().getCenter();
      L.marker(center, {
        interactive: false,
        keyboard: false,
        icon: L.divIcon({
          className: 'grid-code-label text-center text-[10px] font-semibold text-slate-700',
          html: textNode(g.code),
          iconSize: [36, 14],
          iconAnchor: [18, 7],
        }),
      }).addTo(group);
    }
    if (!fitted.current && grids.length) {
      m.fitBounds(group.getBounds(), { padding: [12, 12] });
      fitted.current = true;
    } else if (!fitted.current && marker) {
      m.setView([marker.lat, marker.lng], 15);
      fitted.current = true;
    }
    return () => {
      group.remove();
    };
    // The marker only centres a map with no grids, once; moving it must not redraw the grids.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [grids]);

  useEffect(() => {
    for (const { layer, grid } of polygons.current.values()) {
      layer.setStyle(styleOf(grid, grid.id === selectedId));
      if (grid.id === selectedId) layer.bringToFront();
    }
  }, [selectedId, grids]);

  useEffect(() => {
    const m = map.current;
    if (!m || !points.length) return;
    const group = L.layerGroup().addTo(m);
    for (const p of points) {
      L.circleMarker([p.lat, p.lng], {
        pane: 'appealPoints',
        radius: 5,
        color: '#7f1d1d',
        weight: 1,
        fillColor: '#ef4444',
        fillOpacity: 0.9,
      })
        .bindTooltip(textNode(p.label))
        .addTo(group);
    }
    return () => {
      group.remove();
    };
  }, [points]);

  useEffect(() => {
    const m = map.current;
    if (!m || !marker) return;
    const pin = L.circleMarker([marker.lat, marker.lng], {
      pane: 'appealPoints',
      radius: 8,
      color: '#7f1d1d',
      weight: 2,
      fillColor: '#dc2626',
      fillOpacity: 1,
      interactive: false,
      className: 'location-marker',
    }).addTo(m);
    return () => {
      pin.remove();
    };
  }, [marker?.lat, marker?.lng]); // eslint-disable-line react-hooks/exhaustive-deps

  return (
    <div className={`group relative ${className} w-full`}>
      <div
        ref={el}
        role="img"
        aria-label={label}
        data-testid="grid-map"
        className="h-full w-full rounded focus:outline-2 focus:outline-offset-2 focus:outline-red-700"
        style={{ background: '#f8fafc' }}
      />
      {onPick ? (
        // The centre cross a keyboard pick takes, shown while the map has focus.
        <span
          aria-hidden="true"
          data-testid="grid-map-centre"
          className="pointer-events-none absolute top-1/2 left-1/2 z-[1000] hidden -translate-x-1/2 -translate-y-1/2 text-xl leading-none text-red-700 group-focus-within:block"
        >
          +
        </span>
      ) : null}
    </div>
  );
}
