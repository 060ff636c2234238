import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { z } from 'zod';
import { confirmEnrolment, disableMfa, enrolmentSetup, mfaStatus } from '../auth/mfa.server';
import { finishEnrolment } from '../auth/second-factor.server';
import { endSession, requireEnrollingUser } from '../auth/session.server';
import { clientOf } from '../http/client.server';
import { readFormWithRefusal } from '../http/body.server';
import { formFailure, type FormFailure } from '../http/errors.server';
import { useT } from '../i18n/use-t';
import { CsrfField } from '../ui/csrf';

export const meta: MetaFunction = () => [{ title: '双因素认证 · 12345 热线' }];

/** Only same-site paths are followed after enrolment. */
function safeRedirect(to: string | null) {
  return to && to.startsWith('/') && !to.startsWith('//') ? to : '/';
}

// The one page a session that must enrol first may open.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireEnrollingUser(request, context);
  const em = context.runtime.db.em();
  const status = await mfaStatus(em, user);
  // Enrolled meanwhile (another tab): this session never showed a code, so it signs in again with one.
  if (user.mfaPendingEnrolment && status.enabled)
    throw redirect('/login', { headers: { 'Set-Cookie': await endSession(em, request, clientOf(request, context)) } });
  const setup = status.enabled ? null : await enrolmentSetup(em, user);
  return {
    username: user.username,
    pendingEnrolment: user.mfaPendingEnrolment === true,
    status,
    setup,
    redirectTo: safeRedirect(new URL(request.url).searchParams.get('redirectTo')),
  };
}

const actionForm = z.object({ intent: z.enum(['confirm', 'disable']) });

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireEnrollingUser(request, context);
  const { form: read, refused } = await readFormWithRefusal(request);
  const form = Object.fromEntries(read);
  const parsed = actionForm.safeParse(form);
  if (!parsed.success)
    return json(
      { failure: { intent: '', message: '无效的操作' } as FormFailure, recoveryCodes: null },
      { status: 400 },
    );
  const em = context.runtime.db.em();
  const client = clientOf(request, context);
  try {
    if (refused) throw refused;
    if (parsed.data.intent === 'confirm') {
      const recoveryCodes = await confirmEnrolment(em, user, form.code, client);
      const cookie = await finishEnrolment(em, request, user, client);
      return json({ failure: null, recoveryCodes }, cookie ? { headers: { 'Set-Cookie': cookie } } : undefined);
    }
    if (user.mfaPendingEnrolment) throw new Response('无权访问此页面', { status: 403 });
    await disableMfa(em, user, form.code, client);
    return json({ failure: null, recoveryCodes: null });
  } catch (err) {
    const { failure, status } = formFailure(err, parsed.data.intent);
    return json({ failure, recoveryCodes: null }, { status });
  }
}

const input = 'mt-1 w-40 rounded border px-2 py-1.5 font-mono tracking-widest';

function CodeField({ failure }: { failure: FormFailure | null }) {
  const { t } = useT();
  const error = failure?.fieldErrors?.code?.[0] ?? failure?.message;
  return (
    <label className="block">
      <span className="text-slate-700">{t('验证码')}</span>
      <input
        name="code"
        autoComplete="one-time-code"
        inputMode="numeric"
        className={input}
        aria-invalid={Boolean(error)}
      />
      {error ? (
        <span role="alert" className="block text-xs text-red-600">
          {t(error)}
        </span>
      ) : null}
    </label>
  );
}

export default function AccountMfa() {
  const { username, pendingEnrolment, status, setup, redirectTo } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== 'idle';
  const { t } = useT();
  const failed = (intent: string) => (result?.failure?.intent === intent ? result.failure : null);
  return (
    <div className="mx-auto max-w-2xl space-y-4">
      <div className="flex items-baseline justify-between">
        <h1 className="text-lg font-semibold">{t('双因素认证')}</h1>
        {pendingEnrolment ? (
          <Form method="post" action="/logout">
            <CsrfField />
            <button className="rounded border px-2 py-1 hover:bg-slate-100">{t('退出')}</button>
          </Form>
        ) : null}
      </div>
      {pendingEnrolment && !result?.recoveryCodes ? (
        <p role="status" className="rounded border border-amber-300 bg-amber-50 px-3 py-2" data-testid="mfa-required">
          {t('您的账号（{{name}}）必须启用双因素认证后才能继续使用系统。', { name: username })}
        </p>
      ) : null}
      {result?.recoveryCodes ? (
        <section className="space-y-3 rounded-lg border bg-white p-4" aria-labelledby="codes-h">
          <h2 id="codes-h" className="font-semibold text-green-700">
            {t('双因素认证已启用')}
          </h2>
          <p>
            {t('请把下面的恢复码抄写或打印后妥善保存：手机丢失时，每个恢复码可代替验证码使用一次。它们只显示这一次。')}
          </p>
          <ol className="grid grid-cols-2 gap-1 font-mono text-base" data-testid="recovery-codes">
            {result.recoveryCodes.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ol>
          <Link to={redirectTo} className="inline-block rounded bg-red-700 px-4 py-1.5 text-white hover:bg-red-800">
            {t('我已保存恢复码，继续')}
          </Link>
        </section>
      ) : status.enabled ? (
        <section className="space-y-3 rounded-lg border bg-white p-4">
          <p data-testid="mfa-status">
            {t('双因素认证已启用')}
            {status.demo ? t('（演示账号：使用公开的演示密钥）') : null}
          </p>
          <p className="text-slate-600">{t('剩余恢复码：{{n}} 个', { n: status.recoveryCodesLeft })}</p>
          {status.required ? (
            <p className="text-slate-600">{t('您的账号必须使用双因素认证。更换手机请联系管理员重置。')}</p>
          ) : (
            <Form method="post" className="flex items-end gap-3" aria-label={t('停用双因素认证')} noValidate>
              <CsrfField />
              <CodeField failure={failed('disable')} />
              <button
                name="intent"
                value="disable"
                disabled={busy}
                className="rounded border px-4 py-1.5 hover:bg-slate-100"
              >
                {t('停用双因素认证')}
              </button>
            </Form>
          )}
        </section>
      ) : setup ? (
        <section className="space-y-3 rounded-lg border bg-white p-4" aria-labelledby="setup-h">
          <h2 id="setup-h" className="font-semibold">
            {t('设置验证器')}
          </h2>
          <ol className="list-decimal space-y-1 pl-5">
            <li>{t('在手机上打开验证器应用（如 Microsoft Authenticator、Google 身份验证器、FreeOTP）。')}</li>
            <li>{t('扫描下面的二维码；无法扫描时，手动输入密钥。')}</li>
            <li>{t('输入应用显示的 6 位验证码，确认启用。')}</li>
          </ol>
          <div className="flex flex-wrap items-center gap-6">
            <div
              className="h-48 w-48"
              role="img"
              aria-label={t('二维码')}
              data-testid="totp-qr"
              dangerouslySetInnerHTML={{ __html: setup.qrSvg }}
            />
            <div className="space-y-1">
              <p className="text-slate-600">{t('密钥（手动输入）')}</p>
              <p className="font-mono text-base break-all" data-testid="totp-secret">
                {setup.secret.replace(/(.{4})(?=.)/g, '$1 ')}
              </p>
              <p className="text-xs text-slate-500">{t('账号：{{name}} · 发行方：12345 热线', { name: username })}</p>
            </div>
          </div>
          <Form method="post" className="flex items-end gap-3" aria-label={t('确认启用')} noValidate>
            <CsrfField />
            <CodeField failure={failed('confirm')} />
            <button
              name="intent"
              value="confirm"
              disabled={busy}
              className="rounded bg-red-700 px-4 py-1.5 text-white hover:bg-red-800"
            >
              {t('确认启用')}
            </button>
          </Form>
        </section>
      ) : null}
    </div>
  );
}
