import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { REFERRAL_KINDS } from '../../machines/appeal-events';
import { requireUserWith } from '../auth/session.server';
import { fieldErrorsOf, InvalidInput } from '../domain/errors';
import { domain } from '../http/errors.server';
import { useT } from '../i18n/use-t';
import { referralQueue, referralQueueQuery } from '../referrals/queue.server';
import { REFERRAL_OUTCOME_LABELS, REFERRAL_KIND_LABELS } from '../ui/labels';
import { REFERRAL_CLOCK_STATE_LABELS, referralPhaseLabel } from '../ui/referral-labels';

export const meta: MetaFunction = () => [{ title: '转介案件 · 12345 热线' }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'referrals:read');
  const search = Object.fromEntries(new URL(request.url).searchParams);
  return domain(async () => {
    const parsed = referralQueueQuery.safeParse(search);
    if (!parsed.success) throw new InvalidInput('查询条件有误', fieldErrorsOf(parsed.error.issues));
    return referralQueue(context.runtime.db.em(), user.actor, parsed.data);
  });
}

const BADGE: Record<string, string> = {
  overdue: 'bg-red-600 text-white',
  warned: 'bg-amber-400 text-amber-950',
  onTime: 'bg-slate-100 text-slate-700',
  none: 'bg-slate-50 text-slate-400',
};

export default function ReferralQueuePage() {
  const q = useLoaderData<typeof loader>();
  const { t } = useT();
  const link = (over: Record<string, string | null>) => {
    const p = new URLSearchParams();
    const merged = { tab: q.tab, kind: q.kind, ...over };
    for (const [k, v] of Object.entries(merged)) if (v) p.set(k, v);
    return `?${p}`;
  };
  const tabs = [
    ['open', '办理中', q.counts.open],
    ['closed', '已结案', q.counts.closed],
  ] as const;
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-lg font-semibold" data-testid="referral-queue-title">
          {t('转介案件')}
        </h1>
        {q.mayFilter ? (
          <Form method="get" className="flex items-center gap-2 text-sm">
            <input type="hidden" name="tab" value={q.tab} />
            <label htmlFor="kind">{t('类别')}</label>
            <select id="kind" name="kind" defaultValue={q.kind ?? ''} className="rounded border bg-white px-2 py-1">
              <option value="">{t('全部')}</option>
              {REFERRAL_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(REFERRAL_KIND_LABELS[k])}
                </option>
              ))}
            </select>
            <button className="rounded bg-red-700 px-3 py-1 text-white">{t('查看')}</button>
          </Form>
        ) : null}
      </div>
      <nav className="flex gap-2" aria-label={t('案件状态')}>
        {tabs.map(([key, label, count]) => (
          <Link
            key={key}
            to={link({ tab: key, cursor: null })}
            aria-current={q.tab === key ? 'page' : undefined}
            data-testid={`referral-tab-${key}`}
            className={`rounded-full border px-3 py-1 ${q.tab === key ? 'bg-red-700 text-white' : 'bg-white hover:bg-slate-100'}`}
          >
            {t(label)}{' '}
            <span className="ml-1 text-xs" data-testid={`referral-count-${key}`}>
              {count}
            </span>
          </Link>
        ))}
      </nav>
      <p className="text-xs text-slate-500">
        {t(
          q.tab === 'open'
            ? '尚未结案的案件，按最近的法定期限先后排列，每页 50 条'
            : '已结案的案件，最近结案的在前，每页 50 条',
        )}
      </p>
      <section className="overflow-x-auto rounded-lg border bg-white text-sm" data-testid="referral-queue">
        {q.items.length ? (
          <table className="w-full text-left">
            <thead>
              <tr className="border-b text-slate-500">
                <th className="px-3 py-2">{t('案件编号')}</th>
                <th>{t('类别')}</th>
                <th>{t('承办机构')}</th>
                <th>{t('来源诉求')}</th>
                <th>{t('状态')}</th>
                <th>{t('承办人')}</th>
                <th>{t(q.tab === 'open' ? '最近期限' : '结案时间')}</th>
                <th>{t('转介时间')}</th>
              </tr>
            </thead>
            <tbody>
              {q.items.map((r) => (
                <tr key={r.id} className="border-b last:border-0 hover:bg-slate-50" data-testid="referral-row">
                  <td className="px-3 py-1.5">
                    <Link to={`/referrals/${r.id}`} className="font-mono text-red-700 hover:underline">
                      {r.number}
                    </Link>
                  </td>
                  <td>{t(REFERRAL_KIND_LABELS[r.kind] ?? r.kind)}</td>
                  <td>{r.agencyName}</td>
                  <td>
                    <span className="font-mono text-slate-500">{r.appealNumber}</span> {r.appealTitle}
                  </td>
                  <td>
                    {t(referralPhaseLabel(r.kind, r.phase))}
                    {r.outcome ? `（${t(REFERRAL_OUTCOME_LABELS[r.outcome] ?? r.outcome)}）` : ''}
                  </td>
                  <td>{r.handlerName ?? '—'}</td>
                  <td>
                    {q.tab === 'open' ? (
                      <>
                        {r.nextDueAt ?? '—'}{' '}
                        <span
                          className={`rounded px-1.5 py-0.5 text-xs ${BADGE[r.clockState] ?? ''}`}
                          data-testid="referral-clock-state"
                        >
                          {t(REFERRAL_CLOCK_STATE_LABELS[r.clockState] ?? r.clockState)}
                        </span>
                      </>
                    ) : (
                      r.closedAt
                    )}
                  </td>
                  <td>{r.createdAt}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="p-4 text-slate-500">{t('暂无案件')}</p>
        )}
      </section>
      {q.nextCursor ? (
        <Link
          className="text-sm text-red-700 underline"
          data-testid="referral-next"
          to={link({ cursor: q.nextCursor })}
        >
          {t('下一页')}
        </Link>
      ) : null}
    </div>
  );
}
