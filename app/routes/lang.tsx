import type { ActionFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { isLanguage } from '../i18n/i18n';
import { languageCookieHeader } from '../i18n/language.server';
import { domain } from '../http/errors.server';
import { readForm } from '../http/body.server';

/** Switches the UI language and returns to the page the user was on (same-site paths only). */
export async function action({ request }: ActionFunctionArgs) {
  const form = await domain(() => readForm(request));
  const lang = form.get('lang');
  if (!isLanguage(lang)) return new Response('unknown language', { status: 400 });
  const back = String(form.get('redirectTo') ?? '/');
  const to = back.startsWith('/') && !back.startsWith('//') ? back : '/';
  return redirect(to, { headers: { 'Set-Cookie': await languageCookieHeader(lang) } });
}

export function loader() {
  return redirect('/');
}
