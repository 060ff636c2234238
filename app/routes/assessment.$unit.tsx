import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { z } from 'zod';
import { parseMonth, seesAllUnits, unitAssessment } from '../assessment/assessment.server';
import { requireUserWith } from '../auth/session.server';
import { MonthPicker, SchemeLine, percent, points } from '../components/assessment-parts';
import { domain } from '../http/errors.server';
import { useT } from '../i18n/use-t';
import { PHASE_LABELS } from '../ui/labels';

export const meta: MetaFunction = () => [{ title: '单位考核 · 12345 热线' }];

const unitParam = z.coerce.number().int().positive().max(2_147_483_647);

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'assessment:read');
  const unit = unitParam.safeParse(params.unit);
  if (!unit.success) throw new Response('无效的单位', { status: 400 });
  const raw = new URL(request.url).searchParams.get('month');
  const month = await domain(async () => parseMonth(raw));
  const view = await domain(() => unitAssessment(context.runtime.db.em(), user.actor, unit.data, month));
  return { ...view, ranking: seesAllUnits(user.actor) };
}

export default function UnitAssessmentPage() {
  const { t } = useT();
  const v = useLoaderData<typeof loader>();
  const s = v.score;
  return (
    <div className="space-y-4">
      <div>
        {v.ranking ? (
          <Link to={`/assessment?month=${v.month}`} className="text-sm text-red-700 hover:underline">
            {t('‹ 考核排名')}
          </Link>
        ) : null}
        <h1 className="text-lg font-semibold" data-testid="assessment-unit">
          {t('{{unit}} · {{month}} 考核', { unit: v.unit.name, month: v.month })}
        </h1>
        <SchemeLine scheme={v.scheme} />
      </div>
      <div className="rounded-lg border bg-white px-4 py-3">
        <MonthPicker
          month={v.month}
          previousMonth={v.previousMonth}
          nextMonth={v.nextMonth}
          path={`/assessment/${v.unit.id}`}
        />
      </div>
      <section className="grid gap-3 md:grid-cols-3" aria-label={t('考核结果')}>
        <div className="rounded-lg border bg-white px-4 py-3">
          <div className="text-xs text-slate-500">{t('考核得分')}</div>
          <div className="text-3xl font-semibold tabular-nums" data-testid="unit-score">
            {points(s.score)}
          </div>
        </div>
        <div className="rounded-lg border bg-white px-4 py-3">
          <div className="text-xs text-slate-500">{t('名次')}</div>
          <div className="text-3xl font-semibold tabular-nums" data-testid="unit-place">
            {v.place === null ? '—' : t('{{place}} / {{n}}', { place: v.place, n: v.ranked })}
          </div>
        </div>
        <div className="rounded-lg border bg-white px-4 py-3">
          <div className="text-xs text-slate-500">{t('扣分')}</div>
          <div className="text-3xl font-semibold tabular-nums text-red-700" data-testid="unit-deductions">
            {s.deductionPoints ? `−${points(s.deductionPoints)}` : '0'}
          </div>
        </div>
      </section>
      <section className="rounded-lg border bg-white" aria-labelledby="breakdown-h">
        <h2 id="breakdown-h" className="border-b px-4 py-2 font-semibold">
          {t('得分构成')}
        </h2>
        <table className="w-full text-sm" data-testid="score-breakdown">
          <thead>
            <tr className="border-b bg-slate-50 text-right text-xs text-slate-600">
              <th className="px-3 py-2 text-left font-medium">{t('项目')}</th>
              <th className="px-3 py-2 font-medium">{t('计算')}</th>
              <th className="px-3 py-2 font-medium">{t('数值')}</th>
              <th className="px-3 py-2 font-medium">{t('权重 / 每件')}</th>
              <th className="px-3 py-2 font-medium">{t('得分')}</th>
            </tr>
          </thead>
          <tbody>
            {s.rates.map((r) => (
              <tr key={r.measure} className="border-b text-right tabular-nums" data-testid="rate-part">
                <th scope="row" className="px-3 py-1.5 text-left font-normal">
                  {t(r.label)}
                </th>
                <td className="px-3 py-1.5">
                  {r.numerator} / {r.denominator}
                </td>
                <td className="px-3 py-1.5">{percent(r.value)}</td>
                <td className="px-3 py-1.5">{r.weight}%</td>
                <td className="px-3 py-1.5">{r.points === null ? t('无数据，不计入') : `+${points(r.points)}`}</td>
              </tr>
            ))}
            {s.deductions.map((d) => (
              <tr key={d.kind} className="border-b text-right tabular-nums" data-testid="deduction-part">
                <th scope="row" className="px-3 py-1.5 text-left font-normal">
                  <a href={`#${d.kind}`} className="text-red-700 hover:underline">
                    {t(d.label)}
                  </a>
                </th>
                <td className="px-3 py-1.5">{t('{{n}} 件', { n: d.count })}</td>
                <td className="px-3 py-1.5" />
                <td className="px-3 py-1.5">{t('{{p}} 分', { p: d.perAppeal })}</td>
                <td className="px-3 py-1.5 text-red-700">{d.points ? `−${points(d.points)}` : '0'}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr className="bg-slate-50 text-right font-semibold tabular-nums">
              <th scope="row" className="px-3 py-1.5 text-left">
                {t('合计')}
              </th>
              <td colSpan={3} className="px-3 py-1.5 text-xs font-normal text-slate-500">
                {t('指标得分 {{rate}} − 扣分 {{ded}}', { rate: points(s.ratePoints), ded: points(s.deductionPoints) })}
              </td>
              <td className="px-3 py-1.5">{points(s.score)}</td>
            </tr>
          </tfoot>
        </table>
      </section>
      {s.deductions.map((d) => (
        <section
          key={d.kind}
          id={d.kind}
          className="rounded-lg border bg-white"
          aria-label={t('{{label}}的诉求', { label: t(d.label) })}
          data-testid={`deduction-${d.kind}`}
        >
          <h2 className="border-b px-4 py-2 font-semibold">
            {t('{{label}}的诉求（{{n}} 件）', { label: t(d.label), n: v.appeals[d.kind].length })}
          </h2>
          {v.appeals[d.kind].length ? (
            <ul className="divide-y text-sm">
              {v.appeals[d.kind].map((a) => (
                <li key={a.appealId} className="flex flex-wrap items-baseline gap-3 px-4 py-1.5">
                  <Link to={`/appeals/${a.appealId}`} className="font-mono text-red-700 hover:underline">
                    {a.number}
                  </Link>
                  <span className="flex-1">{a.title}</span>
                  <span className="text-xs text-slate-500">{t(PHASE_LABELS[a.phase] ?? a.phase)}</span>
                  <span className="text-xs text-slate-500">{a.day}</span>
                </li>
              ))}
            </ul>
          ) : (
            <p className="px-4 py-3 text-sm text-slate-500">{t('本月没有此项扣分')}</p>
          )}
        </section>
      ))}
    </div>
  );
}
