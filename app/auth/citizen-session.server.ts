import { createHash, randomBytes } from 'node:crypto';
import { redirect, type AppLoadContext } from '@remix-run/node';
import type { EntityManager } from '@mikro-orm/sql';
import { one, run } from '../db/sql.server';
import { clientOf, type RequestClient } from '../http/client.server';
import { secureCookieFor, sessionCookies } from './session.server';

// A citizen's session on the public site ("my appeals"): proved by phone and SMS code, never a staff session. Its
// own cookie name, so a staff cookie is never read as a citizen's and the other way round; Secure and __Host- named
// when the staff cookie would be. Kept in PostgreSQL (only the id's SHA-256), so sign-out and expiry hold on every
// instance: thirty minutes idle, two hours at most.

export const CITIZEN_SESSION_RULES = { idleMs: 30 * 60_000, absoluteMs: 2 * 3600_000, touchMs: 60_000 } as const;

const citizenCookie = sessionCookies(
  { plain: '__citizen', secure: '__Host-citizen' },
  CITIZEN_SESSION_RULES.absoluteMs / 1000,
);

const hashOf = (id: string) => createHash('sha256').update(id).digest('hex');
const validId = (v: unknown): string | null => (typeof v === 'string' && /^[0-9a-f]{64}$/.test(v) ? v : null);

async function idOf(request: Request, client: Pick<RequestClient, 'secure'> | null): Promise<string | null> {
  const header = request.headers.get('Cookie');
  return header ? validId(await citizenCookie(secureCookieFor(client)).parse(header)) : null;
}

/**
 * The citizen session id a request presents, for the CSRF token (which has the request, not its connection): the
 * __Host- cookie when there is one, else the plain one.
 */
export async function presentedCitizenSessionId(request: Request): Promise<string | null> {
  const header = request.headers.get('Cookie');
  if (!header) return null;
  return validId(await citizenCookie(true).parse(header)) ?? validId(await citizenCookie(false).parse(header));
}

/** Opens a session for a proved phone in the caller's transaction; returns the Set-Cookie value. */
export async function openCitizenSession(
  tx: EntityManager,
  phone: string,
  client: Pick<RequestClient, 'secure'> | null,
  now: Date,
): Promise<string> {
  const id = randomBytes(32).toString('hex');
  // Sessions past their end are swept as new ones open (by the expiry index), so the table stays small.
  await run(tx, 'delete from citizen_session where expires_at <= ?', [now]);
  await run(
    tx,
    `insert into citizen_session (id_hash, phone, created_at, expires_at, last_seen_at) values (?, ?, ?, ?, ?)`,
    [hashOf(id), phone, now, new Date(now.getTime() + CITIZEN_SESSION_RULES.absoluteMs), now],
  );
  return citizenCookie(secureCookieFor(client)).serialize(id);
}

/** The phone a request's citizen session proved, or null: none, unknown, past two hours, or idle thirty minutes. */
export async function citizenPhone(
  em: EntityManager,
  request: Request,
  client: Pick<RequestClient, 'secure'> | null,
  now = new Date(),
): Promise<string | null> {
  const id = await idOf(request, client);
  if (!id) return null;
  const hash = hashOf(id);
  const row = await one<{ phone: string; last_seen_at: Date | string }>(
    em,
    'select phone, last_seen_at from citizen_session where id_hash = ? and expires_at > ?',
    [hash, now],
  );
  if (!row) return null;
  const lastSeen = new Date(row.last_seen_at).getTime();
  if (now.getTime() - lastSeen >= CITIZEN_SESSION_RULES.idleMs) {
    await run(em, 'delete from citizen_session where id_hash = ?', [hash]);
    return null;
  }
  if (now.getTime() - lastSeen >= CITIZEN_SESSION_RULES.touchMs)
    await run(em, 'update citizen_session set last_seen_at = ? where id_hash = ? and last_seen_at < ?', [
      now,
      hash,
      now,
    ]);
  return row.phone;
}

/** Signs the citizen out on every instance (the row goes) and returns the Set-Cookie value that clears the cookie. */
export async function endCitizenSession(
  em: EntityManager,
  request: Request,
  client: Pick<RequestClient, 'secure'> | null,
): Promise<string> {
  const id = await idOf(request, client);
  if (id) await run(em, 'delete from citizen_session where id_hash = ?', [hashOf(id)]);
  return citizenCookie(secureCookieFor(client)).serialize('', { maxAge: 0 });
}

/** The signed-in citizen's phone; without a session, to the sign-in of "my appeals". */
export async function requireCitizenPhone(request: Request, context: AppLoadContext): Promise<string> {
  const phone = await citizenPhone(context.runtime.db.em(), request, clientOf(request, context));
  if (!phone) throw redirect('/c/mine');
  return phone;
}
