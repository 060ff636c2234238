import type { AssistView } from '../appeals/detail.server';
import { useT } from '../i18n/use-t';
import { StepFileLinks } from './step-files';

const STATUS_LABELS: Record<AssistView['status'], string> = {
  pending: '待签收',
  accepted: '办理中',
  answered: '已反馈',
  waived: '未反馈（主办已答复）',
};

/** The assisting units' orders (协办) and their opinions, where the lead reads them before replying. */
export function AssistOrders({ assists }: { assists: AssistView[] }) {
  const { t } = useT();
  if (!assists.length) return null;
  return (
    <section className="rounded-lg border bg-white p-4" aria-labelledby="assists-h" data-testid="assist-orders">
      <h2 id="assists-h" className="mb-2 font-semibold">
        {t('协办单位意见')}
      </h2>
      <ul className="space-y-2">
        {assists.map((a) => (
          <li key={a.departmentId} className="rounded bg-slate-50 p-2" data-testid="assist-order">
            <div className="flex flex-wrap items-baseline gap-x-3">
              <span className="font-medium">{a.unit}</span>
              <span className="rounded bg-slate-200 px-1.5 py-0.5 text-xs" data-testid="assist-status">
                {t(STATUS_LABELS[a.status])}
              </span>
              {a.late ? (
                <span className="rounded bg-red-600 px-1.5 py-0.5 text-xs text-white" data-testid="assist-late">
                  {t('已超期')}
                </span>
              ) : null}
              {a.dueAt ? (
                <span className="text-sm text-slate-600">
                  {t('反馈时限')} {a.dueAt}
                </span>
              ) : null}
              {a.answeredAt ? (
                <span className="text-sm text-slate-600">
                  {t('反馈于')} {a.answeredAt}
                </span>
              ) : null}
            </div>
            {a.opinion ? (
              <p className="mt-1 whitespace-pre-wrap text-slate-800" data-testid="assist-opinion">
                {a.opinion}
              </p>
            ) : null}
            <StepFileLinks files={a.files} />
          </li>
        ))}
      </ul>
    </section>
  );
}
