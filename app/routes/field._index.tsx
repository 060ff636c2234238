import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { requireUserWith } from '../auth/session.server';
import { fieldWorklist } from '../field/field.server';
import { domain } from '../http/errors.server';
import { useT } from '../i18n/use-t';
import { PHASE_LABELS, URGENCY_LABELS } from '../ui/labels';

export const meta: MetaFunction = () => [{ title: '外勤 · 12345 热线' }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'field:work');
  return { items: await domain(() => fieldWorklist(context.runtime.db.em(), user.actor)) };
}

export default function FieldList() {
  const { items } = useLoaderData<typeof loader>();
  const { t, d } = useT();
  return (
    <div className="mx-auto max-w-lg space-y-3">
      <h1 className="text-base font-semibold" data-testid="field-title">
        {t('外勤待办')}（{items.length}）
      </h1>
      <p className="text-xs text-slate-500">{t('本人网格的待签收、办理中诉求，按办理时限排序')}</p>
      <Link
        to="/field/patrol"
        className="block rounded-lg bg-blue-700 p-3 text-center font-medium text-white"
        data-testid="patrol-entry"
      >
        {t('巡查上报')}
      </Link>
      {items.length ? (
        <ul className="space-y-2" data-testid="field-list">
          {items.map((a) => (
            <li key={a.id} data-testid="field-card" data-number={a.number}>
              <Link to={`/field/appeals/${a.id}`} className="block rounded-lg border bg-white p-3 active:bg-slate-100">
                <div className="flex items-center justify-between gap-2">
                  <span className="font-mono text-xs text-slate-500">{a.number}</span>
                  <span className="shrink-0 rounded bg-slate-100 px-1.5 py-0.5 text-xs">
                    {t(PHASE_LABELS[a.phase] ?? a.phase)}
                  </span>
                </div>
                <p className="mt-1 break-words font-medium">
                  {a.urgency !== 'normal' ? (
                    <span className="mr-1 rounded bg-red-600 px-1 text-xs text-white">
                      {t(URGENCY_LABELS[a.urgency])}
                    </span>
                  ) : null}
                  {a.title}
                </p>
                <p className="mt-0.5 break-words text-slate-600">{a.address ?? t('（无地址）')}</p>
                <div className="mt-1 flex flex-wrap items-center justify-between gap-x-2 gap-y-1 text-xs">
                  <span className="font-mono text-slate-500">{t(a.caller)}</span>
                  {a.remaining ? (
                    <span
                      className={`rounded px-1.5 py-0.5 ${a.overdue ? 'bg-red-100 text-red-800' : 'bg-emerald-100 text-emerald-800'}`}
                      data-testid="field-deadline"
                    >
                      {a.overdue && !a.remaining.startsWith('已超期') ? `${t('超期')} · ` : ''}
                      {d(a.remaining)}
                    </span>
                  ) : null}
                </div>
              </Link>
            </li>
          ))}
        </ul>
      ) : (
        <p className="rounded-lg border bg-white p-4 text-slate-500" data-testid="field-empty">
          {t('网格内暂无待办诉求')}
        </p>
      )}
    </div>
  );
}
