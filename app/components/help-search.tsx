import { Form } from '@remix-run/react';
import { useT } from '../i18n/use-t';

// The site's search over the knowledge base and the published policies: on the home page and on /c/help.

export function HelpSearch({ q }: { q?: string }) {
  const { t } = useT();
  return (
    <Form method="get" action="/c/help" role="search" aria-label={t('搜索办事指南和政策')} className="flex gap-2">
      <label className="block flex-1">
        <span className="sr-only">{t('搜索办事指南和政策')}</span>
        <input
          name="q"
          type="search"
          defaultValue={q}
          maxLength={100}
          placeholder={t('输入关键词，如：公积金、居住证')}
          className="block w-full rounded border px-3 py-2"
          data-testid="help-q"
        />
      </label>
      <button className="rounded bg-red-700 px-4 py-2 text-white" data-testid="help-search">
        {t('搜索')}
      </button>
    </Form>
  );
}
