import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Link, useActionData, useLoaderData } from '@remix-run/react';
import { requireUserWith } from '../auth/session.server';
import { PolicyForm } from '../components/policy-form';
import { readFormWithRefusal } from '../http/body.server';
import { domain, formFailure } from '../http/errors.server';
import { useT } from '../i18n/use-t';
import { createPolicy, policyFormOptions, policyFormValues } from '../policies/catalogue.server';

export const meta: MetaFunction = () => [{ title: '新增政策 · 12345 热线' }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'policies:maintain');
  return { options: await domain(() => policyFormOptions(context.runtime.db.em(), user.actor)) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWith(request, context, 'policies:maintain');
  const { form, refused } = await readFormWithRefusal(request);
  try {
    if (refused) throw refused;
    const { id } = await createPolicy(context.runtime.db.em(), user.actor, policyFormValues(form));
    return redirect(`/policy-catalogue/${id}?saved=1`);
  } catch (err) {
    const { failure, status } = formFailure(err, 'create');
    return json({ failure }, { status });
  }
}

export default function NewPolicy() {
  const { options } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useT();
  return (
    <div className="space-y-4">
      <div className="flex items-center justify-between">
        <h1 className="text-lg font-semibold">{t('新增政策')}</h1>
        <Link to="/policy-catalogue" className="text-slate-600 hover:underline">
          {t('返回政策库')}
        </Link>
      </div>
      <PolicyForm policy={null} options={options} failure={result?.failure ?? null} />
    </div>
  );
}
