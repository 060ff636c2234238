import { Link, useLocation } from '@remix-run/react';
import type { QueueCount } from '../appeals/worklists.server';
import { useT } from '../i18n/use-t';

/** A queue's size as people read it: exact up to the cap, "10,000+" past it. */
export function QueueCountText({ count }: { count: QueueCount }) {
  return <>{count.more ? `${count.n.toLocaleString('en-US')}+` : count.n}</>;
}

/**
 * Keyset paging of one queue: where this page sits in the queue, a link to the next page (its cursor in the URL
 * parameter `param`, the other queues' cursors kept) and one back to the first page.
 */
export function QueuePager({
  id,
  param,
  count,
  offset,
  shown,
  next,
}: {
  /** The queue's key: pages land on its section (`#key`) and test ids carry it. */
  id: string;
  param: string;
  count: QueueCount;
  offset: number;
  shown: number;
  next: string | null;
}) {
  const { t } = useT();
  const { search } = useLocation();
  if (!next && offset === 0) return null;
  const link = (cursor: string | null) => {
    const params = new URLSearchParams(search);
    if (cursor) params.set(param, cursor);
    else params.delete(param);
    const qs = params.toString();
    return `${qs ? `?${qs}` : '?'}#${id}`;
  };
  const total = count.more ? `${count.n.toLocaleString('en-US')}+` : String(count.n);
  return (
    <nav className="flex items-center gap-3 border-t px-4 py-1.5 text-sm" aria-label={t('分页')}>
      <span className="text-slate-500" data-testid={`pager-range-${id}`}>
        {t('第 {{from}}–{{to}} 条，共 {{total}} 条', { from: offset + 1, to: offset + shown, total })}
      </span>
      {offset > 0 ? (
        <Link to={link(null)} className="text-red-700 hover:underline" data-testid={`pager-first-${id}`}>
          {t('第一页')}
        </Link>
      ) : null}
      {next ? (
        <Link to={link(next)} className="text-red-700 hover:underline" data-testid={`pager-next-${id}`}>
          {t('下一页')}
        </Link>
      ) : null}
    </nav>
  );
}
