import { Form } from '@remix-run/react';
import { useT } from '../i18n/use-t';
import { CsrfField } from '../ui/csrf';

// A case's legal document names its parties in full, so it is printed by a POST the server records,
// opened in a new tab; never by a link.

export function PrintDocument({ referralId, document }: { referralId: number; document: 'agreement' | 'award' }) {
  const { t } = useT();
  const label = document === 'agreement' ? '打印协议书' : '打印裁决书';
  return (
    <Form
      method="post"
      action={`/referrals/${referralId}/${document}.pdf`}
      reloadDocument
      target="_blank"
      aria-label={t(label)}
      className="mt-2"
    >
      <CsrfField />
      <button
        className="rounded border border-red-700 px-3 py-1 text-red-700 hover:bg-red-50"
        data-testid={`${document}-pdf`}
      >
        {t(label)}
      </button>
      <span className="ml-2 text-xs text-slate-500">{t('文书载有当事人完整身份信息，打印将被记录')}</span>
    </Form>
  );
}

const PRINT_LABELS: Record<string, string> = {
  mediationAgreement: '打印了调解协议书',
  arbitrationAward: '打印了仲裁裁决书',
};

/** Who printed the case's documents, for the people who may print them. */
export function PrintLog({ prints }: { prints: { who: string; field: string; at: string }[] }) {
  const { t } = useT();
  if (!prints.length) return null;
  return (
    <ul className="mt-2 text-sm text-slate-600" data-testid="print-log">
      {prints.map((p, i) => (
        <li key={i}>
          {p.at} {p.who} {t(PRINT_LABELS[p.field] ?? p.field)}
        </li>
      ))}
    </ul>
  );
}
