import { useTranslation } from 'react-i18next';
import { useDocumentLanguage } from '../document';
import { localizeDuration } from './i18n';

/** `t` for the current language, plus `d` for server-made duration phrases. */
export function useT() {
  const { t } = useTranslation();
  const lang = useDocumentLanguage();
  return { t, lang, d: (label: string | null | undefined) => localizeDuration(label, lang) };
}
