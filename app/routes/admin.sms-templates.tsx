import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { smsTemplatesForAdmin, updateSmsTemplate } from '../admin/sms-templates.server';
import { requireUserWith } from '../auth/session.server';
import { AdminFieldError, AdminNav } from '../components/admin-nav';
import { readFormWithRefusal } from '../http/body.server';
import { clientOf } from '../http/client.server';
import { domain, formFailure } from '../http/errors.server';
import { useT } from '../i18n/use-t';
import { CsrfField } from '../ui/csrf';

export const meta: MetaFunction = () => [{ title: '短信模板 · 12345 热线' }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'admin:sms-templates');
  return { templates: await domain(() => smsTemplatesForAdmin(context.runtime.db.em(), user.actor)) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWith(request, context, 'admin:sms-templates');
  const { form, refused } = await readFormWithRefusal(request);
  const code = String(form.get('code') ?? '');
  try {
    if (refused) throw refused;
    await updateSmsTemplate(
      context.runtime.db.em(),
      user.actor,
      { code: form.get('code'), body: form.get('body') },
      clientOf(request, context),
    );
  } catch (err) {
    const { failure, status } = formFailure(err, code);
    return json({ failure }, { status });
  }
  return redirect(`/admin/sms-templates?saved=${encodeURIComponent(code)}`);
}

export default function AdminSmsTemplates() {
  const { templates } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === 'submitting';
  const { t } = useT();
  return (
    <div className="space-y-4">
      <AdminNav current="/admin/sms-templates" />
      <h1 className="text-lg font-semibold">{t('短信模板')}</h1>
      <p className="text-slate-600">
        {t(
          '发给市民的每一条短信：验证码、受理、查询链接、答复、评价邀请和重新受理。每条下面列出它可用的占位符，标“必填”的必须包含。修改只影响之后生成的短信。',
        )}
      </p>
      {result?.failure && !templates.some((x) => x.code === result.failure.intent) ? (
        <p role="alert" className="text-red-600">
          {t(result.failure.message)}
        </p>
      ) : null}
      <div className="grid gap-4 lg:grid-cols-3">
        {templates.map((tpl) => {
          const failed = result?.failure?.intent === tpl.code ? result.failure : null;
          return (
            <Form
              key={`${tpl.code}-${tpl.updatedAt}`}
              method="post"
              className="space-y-2 rounded-lg border bg-white p-4"
              aria-label={t(tpl.name)}
              data-testid={`sms-template-${tpl.code}`}
              noValidate
            >
              <CsrfField />
              <input type="hidden" name="code" value={tpl.code} />
              <h2 className="font-semibold">{t(tpl.name)}</h2>
              <label className="block">
                <span className="text-slate-600">{t('短信内容')}</span>
                <textarea
                  name="body"
                  rows={4}
                  defaultValue={tpl.body}
                  className="mt-1 w-full rounded border px-2 py-1"
                  aria-invalid={Boolean(failed?.fieldErrors?.body)}
                />
                <AdminFieldError errors={failed?.fieldErrors ?? {}} name="body" />
              </label>
              {failed && !failed.fieldErrors ? (
                <p role="alert" className="text-red-600">
                  {t(failed.message)}
                </p>
              ) : null}
              <ul className="flex flex-wrap gap-1 text-xs" aria-label={t('可用占位符')} data-testid="sms-placeholders">
                {tpl.placeholders.map((ph) => (
                  <li key={ph.name} className="rounded bg-slate-100 px-1.5 py-0.5 text-slate-700">
                    <code>{`{${ph.name}}`}</code> {t(ph.label)}
                    {ph.required ? <strong className="ml-1 text-red-700">{t('必填')}</strong> : null}
                  </li>
                ))}
              </ul>
              <p className="text-xs text-slate-600">
                {t('预览')}：<span data-testid="sms-template-preview">{tpl.preview}</span>
              </p>
              <p className="text-xs text-slate-500">
                {t('最后修改')} {tpl.updatedAt}
                {tpl.updatedBy ? ` · ${tpl.updatedBy}` : ''}
              </p>
              <button
                disabled={busy}
                className="rounded bg-red-700 px-3 py-1.5 text-white hover:bg-red-800 disabled:opacity-60"
              >
                {t('保存')}
              </button>
            </Form>
          );
        })}
      </div>
    </div>
  );
}
