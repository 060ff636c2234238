import { useT } from '../i18n/use-t';

/** The department's 退单 reason, shown inside the forms that rule on it. */
export function ReturnReason({ reason }: { reason: string | null }) {
  const { t } = useT();
  return (
    <div className="rounded border border-amber-300 bg-amber-50 p-2" data-testid="return-reason">
      <p className="text-xs font-medium text-amber-800">{t('承办单位退单理由')}</p>
      <p className="whitespace-pre-wrap">{reason ?? t('（未填写）')}</p>
    </div>
  );
}
