import { linePath, rankingGeometry, RANKING_COLOR, trendGeometry, type TrendPoint } from '../reports/charts';
import { useT } from '../i18n/use-t';

// The report charts as plain SVG from the shared geometry (app/reports/charts.ts): drawn in the
// server's HTML, so they show before any script loads, and the same shapes as in the PDF export.
// Each point and bar carries its figure as a <title>, the browser's own tooltip.

const AXIS = '#94a3b8';
const GRID = '#e2e8f0';
const TEXT = '#334155';

/** Received, closed and overdue appeals per receipt day across the period (whole city). */
export function TrendChart({ data, width = 600 }: { data: TrendPoint[]; width?: number }) {
  const { t } = useT();
  const g = trendGeometry(data, width);
  return (
    <div role="img" aria-label={t('每日受理、办结与超期诉求数')} data-testid="trend-chart">
      <svg width={g.width} height={g.height} viewBox={`0 0 ${g.width} ${g.height}`} className="max-w-full">
        {g.legend.map((l) => (
          <g key={l.name}>
            <line x1={l.x} x2={l.x + 16} y1={12} y2={12} stroke={l.color} strokeWidth={2} />
            <text x={l.x + 20} y={16} fontSize={12} fill={TEXT}>
              {t(l.name)}
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
        {g.lines.map((l) => (
          <g key={l.key} className="trend-line" data-series={l.key}>
            <path d={linePath(l.points)} fill="none" stroke={l.color} strokeWidth={2} />
            {l.points.map(([x, y], i) => (
              <circle key={i} cx={x} cy={y} r={g.dots ? 3 : 6} fill={g.dots ? l.color : 'transparent'}>
                <title>{`${data[i].day} ${t(l.name)} ${data[i][l.key as keyof TrendPoint]}`}</title>
              </circle>
            ))}
          </g>
        ))}
      </svg>
    </div>
  );
}

/** The ranked rows by one measure, best at the top; rates are drawn in percent. */
export function RankingChart({
  data,
  name,
  percent,
  width = 600,
  testId = 'ranking-chart',
}: {
  data: { label: string; value: number }[];
  name: string;
  percent: boolean;
  width?: number;
  testId?: string;
}) {
  const { t } = useT();
  const g = rankingGeometry(data, { percent, width });
  return (
    <div role="img" aria-label={t('按{{measure}}排名', { measure: name })} data-testid={testId}>
      {data.length ? (
        <svg width={g.width} height={g.height} viewBox={`0 0 ${g.width} ${g.height}`} className="max-w-full">
          {g.xTicks.map((tk) => (
            <g key={tk.text}>
              <line x1={tk.at} x2={tk.at} y1={g.plot.top} y2={g.plot.bottom} stroke={GRID} strokeDasharray="3 3" />
              <text x={tk.at} y={g.plot.bottom + 14} fontSize={11} fill={TEXT} textAnchor="middle">
                {tk.text}
              </text>
            </g>
          ))}
          {g.bars.map((b, i) => (
            <g key={i} className="ranking-bar">
              <text x={g.plot.left - 6} y={b.labelY + 4} fontSize={11} fill={TEXT} textAnchor="end">
                {b.label.length > 12 ? `${b.label.slice(0, 11)}…` : b.label}
              </text>
              <rect x={b.x} y={b.y} width={b.w} height={b.h} fill={RANKING_COLOR}>
                <title>{`${b.label} ${name} ${b.text}`}</title>
              </rect>
              <text x={b.x + b.w + 4} y={b.labelY + 4} fontSize={11} fill={TEXT}>
                {b.text}
              </text>
            </g>
          ))}
          <line x1={g.plot.left} x2={g.plot.left} y1={g.plot.top} y2={g.plot.bottom} stroke={AXIS} />
        </svg>
      ) : (
        // Keep an (empty) chart in the page so its place and size do not jump between periods.
        <svg width={width} height={60} aria-hidden="true">
          <text x={8} y={34} fill="#64748b" fontSize={13}>
            {t('本期没有可排名的数据')}
          </text>
        </svg>
      )}
    </div>
  );
}
