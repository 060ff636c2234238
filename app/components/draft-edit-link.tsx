import { Link } from '@remix-run/react';
import { useT } from '../i18n/use-t';

/** A draft goes on in the intake form, with everything it holds filled in; its creator gets there from its page. */
export function DraftEditLink({ appealId }: { appealId: number }) {
  const { t } = useT();
  return (
    <p className="mb-3">
      <Link
        to={`/intake?draft=${appealId}`}
        className="inline-block rounded bg-red-700 px-4 py-1.5 text-white hover:bg-red-800"
        data-testid="draft-edit"
      >
        {t('继续编辑')}
      </Link>
      <span className="ml-2 text-sm text-slate-500">{t('在登记表中修改草稿后保存或提交')}</span>
    </p>
  );
}
