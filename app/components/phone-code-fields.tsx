import { useT } from '../i18n/use-t';
import { FieldError } from './field-error';

const field = 'mt-1 block w-full rounded border px-3 py-2';

/**
 * The citizen's phone and the SMS code that proves it, with the button that asks for the code (intent "code") and
 * the note that it was sent. Used wherever the public site needs a proved phone.
 */
export function PhoneCodeFields({
  phone,
  sent,
  errors,
  busy,
  className,
}: {
  phone?: string;
  sent?: string | null;
  errors: Record<string, string[] | undefined>;
  busy: boolean;
  className?: string;
}) {
  const { t } = useT();
  return (
    <div className={className}>
      <label className="block">
        <span className="text-slate-700">{t('手机号')}</span>
        <input name="phone" inputMode="numeric" autoComplete="tel" defaultValue={phone} className={field} />
      </label>
      <FieldError messages={errors.phone} testId="error-phone" />
      <div className="mt-2 flex items-start gap-2">
        <label className="block flex-1">
          <span className="sr-only">{t('短信验证码')}</span>
          <input
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            placeholder={t('短信验证码')}
            className={field}
          />
        </label>
        <button
          name="intent"
          value="code"
          disabled={busy}
          className="mt-1 whitespace-nowrap rounded border border-red-700 px-3 py-2 text-red-700 disabled:opacity-50"
          data-testid="send-code"
        >
          {t('获取验证码')}
        </button>
      </div>
      {sent ? (
        <p role="status" className="mt-1 text-sm text-green-800" data-testid="code-sent">
          {t('验证码已发送至 {{phone}}，5 分钟内有效', { phone: sent })}
        </p>
      ) : null}
      <FieldError messages={errors.code} testId="error-code" />
    </div>
  );
}
