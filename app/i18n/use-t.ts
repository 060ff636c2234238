import { useRouteLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { DEFAULT_LANGUAGE, localizeDuration, type Language } from './i18n';

/** `t` for the current language, plus `d` for server-made duration phrases. */
export function useT() {
  const { t } = useTranslation();
  const root = useRouteLoaderData('root') as { lang?: Language } | undefined;
  const lang = root?.lang ?? DEFAULT_LANGUAGE;
  return { t, lang, d: (label: string | null | undefined) => localizeDuration(label, lang) };
}
