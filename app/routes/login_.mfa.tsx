import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { answerSecondStep, pendingSignIn } from '../auth/second-factor.server';
import { readForm } from '../http/body.server';
import { clientOf } from '../http/client.server';
import { domain } from '../http/errors.server';
import { useT } from '../i18n/use-t';
import { CsrfField } from '../ui/csrf';

export const meta: MetaFunction = () => [{ title: '双因素验证 · 12345 热线' }];

// The second step of signing in: only this page reads the pending sign-in, and it is not a session.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const pending = await pendingSignIn(context.runtime.db.em(), request);
  if (!pending) throw redirect('/login');
  return pending;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await domain(() => readForm(request));
  const outcome = await answerSecondStep(
    context.runtime.db.em(),
    request,
    form.get('code'),
    clientOf(request, context),
  );
  if (outcome.kind === 'signedIn') return redirect(outcome.redirectTo, { headers: outcome.headers });
  if (outcome.kind === 'ended')
    return json({ ended: true, attemptsLeft: 0 }, { status: 401, headers: outcome.headers });
  return json({ ended: false, attemptsLeft: outcome.attemptsLeft }, { status: 400 });
}

export default function SecondStep() {
  const { displayName } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== 'idle';
  const { t } = useT();
  return (
    <div className="mx-auto mt-16 max-w-sm rounded-lg border bg-white p-6 shadow-sm">
      <h1 className="mb-1 text-lg font-semibold">{t('双因素验证')}</h1>
      <p className="mb-4 text-slate-600">
        {t('{{name}}，请输入验证器上的 6 位验证码，或一个恢复码。', { name: displayName })}
      </p>
      {result?.ended ? (
        <div className="space-y-3">
          <p role="alert" className="text-red-600">
            {t('验证失败次数过多，本次登录已结束。')}
          </p>
          <Link to="/login" className="text-red-700 underline">
            {t('重新登录')}
          </Link>
        </div>
      ) : (
        <Form method="post" className="space-y-3" noValidate>
          <CsrfField />
          <label className="block">
            <span className="text-slate-700">{t('验证码或恢复码')}</span>
            <input
              name="code"
              autoComplete="one-time-code"
              inputMode="text"
              autoFocus
              className="mt-1 w-full rounded border px-2 py-1.5 font-mono tracking-widest"
              aria-invalid={Boolean(result)}
            />
          </label>
          {result ? (
            <p role="alert" className="text-red-600">
              {t('验证码不正确或已使用，还可尝试 {{n}} 次', { n: result.attemptsLeft })}
            </p>
          ) : null}
          <button
            disabled={busy}
            className="w-full rounded bg-red-700 py-2 text-white hover:bg-red-800 disabled:opacity-60"
          >
            {t('验证')}
          </button>
          <p className="text-xs text-slate-500">{t('请在 5 分钟内完成验证；连续 5 次错误需重新登录。')}</p>
        </Form>
      )}
    </div>
  );
}
