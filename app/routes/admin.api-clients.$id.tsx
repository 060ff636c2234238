import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { z } from 'zod';
import { clientFormValues, revokeClient, rotateClientKey, updateClient } from '../api-clients/clients.server';
import { callsPerDay, clientById, clientCalls } from '../api-clients/register.server';
import { requireUserWith } from '../auth/session.server';
import { localDateTime } from '../calendar/working-time';
import { ApiCallsChart } from '../components/api-calls-chart';
import { ApiClientFields, IssuedCredentials, SubmitButton } from '../components/api-client-form';
import { AdminNav } from '../components/admin-nav';
import { InvalidInput } from '../domain/errors';
import { clientOf } from '../http/client.server';
import { domain, formFailure, httpError, type FormFailure } from '../http/errors.server';
import { readFormWithRefusal } from '../http/body.server';
import { useT } from '../i18n/use-t';
import { CsrfField } from '../ui/csrf';
import { API_OPERATION_LABELS, API_OUTCOME_LABELS } from '../ui/labels';

export const meta: MetaFunction = () => [{ title: '接口客户端 · 12345 热线' }];

const idOf = (raw: string | undefined) => {
  const id = z.coerce.number().int().positive().safeParse(raw);
  if (!id.success) throw httpError(new Response('Not Found', { status: 404 }));
  return id.data;
};

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requireUserWith(request, context, 'api-clients:keep');
  const id = idOf(params.id);
  const em = context.runtime.db.em();
  const now = new Date();
  const query = Object.fromEntries(new URL(request.url).searchParams);
  const [client, log, perDay] = await Promise.all([
    domain(() => clientById(em, id, now)),
    domain(() => clientCalls(em, id, query)),
    callsPerDay(em, { clientId: id }, now),
  ]);
  return { client, log, perDay };
}

const intents = z.object({ intent: z.enum(['update', 'rotate', 'revoke']) });

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireUserWith(request, context, 'api-clients:keep');
  const id = idOf(params.id);
  const { form, refused } = await readFormWithRefusal(request);
  const parsed = intents.safeParse({ intent: form.get('intent') });
  if (!parsed.success)
    return json(
      { issued: null, failure: { intent: '', message: '无效的操作' } as FormFailure, saved: false },
      { status: 400 },
    );
  const { intent } = parsed.data;
  const em = context.runtime.db.em();
  const by = { userId: user.actor.userId, client: clientOf(request, context) };
  const values: Record<string, unknown> = { ...clientFormValues(form), id };
  try {
    if (refused) throw refused;
    if (intent === 'update') {
      await updateClient(em, by, values);
      return json({ issued: null, failure: null, saved: true });
    }
    // Rotating and revoking cannot be undone: the admin ticks that he means it.
    if (form.get('confirm') !== 'yes') throw new InvalidInput('请先勾选确认', { confirm: ['请先勾选确认'] });
    const guard = { id, version: values.version };
    if (intent === 'rotate') {
      const issued = await rotateClientKey(em, by, guard);
      const { name } = await clientById(em, id);
      return json({ issued: { ...issued, name }, failure: null, saved: false });
    }
    await revokeClient(em, by, guard);
    return json({ issued: null, failure: null, saved: true });
  } catch (err) {
    const { failure, status } = formFailure(err, intent);
    return json({ issued: null, failure, saved: false }, { status });
  }
}

const when = (iso: string | null) => (iso ? localDateTime(new Date(iso)) : '—');

function Failure({ failure }: { failure: FormFailure | null }) {
  const { t } = useT();
  return failure ? (
    <p role="alert" className="text-red-600">
      {t(failure.message)}
    </p>
  ) : null;
}

function ConfirmBox({ label, failure }: { label: string; failure: FormFailure | null }) {
  const { t } = useT();
  return (
    <label className="flex items-center gap-2">
      <input type="checkbox" name="confirm" value="yes" />
      {label}
      {failure?.fieldErrors?.confirm ? (
        <span role="alert" className="text-xs text-red-600">
          {t(failure.fieldErrors.confirm[0])}
        </span>
      ) : null}
    </label>
  );
}

export default function AdminApiClient() {
  const { client, log, perDay } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useT();
  const failed = (intent: string) => (result?.failure?.intent === intent ? result.failure : null);
  const filterLink = (over: Record<string, string | undefined>) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries({ outcome: log.filter.outcome, operation: log.filter.operation, ...over }))
      if (v) q.set(k, v);
    return `?${q.toString()}`;
  };
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-lg font-semibold">
          <Link to="/admin/api-clients" className="text-slate-500 hover:underline">
            {t('接口客户端')}
          </Link>{' '}
          / {client.name}
        </h1>
        <AdminNav current="/admin/api-clients" />
      </div>
      {result?.issued ? <IssuedCredentials {...result.issued} /> : null}
      {result?.saved ? (
        <p role="status" className="text-emerald-700">
          {t('已保存')}
        </p>
      ) : null}
      <Failure failure={failed('')} />
      <dl className="grid gap-x-4 gap-y-1 rounded-lg border bg-white p-4 text-sm md:grid-cols-[8rem_1fr_8rem_1fr]">
        <dt className="text-slate-500">{t('密钥')}</dt>
        <dd className="font-mono" data-testid="key-hint">
          {client.keyHint}
        </dd>
        <dt className="text-slate-500">{t('状态')}</dt>
        <dd data-testid="client-status">
          {client.revokedAt ? t('已停用 {{at}}', { at: when(client.revokedAt) }) : t('使用中')}
        </dd>
        <dt className="text-slate-500">{t('登记时间')}</dt>
        <dd>{when(client.createdAt)}</dd>
        <dt className="text-slate-500">{t('密钥更换')}</dt>
        <dd>{when(client.keyRotatedAt)}</dd>
        <dt className="text-slate-500">{t('24 小时调用')}</dt>
        <dd data-testid="calls-24h">{client.calls24h}</dd>
        <dt className="text-slate-500">{t('30 天调用')}</dt>
        <dd data-testid="calls-30d">{client.calls30d}</dd>
        <dt className="text-slate-500">{t('30 天拒绝')}</dt>
        <dd className="md:col-span-3" data-testid="refusals-30d">
          {Object.entries(client.refusals30d)
            .map(([o, n]) => `${t(API_OUTCOME_LABELS[o] ?? o)} ${n}`)
            .join(t('、')) || '—'}
        </dd>
      </dl>
      <section className="rounded-lg border bg-white p-4" aria-labelledby="client-calls-chart-h">
        <h2 id="client-calls-chart-h" className="mb-2 font-semibold">
          {t('近 30 天每日接口调用数（按结果）')}
        </h2>
        <ApiCallsChart days={perDay.days} outcomes={perDay.outcomes} />
      </section>
      {client.revokedAt ? null : (
        <div className="grid gap-4 lg:grid-cols-3">
          <Form
            key={`edit-${client.version}`}
            method="post"
            className="space-y-3 rounded-lg border bg-white p-4 lg:col-span-2"
            aria-label={t('修改客户端')}
            noValidate
          >
            <CsrfField />
            <h2 className="font-semibold">{t('修改客户端')}</h2>
            <Failure failure={failed('update')} />
            <input type="hidden" name="version" value={client.version} />
            <ApiClientFields client={client} errors={failed('update')?.fieldErrors ?? {}} />
            <SubmitButton intent="update" label={t('保存')} />
          </Form>
          <div className="space-y-4">
            <Form method="post" className="space-y-3 rounded-lg border bg-white p-4" aria-label={t('更换密钥')}>
              <CsrfField />
              <h2 className="font-semibold">{t('更换密钥')}</h2>
              <p className="text-sm text-slate-600">
                {t('生成新的接口密钥和签名密钥，旧密钥立即失效。对方系统须改用新密钥。')}
              </p>
              <Failure failure={failed('rotate')} />
              <input type="hidden" name="version" value={client.version} />
              <ConfirmBox label={t('我确认旧密钥立即失效')} failure={failed('rotate')} />
              <SubmitButton intent="rotate" label={t('更换密钥')} />
            </Form>
            <Form
              method="post"
              className="space-y-3 rounded-lg border border-red-300 bg-red-50 p-4"
              aria-label={t('停用客户端')}
            >
              <CsrfField />
              <h2 className="font-semibold">{t('停用客户端')}</h2>
              <p className="text-sm text-slate-600">
                {t('停用后该客户端的所有调用都被拒绝，且不可恢复；其调用记录和提交的诉求保留。')}
              </p>
              <Failure failure={failed('revoke')} />
              <input type="hidden" name="version" value={client.version} />
              <ConfirmBox label={t('我确认停用且不可恢复')} failure={failed('revoke')} />
              <SubmitButton intent="revoke" label={t('停用客户端')} danger />
            </Form>
          </div>
        </div>
      )}
      <section className="overflow-x-auto rounded-lg border bg-white" aria-labelledby="call-log-h">
        <div className="flex flex-wrap items-end justify-between gap-2 border-b px-4 py-2">
          <h2 id="call-log-h" className="font-semibold">
            {t('调用记录')}
          </h2>
          <Form method="get" className="flex flex-wrap items-end gap-2 text-sm" aria-label={t('筛选调用记录')}>
            <label>
              <span className="text-slate-600">{t('结果')}</span>{' '}
              <select name="outcome" defaultValue={log.filter.outcome ?? ''} className="rounded border px-1 py-0.5">
                <option value="">{t('全部')}</option>
                {log.outcomes.map((o) => (
                  <option key={o} value={o}>
                    {t(API_OUTCOME_LABELS[o] ?? o)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              <span className="text-slate-600">{t('操作')}</span>{' '}
              <select name="operation" defaultValue={log.filter.operation ?? ''} className="rounded border px-1 py-0.5">
                <option value="">{t('全部')}</option>
                {log.operations.map((o) => (
                  <option key={o} value={o}>
                    {o}
                  </option>
                ))}
              </select>
            </label>
            <button className="rounded border px-3 py-0.5 hover:bg-slate-100">{t('筛选')}</button>
          </Form>
        </div>
        <table className="w-full text-left text-sm">
          <thead>
            <tr className="border-b text-slate-500">
              <th className="px-4 py-1">{t('时间')}</th>
              <th>{t('操作')}</th>
              <th>{t('状态码')}</th>
              <th>{t('结果')}</th>
              <th>{t('来源地址')}</th>
              <th className="pr-4">{t('耗时（毫秒）')}</th>
            </tr>
          </thead>
          <tbody>
            {log.calls.map((c) => (
              <tr key={c.id} className="border-b last:border-0" data-testid="api-call">
                <td className="whitespace-nowrap px-4 py-1 font-mono text-xs">{localDateTime(new Date(c.at))}</td>
                <td className="pr-2 font-mono text-xs">{c.operation}</td>
                <td className="pr-2">{c.status}</td>
                <td className="pr-2">{t(API_OUTCOME_LABELS[c.outcome] ?? c.outcome)}</td>
                <td className="pr-2 font-mono text-xs">{c.ip ?? '—'}</td>
                <td className="pr-4">{c.durationMs}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {log.calls.length === 0 ? <p className="px-4 py-3 text-slate-500">{t('没有符合条件的调用')}</p> : null}
        <nav className="flex gap-4 px-4 py-2 text-sm" aria-label={t('调用记录翻页')}>
          {log.filter.before ? (
            <Link to={filterLink({})} className="text-red-700 hover:underline">
              {t('最新')}
            </Link>
          ) : null}
          {log.next ? (
            <Link to={filterLink({ before: log.next })} className="text-red-700 hover:underline">
              {t('更早的调用')}
            </Link>
          ) : null}
        </nav>
      </section>
      <p className="text-xs text-slate-500">
        {t('接口权限：{{ops}}', {
          ops: client.operations.map((o) => t(API_OPERATION_LABELS[o] ?? o)).join(t('、')),
        })}
      </p>
    </div>
  );
}
