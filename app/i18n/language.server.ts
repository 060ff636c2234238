import { createCookie } from '@remix-run/node';
import { DEFAULT_LANGUAGE, isLanguage, type Language } from './i18n';

// The language is a preference, not a secret: a plain cookie for a year.
const languageCookie = createCookie('lang', { path: '/', sameSite: 'lax', httpOnly: true, maxAge: 365 * 24 * 3600 });

export async function languageOf(request: Request): Promise<Language> {
  const value = await languageCookie.parse(request.headers.get('Cookie'));
  return isLanguage(value) ? value : DEFAULT_LANGUAGE;
}

export function languageCookieHeader(lang: Language): Promise<string> {
  return languageCookie.serialize(lang);
}
