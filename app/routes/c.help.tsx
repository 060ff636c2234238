import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { searchHelp } from '../citizen/help.server';
import { HelpSearch } from '../components/help-search';
import { useT } from '../i18n/use-t';

export const meta: MetaFunction = () => [{ title: '办事指南 · 12345 市民诉求' }];

// Public: the knowledge base's answers and the published policies, searched before an appeal is filed.
export async function loader({ request, context }: LoaderFunctionArgs) {
  return searchHelp(context.runtime.db.em(), Object.fromEntries(new URL(request.url).searchParams));
}

export default function Help() {
  const { q, articles, policies } = useLoaderData<typeof loader>();
  const { t } = useT();
  return (
    <div className="space-y-4">
      <h1 className="text-lg font-semibold">{t('办事指南')}</h1>
      <HelpSearch q={q} />
      {q ? (
        <>
          <HelpSection id="articles-h" title={t('常见问题（{{n}}）', { n: articles.length })}>
            {articles.map((a) => (
              <details key={a.id} className="rounded border px-3 py-2" data-testid="help-article">
                <summary className="font-medium">{a.title}</summary>
                <p className="mt-2 whitespace-pre-wrap break-words text-slate-800">{a.body}</p>
                {a.department ? <p className="mt-1 text-sm text-slate-500">{t(a.department)}</p> : null}
              </details>
            ))}
          </HelpSection>
          <HelpSection id="policies-h" title={t('相关政策（{{n}}）', { n: policies.length })}>
            {policies.map((p) => (
              <div key={p.policyId} className="rounded border px-3 py-2" data-testid="help-policy">
                <a href={`/policies/${p.policyId}`} className="font-medium text-red-700 underline">
                  {p.title}
                </a>
                {p.withoutApplication ? (
                  <span className="ml-2 rounded bg-emerald-100 px-1 text-xs text-emerald-800">{t('免申即享')}</span>
                ) : null}
                <p className="mt-1 break-words text-sm text-slate-700">{p.benefit}</p>
                <p className="mt-1 text-xs text-slate-500">{t(p.department)}</p>
              </div>
            ))}
          </HelpSection>
          {!articles.length && !policies.length ? (
            <p className="text-slate-600" data-testid="help-nothing">
              {t('没有找到相关内容，换个关键词试试。')}
            </p>
          ) : null}
        </>
      ) : null}
      <Link
        to="/c/submit"
        className="block rounded border border-red-700 px-4 py-3 text-center font-semibold text-red-700"
        data-testid="still-submit"
      >
        {t('还是要反映问题')}
      </Link>
    </div>
  );
}

/** One kind of answer, headed by how many were found. */
function HelpSection({ id, title, children }: { id: string; title: string; children: React.ReactNode }) {
  return (
    <section aria-labelledby={id} className="space-y-2">
      <h2 id={id} className="font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}
