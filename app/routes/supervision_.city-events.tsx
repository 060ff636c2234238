import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { requireUserWith } from '../auth/session.server';
import { cityEventsOverview } from '../city-events/overview.server';
import { DailyLinesChart } from '../components/daily-lines-chart';
import { domain } from '../http/errors.server';
import { useT } from '../i18n/use-t';
import { SERIES_COLORS } from '../reports/charts';

export const meta: MetaFunction = () => [{ title: '城市事件 · 12345 热线' }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'city-events:read');
  const query = Object.fromEntries(new URL(request.url).searchParams);
  return domain(() => cityEventsOverview(context.runtime.db.em(), user.actor, query));
}

export default function CityEvents() {
  const o = useLoaderData<typeof loader>();
  const { t } = useT();
  const total = o.routing.reduce((n, r) => n + r.catalogue + r.triage, 0);
  const byCatalogue = o.routing.reduce((n, r) => n + r.catalogue, 0);
  const refused = o.refusedByClient.reduce((n, r) => n + r.refused, 0);
  return (
    <main className="mx-auto max-w-6xl space-y-4 p-4">
      <h1 className="text-xl font-semibold">{t('城市事件')}</h1>
      <p className="text-slate-600">
        {t(
          '其他城市系统（城市大脑等）上报的事件：近 {{n}} 天各场景每日数量，按派单目录直接派单或进入分拨的数量，以及被拒收的调用。',
          {
            n: o.days.length,
          },
        )}
      </p>
      <dl className="grid grid-cols-2 gap-3 md:grid-cols-4" data-testid="event-totals">
        {[
          ['事件', total],
          ['按目录派单', byCatalogue],
          ['进入分拨', total - byCatalogue],
          ['拒收调用', refused],
        ].map(([label, n]) => (
          <div key={label} className="rounded-lg border bg-white p-3">
            <dt className="text-sm text-slate-500">{t(String(label))}</dt>
            <dd className="text-2xl font-semibold">{n}</dd>
          </div>
        ))}
      </dl>
      <section className="rounded-lg border bg-white p-4">
        <h2 className="mb-2 font-medium">{t('各场景每日事件数')}</h2>
        {o.volume.length ? (
          <DailyLinesChart
            days={o.days}
            series={o.volume.map((v, i) => ({
              key: v.scene,
              name: v.scene,
              color: SERIES_COLORS[i % SERIES_COLORS.length],
              values: v.values,
            }))}
            label={t('各场景每日事件数')}
            testId="scene-volume-chart"
          />
        ) : (
          <p className="text-slate-500">{t('近 30 天没有事件')}</p>
        )}
      </section>
      <section className="grid gap-4 md:grid-cols-3">
        <table className="w-full rounded-lg border bg-white text-left text-sm md:col-span-2" data-testid="routing">
          <caption className="p-2 text-left font-medium">{t('分流（按客户端和场景）')}</caption>
          <thead className="border-b bg-slate-50">
            <tr>
              <th className="px-3 py-1.5">{t('接口客户端')}</th>
              <th>{t('场景')}</th>
              <th className="text-right">{t('按目录派单')}</th>
              <th className="text-right">{t('进入分拨')}</th>
              <th className="px-3 text-right">{t('合计')}</th>
            </tr>
          </thead>
          <tbody>
            {o.routing.map((r) => (
              <tr
                key={`${r.clientId}-${r.scene}`}
                className="border-b last:border-0"
                data-testid={`routing-${r.scene}`}
              >
                <td className="px-3 py-1.5">{r.client}</td>
                <td>
                  <Link className="text-blue-700 hover:underline" to={`?client=${r.clientId}&scene=${r.scene}#latest`}>
                    {r.scene}
                  </Link>
                </td>
                <td className="text-right">{r.catalogue}</td>
                <td className="text-right">{r.triage}</td>
                <td className="px-3 text-right font-medium">{r.catalogue + r.triage}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <table className="w-full self-start rounded-lg border bg-white text-left text-sm" data-testid="refused">
          <caption className="p-2 text-left font-medium">{t('拒收调用（按客户端）')}</caption>
          <tbody>
            {o.refusedByClient.length === 0 ? (
              <tr>
                <td className="px-3 py-1.5 text-slate-500">{t('无')}</td>
              </tr>
            ) : null}
            {o.refusedByClient.map((r) => (
              <tr key={r.clientId} className="border-b last:border-0">
                <td className="px-3 py-1.5">{r.client}</td>
                <td className="px-3 text-right">{r.refused}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section id="latest" className="rounded-lg border bg-white">
        <Form method="get" className="flex flex-wrap items-end gap-3 border-b p-3 text-sm">
          <h2 className="grow font-medium">{t('最新事件')}</h2>
          <label>
            {t('接口客户端')}{' '}
            <select name="client" defaultValue={o.filter.clientId ?? ''} className="rounded border px-2 py-1">
              <option value="">{t('全部')}</option>
              {o.clients.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('场景')}{' '}
            <select name="scene" defaultValue={o.filter.scene ?? ''} className="rounded border px-2 py-1">
              <option value="">{t('全部')}</option>
              {o.scenes.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
          <button className="rounded border px-3 py-1">{t('筛选')}</button>
        </Form>
        <table className="w-full text-left text-sm" data-testid="latest-events">
          <thead className="border-b bg-slate-50">
            <tr>
              <th className="px-3 py-1.5">{t('收到时间')}</th>
              <th>{t('场景')}</th>
              <th>{t('事件类型')}</th>
              <th>{t('诉求')}</th>
              <th>{t('分流')}</th>
            </tr>
          </thead>
          <tbody>
            {o.latest.length === 0 ? (
              <tr>
                <td colSpan={5} className="px-3 py-3 text-slate-500">
                  {t('没有事件')}
                </td>
              </tr>
            ) : null}
            {o.latest.map((e) => (
              <tr
                key={`${e.client}-${e.eventId}`}
                className="border-b align-top last:border-0"
                data-testid="latest-event"
              >
                <td className="whitespace-nowrap px-3 py-1.5">{e.receivedAt}</td>
                <td>
                  {e.scene}
                  <div className="text-xs text-slate-500">{e.client}</div>
                </td>
                <td>
                  {e.typeName ?? e.type}
                  <div className="font-mono text-xs text-slate-500">{e.eventId}</div>
                </td>
                <td>
                  <Link to={`/appeals/${e.appealId}`} className="text-blue-700 hover:underline">
                    {e.appealNumber}
                  </Link>
                  <div>{e.title}</div>
                </td>
                <td>
                  {e.routed === 'catalogue' ? t('按目录派单：{{name}}', { name: e.department ?? '' }) : t('进入分拨')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </main>
  );
}
