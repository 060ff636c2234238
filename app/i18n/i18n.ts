import i18next, { type i18n } from 'i18next';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'zh-CN';

export function isLanguage(v: unknown): v is Language {
  return (LANGUAGES as readonly unknown[]).includes(v);
}

/**
 * The English a page carries: the citizens' site's few strings, or every staff screen's. A route group says
 * which in its handle (`handle = { strings: 'citizen' }`); the browser loads only that set (./english.ts).
 */
export const STRING_SETS = ['citizen', 'staff'] as const;
export type StringSet = (typeof STRING_SETS)[number];
export const DEFAULT_STRING_SET: StringSet = 'staff';

export function isStringSet(v: unknown): v is StringSet {
  return (STRING_SETS as readonly unknown[]).includes(v);
}

/** The set of the deepest route that names one. */
export function stringSetOf(matches: readonly { handle?: unknown }[]): StringSet {
  for (let i = matches.length - 1; i >= 0; i--) {
    const set = (matches[i].handle as { strings?: unknown } | undefined)?.strings;
    if (isStringSet(set)) return set;
  }
  return DEFAULT_STRING_SET;
}

const english = new Map<StringSet, Record<string, string>>();
const instances = new Map<string, i18n>();

/** Makes a set's English known: the server gives every set as it starts, the browser the page's before hydrating. */
export function provideEnglish(set: StringSet, strings: Record<string, string>): void {
  english.set(set, strings);
  instances.delete(`en:${set}`);
}

export const hasEnglish = (set: StringSet) => english.has(set);

/**
 * The Chinese text is the key: the UI is written in Simplified Chinese and English maps it.
 * A missing English entry falls back to the Chinese, never to a key. One instance per language and set,
 * initialised synchronously so server rendering and hydration agree. Until a set's English is provided its
 * pages read Chinese, and that instance is not kept.
 */
export function i18nFor(lang: Language, set: StringSet = DEFAULT_STRING_SET): i18n {
  const key = lang === 'en' ? `en:${set}` : lang;
  let instance = instances.get(key);
  if (!instance) {
    instance = i18next.createInstance();
    const strings = lang === 'en' ? english.get(set) : {};
    void instance.init({
      lng: lang,
      fallbackLng: false,
      resources: { [lang]: { translation: strings ?? {} } },
      keySeparator: false,
      nsSeparator: false,
      interpolation: { escapeValue: false }, // React escapes
      initAsync: false,
      returnEmptyString: false,
    });
    if (strings) instances.set(key, instance);
  }
  return instance;
}

// Durations come from the server as Chinese phrases ("剩余 2 个工作日 3 小时"); their parts are translated here.
const DURATION_PARTS: [RegExp, string][] = [
  [/剩余\s*/g, ''],
  [/已超期\s*/g, 'overdue '],
  [/个工作日/g, ' working days'],
  [/天/g, ' days'],
  [/小时/g, ' h'],
  [/分/g, ' min'],
];

export function localizeDuration(label: string | null | undefined, lang: Language): string {
  if (!label) return '';
  if (lang !== 'en') return label;
  const overdue = label.startsWith('已超期');
  let out = label;
  for (const [re, to] of DURATION_PARTS) out = out.replace(re, to);
  out = out.replace(/\s+/g, ' ').trim();
  return overdue ? out : `${out} left`;
}
