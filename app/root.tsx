import type { LinksFunction, LoaderFunctionArgs } from '@remix-run/node';
import {
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
import { lazy, memo, Suspense } from 'react';
import { I18nextProvider } from 'react-i18next';
import { sessionUser } from './auth/session.server';
import { csrfTokenOf } from './auth/csrf.server';
import { worklistCounts } from './appeals/worklists.server';
import { useDocumentLanguage, useNonce } from './document';
import { clientOf } from './http/client.server';
import { domain } from './http/errors.server';
import { stringSetOf } from './i18n/i18n';
import { usePageI18n } from './i18n/english';
import { useT } from './i18n/use-t';
import { staffBarsOnServer } from './components/staff-bars.server';
import type { StaffBarsProps } from './components/staff-bars';
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
  const strings = stringSetOf(useMatches());
  const i18n = usePageI18n(lang, strings);
  return (
    <html lang={lang} data-strings={strings}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <CsrfMeta />
        <Links />
      </head>
      <body className="min-h-screen bg-slate-50 text-slate-900 text-sm">
        <I18nextProvider i18n={i18n}>{children}</I18nextProvider>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

// The staff bars (header, softphone, queue counts) and what they need (xstate, the permissions) are a chunk of
// their own in the browser, fetched as a staff page hydrates; the server renders them in place (see
// staff-bars.server.ts), and the Suspense boundary keeps that HTML until the chunk is there.
const StaffBars = staffBarsOnServer ?? lazy(() => import('./components/staff-bars'));

// Memoised: a boundary still waiting for its chunk must not receive new props, or React drops the server's HTML.
const StaffFrame = memo(function StaffFrame({ user, queues }: StaffBarsProps) {
  return (
    <Suspense fallback={null}>
      <StaffBars user={user} queues={queues} />
    </Suspense>
  );
});

/** A route group that draws its own frame (the citizens' site, /c) sets `handle = { ownFrame: true }`. */
const hasOwnFrame = (matches: ReturnType<typeof useMatches>) =>
  matches.some((m) => (m.handle as { ownFrame?: boolean } | undefined)?.ownFrame);

export default function App() {
  const { user, queues } = useLoaderData<typeof loader>();
  const matches = useMatches();
  if (hasOwnFrame(matches)) return <Outlet />;
  return (
    <>
      <StaffFrame user={user} queues={queues} />
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
