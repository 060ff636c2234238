import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator } from '@remix-run/react';
import { useEffect } from 'react';
import { z } from 'zod';
import { requireUserWith } from '../auth/session.server';
import { RankingChart } from '../components/report-charts';
import { can } from '../domain/permissions';
import { readForm } from '../http/body.server';
import { domain, formFailure } from '../http/errors.server';
import { useT } from '../i18n/use-t';
import { EVALUATION_COLUMNS, formatColumn } from '../policy-evaluation/columns';
import { evaluationPeriods, policyEvaluation } from '../policy-evaluation/evaluation.server';
import { listEvaluationReports, requestEvaluationReport } from '../policy-evaluation/report.server';
import { evaluationCharts } from '../policy-evaluation/report-files.server';
import { GROUPS, SCORE_WEIGHTS } from '../policy-evaluation/score';
import { CsrfField } from '../ui/csrf';
import { REPORT_STATUS_LABELS } from '../ui/policy-record-labels';

export const meta: MetaFunction = () => [{ title: '政策评价 · 12345 热线' }];

const query = z.object({
  period: z.coerce.number().int().positive().optional().catch(undefined),
  by: z.enum(GROUPS).catch('policy'),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'policy-evaluation:read');
  const em = context.runtime.db.em();
  const q = query.parse(Object.fromEntries(new URL(request.url).searchParams));
  const periods = await domain(() => evaluationPeriods(em, user.actor));
  const periodId = q.period ?? periods[0]?.id;
  const evaluation = periodId
    ? await domain(() => policyEvaluation(em, user.actor, { periodId, groupBy: q.by }))
    : null;
  // The charts are by lead department on both tabs: the meeting ranks the departments.
  const byDepartment =
    evaluation && q.by === 'department'
      ? evaluation
      : periodId
        ? await domain(() => policyEvaluation(em, user.actor, { periodId, groupBy: 'department' }))
        : null;
  const mayReport = can(user, 'policy-evaluation:report');
  const reports = periodId && mayReport ? await domain(() => listEvaluationReports(em, user.actor, periodId)) : [];
  return {
    periods,
    evaluation,
    charts: byDepartment ? evaluationCharts(byDepartment) : null,
    by: q.by,
    mayReport,
    reports,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWith(request, context, 'policy-evaluation:report');
  try {
    const form = await readForm(request);
    const periodId = z.coerce.number().int().positive().parse(form.get('periodId'));
    await requestEvaluationReport(context.runtime.db.em(), context.runtime.boss, user.actor, periodId);
    const by = GROUPS.find((g) => g === form.get('by')) ?? 'policy';
    return redirect(`/policy-evaluation?period=${periodId}&by=${by}`, 303);
  } catch (err) {
    const { failure, status } = formFailure(err, 'generate');
    return json({ failure }, { status });
  }
}

const STATE_LABELS = { queued: '排队中', running: '生成中', done: '已完成', failed: '失败' } as const;
const STATE_STYLES = {
  queued: 'bg-slate-100 text-slate-700',
  running: 'bg-amber-100 text-amber-800',
  done: 'bg-emerald-100 text-emerald-800',
  failed: 'bg-red-100 text-red-800',
} as const;
const kb = (bytes: number | null) => Math.max(1, Math.round((bytes ?? 0) / 1024));
const WEIGHT_LABELS: Record<keyof typeof SCORE_WEIGHTS, string> = {
  onTimeReportRate: '按时上报',
  receiptRate: '到账确认率',
  amountRate: '金额相符率',
  satisfactionRate: '满意率',
  complaintsPerThousand: '每千人投诉',
};

export default function PolicyEvaluation() {
  const { periods, evaluation, charts, by, mayReport, reports } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const { t } = useT();
  const busy = useNavigation().state === 'submitting';
  const revalidator = useRevalidator();
  const working = reports.some((r) => r.state === 'queued' || r.state === 'running');
  // While a report is being written, the page asks again every two seconds until it is done or failed.
  useEffect(() => {
    if (!working) return;
    const timer = setInterval(() => {
      if (revalidator.state === 'idle') revalidator.revalidate();
    }, 2000);
    return () => clearInterval(timer);
  }, [working, revalidator]);

  const period = evaluation?.period;
  const drill = (figure: string, key: number) =>
    `/policy-evaluation/drill?${new URLSearchParams({ period: String(period?.id), figure, [by]: String(key) })}`;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-lg font-semibold">{t('政策落实评价（晴雨表）')}</h1>
        <Form method="get" className="flex items-center gap-2">
          <input type="hidden" name="by" value={by} />
          <label className="flex items-center gap-2">
            <span className="text-slate-600">{t('期间')}</span>
            <select name="period" defaultValue={period?.id} className="rounded border px-2 py-1" aria-label={t('期间')}>
              {periods.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.label}
                </option>
              ))}
            </select>
          </label>
          <button className="rounded border px-3 py-1 hover:bg-slate-100">{t('查看')}</button>
        </Form>
      </div>

      {evaluation && period && charts ? (
        <>
          <p className="text-sm text-slate-600">
            {t('期间 {{from}} 至 {{to}}，截止 {{due}}', {
              from: period.startsOn,
              to: period.endsOn,
              due: period.dueOn,
            })}
            {' · '}
            {t('综合得分权重：')}
            {(Object.keys(SCORE_WEIGHTS) as (keyof typeof SCORE_WEIGHTS)[])
              .map((k) => `${t(WEIGHT_LABELS[k])} ${SCORE_WEIGHTS[k] * 100}%`)
              .join('、')}
          </p>
          <div className="grid gap-4 lg:grid-cols-2">
            <section className="rounded-lg border bg-white p-4" aria-labelledby="rank-h">
              <h2 id="rank-h" className="mb-2 font-semibold">
                {t('牵头单位综合得分排名')}
              </h2>
              <RankingChart data={charts.ranking} name={t('综合得分')} percent={false} width={560} />
            </section>
            <section className="rounded-lg border bg-white p-4" aria-labelledby="receipt-h">
              <h2 id="receipt-h" className="mb-2 font-semibold">
                {t('各牵头单位回访到账确认率')}
              </h2>
              <RankingChart data={charts.receipt} name={t('到账确认率')} percent width={560} testId="receipt-chart" />
            </section>
          </div>

          <section className="rounded-lg border bg-white" aria-labelledby="table-h">
            <div className="flex flex-wrap items-baseline justify-between gap-2 border-b px-4 py-2">
              <h2 id="table-h" className="font-semibold">
                {t('{{label}} 评价排名', { label: period.label })}
              </h2>
              <nav className="flex gap-1 text-sm" aria-label={t('统计口径')}>
                {GROUPS.map((g) => (
                  <Link
                    key={g}
                    to={`/policy-evaluation?period=${period.id}&by=${g}`}
                    aria-current={g === by ? 'page' : undefined}
                    className={`rounded px-3 py-1 ${g === by ? 'bg-red-700 text-white' : 'border hover:bg-slate-100'}`}
                  >
                    {t(g === 'policy' ? '按政策' : '按牵头单位')}
                  </Link>
                ))}
              </nav>
            </div>
            <div className="overflow-x-auto">
              <table className="w-full text-sm" data-testid="evaluation-table">
                <thead>
                  <tr className="border-b bg-slate-50 text-slate-600">
                    <th className="px-2 py-2 text-right font-medium">{t('排名')}</th>
                    <th className="px-2 text-left font-medium">{t(by === 'policy' ? '政策' : '牵头单位')}</th>
                    {by === 'policy' ? <th className="px-2 text-left font-medium">{t('上报状态')}</th> : null}
                    {EVALUATION_COLUMNS.map((c) => (
                      <th key={c.key} className="px-2 text-right font-medium" title={t(c.formula)}>
                        {t(c.label)}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {evaluation.rows.map((r) => (
                    <tr key={r.key} className="border-b last:border-0" data-testid="evaluation-row" data-key={r.key}>
                      <td className="px-2 py-1.5 text-right tabular-nums">{r.rank ?? '—'}</td>
                      <td className="px-2">
                        <div>{r.label}</div>
                        {by === 'policy' ? (
                          <div className="text-xs text-slate-500">
                            {r.number} · {r.department}
                          </div>
                        ) : null}
                      </td>
                      {by === 'policy' ? (
                        <td className="px-2 text-xs whitespace-nowrap">
                          {r.status ? t(REPORT_STATUS_LABELS[r.status]) : ''}
                        </td>
                      ) : null}
                      {EVALUATION_COLUMNS.map((c) => {
                        const text = formatColumn(c.kind, c.value(r));
                        return (
                          <td key={c.key} className="px-2 text-right tabular-nums" data-column={c.key}>
                            {c.drill && text !== '—' ? (
                              <Link to={drill(c.drill, r.key)} className="text-red-700 hover:underline">
                                {text}
                              </Link>
                            ) : (
                              text
                            )}
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                  <tr className="bg-slate-50 font-semibold" data-testid="evaluation-total">
                    <td />
                    <td className="px-2 py-1.5">{t('合计')}</td>
                    {by === 'policy' ? <td /> : null}
                    {EVALUATION_COLUMNS.map((c) => (
                      <td key={c.key} className="px-2 text-right tabular-nums">
                        {formatColumn(c.kind, c.value(evaluation.total))}
                      </td>
                    ))}
                  </tr>
                </tbody>
              </table>
            </div>
            {evaluation.rows.length === 0 ? <p className="px-4 py-3 text-slate-500">{t('暂无政策')}</p> : null}
            <p className="border-t px-4 py-2 text-xs text-slate-500">
              {t('点击数字查看其背后的落实记录、回访或诉求。“—”表示分母为零、无法计算。')}
            </p>
          </section>

          {mayReport ? (
            <section className="rounded-lg border bg-white" aria-labelledby="reports-h">
              <div className="flex flex-wrap items-baseline justify-between gap-2 border-b px-4 py-2">
                <h2 id="reports-h" className="font-semibold">
                  {t('常务会议评价报告')}
                </h2>
                <Form method="post">
                  <CsrfField />
                  <input type="hidden" name="periodId" value={period.id} />
                  <input type="hidden" name="by" value={by} />
                  <button disabled={busy} className="rounded bg-red-700 px-3 py-1 text-white disabled:opacity-60">
                    {t('生成报告')}
                  </button>
                </Form>
              </div>
              {data?.failure ? (
                <p role="alert" className="px-4 py-2 text-sm text-red-700">
                  {t(data.failure.message)}
                </p>
              ) : null}
              <table className="w-full text-left text-sm" data-testid="evaluation-reports">
                <thead>
                  <tr className="border-b text-slate-500">
                    <th className="px-4 py-1">{t('申请时间')}</th>
                    <th>{t('申请人')}</th>
                    <th>{t('状态')}</th>
                    <th className="pr-4">{t('下载')}</th>
                  </tr>
                </thead>
                <tbody>
                  {reports.map((r) => (
                    <tr
                      key={r.id}
                      className="border-b last:border-0"
                      data-testid="evaluation-report"
                      data-state={r.state}
                    >
                      <td className="px-4 py-1.5 whitespace-nowrap">{r.requestedAt}</td>
                      <td>{r.requestedBy}</td>
                      <td>
                        <span className={`rounded px-1 text-xs ${STATE_STYLES[r.state]}`} data-testid="report-state">
                          {t(STATE_LABELS[r.state])}
                        </span>
                        {r.failure ? <span className="ml-2 text-xs text-red-700">{t(r.failure)}</span> : null}
                      </td>
                      <td className="space-x-3 pr-4">
                        {r.state === 'done' ? (
                          <>
                            <a
                              href={`/policy-evaluation/reports/${r.id}/pdf`}
                              download
                              className="text-red-700 hover:underline"
                            >
                              PDF（{kb(r.pdfSize)} KB）
                            </a>
                            <a
                              href={`/policy-evaluation/reports/${r.id}/xlsx`}
                              download
                              className="text-red-700 hover:underline"
                            >
                              Excel（{kb(r.xlsxSize)} KB）
                            </a>
                          </>
                        ) : null}
                      </td>
                    </tr>
                  ))}
                  {reports.length === 0 ? (
                    <tr>
                      <td colSpan={4} className="px-4 py-3 text-center text-slate-500">
                        {t('本期还没有生成报告')}
                      </td>
                    </tr>
                  ) : null}
                </tbody>
              </table>
            </section>
          ) : null}
        </>
      ) : (
        <p className="rounded-lg border bg-white px-4 py-3 text-slate-500">{t('尚未设置上报期间')}</p>
      )}
    </div>
  );
}
