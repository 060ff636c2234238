import type { ReplyUnderReview } from '../appeals/review.server';
import type { RedoTarget } from '../../machines/appeal-events';
import { useT } from '../i18n/use-t';
import { EVENT_LABELS, REFERRAL_OUTCOME_LABELS } from '../ui/labels';

type Errors = Record<string, string[]> | undefined;

const REDO_TARGET_LABELS: Record<RedoTarget, string> = {
  sameUnit: '原承办单位重办',
  triage: '退回派单重新派单',
};

/** The answer being reviewed or verified, with who gave it, when and its files: next to the buttons that decide. */
export function ReplyUnderReviewBox({ reply }: { reply: ReplyUnderReview }) {
  const { t } = useT();
  return (
    <section
      className="mb-3 rounded border border-sky-300 bg-sky-50 p-3"
      aria-label={t('待审核的答复')}
      data-testid="reply-under-review"
    >
      <h3 className="mb-1 font-medium">{t('待审核的答复')}</h3>
      <p className="text-xs text-slate-600" data-testid="reply-under-review-by">
        {t(EVENT_LABELS[reply.type as keyof typeof EVENT_LABELS] ?? reply.type)} · {t(reply.by)}
        {reply.unit ? `（${reply.unit}）` : ''} · {reply.at}
        {reply.resolved !== null ? ` · ${t(reply.resolved ? '已解决' : '未解决')}` : ''}
        {reply.outcome ? ` · ${t(REFERRAL_OUTCOME_LABELS[reply.outcome] ?? reply.outcome)}` : ''}
      </p>
      <p className="mt-1 whitespace-pre-wrap" data-testid="reply-under-review-text">
        {reply.text ?? t('（无答复内容）')}
      </p>
      {reply.attachments.length ? (
        <ul className="mt-1 flex flex-wrap gap-x-4 text-sm" data-testid="reply-under-review-files">
          {reply.attachments.map((f) => (
            <li key={f.id}>
              <a href={`/attachments/${f.id}`} download className="text-red-700 hover:underline">
                {f.fileName}
              </a>{' '}
              <span className="text-slate-500">（{Math.ceil(f.size / 1024)} KB）</span>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

/**
 * The fields of a redo (退回重办, 重办, 核查退回): where it goes, as the machine allows it now, and the reason.
 * A target the machine refuses (no redos left, nobody holding the appeal) is not offered.
 */
export function RedoFields({
  targets,
  errors,
  reasonLabel,
}: {
  targets: RedoTarget[];
  errors: Errors;
  reasonLabel: string;
}) {
  const { t } = useT();
  const error = errors?.redoTo?.[0];
  const reasonError = errors?.reason?.[0];
  return (
    <>
      <fieldset className="space-y-1" data-testid="redo-targets">
        <legend className="text-slate-600">{t('重办去向')}</legend>
        {targets.map((target, i) => (
          <label key={target} className="flex items-center gap-2">
            <input type="radio" name="redoTo" value={target} defaultChecked={i === 0} />
            {t(REDO_TARGET_LABELS[target])}
          </label>
        ))}
        {!targets.includes('sameUnit') ? (
          <p className="text-xs text-slate-500" data-testid="redo-same-unit-unavailable">
            {t('不能由原承办单位重办：重办次数已用完，或没有承办单位')}
          </p>
        ) : null}
        {error ? (
          <span role="alert" className="block text-xs text-red-600">
            {t(error)}
          </span>
        ) : null}
      </fieldset>
      <label className="block">
        <span className="text-slate-600">{t(reasonLabel)}</span>
        <textarea
          name="reason"
          rows={2}
          className="mt-1 w-full rounded border px-2 py-1"
          aria-invalid={!!reasonError}
        />
        {reasonError ? (
          <span role="alert" className="block text-xs text-red-600">
            {t(reasonError)}
          </span>
        ) : null}
      </label>
    </>
  );
}
