import type { CallerEntitlements, Entitlement } from '../policies/entitlements.server';
import { useT } from '../i18n/use-t';

/** The policy item an answer cites (政策条款), as the intake form sends it. */
export interface PolicyCitation {
  policyId: number;
  versionNo: number;
  itemNo: number;
  title: string;
  number: string;
}

/** The words 引用 puts into the answer: the policy, its number and version, the item's number and text. */
export function citationText(
  p: { title: string; number: string; versionNo: number },
  item: { no: number; text: string },
) {
  return `《${p.title}》（${p.number} 第 ${p.versionNo} 版）第 ${item.no} 条：${item.text}`;
}

const whom = (e: Pick<Entitlement, 'for'>, t: (k: string) => string) =>
  e.for.kind === 'firm' ? e.for.name : t('本人');

/**
 * 可能享受的政策: what the rules of the published policies say the caller (本人) or a firm the phone speaks for may
 * be entitled to, with a link to the public page and, on the intake form, 引用 to cite the item in the answer.
 */
export function PossiblePolicies({
  policies,
  onCite,
  compact = false,
  limit,
}: {
  policies: CallerEntitlements;
  onCite?: (citation: PolicyCitation, text: string) => void;
  /** One line each, for the ringing bar. */
  compact?: boolean;
  /** Shows the first ones only and says how many more there are (the caller's own come first). */
  limit?: number;
}) {
  const { t } = useT();
  if (!policies.matches.length && !policies.refused.length) return null;
  const shown = limit ? policies.matches.slice(0, limit) : policies.matches;
  const more = policies.matches.length - shown.length;
  return (
    <div data-testid="possible-policies" aria-label={t('可能享受的政策')} role="region">
      <h3 className="text-xs font-semibold text-slate-600">
        {t('可能享受的政策')}（{policies.matches.length}）
      </h3>
      <ul className={compact ? 'space-y-0.5' : 'space-y-1'}>
        {shown.map((e) => (
          <li
            key={`${e.policyId}:${e.for.kind === 'firm' ? e.for.firmId : 'person'}`}
            className={compact ? 'text-sm' : 'rounded bg-emerald-50 p-2 text-sm'}
            data-testid="possible-policy"
          >
            <div className="flex flex-wrap items-center gap-2">
              <a href={`/policies/${e.policyId}`} target="_blank" rel="noreferrer" className="font-medium underline">
                {e.title}
              </a>
              {e.withoutApplication ? (
                <span className="rounded bg-emerald-100 px-1 text-xs text-emerald-800">{t('免申即享')}</span>
              ) : null}
              <span className="rounded bg-slate-100 px-1 text-xs">{whom(e, t)}</span>
              <span className="text-xs text-slate-400">
                {e.documentNumber ? `${e.documentNumber} · ` : ''}
                {e.number} v{e.versionNo}
              </span>
            </div>
            {!compact ? (
              <>
                <p className="text-xs text-slate-500">{t('牵头单位：{{name}}', { name: e.leadDepartment })}</p>
                {e.item ? (
                  <div className="mt-0.5 flex items-start justify-between gap-2 text-xs">
                    <span className="line-clamp-2">{e.item.text}</span>
                    {onCite ? (
                      <button
                        type="button"
                        onClick={() =>
                          onCite(
                            {
                              policyId: e.policyId,
                              versionNo: e.versionNo,
                              itemNo: e.item!.no,
                              title: e.title,
                              number: e.number,
                            },
                            citationText(e, e.item!),
                          )
                        }
                        className="shrink-0 rounded border bg-white px-2 py-0.5"
                        aria-label={t('引用 {{title}} 第 {{n}} 条', { title: e.title, n: e.item.no })}
                      >
                        {t('引用')}
                      </button>
                    ) : null}
                  </div>
                ) : null}
              </>
            ) : null}
          </li>
        ))}
        {more > 0 ? (
          <li className="text-xs text-slate-500" data-testid="possible-policies-more">
            {t('另有 {{n}} 项，接听后在登记页查看', { n: more })}
          </li>
        ) : null}
        {policies.refused.map((r) => (
          <li
            key={`refused:${r.for.kind === 'firm' ? r.for.firmId : 'person'}`}
            className="text-xs text-slate-600"
            data-testid="policy-gate-refused"
          >
            {whom(r, t)}：{t(r.message)}
          </li>
        ))}
      </ul>
    </div>
  );
}
