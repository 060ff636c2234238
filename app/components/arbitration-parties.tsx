import { useT } from '../i18n/use-t';

export interface ArbitrationPartiesProps {
  applicant: { name: string; idNumber: string; phone: string; address: string };
  respondent: { name: string; creditCode: string; address: string; representative: string | null; phone: string };
  claims: string;
}

/** The applicant and the respondent employer of a labour arbitration, with the claims; ID numbers and phones masked. */
export function ArbitrationParties({ parties }: { parties: ArbitrationPartiesProps | null }) {
  const { t } = useT();
  if (!parties) return <p className="text-amber-700">{t('尚未登记当事人：开庭前请登记申请人、被申请人和仲裁请求')}</p>;
  const { applicant: a, respondent: r } = parties;
  return (
    <div className="space-y-2" data-testid="arbitration-parties">
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1">
        <dt className="text-slate-500">{t('申请人')}</dt>
        <dd>
          {a.name} · {t('身份证号')} <span className="font-mono">{a.idNumber || '—'}</span> · {a.address}
          {a.phone ? <span className="font-mono"> · {a.phone}</span> : null}
        </dd>
        <dt className="text-slate-500">{t('被申请人')}</dt>
        <dd>
          {r.name} · {t('统一社会信用代码')} <span className="font-mono">{r.creditCode}</span> · {r.address}
          {r.representative ? ` · ${t('法定代表人')} ${r.representative}` : ''}
          {r.phone ? <span className="font-mono"> · {r.phone}</span> : null}
        </dd>
        <dt className="text-slate-500">{t('仲裁请求')}</dt>
        <dd className="whitespace-pre-wrap">{parties.claims}</dd>
      </dl>
    </div>
  );
}
