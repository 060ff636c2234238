import type { MetaFunction } from '@remix-run/node';
import { Link } from '@remix-run/react';
import { HelpSearch } from '../components/help-search';
import { useT } from '../i18n/use-t';

export const meta: MetaFunction = () => [{ title: '12345 市民诉求' }];

export default function CitizenHome() {
  const { t } = useT();
  return (
    <div className="space-y-4">
      <p className="text-slate-700">
        {t('不用打电话，也能向 12345 反映问题：提交后我们按热线同样的流程受理、转办、答复和回访。')}
      </p>
      <div className="space-y-2 rounded border p-3">
        <p className="font-semibold">{t('先查一查：常见问题和惠企惠民政策')}</p>
        <HelpSearch />
      </div>
      <Link
        to="/c/submit"
        className="block rounded bg-red-700 px-4 py-4 text-center text-lg font-semibold text-white"
        data-testid="start-submit"
      >
        {t('我要反映')}
      </Link>
      <div className="rounded border p-3 text-sm text-slate-700">
        <p className="font-semibold">{t('查询办理进度')}</p>
        <p className="mt-1">{t('提交后我们会把进度链接发到您的手机，打开短信中的链接即可查看。')}</p>
        <Link to="/c/mine" className="mt-2 inline-block text-red-700 underline" data-testid="to-mine">
          {t('用手机号查看我的诉求')}
        </Link>
      </div>
      <a href="/policies" className="block rounded border p-3 text-sm text-red-700">
        {t('查看惠企惠民政策清单')}
      </a>
    </div>
  );
}
