// The report charts as geometry: where each line, bar, tick and label goes, computed once from the
// report's figures. The page draws it as SVG on the server (so the charts are there with the first
// HTML, before any script runs) and the PDF draws the very same shapes with pdfkit, so the two
// cannot show different charts. Plain data, no React, no I/O.

export interface Box {
  width: number;
  height: number;
  /** The plot area inside the axes. */
  plot: { left: number; top: number; right: number; bottom: number };
}

export interface Tick {
  at: number;
  text: string;
}

/** Round steps for an axis from 0 to at least `max`: 1, 2 or 5 × 10^n, about `count` of them. */
export function niceTicks(max: number, count = 5, integer = true): number[] {
  const top = max > 0 ? max : 1;
  const raw = top / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  if (integer) step = Math.max(1, Math.round(step));
  const n = Math.ceil(top / step - 1e-9);
  return Array.from({ length: n + 1 }, (_, i) => Number((i * step).toFixed(6)));
}

// ---- Trend: lines over the days of the period -------------------------------------------------

export interface TrendSeries {
  key: string;
  name: string;
  color: string;
}

export const TREND_SERIES: readonly TrendSeries[] = [
  { key: 'received', name: '受理量', color: '#1d4ed8' },
  { key: 'closed', name: '办结', color: '#15803d' },
  { key: 'overdue', name: '超期', color: '#b91c1c' },
];

export interface TrendPoint {
  day: string;
  received: number;
  closed: number;
  overdue: number;
}

export interface TrendGeometry extends Box {
  lines: { key: string; name: string; color: string; points: [number, number][] }[];
  /** Dots on each point when there are few days. */
  dots: boolean;
  xTicks: Tick[];
  yTicks: Tick[];
  legend: { name: string; color: string; x: number }[];
}

export function trendGeometry(data: readonly TrendPoint[], width = 600, height = 260): TrendGeometry {
  return linesGeometry(
    data.map((d) => d.day),
    TREND_SERIES.map((s) => ({ ...s, values: data.map((d) => d[s.key as keyof TrendPoint] as number) })),
    width,
    height,
  );
}

/** One line per series over the same days (`YYYY-MM-DD`), a value per day each. */
export function linesGeometry(
  days: readonly string[],
  series: readonly (TrendSeries & { values: readonly number[] })[],
  width = 600,
  height = 260,
): TrendGeometry {
  const plot = { left: 40, top: 32, right: width - 16, bottom: height - 26 };
  const max = Math.max(0, ...series.flatMap((s) => s.values));
  const ticks = niceTicks(max, 5);
  const top = ticks.at(-1)!;
  const span = Math.max(1, days.length - 1);
  const x = (i: number) =>
    days.length === 1 ? (plot.left + plot.right) / 2 : plot.left + ((plot.right - plot.left) * i) / span;
  const y = (v: number) => plot.bottom - ((plot.bottom - plot.top) * v) / top;
  // Day labels without the year, as many as fit at about 44 px each, always the first and the last.
  const every = Math.max(1, Math.ceil(days.length / Math.max(1, Math.floor((plot.right - plot.left) / 44))));
  const picked = days.map((_, i) => i).filter((i) => i % every === 0);
  const last = days.length - 1;
  if (last >= 0 && picked.at(-1) !== last) {
    if (picked.length > 1 && last - picked.at(-1)! <= every / 2) picked.pop();
    picked.push(last);
  }
  const xTicks = picked.map((i) => ({ at: x(i), text: days[i].slice(5) }));
  return {
    width,
    height,
    plot,
    lines: series.map((s) => ({
      key: s.key,
      name: s.name,
      color: s.color,
      points: s.values.map((v, i) => [x(i), y(v)] as [number, number]),
    })),
    dots: days.length <= 14,
    xTicks,
    yTicks: ticks.map((v) => ({ at: y(v), text: String(v) })),
    legend: series.map((s, i) => ({ name: s.name, color: s.color, x: plot.left + i * 90 })),
  };
}

// ---- Ranking: horizontal bars, best first ---------------------------------------------------------

export interface RankingGeometry extends Box {
  bars: { label: string; value: number; text: string; x: number; y: number; w: number; h: number; labelY: number }[];
  xTicks: Tick[];
}

export const RANKING_COLOR = '#b91c1c';

/** Bars for ranked rows; rates come in percent (0–100) with `percent`, other figures as they are. */
export function rankingGeometry(
  data: readonly { label: string; value: number }[],
  opts: { percent: boolean; width?: number; labelWidth?: number; max?: number; row?: number },
): RankingGeometry {
  const width = opts.width ?? 600;
  const labelWidth = opts.labelWidth ?? 150;
  const row = opts.row ?? 24;
  const height = Math.max(120, 34 + data.length * row);
  const plot = { left: labelWidth + 8, top: 4, right: width - 48, bottom: height - 22 };
  const ticks = opts.percent
    ? [0, 20, 40, 60, 80, 100]
    : niceTicks(opts.max ?? Math.max(0, ...data.map((d) => d.value)), 5, false);
  const top = ticks.at(-1)!;
  const band = (plot.bottom - plot.top) / Math.max(1, data.length);
  const barH = Math.min(14, band * 0.7);
  const format = (v: number) => (opts.percent ? `${v.toFixed(1)}%` : String(Math.round(v * 100) / 100));
  return {
    width,
    height,
    plot,
    bars: data.map((d, i) => {
      const mid = plot.top + band * (i + 0.5);
      return {
        label: d.label,
        value: d.value,
        text: format(d.value),
        x: plot.left,
        y: mid - barH / 2,
        w: (Math.max(0, Math.min(d.value, top)) / top) * (plot.right - plot.left),
        h: barH,
        labelY: mid,
      };
    }),
    xTicks: ticks.map((v) => ({
      at: plot.left + (v / top) * (plot.right - plot.left),
      text: opts.percent ? `${v}%` : String(v),
    })),
  };
}

/** An SVG path through points. */
export const linePath = (points: readonly [number, number][]) =>
  points.map(([x, y], i) => `${i ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`).join(' ');

// ---- The figures the charts draw, from a report: one function for the page and the PDF ------------

/** The report's whole-city days up to today (days still to come are left out, not drawn as zeros). */
export function trendData(
  trend: readonly { day: string; cells: { received: number; closed: number; overdue: number } }[],
  today: string,
): TrendPoint[] {
  return trend
    .filter((d) => d.day <= today)
    .map((d) => ({ day: d.day, received: d.cells.received, closed: d.cells.closed, overdue: d.cells.overdue }));
}

/** The ranked rows' values for the bar chart: percent for rates, one decimal otherwise; the first 15 with a value. */
export function rankingData(
  ranked: readonly { label: string; value: number | null }[],
  kind: 'count' | 'rate' | 'average',
): { label: string; value: number }[] {
  return ranked
    .flatMap((r) =>
      r.value === null
        ? []
        : [
            {
              label: r.label,
              value: kind === 'rate' ? Math.round(r.value * 1000) / 10 : Math.round(r.value * 10) / 10,
            },
          ],
    )
    .slice(0, 15);
}

// ---- Daily lines: any named series over the same days (a scene's events per day) ------------------

export interface DailySeries {
  key: string;
  name: string;
  color: string;
  values: readonly number[];
}

/** One line per series over `days` (YYYY-MM-DD), on the trend chart's axes and day labels. */
export function dailyLinesGeometry(
  days: readonly string[],
  series: readonly DailySeries[],
  width = 600,
  height = 260,
): TrendGeometry {
  const plot = { left: 40, top: 32, right: width - 16, bottom: height - 26 };
  const ticks = niceTicks(Math.max(0, ...series.flatMap((s) => s.values)), 5);
  const top = ticks.at(-1)!;
  const span = Math.max(1, days.length - 1);
  const x = (i: number) =>
    days.length === 1 ? (plot.left + plot.right) / 2 : plot.left + ((plot.right - plot.left) * i) / span;
  const y = (v: number) => plot.bottom - ((plot.bottom - plot.top) * v) / top;
  const every = Math.max(1, Math.ceil(days.length / Math.max(1, Math.floor((plot.right - plot.left) / 44))));
  const picked = days.map((_, i) => i).filter((i) => i % every === 0);
  // The last day always, in place of a label too close to it.
  const last = days.length - 1;
  if (last >= 0 && picked.at(-1) !== last) {
    if (picked.length > 1 && last - picked.at(-1)! < every / 2) picked.pop();
    picked.push(last);
  }
  return {
    width,
    height,
    plot,
    lines: series.map((s) => ({
      key: s.key,
      name: s.name,
      color: s.color,
      points: s.values.map((v, i) => [x(i), y(v)] as [number, number]),
    })),
    dots: days.length <= 14,
    xTicks: picked.map((i) => ({ at: x(i), text: days[i].slice(5) })),
    yTicks: ticks.map((v) => ({ at: y(v), text: String(v) })),
    legend: series.map((s, i) => ({ name: s.name, color: s.color, x: plot.left + i * 110 })),
  };
}

/** Colours for series that have no colour of their own, in order. */
export const SERIES_COLORS = ['#1d4ed8', '#15803d', '#b45309', '#7c3aed', '#be123c', '#0f766e', '#4b5563'] as const;
