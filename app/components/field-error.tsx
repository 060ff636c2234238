import { useT } from '../i18n/use-t';

/** The first refusal for one field, shown under it; nothing while the field is fine. */
export function FieldError({
  messages,
  testId,
  className = 'mt-1 text-sm text-red-700',
}: {
  messages?: string[];
  testId?: string;
  className?: string;
}) {
  const { t } = useT();
  const first = messages?.[0];
  return first ? (
    <p className={className} data-testid={testId}>
      {t(first)}
    </p>
  ) : null;
}
