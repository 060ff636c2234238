import { Bar, BarChart, CartesianGrid, LabelList, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { useT } from '../i18n/use-t';

/** Received, closed and overdue appeals per receipt day across the period (whole city). */
export function TrendChart({
  data,
  width = 600,
}: {
  data: { day: string; received: number; closed: number; overdue: number }[];
  width?: number;
}) {
  const { t } = useT();
  // Day labels without the year; a month shows every few days so they stay legible.
  const points = data.map((d) => ({ ...d, label: d.day.slice(5) }));
  return (
    <div role="img" aria-label={t('每日受理、办结与超期诉求数')} data-testid="trend-chart">
      <LineChart width={width} height={260} data={points} margin={{ top: 8, right: 16, left: 0, bottom: 8 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
        <XAxis dataKey="label" tick={{ fontSize: 11 }} interval="preserveStartEnd" minTickGap={12} />
        <YAxis allowDecimals={false} tick={{ fontSize: 11 }} width={36} />
        <Tooltip labelFormatter={(_, p) => (p?.[0]?.payload as { day?: string } | undefined)?.day ?? ''} />
        <Legend verticalAlign="top" height={28} />
        <Line
          type="linear"
          dataKey="received"
          name={t('受理量')}
          stroke="#1d4ed8"
          strokeWidth={2}
          dot={data.length <= 14}
          isAnimationActive={false}
        />
        <Line
          type="linear"
          dataKey="closed"
          name={t('办结')}
          stroke="#15803d"
          strokeWidth={2}
          dot={data.length <= 14}
          isAnimationActive={false}
        />
        <Line
          type="linear"
          dataKey="overdue"
          name={t('超期')}
          stroke="#b91c1c"
          strokeWidth={2}
          dot={data.length <= 14}
          isAnimationActive={false}
        />
      </LineChart>
    </div>
  );
}

/** The ranked rows by one measure, best at the top; rates are drawn in percent. */
export function RankingChart({
  data,
  name,
  percent,
  width = 600,
}: {
  data: { label: string; value: number }[];
  name: string;
  percent: boolean;
  width?: number;
}) {
  const { t } = useT();
  const format = (v: unknown) => (percent ? `${Number(v).toFixed(1)}%` : String(Math.round(Number(v) * 10) / 10));
  const height = Math.max(120, 34 + data.length * 24);
  return (
    <div role="img" aria-label={t('按{{measure}}排名', { measure: name })} data-testid="ranking-chart">
      {data.length ? (
        <BarChart
          layout="vertical"
          width={width}
          height={height}
          data={data}
          margin={{ top: 4, right: 48, left: 8, bottom: 4 }}
        >
          <CartesianGrid strokeDasharray="3 3" horizontal={false} stroke="#e2e8f0" />
          <XAxis
            type="number"
            tick={{ fontSize: 11 }}
            domain={percent ? [0, 100] : [0, 'auto']}
            tickFormatter={(v) => (percent ? `${v}%` : String(v))}
          />
          <YAxis type="category" dataKey="label" width={150} tick={{ fontSize: 11 }} interval={0} />
          <Tooltip formatter={(v) => [format(v), name]} />
          <Bar dataKey="value" name={name} fill="#b91c1c" barSize={14} isAnimationActive={false}>
            <LabelList dataKey="value" position="right" formatter={format} style={{ fontSize: 11, fill: '#334155' }} />
          </Bar>
        </BarChart>
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
