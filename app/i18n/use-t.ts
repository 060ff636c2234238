import type { TFunction, i18n } from 'i18next';
import { useTranslation } from 'react-i18next';
import { useDocumentLanguage } from '../document';
import { localizeDuration } from './i18n';

// A page calls `t` for every label of every row, and i18next resolves each call anew (key lookup, fallbacks,
// interpolation). A plain key (no options) always gives the same text from one instance (a language and its set
// of strings), so it is kept once resolved.
const PLAIN_MAX = 5_000;
const plain = new WeakMap<i18n, Map<string, string>>();

function remembering(t: TFunction, instance: i18n): TFunction {
  let seen = plain.get(instance);
  if (!seen) plain.set(instance, (seen = new Map()));
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
  const { t, i18n } = useTranslation();
  const lang = useDocumentLanguage();
  return { t: remembering(t, i18n), lang, d: (label: string | null | undefined) => localizeDuration(label, lang) };
}
