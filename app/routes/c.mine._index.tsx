import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { citizenPhone, endCitizenSession } from '../auth/citizen-session.server';
import { myAppeals, signInByCode } from '../citizen/my-appeals.server';
import { requestCode } from '../citizen/verification.server';
import { readFormWithRefusal } from '../http/body.server';
import { clientOf } from '../http/client.server';
import { formFailure } from '../http/errors.server';
import { PhoneCodeFields } from '../components/phone-code-fields';
import { useT } from '../i18n/use-t';
import { CsrfField } from '../ui/csrf';
import { PUBLIC_STATUS_LABELS } from '../ui/citizen-labels';

export const meta: MetaFunction = () => [
  { title: '我的诉求 · 12345 市民诉求' },
  { name: 'robots', content: 'noindex' },
];

// Signed in: the phone's appeals; else the sign-in by phone and SMS code.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const em = context.runtime.db.em();
  const phone = await citizenPhone(em, request, clientOf(request, context));
  return phone ? { signedIn: true as const, appeals: await myAppeals(em, phone) } : { signedIn: false as const };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { form, refused } = await readFormWithRefusal(request);
  const { intent, _csrf: _token, ...fields } = Object.fromEntries(form) as Record<string, string>;
  const em = context.runtime.db.em();
  const client = clientOf(request, context);
  try {
    if (refused) throw refused;
    if (intent === 'signout')
      return redirect('/c/mine', { headers: { 'Set-Cookie': await endCitizenSession(em, request, client) } });
    if (intent === 'code') {
      const sent = await requestCode(em, { phone: fields.phone ?? '', purpose: 'track' }, client.ip);
      return json({ sent: sent.phone, phone: sent.phone, failure: null });
    }
    const cookie = await signInByCode(em, { phone: fields.phone, code: fields.code }, client);
    return redirect('/c/mine', { headers: { 'Set-Cookie': cookie } });
  } catch (err) {
    const { failure, status } = formFailure(err, intent === 'code' ? 'code' : 'signin');
    return json({ sent: null, phone: fields.phone ?? '', failure }, { status });
  }
}

export default function MyAppeals() {
  const data = useLoaderData<typeof loader>();
  const { t } = useT();
  if (!data.signedIn) return <SignIn />;
  return (
    <div className="space-y-4">
      <div className="flex items-center justify-between">
        <h1 className="text-lg font-semibold">{t('我的诉求')}</h1>
        <Form method="post">
          <CsrfField />
          <button name="intent" value="signout" className="rounded border px-3 py-1.5 text-sm" data-testid="sign-out">
            {t('退出')}
          </button>
        </Form>
      </div>
      {data.appeals.length ? (
        <ul className="divide-y rounded border" data-testid="my-appeals">
          {data.appeals.map((a) => (
            <li key={a.number}>
              <Link to={`/c/mine/${a.number}`} className="block px-3 py-3" data-testid="my-appeal">
                <span className="flex items-center justify-between gap-2">
                  <span className="font-mono font-semibold">{a.number}</span>
                  <span className="rounded bg-red-50 px-2 py-0.5 text-sm text-red-800">
                    {t(PUBLIC_STATUS_LABELS[a.status])}
                  </span>
                </span>
                <span className="mt-1 block text-sm text-slate-600">
                  {t(a.category)} · {a.at}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-slate-600" data-testid="no-appeals">
          {t('这个手机号还没有诉求记录。')}
        </p>
      )}
      <p className="text-sm text-slate-500">{t('列出以本手机号为联系电话的诉求，包括拨打 12345 热线反映的。')}</p>
    </div>
  );
}

function SignIn() {
  const data = useActionData<typeof action>();
  const busy = useNavigation().state !== 'idle';
  const { t } = useT();
  const errors = data?.failure?.fieldErrors ?? {};
  return (
    <Form method="post" className="space-y-4" noValidate>
      <CsrfField />
      <h1 className="text-lg font-semibold">{t('我的诉求')}</h1>
      <p className="text-slate-700">{t('用手机号和短信验证码登录，查看以该号码反映的全部诉求。')}</p>
      {data?.failure && !Object.keys(errors).length ? (
        <p role="alert" className="rounded bg-red-50 p-2 text-red-800" data-testid="form-error">
          {t(data.failure.message)}
        </p>
      ) : null}
      <PhoneCodeFields phone={data?.phone} sent={data?.sent} errors={errors} busy={busy} className="space-y-4" />
      <button
        name="intent"
        value="signin"
        disabled={busy}
        className="w-full rounded bg-red-700 py-3 font-semibold text-white disabled:opacity-50"
        data-testid="sign-in"
      >
        {t('登录')}
      </button>
    </Form>
  );
}
