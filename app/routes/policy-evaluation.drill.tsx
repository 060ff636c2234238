import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData, useLocation } from '@remix-run/react';
import { requireUserWith } from '../auth/session.server';
import { domain } from '../http/errors.server';
import { RecordColumns, UploadColumns } from '../components/policy-record-tables';
import { useT } from '../i18n/use-t';
import { evaluationDrill } from '../policy-evaluation/evaluation.server';
import { PHASE_LABELS } from '../ui/labels';
import {
  APPEAL_REASON_LABELS,
  CALLBACK_OUTCOME_LABELS,
  DRILL_FIGURE_LABELS,
  SATISFACTION_LABELS,
} from '../ui/policy-evaluation-labels';

export const meta: MetaFunction = () => [{ title: '评价明细 · 12345 热线' }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'policy-evaluation:read');
  const params = Object.fromEntries(new URL(request.url).searchParams);
  // A hand-edited link is refused with the error page, which says why.
  return domain(() => evaluationDrill(context.runtime.db.em(), user.actor, params));
}

const yesNo = (v: boolean | null) => (v === null ? '—' : v ? '是' : '否');

export default function EvaluationDrill() {
  const { t } = useT();
  const drill = useLoaderData<typeof loader>();
  const location = useLocation();
  const by = drill.query.policy !== undefined ? 'policy' : 'department';
  const back = `/policy-evaluation?period=${drill.period.id}&by=${by}`;
  const nextPage = (after: number) => {
    const s = new URLSearchParams(location.search);
    s.set('after', String(after));
    return `${location.pathname}?${s}`;
  };
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <div>
          <h1 className="text-lg font-semibold" data-testid="drill-title">
            {t(DRILL_FIGURE_LABELS[drill.query.figure])} · {drill.subject}
          </h1>
          <p className="text-sm text-slate-600">
            {t('期间 {{label}}', { label: drill.period.label })} · {t('共')}{' '}
            <span data-testid="drill-count" className="font-semibold text-slate-900">
              {drill.total}
            </span>{' '}
            {t('条')}
          </p>
        </div>
        <Link to={back} className="text-sm text-red-700 hover:underline">
          {t('返回评价')}
        </Link>
      </div>
      <section className="overflow-x-auto rounded-lg border bg-white">
        <table className="w-full text-left text-sm" data-testid="drill-table">
          {drill.kind === 'records' ? (
            <RecordColumns records={drill.items} rowTestId="drill-row" />
          ) : drill.kind === 'uploads' ? (
            <UploadColumns uploads={drill.items} rowTestId="drill-row" />
          ) : drill.kind === 'appeals' ? (
            <>
              <thead>
                <tr className="border-b text-slate-500">
                  <th className="px-4 py-1">{t('编号')}</th>
                  <th>{t('政策')}</th>
                  <th>{t('标题')}</th>
                  <th>{t('类型')}</th>
                  <th>{t('受理时间')}</th>
                  <th className="pr-4">{t('状态')}</th>
                </tr>
              </thead>
              <tbody>
                {drill.items.map((a) => (
                  <tr key={`${a.id}-${a.policy}`} className="border-b last:border-0" data-testid="drill-row">
                    <td className="px-4 py-1 font-mono">
                      <Link to={`/appeals/${a.id}`} className="text-red-700 hover:underline">
                        {a.number}
                      </Link>
                    </td>
                    <td>{a.policy}</td>
                    <td>{a.title}</td>
                    <td>{t(APPEAL_REASON_LABELS[a.reason])}</td>
                    <td className="whitespace-nowrap">{a.submittedAt}</td>
                    <td className="pr-4">
                      {t(PHASE_LABELS[a.phase] ?? a.phase)}
                      {a.onTime ? (
                        <span className="ml-1 rounded bg-emerald-100 px-1 text-xs text-emerald-800">{t('按期')}</span>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </>
          ) : (
            <>
              <thead>
                <tr className="border-b text-slate-500">
                  <th className="px-4 py-1">{t('政策')}</th>
                  <th>{t('对象')}</th>
                  <th>{t('联系电话')}</th>
                  <th>{t('回访结果')}</th>
                  <th>{t('已到账')}</th>
                  <th>{t('金额无误')}</th>
                  <th>{t('满意度')}</th>
                  <th className="text-right">{t('未接通次数')}</th>
                  <th className="pr-4">{t('完成时间')}</th>
                </tr>
              </thead>
              <tbody>
                {drill.items.map((c) => (
                  <tr key={c.id} className="border-b last:border-0" data-testid="drill-row">
                    <td className="px-4 py-1">{c.policy}</td>
                    <td>{c.name}</td>
                    <td>{c.phone}</td>
                    <td>{c.outcome ? t(CALLBACK_OUTCOME_LABELS[c.outcome] ?? c.outcome) : t('待回访')}</td>
                    <td>{t(yesNo(c.received))}</td>
                    <td>{t(yesNo(c.amountRight))}</td>
                    <td>{c.satisfaction ? t(SATISFACTION_LABELS[c.satisfaction] ?? c.satisfaction) : '—'}</td>
                    <td className="text-right tabular-nums">{c.attempts}</td>
                    <td className="pr-4 whitespace-nowrap">{c.closedAt ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </>
          )}
        </table>
        {drill.items.length === 0 ? <p className="px-4 py-3 text-slate-500">{t('没有符合的条目')}</p> : null}
      </section>
      {drill.next !== null ? (
        <Link to={nextPage(drill.next)} className="text-sm text-red-700 hover:underline" data-testid="drill-next">
          {t('下一页')}
        </Link>
      ) : null}
    </div>
  );
}
