import type { LinksFunction, LoaderFunctionArgs } from '@remix-run/node';
import {
  Link,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  isRouteErrorResponse,
  useLoaderData,
  useMatches,
  useRouteError,
} from '@remix-run/react';
import { I18nextProvider } from 'react-i18next';
import { sessionUser } from './auth/session.server';
import { csrfTokenOf } from './auth/csrf.server';
import { worklistCounts } from './appeals/worklists.server';
import { QueueCountText } from './components/queue-pager';
import { useDocumentLanguage, useNonce } from './document';
import { can, type Capability } from './domain/permissions';
import { clientOf } from './http/client.server';
import { domain } from './http/errors.server';
import { i18nFor } from './i18n/i18n';
import { useT } from './i18n/use-t';
import { AppHeader } from './components/app-header';
import { SoftphoneBar } from './components/softphone-bar';
import { CsrfMeta } from './ui/csrf';
import stylesheet from './tailwind.css';
import { zodWithoutEval } from './zod-jitless';

// The root route loads before any page's route module, and they build zod schemas as they load.
zodWithoutEval();

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: stylesheet },
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
];

// The page's language and script nonce come from the document (app/document.ts), not from here: this
// loader fails when the database is down, and the error page must still speak the user's language.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const em = context.runtime.db.em();
  // Through the one error mapper, so a database that cannot be reached is a 503 the error page names.
  return domain(async () => {
    const user = await sessionUser(em, request, { client: clientOf(request, context) });
    return {
      user: user && { displayName: user.displayName, role: user.role, departmentName: user.departmentName },
      queues: user ? await worklistCounts(em, user) : [],
      csrf: await csrfTokenOf(request),
    };
  });
}

export function Layout({ children }: { children: React.ReactNode }) {
  const lang = useDocumentLanguage();
  const nonce = useNonce();
  return (
    <html lang={lang}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <CsrfMeta />
        <Links />
      </head>
      <body className="min-h-screen bg-slate-50 text-slate-900 text-sm">
        <I18nextProvider i18n={i18nFor(lang)}>{children}</I18nextProvider>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

/** The working screens in the bar, each shown to whoever holds what the screen needs. */
const NAV: [to: string, label: string, capability: Capability][] = [
  ['/intake', '来电登记', 'appeal:intake'],
  ['/field', '外勤', 'field:work'],
  ['/supervision', '督办看板', 'supervision:read'],
  ['/supervision/blocked-numbers', '骚扰号码', 'blocked-numbers:keep'],
  ['/reports', '报表', 'reports:read'],
  ['/assessment', '考核', 'assessment:read'],
  ['/worklist', '单位工单', 'worklist:read'],
  ['/referrals', '转介案件', 'referrals:follow'],
  ['/calls', '通话记录', 'calls:list'],
  ['/policy-catalogue', '政策库', 'policies:maintain'],
  ['/policy-records', '落实记录', 'policy-records:read'],
  ['/beneficiary-callbacks', '回访核实', 'beneficiary-callbacks:read'],
  ['/policy-evaluation', '政策评价', 'policy-evaluation:read'],
  ['/admin/knowledge', '知识库', 'admin:knowledge'],
  ['/admin/calendar', '工作日历', 'admin:calendar'],
  ['/admin/users', '用户', 'admin:users'],
  ['/admin/departments', '部门', 'admin:departments'],
  ['/admin/categories', '分类', 'admin:categories'],
  ['/admin/grids', '网格', 'admin:grids'],
];

/** A route group that draws its own frame (the citizens' site, /c) sets `handle = { ownFrame: true }`. */
const hasOwnFrame = (matches: ReturnType<typeof useMatches>) =>
  matches.some((m) => (m.handle as { ownFrame?: boolean } | undefined)?.ownFrame);

export default function App() {
  const { user, queues } = useLoaderData<typeof loader>();
  const { t } = useT();
  const matches = useMatches();
  if (hasOwnFrame(matches)) return <Outlet />;
  return (
    <>
      <AppHeader
        user={user}
        links={user ? NAV.filter(([, , c]) => can(user, c)).map(([to, label]) => [to, label]) : []}
      />
      {user && can(user, 'calls:answer') ? <SoftphoneBar enabled /> : null}
      {queues.length ? (
        <nav className="border-b bg-white" aria-label={t('我的队列')}>
          <ul className="mx-auto flex max-w-7xl gap-4 overflow-x-auto whitespace-nowrap px-4 py-1.5 text-sm">
            {queues.map((q) => (
              <li key={q.key}>
                <Link to={`/#${q.key}`} className="hover:underline">
                  {t(q.label)}
                </Link>{' '}
                <span
                  className={`rounded-full px-1.5 text-xs ${q.count.n ? 'bg-red-700 text-white' : 'bg-slate-200'}`}
                  data-testid={`nav-count-${q.key}`}
                >
                  <QueueCountText count={q.count} />
                </span>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      <main className="mx-auto max-w-7xl px-4 py-4">
        <Outlet />
      </main>
    </>
  );
}

/** A refusal's words: the text of the response, or for refused input (JSON) its first field's message. */
function refusalText(data: unknown): string {
  if (typeof data !== 'object' || data === null) return String(data);
  const { message, fieldErrors } = data as { message?: string; fieldErrors?: Record<string, string[]> };
  return Object.values(fieldErrors ?? {})[0]?.[0] ?? message ?? '';
}

export function ErrorBoundary() {
  const error = useRouteError();
  const { t } = useT();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  // A 500 never shows the exception text; 4xx show the message the server chose for the user; a 503 (the
  // database cannot be reached) says to come back shortly.
  const message =
    isRouteErrorResponse(error) && status < 500
      ? refusalText(error.data)
      : status === 503
        ? '系统暂时无法使用，请稍后再试'
        : '系统繁忙，请稍后再试';
  const title =
    status === 403 ? '无权访问' : status === 404 ? '页面不存在' : status === 503 ? '服务暂不可用' : '出错了';
  return (
    <main className="mx-auto max-w-xl p-8" data-testid="error-page">
      <h1 className="text-xl font-semibold">{t(title)}</h1>
      <p className="mt-2 text-slate-600" data-testid="error-message">
        {t(message)}
      </p>
      <p className="mt-4">
        <a className="text-red-700 underline" href="/">
          {t('返回首页')}
        </a>
      </p>
    </main>
  );
}
