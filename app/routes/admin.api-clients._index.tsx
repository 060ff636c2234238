import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { clientFormValues, registerClient } from '../api-clients/clients.server';
import { callsPerDay, listClients } from '../api-clients/register.server';
import { requireUserWith } from '../auth/session.server';
import { localDateTime } from '../calendar/working-time';
import { ApiCallsChart } from '../components/api-calls-chart';
import { ApiClientFields, IssuedCredentials, SubmitButton } from '../components/api-client-form';
import { AdminNav } from '../components/admin-nav';
import { clientOf } from '../http/client.server';
import { formFailure } from '../http/errors.server';
import { readFormWithRefusal } from '../http/body.server';
import { useT } from '../i18n/use-t';
import { CsrfField } from '../ui/csrf';
import { API_OPERATION_LABELS, API_OUTCOME_LABELS } from '../ui/labels';

export const meta: MetaFunction = () => [{ title: '接口客户端 · 12345 热线' }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserWith(request, context, 'api-clients:keep');
  const em = context.runtime.db.em();
  const now = new Date();
  const [clients, perDay] = await Promise.all([listClients(em, now), callsPerDay(em, {}, now)]);
  return { clients, perDay };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWith(request, context, 'api-clients:keep');
  const { form, refused } = await readFormWithRefusal(request);
  const values = clientFormValues(form);
  try {
    if (refused) throw refused;
    const issued = await registerClient(
      context.runtime.db.em(),
      { userId: user.actor.userId, client: clientOf(request, context) },
      values,
    );
    // Answered, not redirected: the key and secret are in this one response and nowhere else.
    return json({ issued: { ...issued, name: String(values.name ?? '').trim() }, failure: null });
  } catch (err) {
    const { failure, status } = formFailure(err, 'register');
    return json({ issued: null, failure }, { status });
  }
}

const when = (iso: string | null) => (iso ? localDateTime(new Date(iso)) : '—');

export default function AdminApiClients() {
  const { clients, perDay } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useT();
  const failure = result?.failure ?? null;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-lg font-semibold">{t('接口客户端')}</h1>
        <AdminNav current="/admin/api-clients" />
      </div>
      <p className="text-sm text-slate-600">
        {t(
          '调用本系统开放接口（Open311、事件推送、状态订阅）的其他城市系统。每个客户端有自己的接口密钥、权限、调用频率和来源地址限制；停用后不可恢复。',
        )}{' '}
        <a href="/api/docs" className="text-red-700 hover:underline">
          {t('接口文档')}
        </a>
      </p>
      {result?.issued ? <IssuedCredentials {...result.issued} /> : null}
      <section className="rounded-lg border bg-white p-4" aria-labelledby="api-calls-h">
        <h2 id="api-calls-h" className="mb-2 font-semibold">
          {t('近 30 天每日接口调用数（按结果）')}
        </h2>
        <ApiCallsChart days={perDay.days} outcomes={perDay.outcomes} />
      </section>
      <section className="overflow-x-auto rounded-lg border bg-white" aria-labelledby="api-clients-h">
        <h2 id="api-clients-h" className="border-b px-4 py-2 font-semibold">
          {t('客户端（{{n}}）', { n: clients.length })}
        </h2>
        <table className="w-full text-left text-sm">
          <thead>
            <tr className="border-b text-slate-500">
              <th className="px-4 py-1">{t('名称')}</th>
              <th>{t('联系人')}</th>
              <th>{t('接口权限')}</th>
              <th>{t('每分钟上限')}</th>
              <th>{t('来源地址')}</th>
              <th>{t('密钥')}</th>
              <th>{t('登记时间')}</th>
              <th>{t('密钥更换')}</th>
              <th>{t('24 小时调用')}</th>
              <th>{t('30 天调用')}</th>
              <th className="pr-4">{t('30 天拒绝')}</th>
            </tr>
          </thead>
          <tbody>
            {clients.map((c) => (
              <tr
                key={c.id}
                className={`border-b align-top last:border-0 ${c.revokedAt ? 'text-slate-400' : ''}`}
                data-testid={`api-client-${c.id}`}
              >
                <td className="px-4 py-1.5">
                  <Link to={`/admin/api-clients/${c.id}`} className="text-red-700 hover:underline">
                    {c.name}
                  </Link>
                  {c.revokedAt ? (
                    <span className="ml-1 rounded bg-slate-500 px-1 text-xs text-white">
                      {t('已停用 {{at}}', { at: when(c.revokedAt) })}
                    </span>
                  ) : null}
                </td>
                <td className="pr-2">{c.contact}</td>
                <td className="pr-2 text-xs">
                  {c.operations.map((o) => t(API_OPERATION_LABELS[o] ?? o)).join(t('、'))}
                </td>
                <td className="pr-2">{c.rateLimitPerMinute}</td>
                <td className="pr-2 font-mono text-xs">{c.ipAllowList.length ? c.ipAllowList.join(' ') : t('不限')}</td>
                <td className="pr-2 font-mono text-xs">{c.keyHint}</td>
                <td className="whitespace-nowrap pr-2 text-xs">{when(c.createdAt)}</td>
                <td className="whitespace-nowrap pr-2 text-xs">{when(c.keyRotatedAt)}</td>
                <td className="pr-2" data-testid="calls-24h">
                  {c.calls24h}
                </td>
                <td className="pr-2" data-testid="calls-30d">
                  {c.calls30d}
                </td>
                <td className="pr-4 text-xs" data-testid="refusals-30d">
                  {Object.entries(c.refusals30d)
                    .map(([o, n]) => `${t(API_OUTCOME_LABELS[o] ?? o)} ${n}`)
                    .join(t('、')) || '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {clients.length === 0 ? <p className="px-4 py-3 text-slate-500">{t('还没有登记接口客户端')}</p> : null}
      </section>
      <Form
        key={result?.issued?.id ?? 'register'}
        method="post"
        className="max-w-xl space-y-3 rounded-lg border bg-white p-4"
        aria-label={t('登记客户端')}
        noValidate
      >
        <CsrfField />
        <h2 className="font-semibold">{t('登记客户端')}</h2>
        {failure ? (
          <p role="alert" className="text-red-600">
            {t(failure.message)}
          </p>
        ) : null}
        <ApiClientFields client={null} errors={failure?.fieldErrors ?? {}} />
        <SubmitButton intent="register" label={t('登记并生成密钥')} />
      </Form>
    </div>
  );
}
