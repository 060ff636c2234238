import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import type { WebhookDeliveryStatus } from '../../entities/webhook';
import { requireUserWith } from '../auth/session.server';
import { AdminNav } from '../components/admin-nav';
import { readFormWithRefusal } from '../http/body.server';
import { domain, formFailure } from '../http/errors.server';
import { useT } from '../i18n/use-t';
import { rankingGeometry } from '../reports/charts';
import { CsrfField } from '../ui/csrf';
import { redeliver, webhookLog } from '../webhooks/log.server';

export const meta: MetaFunction = () => [{ title: '状态推送 · 12345 热线' }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserWith(request, context, 'api-clients:keep');
  const redelivered = Number(new URL(request.url).searchParams.get('redelivered')) || null;
  return { log: await domain(() => webhookLog(context.runtime.db.em())), redelivered };
}

export async function action({ request, context }: ActionFunctionArgs) {
  await requireUserWith(request, context, 'api-clients:keep');
  const { form, refused } = await readFormWithRefusal(request);
  try {
    if (refused) throw refused;
    const { id } = await redeliver(context.runtime.db.em(), { id: form.get('id') });
    return redirect(`/admin/webhooks?redelivered=${id}`);
  } catch (err) {
    const { failure, status } = formFailure(err, 'redeliver');
    return json({ failure }, { status });
  }
}

const STATUS_LABELS: Record<WebhookDeliveryStatus, string> = {
  pending: '待投递',
  delivered: '已投递',
  failed: '投递失败',
};
const STATUS_STYLE: Record<WebhookDeliveryStatus, string> = {
  pending: 'bg-amber-100 text-amber-900',
  delivered: 'bg-green-100 text-green-900',
  failed: 'bg-red-100 text-red-900',
};

function PerDayChart({ data }: { data: { day: string; count: number }[] }) {
  const { t } = useT();
  const g = rankingGeometry(
    data.map((d) => ({ label: d.day.slice(5), value: d.count })),
    // Whole numbers on the axis: at least 0 … 5.
    { percent: false, width: 420, labelWidth: 44, row: 18, max: Math.max(5, ...data.map((d) => d.count)) },
  );
  return (
    <figure className="rounded-lg border bg-white p-4" data-testid="webhook-per-day">
      <figcaption className="mb-2 font-semibold">{t('每日推送的变更')}</figcaption>
      <svg
        width={g.width}
        height={g.height}
        viewBox={`0 0 ${g.width} ${g.height}`}
        className="max-w-full"
        role="img"
        aria-label={t('每日推送的变更')}
      >
        {g.xTicks.map((tk) => (
          <g key={tk.text}>
            <line x1={tk.at} x2={tk.at} y1={g.plot.top} y2={g.plot.bottom} stroke="#e2e8f0" strokeDasharray="3 3" />
            <text x={tk.at} y={g.plot.bottom + 14} fontSize={11} fill="#334155" textAnchor="middle">
              {tk.text}
            </text>
          </g>
        ))}
        {g.bars.map((b) => (
          <g key={b.label}>
            <text x={g.plot.left - 6} y={b.labelY + 4} fontSize={11} fill="#334155" textAnchor="end">
              {b.label}
            </text>
            <rect x={b.x} y={b.y} width={b.w} height={b.h} fill="#1d4ed8">
              <title>{`${b.label} ${b.text}`}</title>
            </rect>
            {b.value ? (
              <text x={b.x + b.w + 4} y={b.labelY + 4} fontSize={11} fill="#334155">
                {b.text}
              </text>
            ) : null}
          </g>
        ))}
        <line x1={g.plot.left} x2={g.plot.left} y1={g.plot.top} y2={g.plot.bottom} stroke="#94a3b8" />
      </svg>
    </figure>
  );
}

export default function AdminWebhooks() {
  const { log, redelivered } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === 'submitting';
  const { t } = useT();
  return (
    <div className="space-y-4">
      <AdminNav current="/admin/webhooks" />
      <h1 className="text-lg font-semibold">{t('状态推送')}</h1>
      <p className="text-slate-600">
        {t(
          '接口客户端订阅的诉求状态变更：每一步写入推送队列，按诉求顺序签名推送；失败后按退避时间重试，多次失败后停止，可重新投递。',
        )}
      </p>
      {redelivered ? (
        <p role="status" className="text-green-700">
          {t('已重新排队投递')}
        </p>
      ) : null}
      {result?.failure ? (
        <p role="alert" className="text-red-600">
          {t(result.failure.message)}
        </p>
      ) : null}
      <div className="grid gap-4 lg:grid-cols-[1fr_auto]">
        <section className="overflow-x-auto rounded-lg border bg-white p-4">
          <h2 className="mb-2 font-semibold">{t('订阅')}</h2>
          {log.subscriptions.length ? (
            <table className="w-full text-sm" data-testid="webhook-subscriptions">
              <thead className="text-left text-slate-600">
                <tr>
                  <th className="py-1 pr-3">{t('客户端')}</th>
                  <th className="py-1 pr-3">{t('推送地址')}</th>
                  <th className="py-1 pr-3">{t('范围')}</th>
                  <th className="py-1 pr-3 text-right">{t('已投递')}</th>
                  <th className="py-1 pr-3 text-right">{t('待投递')}</th>
                  <th className="py-1 pr-3 text-right">{t('失败')}</th>
                  <th className="py-1">{t('最近错误')}</th>
                </tr>
              </thead>
              <tbody>
                {log.subscriptions.map((s) => (
                  <tr key={s.id} className={`border-t ${s.deletedAt ? 'text-slate-400' : ''}`}>
                    <td className="py-1 pr-3">{s.client}</td>
                    <td className="max-w-xs truncate py-1 pr-3 font-mono text-xs" title={s.url}>
                      {s.url}
                      {s.deletedAt ? ` · ${t('已取消')}` : ''}
                    </td>
                    <td className="py-1 pr-3">{s.scope === 'all' ? t('全部诉求') : t('本系统提交的')}</td>
                    <td className="py-1 pr-3 text-right">{s.delivered}</td>
                    <td className="py-1 pr-3 text-right">{s.pending}</td>
                    <td className={`py-1 pr-3 text-right ${s.failed ? 'font-semibold text-red-700' : ''}`}>
                      {s.failed}
                    </td>
                    <td className="py-1 text-xs text-red-700">{s.lastError ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="text-slate-500">{t('还没有订阅')}</p>
          )}
        </section>
        <PerDayChart data={log.perDay} />
      </div>
      <section className="overflow-x-auto rounded-lg border bg-white p-4">
        <h2 className="mb-2 font-semibold">{t('最近投递')}</h2>
        {log.deliveries.length ? (
          <table className="w-full text-sm" data-testid="webhook-deliveries">
            <thead className="text-left text-slate-600">
              <tr>
                <th className="py-1 pr-3">{t('诉求编号')}</th>
                <th className="py-1 pr-3">{t('序号')}</th>
                <th className="py-1 pr-3">{t('客户端')}</th>
                <th className="py-1 pr-3">{t('状态')}</th>
                <th className="py-1 pr-3 text-right">{t('尝试次数')}</th>
                <th className="py-1 pr-3">{t('最近结果')}</th>
                <th className="py-1 pr-3">{t('时间')}</th>
                <th className="py-1" />
              </tr>
            </thead>
            <tbody>
              {log.deliveries.map((d) => (
                <tr key={d.id} className="border-t" data-testid={`webhook-delivery-${d.id}`}>
                  <td className="py-1 pr-3 font-mono text-xs">{d.appealNumber}</td>
                  <td className="py-1 pr-3">{d.sequence}</td>
                  <td className="py-1 pr-3">{d.client}</td>
                  <td className="py-1 pr-3">
                    <span className={`rounded px-1.5 py-0.5 text-xs ${STATUS_STYLE[d.status]}`}>
                      {t(STATUS_LABELS[d.status])}
                    </span>
                  </td>
                  <td className="py-1 pr-3 text-right">{d.attempts}</td>
                  <td className="py-1 pr-3 text-xs">{d.lastError ?? (d.lastStatus ? `HTTP ${d.lastStatus}` : '—')}</td>
                  <td className="py-1 pr-3 text-xs text-slate-600">
                    {d.deliveredAt
                      ? `${t('投递于')} ${d.deliveredAt}`
                      : d.nextAttemptAt
                        ? `${t('下次尝试')} ${d.nextAttemptAt}`
                        : d.createdAt}
                  </td>
                  <td className="py-1">
                    {d.mayRedeliver ? (
                      <Form method="post">
                        <CsrfField />
                        <input type="hidden" name="id" value={d.id} />
                        <button
                          disabled={busy}
                          className="rounded bg-red-700 px-2 py-0.5 text-xs text-white hover:bg-red-800 disabled:opacity-60"
                        >
                          {t('重新投递')}
                        </button>
                      </Form>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="text-slate-500">{t('还没有投递记录')}</p>
        )}
      </section>
    </div>
  );
}
