import { useNavigation } from '@remix-run/react';
import { useT } from '../i18n/use-t';
import { API_OPERATION_LABELS } from '../ui/labels';
import { AdminFieldError } from './admin-nav';

const field = 'mt-1 w-full rounded border px-2 py-1';

export interface ClientFormValues {
  name: string;
  contact: string;
  operations: string[];
  rateLimitPerMinute: number;
  ipAllowList: string[];
}

/** The fields of an interface client, for registering one or editing it; errors next to each field. */
export function ApiClientFields({
  client,
  errors,
}: {
  client: ClientFormValues | null;
  errors: Record<string, string[]>;
}) {
  const { t } = useT();
  // The allow-list's errors come per line (ipAllowList.0, …): shown together under the list with the line number.
  const listErrors = Object.entries(errors)
    .filter(([k]) => k.startsWith('ipAllowList'))
    .flatMap(([k, ms]) => {
      const line = Number(k.split('.')[1]);
      return ms.map((m) => (Number.isNaN(line) ? t(m) : t('第 {{n}} 行：{{m}}', { n: line + 1, m: t(m) })));
    });
  return (
    <>
      <label className="block">
        <span className="text-slate-600">{t('名称')}</span>
        <input name="name" defaultValue={client?.name ?? ''} className={field} aria-invalid={Boolean(errors.name)} />
        <AdminFieldError errors={errors} name="name" />
      </label>
      <label className="block">
        <span className="text-slate-600">{t('联系人及电话')}</span>
        <input
          name="contact"
          defaultValue={client?.contact ?? ''}
          className={field}
          aria-invalid={Boolean(errors.contact)}
        />
        <AdminFieldError errors={errors} name="contact" />
      </label>
      <fieldset>
        <legend className="text-slate-600">{t('接口权限')}</legend>
        {Object.keys(API_OPERATION_LABELS).map((op) => (
          <label key={op} className="flex items-center gap-2">
            <input
              type="checkbox"
              name="operations"
              value={op}
              defaultChecked={client?.operations.includes(op) ?? false}
            />
            {t(API_OPERATION_LABELS[op])}
            <code className="text-xs text-slate-500">{op}</code>
          </label>
        ))}
        <AdminFieldError errors={errors} name="operations" />
      </fieldset>
      <label className="block">
        <span className="text-slate-600">{t('每分钟调用上限')}</span>
        <input
          name="rateLimitPerMinute"
          inputMode="numeric"
          defaultValue={client?.rateLimitPerMinute ?? 600}
          className={field}
          aria-invalid={Boolean(errors.rateLimitPerMinute)}
        />
        <AdminFieldError errors={errors} name="rateLimitPerMinute" />
      </label>
      <label className="block">
        <span className="text-slate-600">{t('允许的来源地址（每行一个 IP 或网段，留空则不限）')}</span>
        <textarea
          name="ipAllowList"
          rows={3}
          defaultValue={client?.ipAllowList.join('\n') ?? ''}
          className={`${field} font-mono`}
          aria-invalid={listErrors.length > 0}
        />
        {listErrors.length ? (
          <span role="alert" className="block text-xs text-red-600">
            {listErrors.join(t('；'))}
          </span>
        ) : null}
      </label>
    </>
  );
}

/** A submit button that waits while its form is sent. */
export function SubmitButton({ intent, label, danger }: { intent: string; label: string; danger?: boolean }) {
  const busy = useNavigation().state === 'submitting';
  return (
    <button
      name="intent"
      value={intent}
      disabled={busy}
      className={
        danger
          ? 'rounded border border-red-700 px-4 py-1.5 text-red-700 hover:bg-red-100'
          : 'rounded bg-red-700 px-4 py-1.5 text-white hover:bg-red-800'
      }
    >
      {label}
    </button>
  );
}

/** The key and secret just issued: shown this once, with the warning that they cannot be shown again. */
export function IssuedCredentials({
  name,
  apiKey,
  signingSecret,
}: {
  name: string;
  apiKey: string;
  signingSecret: string;
}) {
  const { t } = useT();
  return (
    <section
      className="space-y-2 rounded-lg border-2 border-amber-500 bg-amber-50 p-4"
      aria-label={t('新的接口密钥')}
      data-testid="issued-credentials"
    >
      <h2 className="font-semibold">{t('{{name}} 的接口密钥和签名密钥', { name })}</h2>
      <p role="alert" className="font-semibold text-amber-900">
        {t('请立即复制并交给对方系统的负责人。本页关闭或刷新后无法再次查看：系统只保存密钥的散列和加密的签名密钥。')}
      </p>
      <dl className="grid gap-1 md:grid-cols-[10rem_1fr]">
        <dt className="text-slate-600">{t('接口密钥（X-Api-Key）')}</dt>
        <dd>
          <code className="break-all rounded bg-white px-1" data-testid="issued-api-key">
            {apiKey}
          </code>
        </dd>
        <dt className="text-slate-600">{t('签名密钥')}</dt>
        <dd>
          <code className="break-all rounded bg-white px-1" data-testid="issued-signing-secret">
            {signingSecret}
          </code>
        </dd>
      </dl>
    </section>
  );
}
