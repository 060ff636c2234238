import { describe, expect, it } from 'vitest';
import { linesGeometry } from './charts';

describe('lines over days', () => {
  it('label the first and last day and never two days too close to read', () => {
    for (const n of [1, 2, 7, 14, 29, 30, 31, 90])
      for (const width of [600, 720]) {
        const days = Array.from({ length: n }, (_, i) =>
          new Date(Date.UTC(2026, 10, 1 + i)).toISOString().slice(0, 10),
        );
        const g = linesGeometry(
          days,
          [{ key: 'ok', name: '成功', color: '#000', values: days.map((_, i) => i) }],
          width,
        );
        expect(g.xTicks[0].text).toBe(days[0].slice(5));
        expect(g.xTicks.at(-1)!.text).toBe(days.at(-1)!.slice(5));
        for (let i = 1; i < g.xTicks.length; i++)
          expect(g.xTicks[i].at - g.xTicks[i - 1].at).toBeGreaterThanOrEqual(30);
        expect(g.lines[0].points).toHaveLength(n);
        // The top of the axis holds the largest value.
        expect(Number(g.yTicks.at(-1)!.text)).toBeGreaterThanOrEqual(n - 1);
      }
  });
});
