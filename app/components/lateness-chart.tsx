import { useT } from '../i18n/use-t';
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';

/** Warned and overdue open appeals per holder, stacked, worst first. */
export function LatenessChart({ data }: { data: { holder: string; warned: number; overdue: number }[] }) {
  const { t } = useT();
  if (!data.length) return <p className="text-slate-500">{t('当前没有临期或超期诉求')}</p>;
  return (
    <div role="img" aria-label={t('各单位临期与超期诉求数')} data-testid="lateness-chart">
      <BarChart width={900} height={260} data={data} margin={{ top: 8, right: 16, left: 0, bottom: 48 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="holder" interval={0} angle={-20} textAnchor="end" tick={{ fontSize: 11 }} />
        <YAxis allowDecimals={false} />
        <Tooltip />
        <Legend verticalAlign="top" />
        <Bar dataKey="overdue" name={t('超期')} stackId="a" fill="#b91c1c" isAnimationActive={false} />
        <Bar dataKey="warned" name={t('临期')} stackId="a" fill="#f59e0b" isAnimationActive={false} />
      </BarChart>
    </div>
  );
}
