import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { AdminNav } from '../components/admin-nav';
import { requireUserWith } from '../auth/session.server';
import { domain } from '../http/errors.server';
import { useT } from '../i18n/use-t';
import { AUDIT_KINDS, listSecurityEvents, type AuditRow } from '../security/security-audit.server';
import {
  ROLE_LABELS,
  SECURITY_DETAIL_LABELS,
  SECURITY_DETAIL_VALUE_LABELS,
  SECURITY_EVENT_LABELS,
  SIGN_IN_FAILURE_LABELS,
} from '../ui/labels';

export const meta: MetaFunction = () => [{ title: '安全审计 · 12345 热线' }];

// Read only: this route has no action, and the table refuses update and delete.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'security:audit');
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const page = await domain(() => listSecurityEvents(context.runtime.db.em(), user.actor, params));
  return { ...page, filter: params, kinds: AUDIT_KINDS };
}

const field = 'mt-1 w-full rounded border px-2 py-1';

/** A security event's detail in words: the failure reason, the name typed, then each field, before → after. */
function Detail({ row }: { row: AuditRow }) {
  const { t } = useT();
  const { reason, before, after, ...rest } = row.detail as {
    reason?: string;
    before?: Record<string, unknown> | null;
    after?: Record<string, unknown>;
  } & Record<string, unknown>;
  const name = (k: string) => t(SECURITY_DETAIL_LABELS[k] ?? k);
  const value = (k: string, v: unknown): string => {
    if (v === null || v === undefined) return '—';
    if (k === 'role' && typeof v === 'string') return t(ROLE_LABELS[v] ?? v);
    if (typeof v === 'string') return SECURITY_DETAIL_VALUE_LABELS[v] ? t(SECURITY_DETAIL_VALUE_LABELS[v]) : v;
    if (typeof v === 'boolean') return v ? t('是') : t('否');
    return JSON.stringify(v);
  };
  const parts: string[] = [];
  if (typeof reason === 'string') parts.push(t(SIGN_IN_FAILURE_LABELS[reason] ?? reason));
  if (row.username && row.kind === 'signInFailed') parts.push(t('输入的用户名：{{name}}', { name: row.username }));
  for (const [k, v] of Object.entries(after ?? {}))
    parts.push(`${name(k)}：${before ? value(k, before[k]) : '—'} → ${value(k, v)}`);
  for (const [k, v] of Object.entries(rest)) parts.push(`${name(k)}：${value(k, v)}`);
  return <>{parts.join(t('；'))}</>;
}

export default function SecurityAudit() {
  const { rows, page, more, filter, kinds } = useLoaderData<typeof loader>();
  const { t } = useT();
  const pageLink = (n: number) => `?${new URLSearchParams({ ...filter, page: String(n) })}`;
  return (
    <div className="space-y-4">
      <div className="flex items-baseline justify-between">
        <h1 className="text-lg font-semibold">{t('安全审计')}</h1>
        <AdminNav current="/admin/security" />
      </div>
      <p className="text-sm text-slate-600">
        {t('登录、锁定、账号与权限变更、导出和查看完整号码的记录，只可查看，不可修改。')}
      </p>
      <Form method="get" className="grid gap-3 rounded-lg border bg-white p-4 md:grid-cols-6" aria-label={t('筛选')}>
        <label className="block">
          <span className="text-slate-600">{t('类型')}</span>
          <select name="kind" defaultValue={filter.kind ?? ''} className={field}>
            <option value="">{t('全部类型')}</option>
            {kinds.map((k) => (
              <option key={k} value={k}>
                {t(SECURITY_EVENT_LABELS[k] ?? k)}
              </option>
            ))}
          </select>
        </label>
        <label className="block">
          <span className="text-slate-600">{t('用户')}</span>
          <input name="user" defaultValue={filter.user ?? ''} className={field} />
        </label>
        <label className="block">
          <span className="text-slate-600">{t('来源地址')}</span>
          <input name="ip" defaultValue={filter.ip ?? ''} className={field} />
        </label>
        <label className="block">
          <span className="text-slate-600">{t('开始日期')}</span>
          <input type="date" name="from" defaultValue={filter.from ?? ''} className={field} />
        </label>
        <label className="block">
          <span className="text-slate-600">{t('结束日期')}</span>
          <input type="date" name="to" defaultValue={filter.to ?? ''} className={field} />
        </label>
        <div className="flex items-end gap-3">
          <button className="rounded bg-red-700 px-4 py-1.5 text-white hover:bg-red-800">{t('查询')}</button>
          <Link to="/admin/security" className="text-slate-600 hover:underline">
            {t('清除筛选')}
          </Link>
        </div>
      </Form>
      <section className="rounded-lg border bg-white" aria-label={t('安全审计')}>
        <table className="w-full text-left text-sm">
          <thead>
            <tr className="border-b text-slate-500">
              <th className="px-4 py-1">{t('时间')}</th>
              <th>{t('类型')}</th>
              <th>{t('操作人')}</th>
              <th>{t('对象账号')}</th>
              <th>{t('来源地址')}</th>
              <th className="pr-4">{t('详情')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} className="border-b align-top last:border-0" data-testid="security-event">
                <td className="whitespace-nowrap px-4 py-1.5 font-mono text-xs">{r.atLocal}</td>
                <td className="whitespace-nowrap pr-2">{t(SECURITY_EVENT_LABELS[r.kind] ?? r.kind)}</td>
                <td className="pr-2 font-mono">{r.actor ?? '—'}</td>
                <td className="pr-2 font-mono">{r.subject ?? r.username ?? '—'}</td>
                <td className="pr-2 font-mono" title={r.userAgent ?? undefined}>
                  {r.ip ?? '—'}
                </td>
                <td className="pr-4 text-xs text-slate-700">
                  <Detail row={r} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {rows.length === 0 ? <p className="px-4 py-3 text-slate-500">{t('没有符合条件的记录')}</p> : null}
      </section>
      <nav className="flex items-center gap-4 text-sm" aria-label={t('第 {{n}} 页', { n: page })}>
        {page > 1 ? (
          <Link to={pageLink(page - 1)} className="text-red-700 hover:underline">
            {t('上一页')}
          </Link>
        ) : null}
        <span className="text-slate-500">{t('第 {{n}} 页', { n: page })}</span>
        {more ? (
          <Link to={pageLink(page + 1)} className="text-red-700 hover:underline">
            {t('下一页')}
          </Link>
        ) : null}
      </nav>
    </div>
  );
}
