import type { TrackedAppeal } from '../citizen/tracking.server';
import { useT } from '../i18n/use-t';
import { PUBLIC_STATUS_LABELS, PUBLIC_STEP_LABELS } from '../ui/citizen-labels';
import { SATISFACTION_LABELS } from '../ui/policy-evaluation-labels';

// The public view of one appeal (its number, status and citizen-facing steps): the tracking page and "my appeals"
// draw the same thing.

export function PublicAppealSummary({
  appeal,
}: {
  appeal: Pick<TrackedAppeal, 'number' | 'status' | 'category' | 'submittedAt' | 'content'>;
}) {
  const { t } = useT();
  return (
    <div className="rounded border p-3">
      <p className="text-sm text-slate-600">{t('诉求编号')}</p>
      <p className="font-mono text-xl font-semibold" data-testid="appeal-number">
        {appeal.number}
      </p>
      <p className="mt-2">
        <span className="rounded bg-red-50 px-2 py-0.5 text-red-800" data-testid="public-status">
          {t(PUBLIC_STATUS_LABELS[appeal.status])}
        </span>{' '}
        <span className="text-sm text-slate-600">
          {t(appeal.category)} · {appeal.submittedAt}
        </span>
      </p>
      <p className="mt-2 whitespace-pre-wrap text-slate-800">{appeal.content}</p>
    </div>
  );
}

export function PublicSteps({ steps }: { steps: TrackedAppeal['steps'] }) {
  const { t } = useT();
  return (
    <section aria-labelledby="steps-h">
      <h2 id="steps-h" className="font-semibold">
        {t('办理进度')}
      </h2>
      <ol className="mt-2 space-y-3 border-l-2 border-red-200 pl-4">
        {steps.map((s, i) => (
          <li key={i} data-testid="public-step">
            <p className="font-medium">
              {t(s.byCitizen ? '您已评价' : PUBLIC_STEP_LABELS[s.kind], { department: s.department })}
            </p>
            <p className="text-xs text-slate-500">{s.at}</p>
            {s.text ? (
              <p className="mt-1 whitespace-pre-wrap rounded bg-slate-50 p-2" data-testid="public-own-text">
                {s.text}
              </p>
            ) : null}
            {s.answer ? (
              <p className="mt-1 whitespace-pre-wrap rounded bg-slate-50 p-2" data-testid="public-answer">
                {s.answer}
              </p>
            ) : null}
            {s.satisfaction ? (
              <p className="mt-1 text-sm text-slate-600">
                {t('评价：{{value}}', { value: t(SATISFACTION_LABELS[s.satisfaction] ?? s.satisfaction) })}
              </p>
            ) : null}
          </li>
        ))}
      </ol>
    </section>
  );
}
