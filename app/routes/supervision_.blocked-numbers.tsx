import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { requireUserWith } from '../auth/session.server';
import { readFormWithRefusal } from '../http/body.server';
import { clientOf } from '../http/client.server';
import { domain, formFailure } from '../http/errors.server';
import { FieldError } from '../components/field-error';
import { useT } from '../i18n/use-t';
import { blockNumber, blockedNumbers, liftBlock } from '../security/blocked-numbers.server';
import { CsrfField } from '../ui/csrf';

export const meta: MetaFunction = () => [{ title: '骚扰号码名单 · 12345 热线' }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'blocked-numbers:keep');
  return { entries: await domain(() => blockedNumbers(context.runtime.db.em(), user.actor)) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWith(request, context, 'blocked-numbers:keep');
  const { form, refused } = await readFormWithRefusal(request);
  const { intent, ...fields } = Object.fromEntries(form) as Record<string, string>;
  const em = context.runtime.db.em();
  try {
    if (refused) throw refused;
    if (intent === 'lift') await liftBlock(em, user.actor, { id: fields.id }, clientOf(request, context));
    else await blockNumber(em, user.actor, fields, clientOf(request, context));
  } catch (err) {
    const { failure, status } = formFailure(err, intent === 'lift' ? 'lift' : 'add');
    // What was typed comes back into the form.
    return json({ failure, values: intent === 'lift' ? {} : fields }, { status });
  }
  return redirect(`/supervision/blocked-numbers?done=${intent === 'lift' ? 'lift' : 'add'}`);
}

const input = 'mt-1 block w-full rounded border px-2 py-1.5';

export default function BlockedNumbers() {
  const { entries } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const busy = useNavigation().state !== 'idle';
  const { t } = useT();
  const errors = data?.failure && 'fieldErrors' in data.failure ? (data.failure.fieldErrors ?? {}) : {};
  const values: Record<string, string> = data?.values ?? {};
  const err = (name: string) => <FieldError messages={errors[name]} testId={`error-${name}`} />;
  return (
    <main className="mx-auto max-w-5xl space-y-4 p-4">
      <h1 className="text-xl font-semibold">{t('骚扰号码名单')}</h1>
      <p className="text-slate-600">
        {t('名单内的号码不能在网站获取验证码或提交诉求；来电照常接听，话务员弹屏会提示骚扰号码及原因。')}
      </p>
      {data?.failure && !Object.keys(errors).length ? (
        <p role="alert" className="rounded bg-red-50 p-2 text-red-800" data-testid="form-error">
          {t(data.failure.message)}
        </p>
      ) : null}
      <Form method="post" className="grid gap-3 rounded-lg border bg-white p-4 md:grid-cols-4" noValidate>
        <CsrfField />
        <label className="block">
          <span>{t('号码')}</span>
          <input name="phone" inputMode="tel" defaultValue={values.phone} className={input} />
          {err('phone')}
        </label>
        <label className="block md:col-span-2">
          <span>{t('原因')}</span>
          <input name="reason" defaultValue={values.reason} className={input} maxLength={200} />
          {err('reason')}
        </label>
        <label className="block">
          <span>{t('截止日期（选填）')}</span>
          <input name="until" type="date" defaultValue={values.until} className={input} />
          {err('until')}
        </label>
        <div className="md:col-span-4">
          <button
            name="intent"
            value="add"
            disabled={busy}
            className="rounded bg-red-700 px-4 py-1.5 text-white disabled:opacity-50"
            data-testid="block-add"
          >
            {t('加入名单')}
          </button>
        </div>
      </Form>
      <table className="w-full rounded-lg border bg-white text-left" data-testid="blocked-list">
        <thead className="border-b bg-slate-50">
          <tr>
            <th className="px-3 py-1.5">{t('号码')}</th>
            <th>{t('原因')}</th>
            <th>{t('加入')}</th>
            <th>{t('截止')}</th>
            <th>{t('状态')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {entries.length === 0 ? (
            <tr>
              <td colSpan={6} className="px-3 py-3 text-slate-500">
                {t('名单为空')}
              </td>
            </tr>
          ) : null}
          {entries.map((e) => (
            <tr key={e.id} className="border-b align-top last:border-0" data-testid={`blocked-${e.phone}`}>
              <td className="px-3 py-1.5 font-mono">{e.phone}</td>
              <td>{e.reason}</td>
              <td>
                {e.addedBy}
                <div className="text-xs text-slate-500">{e.addedAt}</div>
              </td>
              <td>{e.until ?? t('长期')}</td>
              <td>
                {e.active
                  ? t('生效中')
                  : e.liftedAt
                    ? t('{{who}} 于 {{at}} 解除', { who: e.liftedBy, at: e.liftedAt })
                    : t('已到期')}
              </td>
              <td className="py-1.5">
                {e.active ? (
                  <Form method="post">
                    <CsrfField />
                    <input type="hidden" name="id" value={e.id} />
                    <button
                      name="intent"
                      value="lift"
                      disabled={busy}
                      className="rounded border px-2 py-0.5 text-red-700"
                      data-testid="block-lift"
                    >
                      {t('解除')}
                    </button>
                  </Form>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}
