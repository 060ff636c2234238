import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { useT } from '../i18n/use-t';
import { publicListQuery, publishedPolicies } from '../policies/published.server';
import { POLICY_DOMAIN_LABELS } from '../ui/policy-labels';

export const meta: MetaFunction = () => [{ title: '惠企惠民政策清单 · 12345 热线' }];

// Public: the published policies, without sign-in.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const policies = await publishedPolicies(context.runtime.db.em(), params);
  return { policies, query: publicListQuery.parse(params) };
}

export default function PublicPolicies() {
  const { policies, query } = useLoaderData<typeof loader>();
  const { t } = useT();
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-lg font-semibold">{t('惠企惠民政策清单')}</h1>
        <Link to="/policies/book" className="rounded border px-3 py-1.5 hover:bg-slate-100">
          {t('政策汇编（打印）')}
        </Link>
      </div>
      <Form method="get" className="flex flex-wrap items-end gap-2" role="search" aria-label={t('查找政策')}>
        <label className="block">
          <span className="text-slate-600">{t('关键词')}</span>
          <input name="q" defaultValue={query.q} className="mt-1 block rounded border px-2 py-1" />
        </label>
        <label className="block">
          <span className="text-slate-600">{t('政策领域')}</span>
          <select name="domain" defaultValue={query.domain ?? ''} className="mt-1 block rounded border px-2 py-1">
            <option value="">{t('全部')}</option>
            {Object.entries(POLICY_DOMAIN_LABELS).map(([v, l]) => (
              <option key={v} value={v}>
                {t(l)}
              </option>
            ))}
          </select>
        </label>
        <button className="rounded bg-red-700 px-3 py-1.5 text-white">{t('查找')}</button>
      </Form>
      <section className="rounded-lg border bg-white" aria-labelledby="public-policies-h">
        <h2 id="public-policies-h" className="border-b px-4 py-2 font-semibold">
          {t('现行政策（{{n}}）', { n: policies.length })}
        </h2>
        <ul className="divide-y">
          {policies.map((p) => (
            <li key={p.policyId} className="px-4 py-2">
              <Link to={`/policies/${p.policyId}`} className="font-medium text-red-700 hover:underline">
                {p.title}
              </Link>
              {p.withoutApplication ? (
                <span className="ml-2 rounded bg-emerald-100 px-1 text-xs text-emerald-800">{t('免申即享')}</span>
              ) : null}
              <span className="ml-2 text-xs text-slate-500">
                {t(POLICY_DOMAIN_LABELS[p.domain])} · {p.leadDepartment.name}
                {p.documentNumber ? ` · ${p.documentNumber}` : ''}
              </span>
              <p className="line-clamp-2 text-xs text-slate-600">{p.benefit}</p>
            </li>
          ))}
        </ul>
        {policies.length === 0 ? <p className="px-4 py-3 text-slate-500">{t('没有找到相关政策')}</p> : null}
      </section>
    </div>
  );
}
