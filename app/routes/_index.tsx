import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { requireUser } from '../auth/session.server';
import { homePage } from '../appeals/worklists.server';
import { QueueCountText, QueuePager } from '../components/queue-pager';
import { WorklistTable } from '../components/worklist-table';
import { can } from '../domain/permissions';
import { domain } from '../http/errors.server';
import { useT } from '../i18n/use-t';
import { ROLE_LABELS } from '../ui/labels';

export const meta: MetaFunction = () => [{ title: '工作台 · 12345 热线' }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  // An agency's staff work from their referral cases.
  if (can(user, 'referrals:agency')) throw redirect('/referrals');
  const em = context.runtime.db.em();
  const params = new URL(request.url).searchParams;
  return domain(() => homePage(em, user, params, can(user, 'admin:users')));
}

export default function Home() {
  const { role, admin, worklists } = useLoaderData<typeof loader>();
  const { t } = useT();
  return (
    <div className="space-y-6">
      <h1 className="text-lg font-semibold" data-testid="home-title">
        {t('{{role}}工作台', { role: t(ROLE_LABELS[role]) })}
      </h1>
      <nav className="flex flex-wrap gap-2" aria-label={t('队列')}>
        {worklists.map((w) => (
          <a key={w.key} href={`#${w.key}`} className="rounded-full border bg-white px-3 py-1 hover:bg-slate-100">
            {t(w.label)}{' '}
            <span className="ml-1 rounded-full bg-red-700 px-2 text-xs text-white" data-testid={`count-${w.key}`}>
              <QueueCountText count={w.count} />
            </span>
          </a>
        ))}
      </nav>
      {admin ? (
        <section className="rounded-lg border bg-white p-4" aria-labelledby="admin-h">
          <h2 id="admin-h" className="mb-2 font-semibold">
            {t('基础数据')}
          </h2>
          {/* Counts only, each a way to its admin page: the lists themselves page there, however large the city. */}
          <dl className="grid grid-cols-2 gap-2 sm:grid-cols-5 sm:gap-4">
            {(
              [
                ['用户', admin.counts.users, '/admin/users'],
                ['部门', admin.counts.departments, '/admin/departments'],
                ['网格', admin.counts.grids, '/admin/grids'],
                ['分类', admin.counts.categories, '/admin/categories'],
                ['节假日条目', admin.counts.calendar, '/admin/calendar'],
              ] as const
            ).map(([k, v, to]) => (
              <div key={k} className="rounded bg-slate-50 p-3">
                <dt className="text-slate-500">{t(k)}</dt>
                <dd className="text-xl font-semibold">
                  <Link to={to} className="hover:underline">
                    {v}
                  </Link>
                </dd>
              </div>
            ))}
          </dl>
        </section>
      ) : null}
      {worklists.map((w) => (
        <section key={w.key} id={w.key} aria-labelledby={`${w.key}-h`} className="rounded-lg border bg-white">
          <h2 id={`${w.key}-h`} className="border-b px-4 py-2 font-semibold">
            {t(w.label)}（<QueueCountText count={w.count} />）
          </h2>
          <WorklistTable items={w.items} />
          <QueuePager
            id={w.key}
            param={w.param}
            count={w.count}
            offset={w.offset}
            shown={w.items.length}
            next={w.next}
          />
        </section>
      ))}
      <p className="text-xs text-slate-400">
        <Link to="/">{t('刷新')}</Link>
      </p>
    </div>
  );
}
