import { Form, useLocation } from '@remix-run/react';
import type { Language } from '../i18n/i18n';
import { useT } from '../i18n/use-t';
import { CsrfField } from '../ui/csrf';

/** Switches to the other language and reloads the page, which then carries that language's strings. */
export function LanguageSwitch() {
  const { t, lang } = useT();
  const location = useLocation();
  const other: Language = lang === 'en' ? 'zh-CN' : 'en';
  return (
    <Form method="post" action="/lang" reloadDocument>
      <CsrfField />
      <input type="hidden" name="lang" value={other} />
      <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
      <button className="rounded px-2 py-1 hover:bg-red-800" data-testid="language-switch">
        {other === 'en' ? 'English' : t('中文')}
      </button>
    </Form>
  );
}
