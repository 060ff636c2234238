import { describe, expect, it } from 'vitest';
import { dailyLinesGeometry } from './charts';

describe('daily lines geometry', () => {
  const days = Array.from({ length: 30 }, (_, i) => `2026-11-${String(i + 1).padStart(2, '0')}`);
  const g = dailyLinesGeometry(days, [
    { key: 'road-order', name: 'road-order', color: '#1d4ed8', values: days.map((_, i) => i % 4) },
    { key: 'river-patrol', name: 'river-patrol', color: '#15803d', values: days.map(() => 0) },
  ]);

  it('puts every day of every series on the plot, the highest value under the top tick', () => {
    expect(g.lines).toHaveLength(2);
    for (const l of g.lines) {
      expect(l.points).toHaveLength(30);
      expect(l.points[0][0]).toBe(g.plot.left);
      expect(l.points.at(-1)![0]).toBe(g.plot.right);
      for (const [, y] of l.points) expect(y).toBeGreaterThanOrEqual(g.plot.top);
    }
    // Zero lies on the axis, 3 at or below the top tick.
    expect(g.lines[1].points.every(([, y]) => y === g.plot.bottom)).toBe(true);
    expect(Number(g.yTicks.at(-1)!.text)).toBeGreaterThanOrEqual(3);
  });

  it('labels days without the year, always the last one, never two on top of each other', () => {
    expect(g.xTicks.at(-1)!.text).toBe('11-30');
    expect(g.xTicks[0].text).toBe('11-01');
    for (let i = 1; i < g.xTicks.length; i++) expect(g.xTicks[i].at - g.xTicks[i - 1].at).toBeGreaterThan(20);
    expect(g.legend.map((l) => l.name)).toEqual(['road-order', 'river-patrol']);
  });
});
