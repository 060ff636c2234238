import { useRouteLoaderData } from '@remix-run/react';
import { CSRF_FIELD, CSRF_HEADER } from '../auth/csrf';

// The session's CSRF token comes with the root loader, which runs again after every sign-in and sign-out, so a
// page always holds the token of the session its cookie carries. The server checks it (app/http/body.server.ts).

/** The token of this page's session, or null before sign-in. */
export function useCsrfToken(): string | null {
  const data = useRouteLoaderData('root') as { csrf?: string | null } | undefined;
  return data?.csrf ?? null;
}

/** Goes inside every form that posts: `<Form method="post"><CsrfField />…</Form>`. */
export function CsrfField() {
  const token = useCsrfToken();
  return token ? <input type="hidden" name={CSRF_FIELD} value={token} /> : null;
}

/** Headers for a script's state-changing fetch(); the root layout keeps the token in a meta element for it. */
export function csrfHeaders(headers: Record<string, string> = {}): Record<string, string> {
  const token =
    typeof document === 'undefined'
      ? null
      : document.querySelector<HTMLMetaElement>(`meta[name="csrf-token"]`)?.content;
  return token ? { ...headers, [CSRF_HEADER]: token } : headers;
}

/** The meta element csrfHeaders() reads; rendered once in the root layout's head. */
export function CsrfMeta() {
  const token = useCsrfToken();
  return token ? <meta name="csrf-token" content={token} /> : null;
}
