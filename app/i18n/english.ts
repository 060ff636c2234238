import { useEffect, useReducer } from 'react';
import { hasEnglish, i18nFor, provideEnglish, type Language, type StringSet } from './i18n';

// Each set is its own chunk: a citizen's page in English fetches the citizens' strings, never the staff screens'.
const LOADERS: Record<StringSet, () => Promise<Record<string, string>>> = {
  citizen: () => import('./en/citizen-site').then((m) => m.citizenSite),
  staff: () => import('./en').then((m) => m.en),
};

/** Fetches a set's English once (the browser, before hydrating an English page). */
export async function loadEnglish(set: StringSet): Promise<void> {
  if (!hasEnglish(set)) provideEnglish(set, await LOADERS[set]());
}

/**
 * The i18n instance of the page. A navigation in the browser into a group whose English is not loaded yet
 * (a citizen's page linking to a staff one) fetches it and renders again; meanwhile the labels read Chinese.
 */
export function usePageI18n(lang: Language, set: StringSet) {
  const [, loaded] = useReducer((n: number) => n + 1, 0);
  const ready = lang !== 'en' || hasEnglish(set);
  useEffect(() => {
    if (!ready) void loadEnglish(set).then(loaded);
  }, [ready, set]);
  return i18nFor(lang, set);
}
