import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useNavigation, useSearchParams } from '@remix-run/react';
import { z } from 'zod';
import { checkPassword, refusalMessage } from '../auth/sign-in.server';
import { continueSignIn } from '../auth/second-factor.server';
import { sessionUser } from '../auth/session.server';
import { landingPath } from '../domain/landing';
import { readFormWithRefusal } from '../http/body.server';
import { clientOf } from '../http/client.server';
import { useT } from '../i18n/use-t';
import { CsrfField } from '../ui/csrf';

export const meta: MetaFunction = () => [{ title: '登录 · 12345 热线' }];

const loginForm = z.object({
  username: z.string().trim().min(1, '请输入用户名').max(64),
  password: z.string().min(1, '请输入密码').max(200),
  redirectTo: z.string().optional(),
});

/** Only same-site paths are followed after sign-in. */
function safeRedirect(to: string | undefined) {
  return to && to.startsWith('/') && !to.startsWith('//') ? to : '/';
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await sessionUser(context.runtime.db.em(), request, { client: clientOf(request, context) });
  if (user) throw redirect(landingPath(user));
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { form, refused } = await readFormWithRefusal(request);
  if (refused) return { errors: refused.fieldErrors, formError: null };
  const parsed = loginForm.safeParse(Object.fromEntries(form));
  if (!parsed.success)
    return { errors: z.flattenError(parsed.error).fieldErrors as Record<string, string[]>, formError: null };
  const em = context.runtime.db.em();
  const client = clientOf(request, context);
  const check = await checkPassword(em, { username: parsed.data.username, password: parsed.data.password, client });
  if (!check.ok) {
    const refused = { errors: {} as Record<string, string[]>, formError: refusalMessage(check.reason) };
    if (check.reason !== 'throttled') return refused;
    return json(refused, { status: 429, headers: { 'Retry-After': String(check.retryAfterSeconds ?? 60) } });
  }
  return continueSignIn(em, check.userId, safeRedirect(parsed.data.redirectTo), client);
}

export default function Login() {
  const data = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state !== 'idle';
  const { t } = useT();
  return (
    <div className="mx-auto mt-16 max-w-sm rounded-lg border bg-white p-6 shadow-sm">
      <h1 className="mb-4 text-lg font-semibold">{t('登录')}</h1>
      <Form method="post" className="space-y-3" noValidate>
        <CsrfField />
        <input type="hidden" name="redirectTo" value={params.get('redirectTo') ?? '/'} />
        <label className="block">
          <span className="text-slate-700">{t('用户名')}</span>
          <input
            name="username"
            autoComplete="username"
            className="mt-1 w-full rounded border px-2 py-1.5"
            aria-invalid={Boolean(data?.errors?.username)}
          />
          {data?.errors?.username ? <span className="text-xs text-red-600">{t(data.errors.username[0])}</span> : null}
        </label>
        <label className="block">
          <span className="text-slate-700">{t('密码')}</span>
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            className="mt-1 w-full rounded border px-2 py-1.5"
            aria-invalid={Boolean(data?.errors?.password)}
          />
          {data?.errors?.password ? <span className="text-xs text-red-600">{t(data.errors.password[0])}</span> : null}
        </label>
        {data?.formError ? (
          <p role="alert" className="text-red-600">
            {t(data.formError)}
          </p>
        ) : null}
        <button
          disabled={busy}
          className="w-full rounded bg-red-700 py-2 text-white hover:bg-red-800 disabled:opacity-60"
        >
          {t('登录')}
        </button>
      </Form>
      {/* The published policies are public: a citizen who reaches this page finds them without an account. */}
      <p className="mt-4 text-center text-sm">
        <Link to="/policies" className="text-slate-600 hover:underline">
          {t('惠企惠民政策清单')}
        </Link>
      </p>
    </div>
  );
}
