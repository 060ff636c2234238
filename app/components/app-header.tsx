import { Form, Link, useLocation } from '@remix-run/react';
import { LanguageSwitch } from './language-switch';
import { useEffect, useState } from 'react';
import type { UserRole } from '../../entities/user';
import { useT } from '../i18n/use-t';
import { CsrfField } from '../ui/csrf';
import { ROLE_LABELS } from '../ui/labels';

export interface HeaderUser {
  displayName: string;
  role: UserRole;
  departmentName: string | null;
}

/**
 * The bar on top of every page. On a desk it is one row: the name, the working screens, the account. On a
 * phone it is one row too (the short name, the language, a menu button); the screens and the account open
 * below it from the menu and close again on the next page.
 */
export function AppHeader({ user, links }: { user: HeaderUser | null; links: [to: string, label: string][] }) {
  const { t } = useT();
  const { pathname, search } = useLocation();
  const [open, setOpen] = useState(false);
  useEffect(() => setOpen(false), [pathname, search]);
  const navLink = 'rounded py-1.5 hover:underline md:py-0';
  return (
    <header className="bg-red-700 text-white print:hidden">
      <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-4 gap-y-1 px-4 py-2">
        <Link to="/" className="min-w-0 truncate text-base font-semibold">
          <span className="md:hidden">{t('12345 热线')}</span>
          <span className="hidden md:inline">{t('12345 政务服务便民热线 · 诉求闭环管理')}</span>
        </Link>
        <div className="ml-auto md:order-last md:ml-0">
          <LanguageSwitch />
        </div>
        {user ? (
          <button
            type="button"
            className="rounded border border-red-400 px-2 py-1 md:hidden"
            aria-expanded={open}
            aria-controls="site-menu"
            onClick={() => setOpen((o) => !o)}
          >
            <span aria-hidden="true">☰ </span>
            {t('菜单')}
          </button>
        ) : null}
        {user ? (
          <div
            id="site-menu"
            className={`${open ? 'flex' : 'hidden'} w-full flex-col gap-2 border-t border-red-600 pt-2 pb-1 md:flex md:w-auto md:flex-1 md:flex-row md:flex-wrap md:items-center md:justify-between md:gap-x-4 md:border-0 md:p-0`}
          >
            <nav
              className="grid grid-cols-2 gap-x-4 md:flex md:flex-wrap md:items-center md:gap-x-4 md:gap-y-1"
              aria-label={t('主导航')}
            >
              <Link to="/" className={navLink}>
                {t('工作台')}
              </Link>
              <Link to="/appeals" className={navLink}>
                {t('诉求查询')}
              </Link>
              {links.map(([to, label]) => (
                <Link key={to} to={to} className={navLink}>
                  {t(label)}
                </Link>
              ))}
            </nav>
            <div className="flex flex-wrap items-center gap-3 border-t border-red-600 pt-2 md:border-0 md:pt-0">
              <span data-testid="current-user" className="basis-full md:basis-auto">
                {user.displayName}（{t(ROLE_LABELS[user.role])}
                {user.departmentName ? ` · ${user.departmentName}` : ''}）
              </span>
              <Link to="/account/mfa" className={navLink}>
                {t('双因素认证')}
              </Link>
              <Form method="post" action="/logout">
                <CsrfField />
                <button className="rounded bg-red-800 px-2 py-1 hover:bg-red-900">{t('退出')}</button>
              </Form>
            </div>
          </div>
        ) : null}
      </div>
    </header>
  );
}
