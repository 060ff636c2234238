import { dailyLinesGeometry, linePath, type DailySeries } from '../reports/charts';
import { useT } from '../i18n/use-t';

// Named series per day as server-drawn SVG from the shared geometry (app/reports/charts.ts), the trend chart's
// axes and labels; each point carries its figure as a <title>.

const AXIS = '#94a3b8';
const GRID = '#e2e8f0';
const TEXT = '#334155';

export function DailyLinesChart({
  days,
  series,
  label,
  testId,
  width = 720,
}: {
  days: string[];
  series: DailySeries[];
  label: string;
  testId: string;
  width?: number;
}) {
  const g = dailyLinesGeometry(days, series, width);
  const { t } = useT();
  return (
    <div role="img" aria-label={label} data-testid={testId}>
      <svg width={g.width} height={g.height} viewBox={`0 0 ${g.width} ${g.height}`} className="max-w-full">
        {g.legend.map((l) => (
          <g key={l.name}>
            <line x1={l.x} x2={l.x + 16} y1={12} y2={12} stroke={l.color} strokeWidth={2} />
            <text x={l.x + 20} y={16} fontSize={12} fill={TEXT}>
              {l.name}
            </text>
          </g>
        ))}
        {g.yTicks.map((tk) => (
          <g key={tk.text}>
            <line x1={g.plot.left} x2={g.plot.right} y1={tk.at} y2={tk.at} stroke={GRID} strokeDasharray="3 3" />
            <text x={g.plot.left - 6} y={tk.at + 4} fontSize={11} fill={TEXT} textAnchor="end">
              {tk.text}
            </text>
          </g>
        ))}
        <line x1={g.plot.left} x2={g.plot.right} y1={g.plot.bottom} y2={g.plot.bottom} stroke={AXIS} />
        {g.xTicks.map((tk) => (
          <text key={tk.text} x={tk.at} y={g.plot.bottom + 16} fontSize={11} fill={TEXT} textAnchor="middle">
            {tk.text}
          </text>
        ))}
        {g.lines.map((l, s) => (
          <g key={l.key} data-series={l.key}>
            <path d={linePath(l.points)} fill="none" stroke={l.color} strokeWidth={2} />
            {l.points.map(([x, y], i) => (
              <circle key={i} cx={x} cy={y} r={g.dots ? 3 : 5} fill={g.dots ? l.color : 'transparent'}>
                <title>{t('{{day}} {{name}}：{{n}} 件', { day: days[i], name: l.name, n: series[s].values[i] })}</title>
              </circle>
            ))}
          </g>
        ))}
      </svg>
    </div>
  );
}
