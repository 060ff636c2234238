import { linePath, linesGeometry } from '../reports/charts';
import { useT } from '../i18n/use-t';
import { API_OUTCOME_LABELS } from '../ui/labels';

// Interface calls per day, one line per outcome, as SVG from the shared chart geometry: in the server's HTML.

const AXIS = '#94a3b8';
const GRID = '#e2e8f0';
const TEXT = '#334155';
const COLORS: Record<string, string> = {
  ok: '#15803d',
  'unknown-key': '#b91c1c',
  revoked: '#7c2d12',
  'missing-key': '#f97316',
  address: '#7c3aed',
  operation: '#1d4ed8',
  rate: '#ca8a04',
};
const OTHER = ['#0f766e', '#be185d', '#475569', '#65a30d'];

export function ApiCallsChart({
  days,
  outcomes,
  width = 720,
}: {
  days: string[];
  outcomes: { outcome: string; counts: number[] }[];
  width?: number;
}) {
  const { t } = useT();
  let spare = 0;
  const g = linesGeometry(
    days,
    outcomes.map((o) => ({
      key: o.outcome,
      name: API_OUTCOME_LABELS[o.outcome] ?? o.outcome,
      color: COLORS[o.outcome] ?? OTHER[spare++ % OTHER.length],
      values: o.counts,
    })),
    width,
  );
  return (
    <div role="img" aria-label={t('近 30 天每日接口调用数（按结果）')} data-testid="api-calls-chart">
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
        {g.lines.map((l, s) => (
          <g key={l.key} data-outcome={l.key}>
            <path d={linePath(l.points)} fill="none" stroke={l.color} strokeWidth={2} />
            {l.points.map(([x, y], i) => (
              <circle key={i} cx={x} cy={y} r={g.dots ? 3 : 5} fill={g.dots ? l.color : 'transparent'}>
                <title>{`${days[i]} ${t(l.name)} ${outcomes[s].counts[i]}`}</title>
              </circle>
            ))}
          </g>
        ))}
      </svg>
      {outcomes.length === 0 ? <p className="text-sm text-slate-500">{t('近 30 天没有接口调用')}</p> : null}
    </div>
  );
}
