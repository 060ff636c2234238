import { Link } from '@remix-run/react';
import type { AppealReferral } from '../case-links/appeal-referrals.server';
import { useT } from '../i18n/use-t';
import { REFERRAL_KIND_LABELS, REFERRAL_OUTCOME_LABELS } from '../ui/labels';
import { referralPhaseLabel } from '../ui/referral-labels';

const CLOCK_STYLE: Record<string, string> = {
  overdue: 'bg-red-100 text-red-800',
  warned: 'bg-amber-100 text-amber-800',
};

/** The referral cases an appeal waits for or waited for, each with its state and nearest legal deadline. */
export function AppealReferrals({ referrals }: { referrals: AppealReferral[] }) {
  const { t } = useT();
  if (!referrals.length) return null;
  return (
    <section className="rounded-lg border bg-white p-4" aria-labelledby="referrals-h">
      <h2 id="referrals-h" className="mb-2 font-semibold">
        {t('转介案件')}
      </h2>
      <ul className="space-y-1" data-testid="appeal-referrals">
        {referrals.map((r) => (
          <li key={r.id} className="flex flex-wrap items-center gap-x-3" data-testid="appeal-referral">
            {r.visible ? (
              <Link to={`/referrals/${r.id}`} className="font-mono text-red-700 hover:underline">
                {r.number}
              </Link>
            ) : (
              <span className="font-mono">{r.number}</span>
            )}
            <span>
              {t(REFERRAL_KIND_LABELS[r.kind] ?? r.kind)} · {r.agency}
            </span>
            <span className="rounded bg-slate-100 px-1.5" data-testid="appeal-referral-phase">
              {t(referralPhaseLabel(r.kind, r.phase))}
            </span>
            {/* A refusal's state already says so. */}
            {r.outcome && r.outcome !== 'refused' ? (
              <span className="text-slate-600">{t(REFERRAL_OUTCOME_LABELS[r.outcome] ?? r.outcome)}</span>
            ) : null}
            {r.nextDueAt ? (
              <span className={`rounded px-1.5 ${CLOCK_STYLE[r.clockState] ?? 'text-slate-600'}`}>
                {t('法定期限')} {r.nextDueAt}
              </span>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
