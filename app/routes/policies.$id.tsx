import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { z } from 'zod';
import { PublicPolicyBody } from '../components/public-policy';
import { domain } from '../http/errors.server';
import { useT } from '../i18n/use-t';
import { publishedPolicy } from '../policies/published.server';

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.policy.title ?? '政策'} · 12345 热线` },
];

const positive = z.coerce.number().int().positive();

// Public: one published policy, the current version or (?version=n) the one an answer cited.
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const id = positive.safeParse(params.id);
  if (!id.success) throw new Response('政策不存在或未发布', { status: 404 });
  const raw = new URL(request.url).searchParams.get('version');
  const version = raw === null ? undefined : positive.safeParse(raw);
  if (version && !version.success) throw new Response('政策不存在或未发布', { status: 404 });
  return domain(() => publishedPolicy(context.runtime.db.em(), id.data, version?.data));
}

export default function PublicPolicy() {
  const { policy, versions } = useLoaderData<typeof loader>();
  const { t } = useT();
  return (
    <article className="space-y-3 rounded-lg border bg-white p-4" aria-labelledby="policy-h">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 id="policy-h" className="text-lg font-semibold">
          {policy.title}
        </h1>
        <Link to="/policies" className="text-slate-600 hover:underline">
          {t('返回政策清单')}
        </Link>
      </div>
      {!policy.current ? (
        <p role="note" className="rounded bg-amber-50 px-2 py-1 text-amber-800">
          {t('这是第 {{n}} 版，已不是现行版本。', { n: policy.versionNo })}
        </p>
      ) : null}
      <PublicPolicyBody policy={policy} />
      {versions.length > 1 ? (
        <nav aria-label={t('历史版本')} className="flex gap-3 text-xs text-slate-600">
          {t('历史版本')}：
          {versions.map((v) => (
            <Link
              key={v.versionNo}
              to={`/policies/${policy.policyId}?version=${v.versionNo}`}
              aria-current={v.versionNo === policy.versionNo ? 'page' : undefined}
              className={v.versionNo === policy.versionNo ? 'font-semibold' : 'hover:underline'}
            >
              v{v.versionNo}
              {v.current ? t('（现行）') : ''}
            </Link>
          ))}
        </nav>
      ) : null}
    </article>
  );
}
