import i18next, { type i18n } from 'i18next';
import { en } from './en';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'zh-CN';

export function isLanguage(v: unknown): v is Language {
  return (LANGUAGES as readonly unknown[]).includes(v);
}

const instances = new Map<Language, i18n>();

/**
 * The Chinese text is the key: the UI is written in Simplified Chinese and English maps it.
 * A missing English entry falls back to the Chinese, never to a key. One instance per language,
 * initialised synchronously so server rendering and hydration agree.
 */
export function i18nFor(lang: Language): i18n {
  let instance = instances.get(lang);
  if (!instance) {
    instance = i18next.createInstance();
    void instance.init({
      lng: lang,
      fallbackLng: false,
      resources: { 'zh-CN': { translation: {} }, en: { translation: en } },
      keySeparator: false,
      nsSeparator: false,
      interpolation: { escapeValue: false }, // React escapes
      initAsync: false,
      returnEmptyString: false,
    });
    instances.set(lang, instance);
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
