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
  return (
    <table className="w-full text-left">
      <thead>
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
      <tbody>
        {items.map((a) => (
          <tr key={a.id} className="border-b last:border-0 hover:bg-slate-50">
            <td className="px-4 py-1.5 font-mono">
              <Link to={`/appeals/${a.id}`} className="text-red-700 hover:underline">
                {a.number}
              </Link>
            </td>
            <td className="max-w-xs truncate">
              {a.urgency !== 'normal' ? (
                <span className="mr-1 rounded bg-red-600 px-1 text-xs text-white">{t(URGENCY_LABELS[a.urgency])}</span>
              ) : null}
              {a.title}
            </td>
            <td>{t(TYPE_LABELS[a.type])}</td>
            <td>{a.categoryName}</td>
            <td>{t(PHASE_LABELS[a.phase] ?? a.phase)}</td>
            <td>
              <span className={`rounded px-1.5 py-0.5 text-xs ${SLA_STYLE[a.sla] ?? ''}`}>{t(SLA_LABELS[a.sla])}</span>
              {a.remaining ? <span className="ml-1 text-xs text-slate-500">{d(a.remaining)}</span> : null}
            </td>
            <td>{a.holder ?? '—'}</td>
            <td className="font-mono">{t(a.caller)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
