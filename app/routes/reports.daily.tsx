import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { requireUserWith } from '../auth/session.server';
import { domain, formFailure, type FormFailure } from '../http/errors.server';
import { readForm } from '../http/body.server';
import { useT } from '../i18n/use-t';
import { generateYesterdayReport, listDailyReports, type DailyReportEntry } from '../reports/daily.server';
import { CsrfField } from '../ui/csrf';

export const meta: MetaFunction = () => [{ title: '每日报表 · 12345 热线' }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'reports:read');
  const reports = await domain(() => listDailyReports(context.runtime.db.em(), user.actor));
  return { reports };
}

type ActionData = { generated: DailyReportEntry | null; failure: FormFailure | null };

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWith(request, context, 'reports:export');
  try {
    await readForm(request); // no fields: the CSRF token
    const generated = await generateYesterdayReport(context.runtime.db.em(), user.actor);
    return json<ActionData>({ generated, failure: null });
  } catch (err) {
    const { failure, status } = formFailure(err, 'generate');
    return json<ActionData>({ generated: null, failure }, { status });
  }
}

const kb = (bytes: number) => Math.max(1, Math.round(bytes / 1024));

export default function DailyReports() {
  const { t } = useT();
  const { reports } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === 'submitting';
  return (
    <div className="space-y-4">
      <div className="flex items-baseline gap-4">
        <h1 className="text-lg font-semibold">{t('每日报表')}</h1>
        <Link to="/reports" className="mr-auto text-red-700 hover:underline">
          {t('返回报表')}
        </Link>
        <Form method="post">
          <CsrfField />
          <button disabled={busy} className="rounded bg-red-700 px-3 py-1 text-white disabled:opacity-60">
            {busy ? t('正在生成…') : t('立即生成昨日日报')}
          </button>
        </Form>
      </div>
      <p className="text-sm text-slate-600">
        {t('每天早上自动生成前一天按部门统计的报表（Excel 与 PDF），并保留在服务器上。')}
      </p>
      {result?.generated ? (
        <p role="status" className="text-sm text-green-700">
          {t('已生成 {{day}} 的日报', { day: result.generated.day })}
        </p>
      ) : null}
      {result?.failure ? (
        <p role="alert" className="text-sm text-red-600">
          {t(result.failure.message)}
        </p>
      ) : null}
      <section className="rounded-lg border bg-white">
        <table className="w-full" data-testid="daily-reports">
          <thead>
            <tr className="border-b text-left text-slate-500">
              <th className="px-3 py-1">{t('日期')}</th>
              <th>{t('生成时间')}</th>
              <th>{t('下载')}</th>
            </tr>
          </thead>
          <tbody>
            {reports.map((r) => (
              <tr key={r.day} className="border-b last:border-0" data-testid="daily-report" data-day={r.day}>
                <td className="px-3 py-1.5 font-mono">{r.day}</td>
                <td>{r.generatedAt}</td>
                <td className="space-x-3">
                  <a href={`/reports/daily/${r.day}/xlsx`} download className="text-red-700 hover:underline">
                    Excel（{kb(r.xlsxSize)} KB）
                  </a>
                  <a href={`/reports/daily/${r.day}/pdf`} download className="text-red-700 hover:underline">
                    PDF（{kb(r.pdfSize)} KB）
                  </a>
                </td>
              </tr>
            ))}
            {reports.length === 0 ? (
              <tr>
                <td colSpan={3} className="px-3 py-4 text-center text-slate-500">
                  {t('还没有日报')}
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </section>
    </div>
  );
}
