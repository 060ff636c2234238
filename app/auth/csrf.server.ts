import { createHmac, timingSafeEqual } from 'node:crypto';
import { presentedCitizenSessionId } from './citizen-session.server';
import { presentedSessionId, sessionSecret } from './session.server';
import { CSRF_HEADER } from './csrf';

/**
 * The CSRF token of a session: an HMAC of the session id under the session secret. It needs no storage,
 * changes with every sign-in, and cannot be derived by a page that does not hold the session.
 */
function tokenFor(sessionId: string): string {
  return createHmac('sha256', sessionSecret()).update(`csrf:${sessionId}`).digest('base64url');
}

/**
 * The token the pages of this request put in their forms; null without a session cookie (sign-in). A staff session
 * decides when there is one, else a citizen's ("my appeals"), whose token is derived apart from any staff one.
 */
export async function csrfTokenOf(request: Request): Promise<string | null> {
  if (!request.headers.get('Cookie')) return null;
  const id = await presentedSessionId(request);
  if (id) return tokenFor(id);
  const citizen = await presentedCitizenSessionId(request);
  return citizen ? tokenFor(`citizen:${citizen}`) : null;
}

/**
 * The second CSRF guard after the origin check: a request that carries a session cookie must also carry its
 * token, in the header (script calls) or the form field `_csrf`. Without a session cookie there is nothing to
 * forge (sign-in, the citizen demo phone, Kamailio's bearer calls): the action's own check decides.
 */
export async function requireCsrfToken(request: Request, formToken: string | null | undefined): Promise<void> {
  const expected = await csrfTokenOf(request);
  if (expected === null) return;
  const sent = request.headers.get(CSRF_HEADER) ?? formToken ?? '';
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  if (a.length !== b.length || !timingSafeEqual(a, b))
    throw new Response('表单已失效，请刷新页面后重试', {
      status: 403,
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    });
}
