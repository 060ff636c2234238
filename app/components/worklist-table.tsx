import { Link } from '@remix-run/react';
import type { AppealListItem } from '../appeals/worklists.server';
import { useT } from '../i18n/use-t';
import { PHASE_LABELS, SLA_LABELS, TYPE_LABELS, URGENCY_LABELS } from '../ui/labels';

const SLA_STYLE: Record<string, string> = {
  onTime: 'bg-emerald-100 text-emerald-800',
  warned: 'bg-amber-100 text-amber-800',
  overdue: 'bg-red-100 text-red-800',
};

export function WorklistTable({ items }: { items: AppealListItem[] }) {
  const { t, d } = useT();
  if (!items.length) return <p className="px-4 py-3 text-slate-500">{t('暂无')}</p>;
  // On a phone each row is a card: number, status and deadline on top, the title below, then category and holder;
  // from md up the same rows are the table's columns.
  const cell = 'md:table-cell md:py-1.5 md:pr-3';
  const minor = `hidden ${cell}`;
  return (
    <table className="block w-full text-left md:table">
      <thead className="hidden md:table-header-group">
        <tr className="border-b text-slate-500">
          <th className="px-4 py-1.5">{t('编号')}</th>
          <th>{t('标题')}</th>
          <th>{t('类型')}</th>
          <th>{t('分类')}</th>
          <th>{t('状态')}</th>
          <th>{t('时限')}</th>
          <th>{t('承办')}</th>
          <th>{t('来电')}</th>
        </tr>
      </thead>
      <tbody className="block md:table-row-group">
        {items.map((a) => (
          <tr
            key={a.id}
            className="flex flex-wrap items-center gap-x-2 gap-y-1 border-b px-4 py-2 last:border-0 hover:bg-slate-50 md:table-row md:p-0"
          >
            <td className={`order-1 font-mono ${cell} md:px-4`}>
              <Link to={`/appeals/${a.id}`} className="text-red-700 hover:underline">
                {a.number}
              </Link>
              {a.source === 'web' ? (
                <span className="ml-1 rounded bg-sky-100 px-1 font-sans text-xs text-sky-800" data-testid="source-web">
                  {t('网站')}
                </span>
              ) : null}
            </td>
            <td className={`order-4 w-full break-words md:w-auto md:max-w-xs md:truncate ${cell}`}>
              {a.urgency !== 'normal' ? (
                <span className="mr-1 rounded bg-red-600 px-1 text-xs text-white">{t(URGENCY_LABELS[a.urgency])}</span>
              ) : null}
              {a.title}
            </td>
            <td className={minor}>{t(TYPE_LABELS[a.type])}</td>
            <td className={`order-5 text-xs text-slate-500 md:text-sm md:text-inherit ${cell}`}>{a.categoryName}</td>
            <td className={`order-2 rounded bg-slate-100 px-1.5 text-xs md:bg-transparent md:px-0 md:text-sm ${cell}`}>
              {t(PHASE_LABELS[a.phase] ?? a.phase)}
            </td>
            <td className={`order-3 ml-auto md:ml-0 ${cell}`}>
              <span className={`rounded px-1.5 py-0.5 text-xs ${SLA_STYLE[a.sla] ?? ''}`}>{t(SLA_LABELS[a.sla])}</span>
              {a.remaining ? <span className="ml-1 text-xs text-slate-500">{d(a.remaining)}</span> : null}
              {a.triageDue ? (
                <span
                  className={`ml-1 rounded px-1 text-xs ${a.triageDue.overdue ? 'bg-red-600 text-white' : 'bg-sky-50 text-sky-800'}`}
                  title={t('受理时限 {{at}}', { at: a.triageDue.dueLabel })}
                  data-testid="triage-due"
                >
                  {t('受理')} {d(a.triageDue.remaining)}
                </span>
              ) : null}
            </td>
            <td className={`order-6 text-xs text-slate-500 md:text-sm md:text-inherit ${cell}`}>{a.holder ?? '—'}</td>
            <td className={`font-mono ${minor}`}>{t(a.caller)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
