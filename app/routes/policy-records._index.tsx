import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { z } from 'zod';
import { requireUserWith } from '../auth/session.server';
import { can } from '../domain/permissions';
import { readForm } from '../http/body.server';
import { domain, formFailure } from '../http/errors.server';
import { RecordColumns, UploadColumns } from '../components/policy-record-tables';
import { useT } from '../i18n/use-t';
import { listPeriods, openPeriod, periodReport, policyRecords } from '../policy-records/records.server';
import { CsrfField } from '../ui/csrf';
import { PERIOD_KIND_LABELS, REPORT_STATUS_LABELS } from '../ui/policy-record-labels';

export const meta: MetaFunction = () => [{ title: '政策落实记录 · 12345 热线' }];

const query = z.object({
  period: z.coerce.number().int().positive().optional().catch(undefined),
  policy: z.coerce.number().int().positive().optional().catch(undefined),
  accepted: z.coerce.number().int().positive().optional().catch(undefined),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'policy-records:read');
  const em = context.runtime.db.em();
  const q = query.parse(Object.fromEntries(new URL(request.url).searchParams));
  const periods = await domain(() => listPeriods(em));
  const periodId = q.period ?? periods[0]?.id;
  const report = periodId ? await domain(() => periodReport(em, user.actor, periodId)) : null;
  const records = periodId && q.policy ? await domain(() => policyRecords(em, user.actor, periodId, q.policy!)) : null;
  return {
    periods,
    report,
    records,
    accepted: q.accepted ?? null,
    mayReport: can(user, 'policy-records:report'),
    oversees: can(user, 'policy-records:oversee'),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWith(request, context, 'policy-records:oversee');
  try {
    const form = await readForm(request);
    const period = await openPeriod(context.runtime.db.em(), user.actor, {
      label: form.get('label'),
      dueOn: form.get('dueOn'),
    });
    return redirect(`/policy-records?period=${period.id}`, 303);
  } catch (err) {
    const { failure, status } = formFailure(err, 'openPeriod');
    return json({ failure }, { status });
  }
}

const STATUS_STYLES: Record<string, string> = {
  onTime: 'bg-emerald-100 text-emerald-800',
  late: 'bg-amber-100 text-amber-800',
  pending: 'bg-slate-100 text-slate-700',
  overdue: 'bg-red-100 text-red-800',
};

export default function PolicyRecords() {
  const { periods, report, records, accepted, mayReport, oversees } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const { t } = useT();
  const busy = useNavigation().state === 'submitting';
  const errors = data?.failure.fieldErrors ?? {};
  const period = report?.period;
  const acceptedUpload = accepted ? report?.uploads.find((u) => u.id === accepted) : undefined;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-lg font-semibold">{t('政策落实记录')}</h1>
        <div className="flex flex-wrap items-center gap-3">
          <Form method="get" className="flex items-center gap-2">
            <label className="flex items-center gap-2">
              <span className="text-slate-600">{t('上报期间')}</span>
              <select name="period" defaultValue={period?.id} className="rounded border px-2 py-1">
                {periods.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.label}
                  </option>
                ))}
              </select>
            </label>
            <button className="rounded border px-3 py-1 hover:bg-slate-100">{t('查看')}</button>
          </Form>
          {mayReport ? (
            <Link
              to={`/policy-records/upload${period ? `?period=${period.id}` : ''}`}
              className="rounded bg-red-700 px-3 py-1.5 text-white hover:bg-red-800"
            >
              {t('上报落实记录')}
            </Link>
          ) : null}
        </div>
      </div>

      {acceptedUpload ? (
        <p role="status" className="rounded bg-green-50 p-2 text-green-800" data-testid="records-accepted">
          {t('已导入“{{file}}”：{{rows}} 条记录，合计 {{amount}} 元', {
            file: acceptedUpload.fileName,
            rows: acceptedUpload.rows,
            amount: acceptedUpload.totalAmount,
          })}
        </p>
      ) : null}

      {report && period ? (
        <>
          <section className="rounded-lg border bg-white" aria-labelledby="status-h">
            <div className="flex flex-wrap items-baseline justify-between gap-2 border-b px-4 py-2">
              <h2 id="status-h" className="font-semibold">
                {t('{{label}} {{kind}}上报情况', { label: period.label, kind: t(PERIOD_KIND_LABELS[period.kind]) })}
              </h2>
              <p className="text-sm text-slate-600">
                {t('期间 {{from}} 至 {{to}}，截止 {{due}}', {
                  from: period.startsOn,
                  to: period.endsOn,
                  due: period.dueOn,
                })}
                {' · '}
                {t('已报 {{reported}} 项（逾期 {{late}}），逾期未报 {{missing}} 项，{{rows}} 条，{{amount}} 元', {
                  ...report.totals,
                })}
              </p>
            </div>
            <table className="w-full text-left">
              <thead>
                <tr className="border-b text-slate-500">
                  <th className="px-4 py-1">{t('编号')}</th>
                  <th>{t('政策名称')}</th>
                  <th>{t('牵头单位')}</th>
                  <th>{t('状态')}</th>
                  <th>{t('首次上报')}</th>
                  <th className="text-right">{t('记录数')}</th>
                  <th className="pr-4 text-right">{t('金额（元）')}</th>
                </tr>
              </thead>
              <tbody>
                {report.policies.map((p) => (
                  <tr key={p.policyId} className="border-b last:border-0" data-testid={`records-${p.number}`}>
                    <td className="px-4 py-1.5 whitespace-nowrap text-slate-500">{p.number}</td>
                    <td>
                      {p.rows ? (
                        <Link
                          to={`/policy-records?period=${period.id}&policy=${p.policyId}`}
                          className="text-red-700 hover:underline"
                        >
                          {p.title}
                        </Link>
                      ) : (
                        p.title
                      )}
                    </td>
                    <td>{p.leadDepartment}</td>
                    <td>
                      <span className={`rounded px-1 text-xs ${STATUS_STYLES[p.status]}`} data-testid="report-status">
                        {t(REPORT_STATUS_LABELS[p.status])}
                      </span>
                    </td>
                    <td className="whitespace-nowrap text-slate-600">{p.firstReportedAt ?? '—'}</td>
                    <td className="text-right tabular-nums">{p.rows}</td>
                    <td className="pr-4 text-right tabular-nums">{p.totalAmount}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {report.policies.length === 0 ? <p className="px-4 py-3 text-slate-500">{t('暂无政策')}</p> : null}
          </section>

          {records ? (
            <section className="rounded-lg border bg-white" aria-labelledby="records-h">
              <div className="flex items-baseline justify-between border-b px-4 py-2">
                <h2 id="records-h" className="font-semibold">
                  {t('{{number}} {{title}} 的落实记录（{{n}}）', { ...records.policy, n: records.total })}
                </h2>
                <Link to={`/policy-records?period=${period.id}`} className="text-sm text-slate-600 hover:underline">
                  {t('收起')}
                </Link>
              </div>
              <table className="w-full text-left text-sm">
                <RecordColumns records={records.records} rowTestId="records-row" />
              </table>
            </section>
          ) : null}

          <section className="rounded-lg border bg-white" aria-labelledby="uploads-h">
            <h2 id="uploads-h" className="border-b px-4 py-2 font-semibold">
              {t('已导入的文件（{{n}}）', { n: report.uploads.length })}
            </h2>
            <table className="w-full text-left text-sm">
              <UploadColumns uploads={report.uploads} rowTestId="records-upload" />
            </table>
            {report.uploads.length === 0 ? <p className="px-4 py-3 text-slate-500">{t('本期尚无上报')}</p> : null}
          </section>
        </>
      ) : (
        <p className="rounded-lg border bg-white px-4 py-3 text-slate-500">{t('尚未设置上报期间')}</p>
      )}

      {oversees ? (
        <Form
          method="post"
          className="space-y-2 rounded-lg border bg-white p-4"
          aria-label={t('设置上报期间')}
          noValidate
        >
          <CsrfField />
          <h2 className="font-semibold">{t('设置上报期间')}</h2>
          <p className="text-xs text-slate-500">
            {t('月度填 2026-11，季度填 2026Q4；截止日默认为期间结束后第 10 天。')}
          </p>
          <div className="flex flex-wrap items-end gap-3">
            <label className="block">
              <span className="text-slate-600">{t('期间')}</span>
              <input name="label" className="mt-1 block rounded border px-2 py-1" placeholder="2026-12" />
              {errors.label ? <span className="block text-sm text-red-700">{t(errors.label[0])}</span> : null}
            </label>
            <label className="block">
              <span className="text-slate-600">{t('上报截止日')}</span>
              <input name="dueOn" type="date" className="mt-1 block rounded border px-2 py-1" />
              {errors.dueOn ? <span className="block text-sm text-red-700">{t(errors.dueOn[0])}</span> : null}
            </label>
            <button disabled={busy} className="rounded bg-red-700 px-4 py-1.5 text-white hover:bg-red-800">
              {t('设置')}
            </button>
          </div>
          {data?.failure && !Object.keys(errors).length ? (
            <p role="alert" className="text-red-700">
              {t(data.failure.message)}
            </p>
          ) : null}
        </Form>
      ) : null}
    </div>
  );
}
