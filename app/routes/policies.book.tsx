import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { PublicPolicyBody } from '../components/public-policy';
import { useT } from '../i18n/use-t';
import { publishedPolicies } from '../policies/published.server';
import { POLICY_DOMAIN_LABELS } from '../ui/policy-labels';

export const meta: MetaFunction = () => [{ title: '惠企惠民政策汇编 · 12345 热线' }];

// Public: the policy book (政策汇编成册), every current policy by domain, styled for the printer: the site's
// header and the buttons stay off the paper, each domain starts a page, a policy is not split across two.
export async function loader({ context }: LoaderFunctionArgs) {
  const policies = await publishedPolicies(context.runtime.db.em());
  return { policies, printedOn: new Date().toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai' }) };
}

export default function PolicyBook() {
  const { policies, printedOn } = useLoaderData<typeof loader>();
  const { t } = useT();
  const domains = Object.keys(POLICY_DOMAIN_LABELS).filter((d) => policies.some((p) => p.domain === d));
  return (
    <div className="policy-book mx-auto max-w-3xl space-y-6 bg-white p-6 print:max-w-none print:p-0">
      <div className="flex justify-between print:hidden">
        <Link to="/policies" className="text-slate-600 hover:underline">
          {t('返回政策清单')}
        </Link>
        <button type="button" onClick={() => window.print()} className="rounded bg-red-700 px-3 py-1.5 text-white">
          {t('打印')}
        </button>
      </div>
      <header className="text-center">
        <h1 className="text-2xl font-bold tracking-widest">{t('惠企惠民政策汇编')}</h1>
        <p className="mt-1 text-slate-500">
          {t('共 {{n}} 项政策 · {{day}} 编印 · 咨询投诉请拨打 12345', { n: policies.length, day: printedOn })}
        </p>
      </header>
      <nav aria-label={t('目录')} className="break-after-page">
        <h2 className="text-lg font-semibold">{t('目录')}</h2>
        {domains.map((d) => (
          <div key={d} className="mt-2">
            <h3 className="font-medium">{t(POLICY_DOMAIN_LABELS[d])}</h3>
            <ol className="ml-4 list-decimal text-sm">
              {policies
                .filter((p) => p.domain === d)
                .map((p) => (
                  <li key={p.policyId}>
                    <a href={`#policy-${p.policyId}`}>{p.title}</a>
                  </li>
                ))}
            </ol>
          </div>
        ))}
      </nav>
      {domains.map((d) => (
        <section key={d} aria-label={t(POLICY_DOMAIN_LABELS[d])} className="space-y-4 break-before-page">
          <h2 className="border-b-2 border-red-700 pb-1 text-xl font-bold">{t(POLICY_DOMAIN_LABELS[d])}</h2>
          {policies
            .filter((p) => p.domain === d)
            .map((p) => (
              <article key={p.policyId} id={`policy-${p.policyId}`} className="break-inside-avoid border-b pb-3">
                <h3 className="text-base font-semibold">{p.title}</h3>
                <PublicPolicyBody policy={p} />
              </article>
            ))}
        </section>
      ))}
    </div>
  );
}
