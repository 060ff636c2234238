import { useT } from '../i18n/use-t';
import { POLICY_DOMAIN_LABELS, POLICY_LEVEL_LABELS } from '../ui/policy-labels';

export interface PublicPolicyView {
  policyId: number;
  number: string;
  versionNo: number;
  publishedAt: string;
  title: string;
  level: string;
  domain: string;
  documentNumber: string | null;
  leadDepartment: { name: string };
  cooperating: { name: string }[];
  withoutApplication: boolean;
  eligibility: string;
  benefit: string;
  validFrom: string | null;
  validTo: string | null;
  consultationPhones: string[];
  items: { no: number; text: string }[];
  attachments?: { id: number; fileName: string }[];
}

/** One published policy as the public and the printed policy book show it. */
export function PublicPolicyBody({ policy }: { policy: PublicPolicyView }) {
  const { t } = useT();
  return (
    <div className="space-y-2">
      <p className="text-slate-600">
        {policy.number} · {t(POLICY_DOMAIN_LABELS[policy.domain])} · {t(POLICY_LEVEL_LABELS[policy.level])}
        {policy.documentNumber ? ` · ${policy.documentNumber}` : ''} · v{policy.versionNo}
        {policy.withoutApplication ? (
          <span className="ml-2 rounded bg-emerald-100 px-1 text-xs text-emerald-800">{t('免申即享')}</span>
        ) : null}
      </p>
      <dl className="grid grid-cols-[7rem_1fr] gap-x-2 gap-y-1">
        <dt className="text-slate-500">{t('牵头单位')}</dt>
        <dd>{policy.leadDepartment.name}</dd>
        {policy.cooperating.length ? (
          <>
            <dt className="text-slate-500">{t('配合单位')}</dt>
            <dd>{policy.cooperating.map((c) => c.name).join('、')}</dd>
          </>
        ) : null}
        <dt className="text-slate-500">{t('享受条件')}</dt>
        <dd>{policy.eligibility}</dd>
        <dt className="text-slate-500">{t('享受内容')}</dt>
        <dd>{policy.benefit}</dd>
        <dt className="text-slate-500">{t('有效期')}</dt>
        <dd>
          {policy.validFrom ?? t('不限')} {t('至')} {policy.validTo ?? t('不限')}
        </dd>
        <dt className="text-slate-500">{t('咨询电话')}</dt>
        <dd>{[...policy.consultationPhones, '12345'].join('、')}</dd>
      </dl>
      <h3 className="font-semibold">{t('政策条款')}</h3>
      <ol className="space-y-1" aria-label={t('政策条款')}>
        {policy.items.map((i) => (
          <li key={i.no} id={`item-${i.no}`}>
            {i.text}
          </li>
        ))}
      </ol>
      {policy.attachments?.length ? (
        <>
          <h3 className="font-semibold">{t('政策附件')}</h3>
          <ul aria-label={t('政策附件')}>
            {policy.attachments.map((f) => (
              <li key={f.id}>
                <a href={`/policies/${policy.policyId}/files/${f.id}`} className="text-red-700 hover:underline">
                  {f.fileName}
                </a>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}
