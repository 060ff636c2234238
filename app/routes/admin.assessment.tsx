import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { addSchemeVersion, schemeHistory } from '../assessment/assessment.server';
import { requireUserWith } from '../auth/session.server';
import { AdminFieldError, AdminNav } from '../components/admin-nav';
import { readFormWithRefusal } from '../http/body.server';
import { domain, formFailure } from '../http/errors.server';
import { useT } from '../i18n/use-t';
import { CsrfField } from '../ui/csrf';

export const meta: MetaFunction = () => [{ title: '考核办法 · 12345 热线' }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'admin:assessment');
  return domain(() => schemeHistory(context.runtime.db.em(), user.actor));
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWith(request, context, 'admin:assessment');
  const { form, refused } = await readFormWithRefusal(request);
  try {
    if (refused) throw refused;
    await addSchemeVersion(context.runtime.db.em(), user.actor, Object.fromEntries(form));
  } catch (err) {
    const { failure, status } = formFailure(err, 'add');
    return json({ failure, values: Object.fromEntries(form) as Record<string, string> }, { status });
  }
  return redirect('/admin/assessment');
}

const field = 'mt-1 w-full rounded border px-2 py-1';

export default function AdminAssessment() {
  const { t } = useT();
  const { versions, firstOpenMonth } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === 'submitting';
  const errors = result?.failure?.fieldErrors ?? {};
  const current = versions.find((v) => !v.superseded && v.validFrom <= firstOpenMonth);
  const value = (name: string, fallback: string | number) => result?.values?.[name] ?? String(fallback);
  const number = (name: string, label: string, fallback: number, step: string) => (
    <label className="block">
      <span className="text-slate-600">{t(label)}</span>
      <input
        name={name}
        type="number"
        min={0}
        max={100}
        step={step}
        defaultValue={value(name, fallback)}
        className={field}
        aria-invalid={Boolean(errors[name])}
      />
      <AdminFieldError errors={errors} name={name} />
    </label>
  );
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-lg font-semibold">{t('考核办法')}</h1>
        <AdminNav current="/admin/assessment" />
      </div>
      <p className="text-sm text-slate-600">
        {t(
          '每个月按当月第一天有效的办法考核。新办法只能从本月或以后的月份起执行，已过去的月份保持当时的办法；同一起始月份再次设置时，以最后设置的为准，历史版本全部保留。',
        )}
      </p>
      <Form
        method="post"
        className="space-y-3 rounded-lg border bg-white p-4"
        aria-label={t('新增考核办法')}
        noValidate
      >
        <CsrfField />
        <h2 className="font-semibold">{t('新增考核办法')}</h2>
        {result?.failure ? (
          <p role="alert" className="text-red-600">
            {t(result.failure.message)}
          </p>
        ) : null}
        <div className="grid gap-3 md:grid-cols-3">
          <label className="block">
            <span className="text-slate-600">{t('起始月份')}</span>
            <input
              name="validFrom"
              type="month"
              min={firstOpenMonth}
              defaultValue={value('validFrom', firstOpenMonth)}
              className={field}
              aria-invalid={Boolean(errors.validFrom)}
            />
            <AdminFieldError errors={errors} name="validFrom" />
          </label>
          {number('responseWeight', '响应率权重（%）', current?.responseWeight ?? 10, '1')}
          {number('resolutionWeight', '解决率权重（%）', current?.resolutionWeight ?? 45, '1')}
          {number('satisfactionWeight', '满意率权重（%）', current?.satisfactionWeight ?? 45, '1')}
          {number('overduePoints', '每件超期扣分', (current?.overdueCentipoints ?? 100) / 100, '0.01')}
          {number('redonePoints', '每件重办扣分', (current?.redoneCentipoints ?? 200) / 100, '0.01')}
        </div>
        <label className="block">
          <span className="text-slate-600">{t('说明')}</span>
          <input
            name="note"
            maxLength={200}
            defaultValue={value('note', '')}
            className={field}
            aria-invalid={Boolean(errors.note)}
          />
          <AdminFieldError errors={errors} name="note" />
        </label>
        <button disabled={busy} className="rounded bg-red-700 px-4 py-1.5 text-white hover:bg-red-800">
          {t('保存新版本')}
        </button>
      </Form>
      <section className="rounded-lg border bg-white" aria-labelledby="versions-h">
        <h2 id="versions-h" className="border-b px-4 py-2 font-semibold">
          {t('历史版本')}
        </h2>
        <table className="w-full text-sm" data-testid="scheme-versions">
          <thead>
            <tr className="border-b bg-slate-50 text-left text-xs text-slate-600">
              <th className="px-3 py-2 font-medium">{t('起始月份')}</th>
              <th className="px-3 py-2 font-medium">{t('响应率')}</th>
              <th className="px-3 py-2 font-medium">{t('解决率')}</th>
              <th className="px-3 py-2 font-medium">{t('满意率')}</th>
              <th className="px-3 py-2 font-medium">{t('每件超期扣分')}</th>
              <th className="px-3 py-2 font-medium">{t('每件重办扣分')}</th>
              <th className="px-3 py-2 font-medium">{t('说明')}</th>
              <th className="px-3 py-2 font-medium">{t('设置人 / 时间')}</th>
              <th className="px-3 py-2 font-medium">{t('状态')}</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.id} className="border-b last:border-0" data-testid="scheme-version">
                <td className="px-3 py-1.5 font-mono">{v.validFrom}</td>
                <td className="px-3 py-1.5">{v.responseWeight}%</td>
                <td className="px-3 py-1.5">{v.resolutionWeight}%</td>
                <td className="px-3 py-1.5">{v.satisfactionWeight}%</td>
                <td className="px-3 py-1.5">{v.overdueCentipoints / 100}</td>
                <td className="px-3 py-1.5">{v.redoneCentipoints / 100}</td>
                <td className="px-3 py-1.5">{v.note ?? ''}</td>
                <td className="px-3 py-1.5 text-xs text-slate-500">
                  {v.createdBy ?? t('系统')} · {v.createdAt}
                </td>
                <td className="px-3 py-1.5 text-xs">
                  {v.superseded
                    ? t('已被同月新版本取代')
                    : v === current
                      ? t('本月执行')
                      : v.validFrom > firstOpenMonth
                        ? t('待执行')
                        : t('历史')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
