import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { publicCategories, submitWebAppeal, trackingPath } from '../citizen/submission.server';
import { WEB_APPEAL_TYPES } from '../citizen/web-appeal-types';
import { requestCode } from '../citizen/verification.server';
import { readFormWithRefusal } from '../http/body.server';
import { clientOf } from '../http/client.server';
import { formFailure } from '../http/errors.server';
import { useT } from '../i18n/use-t';
import { CsrfField } from '../ui/csrf';
import { TYPE_LABELS } from '../ui/labels';

export const meta: MetaFunction = () => [{ title: '我要反映 · 12345 市民诉求' }];

export async function loader({ context }: LoaderFunctionArgs) {
  return { groups: await publicCategories(context.runtime.db.em()) };
}

/** The public site's origin for the link in the SMS: PUBLIC_ORIGIN when set, else the request's. */
const siteUrl = (request: Request) => (process.env.PUBLIC_ORIGIN ?? new URL(request.url).origin).replace(/\/$/, '');

export async function action({ request, context }: ActionFunctionArgs) {
  const { form, refused } = await readFormWithRefusal(request);
  const { intent, ...fields } = Object.fromEntries(form) as Record<string, string>;
  // What the citizen typed comes back into the form, except the code.
  const { code: _code, ...values } = fields;
  try {
    if (refused) throw refused;
    if (intent === 'code') {
      const sent = await requestCode(
        context.runtime.db.em(),
        { phone: fields.phone ?? '', purpose: 'submit' },
        clientOf(request, context).ip,
      );
      return json({ sent: sent.phone, values, failure: null });
    }
    const r = await submitWebAppeal(context.runtime.services, fields, siteUrl(request));
    return redirect(`${trackingPath(r.token)}?new=1`);
  } catch (err) {
    const { failure, status } = formFailure(err, intent === 'code' ? 'code' : 'submit');
    return json({ sent: null, values, failure }, { status });
  }
}

const field = 'mt-1 block w-full rounded border px-3 py-2';

export default function SubmitAppeal() {
  const { groups } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const { t } = useT();
  const busy = useNavigation().state !== 'idle';
  const values = data?.values ?? {};
  const errors = data?.failure?.fieldErrors ?? {};
  const err = (name: string) =>
    errors[name]?.[0] ? (
      <p className="mt-1 text-sm text-red-700" data-testid={`error-${name}`}>
        {t(errors[name][0])}
      </p>
    ) : null;
  return (
    <Form method="post" className="space-y-4" noValidate>
      <CsrfField />
      <h1 className="text-lg font-semibold">{t('我要反映')}</h1>
      {data?.failure && !Object.keys(errors).length ? (
        <p role="alert" className="rounded bg-red-50 p-2 text-red-800" data-testid="form-error">
          {t(data.failure.message)}
        </p>
      ) : null}
      <fieldset>
        <legend className="text-slate-700">{t('诉求类型')}</legend>
        <div className="mt-1 grid grid-cols-2 gap-2">
          {WEB_APPEAL_TYPES.map((v) => (
            <label key={v} className="flex items-center gap-2 rounded border px-3 py-2">
              <input type="radio" name="type" value={v} defaultChecked={(values.type ?? 'complaint') === v} />
              {t(TYPE_LABELS[v])}
            </label>
          ))}
        </div>
        {err('type')}
      </fieldset>
      <label className="block">
        <span className="text-slate-700">{t('诉求分类')}</span>
        <select name="categoryId" defaultValue={values.categoryId ?? ''} className={field} data-testid="category">
          <option value="">{t('（请选择）')}</option>
          {groups.map((g) => (
            <optgroup key={g.id} label={t(g.name)}>
              {g.categories.map((c) => (
                <option key={c.id} value={c.id}>
                  {t(c.name)}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
        {err('categoryId')}
      </label>
      <label className="block">
        <span className="text-slate-700">{t('诉求内容')}</span>
        <textarea
          name="content"
          rows={5}
          defaultValue={values.content}
          className={field}
          placeholder={t('请写明发生了什么、在哪里、您希望怎样解决')}
        />
        {err('content')}
      </label>
      <label className="block">
        <span className="text-slate-700">{t('地点（选填）')}</span>
        <input name="address" defaultValue={values.address} className={field} />
        {err('address')}
      </label>
      <label className="block">
        <span className="text-slate-700">{t('称呼（选填）')}</span>
        <input name="name" defaultValue={values.name} className={field} autoComplete="name" />
        {err('name')}
      </label>
      <div>
        <label className="block">
          <span className="text-slate-700">{t('手机号')}</span>
          <input name="phone" inputMode="numeric" autoComplete="tel" defaultValue={values.phone} className={field} />
        </label>
        {err('phone')}
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
        {data?.sent ? (
          <p role="status" className="mt-1 text-sm text-green-800" data-testid="code-sent">
            {t('验证码已发送至 {{phone}}，5 分钟内有效', { phone: data.sent })}
          </p>
        ) : null}
        {err('code')}
      </div>
      <label className="flex items-start gap-2">
        <input type="checkbox" name="confidential" defaultChecked={values.confidential === 'on'} className="mt-1" />
        <span>{t('为我保密：承办单位看不到我的姓名和电话')}</span>
      </label>
      <details className="rounded border bg-slate-50 px-3 py-2 text-sm text-slate-700">
        <summary>{t('个人信息处理规则')}</summary>
        <p className="mt-2">
          {t(
            '您的手机号、称呼和诉求内容仅用于受理、办理、答复和回访本诉求，由 12345 热线工作机构按《中华人民共和国个人信息保护法》保存和处理，不向无关单位和个人提供。',
          )}
        </p>
      </details>
      <label className="flex items-start gap-2">
        <input type="checkbox" name="consent" defaultChecked={values.consent === 'on'} className="mt-1" />
        <span>{t('我已阅读并同意个人信息处理规则')}</span>
      </label>
      {err('consent')}
      <button
        name="intent"
        value="submit"
        disabled={busy}
        className="w-full rounded bg-red-700 py-3 font-semibold text-white disabled:opacity-50"
        data-testid="submit-appeal"
      >
        {t('提交')}
      </button>
    </Form>
  );
}
