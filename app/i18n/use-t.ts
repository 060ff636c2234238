import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { useDocumentLanguage } from '../document';
import type { Language } from './i18n';
import { localizeDuration } from './i18n';

// A page calls `t` for every label of every row, and i18next resolves each call anew (key lookup, fallbacks,
// interpolation). A plain key (no options) always gives the same text in a language, so it is kept once resolved.
const PLAIN_MAX = 5_000;
const plain = new Map<Language, Map<string, string>>();

function remembering(t: TFunction, lang: Language): TFunction {
  let seen = plain.get(lang);
  if (!seen) plain.set(lang, (seen = new Map()));
  const known = seen;
  return ((key: string | string[], ...rest: unknown[]) => {
    if (rest.length || typeof key !== 'string') return (t as unknown as (...a: unknown[]) => string)(key, ...rest);
    let text = known.get(key);
    if (text === undefined) {
      text = t(key);
      if (known.size >= PLAIN_MAX) known.clear();
      known.set(key, text);
    }
    return text;
  }) as unknown as TFunction;
}

/** `t` for the current language, plus `d` for server-made duration phrases. */
export function useT() {
  const { t } = useTranslation();
  const lang = useDocumentLanguage();
  return { t: remembering(t, lang), lang, d: (label: string | null | undefined) => localizeDuration(label, lang) };
}
