import type { TimelineEntry } from '../appeals/detail.server';
import { useT } from '../i18n/use-t';

export const SATISFACTION_LABELS: Record<string, string> = {
  satisfied: '满意',
  basicallySatisfied: '基本满意',
  dissatisfied: '不满意',
};

/** What a callback's timeline row says beyond its text: the citizen's rating and answer, or the failed attempt. */
export function TimelineDetails({ entry }: { entry: Pick<TimelineEntry, 'feedback' | 'attempt'> }) {
  const { t } = useT();
  if (entry.feedback)
    return (
      <p className="mt-0.5 flex flex-wrap gap-2" data-testid="timeline-feedback">
        <span className="rounded bg-sky-100 px-1.5 text-sky-900">
          {t('满意度')}：{t(SATISFACTION_LABELS[entry.feedback.satisfaction] ?? entry.feedback.satisfaction)}
        </span>
        <span className="rounded bg-sky-100 px-1.5 text-sky-900">
          {t('问题是否解决')}：{t(entry.feedback.resolved ? '已解决' : '未解决')}
        </span>
      </p>
    );
  if (entry.attempt)
    return (
      <p className="mt-0.5 text-slate-600" data-testid="timeline-attempt">
        {t('第 {{n}} / {{max}} 次未接通', entry.attempt)}
      </p>
    );
  return null;
}
