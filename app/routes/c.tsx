import type { HeadersFunction } from '@remix-run/node';
import { Link, Outlet, isRouteErrorResponse, useRouteError } from '@remix-run/react';
import { LanguageSwitch } from '../components/language-switch';
import { useT } from '../i18n/use-t';

// The citizens' own site (市民诉求): mobile first, as a city embeds it in its official account's web view. No staff
// navigation; its pages never name staff or show anyone else's data.

// Its pages carry only the citizens' English (app/i18n/en/citizen-site.ts).
export const handle = { ownFrame: true, strings: 'citizen' };

// A tracking link is a secret in the address: it never leaves in a Referer.
export const headers: HeadersFunction = () => ({ 'Referrer-Policy': 'no-referrer' });

function Frame({ children }: { children: React.ReactNode }) {
  const { t } = useT();
  return (
    <div className="mx-auto flex min-h-screen max-w-md flex-col bg-white text-base shadow-sm">
      <header className="flex items-center justify-between bg-red-700 px-4 py-3 text-white">
        <Link to="/c" className="font-semibold">
          {t('12345 市民诉求')}
        </Link>
        <LanguageSwitch />
      </header>
      <main className="flex-1 px-4 py-4">{children}</main>
      <footer className="border-t px-4 py-3 text-xs text-slate-500">
        {t('紧急情况请拨打 110、119、120；其他事项可拨打 12345 热线，7×24 小时服务。')}
      </footer>
    </div>
  );
}

export default function CitizenSite() {
  return (
    <Frame>
      <Outlet />
    </Frame>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const { t } = useT();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const message =
    isRouteErrorResponse(error) && status < 500 && typeof error.data === 'string' ? error.data : '系统繁忙，请稍后再试';
  return (
    <Frame>
      <div data-testid="error-page" className="space-y-3">
        <h1 className="text-lg font-semibold">{t(status === 404 ? '未找到' : '出错了')}</h1>
        <p data-testid="error-message" className="text-slate-600">
          {t(message)}
        </p>
        <Link to="/c" className="text-red-700 underline">
          {t('返回首页')}
        </Link>
      </div>
    </Frame>
  );
}
