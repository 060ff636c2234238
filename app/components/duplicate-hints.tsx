import type { DuplicateHint } from '../intake/intake.server';
import { useT } from '../i18n/use-t';
import { PHASE_LABELS } from '../ui/labels';

/**
 * Possible duplicates of the call in hand, beside the form where the operator looks while typing, or of an appeal in
 * triage for the dispatcher. Each number opens the appeal in a new tab, so the form in hand is not lost; with the
 * intake form's id, "合并到此" submits that form as a merge (the dispatcher merges with the appeal page's 合并 step).
 */
export function DuplicateHints({
  hints,
  formId,
  busy = false,
}: {
  hints: DuplicateHint[];
  formId?: string;
  busy?: boolean;
}) {
  const { t } = useT();
  if (!hints.length) return null;
  return (
    <section
      aria-label={t('疑似重复')}
      data-testid="duplicate-hints"
      className="rounded-lg border border-amber-300 bg-amber-50 p-3"
    >
      <h2 className="font-semibold text-amber-800">{t('疑似重复诉求（{{n}}）', { n: hints.length })}</h2>
      <ul className="mt-2 space-y-2">
        {hints.map((h) => (
          <li key={h.id} className="rounded bg-white/70 p-2">
            <div className="flex flex-wrap items-baseline justify-between gap-2">
              <a
                href={`/appeals/${h.id}`}
                target="_blank"
                rel="noopener noreferrer"
                className="font-mono text-red-700 underline hover:text-red-900"
                title={t('在新标签页打开')}
              >
                {h.number}
              </a>
              <span className="text-xs text-slate-500">{h.createdLocal}</span>
            </div>
            <p className="mt-0.5 font-medium">{h.title}</p>
            <p className="text-xs text-slate-600">
              {PHASE_LABELS[h.phase] ? t(PHASE_LABELS[h.phase]) : h.phase} ·{' '}
              {t(h.reason === 'sameCaller' ? '同一来电人' : '同类同地点')}
              {h.address ? ` · ${h.address}` : ''}
            </p>
            {formId ? (
              <button
                form={formId}
                name="intent"
                value={`merge:${h.id}`}
                disabled={busy}
                className="mt-1 rounded bg-amber-600 px-2 py-0.5 text-sm text-white"
              >
                {t('合并到此')}
              </button>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
