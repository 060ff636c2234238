import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { requireUserWith } from '../auth/session.server';
import { domain } from '../http/errors.server';
import { useT } from '../i18n/use-t';
import { listPoliciesFor } from '../policies/catalogue.server';
import { POLICY_DOMAIN_LABELS, POLICY_LEVEL_LABELS, POLICY_PHASE_LABELS } from '../ui/policy-labels';

export const meta: MetaFunction = () => [{ title: '政策库维护 · 12345 热线' }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'policies:maintain');
  return { policies: await domain(() => listPoliciesFor(context.runtime.db.em(), user.actor)) };
}

export default function PolicyCatalogue() {
  const { policies } = useLoaderData<typeof loader>();
  const { t } = useT();
  return (
    <div className="space-y-4">
      <div className="flex items-center justify-between">
        <h1 className="text-lg font-semibold">{t('政策库维护')}</h1>
        <div className="flex gap-3">
          <Link to="/policies" className="text-slate-600 hover:underline">
            {t('公开政策清单')}
          </Link>
          <Link to="/policy-catalogue/new" className="rounded bg-red-700 px-3 py-1.5 text-white hover:bg-red-800">
            {t('新增政策')}
          </Link>
        </div>
      </div>
      <section className="rounded-lg border bg-white" aria-labelledby="policies-h">
        <h2 id="policies-h" className="border-b px-4 py-2 font-semibold">
          {t('政策（{{n}}）', { n: policies.length })}
        </h2>
        <table className="w-full text-left">
          <thead>
            <tr className="border-b text-slate-500">
              <th className="px-4 py-1">{t('编号')}</th>
              <th>{t('政策名称')}</th>
              <th>{t('领域')}</th>
              <th>{t('层级')}</th>
              <th>{t('牵头单位')}</th>
              <th>{t('条款')}</th>
              <th>{t('状态')}</th>
              <th>{t('版本')}</th>
            </tr>
          </thead>
          <tbody>
            {policies.map((p) => (
              <tr key={p.id} className="border-b last:border-0">
                <td className="px-4 py-1.5 whitespace-nowrap text-slate-500">{p.number}</td>
                <td>
                  <Link to={`/policy-catalogue/${p.id}`} className="text-red-700 hover:underline">
                    {p.title}
                  </Link>
                  {p.withoutApplication ? (
                    <span className="ml-2 rounded bg-emerald-100 px-1 text-xs text-emerald-800">{t('免申即享')}</span>
                  ) : null}
                </td>
                <td>{t(POLICY_DOMAIN_LABELS[p.domain])}</td>
                <td>{t(POLICY_LEVEL_LABELS[p.level])}</td>
                <td>{p.leadDepartment}</td>
                <td>{p.itemCount}</td>
                <td>{t(POLICY_PHASE_LABELS[p.phase] ?? p.phase)}</td>
                <td>{p.publishedVersion ? `v${p.publishedVersion}` : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {policies.length === 0 ? <p className="px-4 py-3 text-slate-500">{t('暂无政策')}</p> : null}
      </section>
    </div>
  );
}
