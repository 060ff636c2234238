import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { assessmentRanking, ownUnit, parseMonth, seesAllUnits } from '../assessment/assessment.server';
import { requireUserWith } from '../auth/session.server';
import { MonthPicker, SchemeLine, percent, points } from '../components/assessment-parts';
import { RankingChart } from '../components/report-charts';
import { domain } from '../http/errors.server';
import { useT } from '../i18n/use-t';

export const meta: MetaFunction = () => [{ title: '考核排名 · 12345 热线' }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'assessment:read');
  const raw = new URL(request.url).searchParams.get('month');
  const month = await domain(async () => parseMonth(raw));
  // A department sees only its own unit: its page is where the ranking would be.
  if (!seesAllUnits(user.actor)) {
    const unit = ownUnit(user.actor);
    if (unit === null) throw new Response('没有所属单位', { status: 403 });
    return redirect(`/assessment/${unit}?month=${month}`);
  }
  return domain(() => assessmentRanking(context.runtime.db.em(), user.actor, month));
}

export default function AssessmentRanking() {
  const { t } = useT();
  const r = useLoaderData<typeof loader>();
  const scored = r.units.filter((u) => u.score.score !== null);
  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-lg font-semibold">{t('单位考核排名')}</h1>
        <p className="text-sm text-slate-600" data-testid="assessment-month">
          {t('{{month}}（{{from}} 至 {{to}}，按诉求受理日期）', { month: r.month, from: r.from, to: r.to })}
        </p>
        <SchemeLine scheme={r.scheme} />
      </div>
      <div className="rounded-lg border bg-white px-4 py-3">
        <MonthPicker month={r.month} previousMonth={r.previousMonth} nextMonth={r.nextMonth} path="/assessment" />
      </div>
      <section className="rounded-lg border bg-white p-4" aria-labelledby="assess-chart-h">
        <h2 id="assess-chart-h" className="mb-2 font-semibold">
          {t('考核得分')}
        </h2>
        <RankingChart
          data={scored.slice(0, 20).map((u) => ({ label: u.name, value: u.score.score! }))}
          name={t('考核得分')}
          percent={false}
          width={760}
          testId="assessment-chart"
        />
      </section>
      <section className="rounded-lg border bg-white" aria-labelledby="assess-table-h">
        <h2 id="assess-table-h" className="border-b px-4 py-2 font-semibold">
          {t('各单位得分')}
        </h2>
        <div className="overflow-x-auto">
          <table className="w-full text-sm" data-testid="assessment-table">
            <thead>
              <tr className="border-b bg-slate-50 text-right text-xs text-slate-600">
                <th className="px-3 py-2 text-left font-medium">{t('名次')}</th>
                <th className="px-3 py-2 text-left font-medium">{t('单位')}</th>
                <th className="px-3 py-2 font-medium">{t('响应率')}</th>
                <th className="px-3 py-2 font-medium">{t('解决率')}</th>
                <th className="px-3 py-2 font-medium">{t('满意率')}</th>
                <th className="px-3 py-2 font-medium">{t('指标得分')}</th>
                <th className="px-3 py-2 font-medium">{t('超期')}</th>
                <th className="px-3 py-2 font-medium">{t('重办')}</th>
                <th className="px-3 py-2 font-medium">{t('扣分')}</th>
                <th className="px-3 py-2 font-medium">{t('考核得分')}</th>
              </tr>
            </thead>
            <tbody>
              {r.units.map((u) => (
                <tr
                  key={u.unitId}
                  className="border-b text-right tabular-nums last:border-0"
                  data-testid="assessment-row"
                  data-unit={u.unitId}
                >
                  <td className="px-3 py-1.5 text-left">{u.place ?? '—'}</td>
                  <th scope="row" className="px-3 py-1.5 text-left font-normal">
                    <Link to={`/assessment/${u.unitId}?month=${r.month}`} className="text-red-700 hover:underline">
                      {u.name}
                    </Link>
                  </th>
                  {u.score.rates.map((rate) => (
                    <td key={rate.measure} className="px-3 py-1.5">
                      {percent(rate.value)}
                    </td>
                  ))}
                  <td className="px-3 py-1.5">{points(u.score.ratePoints)}</td>
                  {u.score.deductions.map((d) => (
                    <td key={d.kind} className="px-3 py-1.5">
                      {d.count}
                    </td>
                  ))}
                  <td className="px-3 py-1.5 text-red-700">
                    {u.score.deductionPoints ? `−${points(u.score.deductionPoints)}` : '0'}
                  </td>
                  <td className="px-3 py-1.5 font-semibold" data-testid="assessment-score">
                    {points(u.score.score)}
                  </td>
                </tr>
              ))}
              {!r.units.length ? (
                <tr>
                  <td colSpan={10} className="px-3 py-6 text-center text-slate-500">
                    {t('本月没有可考核的单位')}
                  </td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
        <p className="border-t px-4 py-2 text-xs text-slate-500">
          {t(
            '得分 = 各项比率 × 权重之和（某项无数据时不计入，其余权重按比例补足 100）− 超期与重办扣分，最低 0 分。点击单位查看得分构成与扣分诉求。',
          )}
        </p>
      </section>
    </div>
  );
}
