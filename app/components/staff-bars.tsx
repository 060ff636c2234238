import { Link } from '@remix-run/react';
import { can, type Capability } from '../domain/permissions';
import { useT } from '../i18n/use-t';
import type { QueueCount } from '../appeals/worklists.server';
import { AppHeader, type HeaderUser } from './app-header';
import { QueueCountText } from './queue-pager';
import { SoftphoneBar } from './softphone-bar';

/** The working screens in the bar, each shown to whoever holds what the screen needs. */
const NAV: [to: string, label: string, capability: Capability][] = [
  ['/intake', '来电登记', 'appeal:intake'],
  ['/field', '外勤', 'field:work'],
  ['/supervision', '督办看板', 'supervision:read'],
  ['/supervision/blocked-numbers', '骚扰号码', 'blocked-numbers:keep'],
  ['/supervision/city-events', '城市事件', 'city-events:read'],
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
  ['/admin/api-clients', '接口客户端', 'api-clients:keep'],
  ['/admin/webhooks', '状态推送', 'api-clients:keep'],
];

export interface StaffBarsProps {
  user: HeaderUser | null;
  queues: { key: string; label: string; count: QueueCount }[];
}

/**
 * What the staff screens carry above the page: the header with the screens one may open, the softphone for
 * whoever answers calls, the counts of one's queues. The root layout loads it only for the staff screens.
 */
export default function StaffBars({ user, queues }: StaffBarsProps) {
  const { t } = useT();
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
    </>
  );
}
