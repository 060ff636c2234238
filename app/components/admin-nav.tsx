import { Link } from '@remix-run/react';
import { useT } from '../i18n/use-t';

const LINKS = [
  ['/admin/users', '用户'],
  ['/admin/departments', '部门'],
  ['/admin/categories', '诉求分类'],
  ['/admin/dispatch-catalogue', '派单目录'],
  ['/admin/event-types', '事件类型'],
  ['/admin/calendar', '工作日历'],
  ['/admin/sms-templates', '短信模板'],
  ['/admin/assessment', '考核办法'],
  ['/admin/knowledge', '知识库'],
  ['/admin/firms', '企业库'],
  ['/admin/eligibility', '规则测试'],
  ['/admin/grids', '网格'],
  ['/admin/security', '安全审计'],
  ['/admin/api-clients', '接口客户端'],
  ['/admin/webhooks', '状态推送'],
];

/** The link bar across the admin pages. */
export function AdminNav({ current }: { current: string }) {
  const { t } = useT();
  return (
    <nav aria-label={t('基础数据')} className="flex gap-3 text-sm">
      {LINKS.map(([to, label]) => (
        <Link
          key={to}
          to={to}
          aria-current={to === current ? 'page' : undefined}
          className={to === current ? 'font-semibold text-red-700' : 'text-slate-600 hover:underline'}
        >
          {t(label)}
        </Link>
      ))}
    </nav>
  );
}

/** A field's server-side errors, translated, next to the field. */
export function AdminFieldError({ errors, name }: { errors: Record<string, string[]>; name: string }) {
  const { t } = useT();
  return errors[name] ? (
    <span role="alert" className="block text-xs text-red-600">
      {errors[name].map((m) => t(m)).join(t('；'))}
    </span>
  ) : null;
}
