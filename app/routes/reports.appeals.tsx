import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData, useLocation } from '@remix-run/react';
import { requireUserWith } from '../auth/session.server';
import { domain } from '../http/errors.server';
import { useT } from '../i18n/use-t';
import { parseDrillQuery, reportAppeals } from '../reports/report.server';
import { PHASE_LABELS } from '../ui/labels';

export const meta: MetaFunction = () => [{ title: '报表明细 · 12345 热线' }];

const PERIODS = new Set(['day', 'week', 'month']);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'reports:read');
  const params = new URL(request.url).searchParams;
  // A hand-edited link is refused with the error page, which shows the first reason in words.
  const page = await domain(() => reportAppeals(context.runtime.db.em(), user.actor, parseDrillQuery(params)));
  // Back to the report the figure came from: the same period kind when the link said which.
  const period = params.get('period') ?? '';
  const view = page.query.view === 'all' ? 'department' : page.query.view;
  const back = new URLSearchParams(
    PERIODS.has(period)
      ? { view, period, date: page.query.from }
      : { view, period: 'custom', from: page.query.from, to: page.query.to },
  );
  return { page, back: `/reports?${back}` };
}

export default function ReportAppeals() {
  const { t } = useT();
  const { page, back } = useLoaderData<typeof loader>();
  const location = useLocation();
  const { query } = page;
  const range = query.from === query.to ? query.from : `${query.from} ${t('至')} ${query.to}`;
  const withCursor = (after: string | null) => {
    const s = new URLSearchParams(location.search);
    if (after) s.set('after', after);
    else s.delete('after');
    return `${location.pathname}?${s}`;
  };
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <div>
          <h1 className="text-lg font-semibold" data-testid="drill-title">
            {t(page.measureLabel)} · {t(page.keyLabel)}
          </h1>
          <p className="text-sm text-slate-600">
            {t('统计期 {{range}}（按受理日期）', { range })}
            {' · '}
            {t('共')}{' '}
            <span data-testid="drill-count" className="font-semibold text-slate-900">
              {page.total}
            </span>{' '}
            {page.orders ? t('个工单，涉及 {{m}} 件诉求', { m: page.appeals }) : t('件诉求')}
          </p>
        </div>
        <Link to={back} className="text-sm text-red-700 hover:underline">
          {t('返回报表')}
        </Link>
      </div>
      <section className="rounded-lg border bg-white" aria-label={t('诉求清单')}>
        <table className="w-full text-sm" data-testid="drill-table">
          <thead>
            <tr className="border-b bg-slate-50 text-left text-slate-600">
              <th className="w-48 px-3 py-2 font-medium">{t('编号')}</th>
              <th className="font-medium">{t('标题')}</th>
              <th className="font-medium">{t('状态')}</th>
              <th className="font-medium">{page.orders ? t('工单承办') : t('承办')}</th>
              <th className="px-3 font-medium">{t('受理日期')}</th>
            </tr>
          </thead>
          <tbody>
            {page.rows.map((r) => (
              <tr
                key={r.rowKey}
                data-testid="drill-row"
                data-appeal={r.appealId}
                className="border-b last:border-0 hover:bg-slate-50"
              >
                <td className="px-3 py-1.5 font-mono">
                  <Link to={`/appeals/${r.appealId}`} className="text-red-700 hover:underline">
                    {r.number}
                  </Link>
                </td>
                <td>{r.title}</td>
                <td>{t(PHASE_LABELS[r.phase] ?? r.phase)}</td>
                <td data-col="department">{r.department ?? t('（未派至部门）')}</td>
                <td className="px-3 tabular-nums">{r.day}</td>
              </tr>
            ))}
            {!page.rows.length ? (
              <tr>
                <td colSpan={5} className="px-3 py-6 text-center text-slate-500">
                  {t('没有诉求')}
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </section>
      <nav className="flex gap-4 text-sm" aria-label={t('翻页')}>
        {query.after ? (
          <Link to={withCursor(null)} className="text-red-700 hover:underline">
            {t('« 第一页')}
          </Link>
        ) : null}
        {page.next ? (
          <Link to={withCursor(page.next)} className="text-red-700 hover:underline" data-testid="drill-next">
            {t('下一页 ›')}
          </Link>
        ) : null}
      </nav>
    </div>
  );
}
