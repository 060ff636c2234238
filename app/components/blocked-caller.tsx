import { useT } from '../i18n/use-t';

/** The number is on the blocked list: the call is answered as usual, but the operator sees why it was listed. */
export function BlockedCallerWarning({
  reason,
  testId,
  inline = false,
}: {
  reason: string;
  testId: string;
  /** In a line of other facts (the screen pop) rather than a block of its own. */
  inline?: boolean;
}) {
  const { t } = useT();
  const Tag = inline ? 'span' : 'p';
  return (
    <Tag
      role="alert"
      className={`rounded bg-red-700 font-semibold text-white ${inline ? 'px-1.5' : 'px-2 py-1'}`}
      data-testid={testId}
    >
      {t('骚扰号码：{{reason}}', { reason })}
    </Tag>
  );
}
