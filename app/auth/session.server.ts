import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createCookie, redirect, type AppLoadContext } from '@remix-run/node';
import type { EntityManager } from '@mikro-orm/sql';
import type { Actor } from '../../machines/actor';
import type { UserRole } from '../../entities/user';
import { all, inTransaction, one, run } from '../db/sql.server';
import { can, type Capability } from '../domain/permissions';
import { clientOf, type RequestClient } from '../http/client.server';
import { recordSecurityEvent } from '../security/security-log.server';

const SESSION_HOURS = 12;
const DEFAULT_IDLE_MINUTES = 30;
/** A session that may only enrol a second factor lasts long enough for that. */
const ENROLMENT_MINUTES = 15;
const ENROLMENT_PATH = '/account/mfa';

export interface SessionUser {
  id: number;
  username: string;
  displayName: string;
  role: UserRole;
  departmentId: number | null;
  departmentName: string | null;
  gridIds: number[];
  actor: Actor;
  /** Signed in with the password only and must enrol a second factor first: good for the enrolment page alone. */
  mfaPendingEnrolment?: boolean;
}

/**
 * The cookie secret comes from SESSION_SECRET; an install without it (the demo) generates one once
 * and keeps it in its data folder, readable only by the app's user.
 */
export function sessionSecret(): string {
  if (process.env.SESSION_SECRET) return process.env.SESSION_SECRET;
  const file = path.resolve(process.env.DATA_DIR ?? '.data', 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

// Over HTTPS (or in production, which must be served over HTTPS) the cookie is Secure and carries the __Host- prefix:
// the browser then keeps it only from a secure origin, for this host alone and path /, so a sibling subdomain or a
// plain-http page cannot plant or overwrite it. A development install over http keeps the plain name. The name is
// chosen from the request on both setting and reading, so a secure request never accepts the plain-name cookie.
const PLAIN_NAME = '__session';
const SECURE_NAME = '__Host-session';

// The operator's NODE_ENV when the server runs: the build replaces `process.env.NODE_ENV` written out with the value it
// was built with (always production), which would make every http demo install's cookie Secure and unusable.
const runtimeEnv = process.env;

/** Whether the session cookie of a request must be Secure (and __Host- named). */
export function secureCookieFor(client: Pick<RequestClient, 'secure'> | null | undefined): boolean {
  return runtimeEnv.NODE_ENV === 'production' || client?.secure === true;
}

/**
 * A signed session cookie by whether it must be Secure: the __Host- name then, else the plain one; HttpOnly,
 * SameSite=Lax, path /. Built once for each of the two.
 */
export function sessionCookies(names: { plain: string; secure: string }, maxAgeSeconds: number) {
  const cookies = new Map<boolean, ReturnType<typeof createCookie>>();
  return (secure: boolean) => {
    let cookie = cookies.get(secure);
    if (!cookie) {
      cookie = createCookie(secure ? names.secure : names.plain, {
        httpOnly: true,
        sameSite: 'lax',
        path: '/',
        secure,
        secrets: [sessionSecret()],
        maxAge: maxAgeSeconds,
      });
      cookies.set(secure, cookie);
    }
    return cookie;
  };
}

const staffCookie = sessionCookies({ plain: PLAIN_NAME, secure: SECURE_NAME }, SESSION_HOURS * 3600);
const sessionCookie = (client: Pick<RequestClient, 'secure'> | null | undefined) =>
  staffCookie(secureCookieFor(client));

/** SESSION_IDLE_MINUTES: a session unused this long is refused (default 30). */
function idleMs(): number {
  const raw = process.env.SESSION_IDLE_MINUTES;
  const n = raw === undefined || raw.trim() === '' ? DEFAULT_IDLE_MINUTES : Number(raw);
  return (Number.isFinite(n) && n > 0 ? n : DEFAULT_IDLE_MINUTES) * 60_000;
}

/** last_seen_at is written at most this often, not on every request. */
function touchMs(): number {
  return Math.min(60_000, idleMs() / 2);
}

export interface SessionStart {
  now?: Date;
  /** Signed in with the password only by a user who must enrol a second factor: good for enrolment alone. */
  mfaPendingEnrolment?: boolean;
}

/** Opens a session for a user whose sign-in is complete, records it, and returns its Set-Cookie value. */
export async function startSession(
  em: EntityManager,
  userId: number,
  client: RequestClient | null = null,
  { now = new Date(), mfaPendingEnrolment = false }: SessionStart = {},
): Promise<string> {
  const id = randomBytes(32).toString('hex');
  const expires = new Date(
    now.getTime() + (mfaPendingEnrolment ? ENROLMENT_MINUTES * 60_000 : SESSION_HOURS * 3600_000),
  );
  await inTransaction(em, async (tx) => {
    await run(
      tx,
      `insert into user_session (id, user_id, created_at, expires_at, last_seen_at, mfa_pending_enrolment)
       values (?, ?, ?, ?, ?, ?)`,
      [id, userId, now, expires, now, mfaPendingEnrolment],
    );
    await recordSecurityEvent(
      tx,
      {
        kind: 'signIn',
        actorId: userId,
        subjectId: userId,
        client,
        detail: mfaPendingEnrolment ? { enrolmentOnly: true } : {},
      },
      now,
    );
  });
  return sessionCookie(client).serialize(id);
}

async function sessionIdOf(request: Request, client: Pick<RequestClient, 'secure'> | null): Promise<string | null> {
  return cookieSessionId(secureCookieFor(client), request.headers.get('Cookie'));
}

function validSessionId(value: unknown): string | null {
  return typeof value === 'string' && /^[0-9a-f]{64}$/.test(value) ? value : null;
}

// A page asks for its session id several times (root loader, route loader, CSRF token), and each ask parses the
// header and checks its signature: the answer for a header is the same every time, so it is kept (bounded).
const PARSED_MAX = 1_000;
const parsed = new Map<string, string | null>();

async function cookieSessionId(secure: boolean, header: string | null): Promise<string | null> {
  if (!header) return null;
  const key = `${secure ? 's' : 'p'}${header}`;
  const known = parsed.get(key);
  if (known !== undefined) return known;
  const id = validSessionId(await sessionCookie({ secure }).parse(header));
  if (parsed.size >= PARSED_MAX) parsed.clear();
  parsed.set(key, id);
  return id;
}

/**
 * The session id a request presents, for code that has the request but not its connection (the CSRF token):
 * the __Host- cookie when there is one, else the plain one. That is the cookie the session lookup uses: a browser
 * sends a __Host- cookie only to a secure origin, and a secure request ignores the plain name.
 */
export async function presentedSessionId(request: Request): Promise<string | null> {
  const header = request.headers.get('Cookie');
  return (await cookieSessionId(true, header)) ?? (await cookieSessionId(false, header));
}

// ---------- session lookup cache ----------
// Every loader and action calls requireUser, so every request paid one session query (session ⋈ user ⋈ department +
// grids) before doing its own work: a database round trip that on a small route such as the screen pop
// (bench/screenpop.ts) costs as much as the route's own lookup. The result is therefore kept in process for a short
// while (SESSION_CACHE_MS, default 2000 ms; 0 turns the cache off), keyed by the session id (the 256-bit secret in the
// signed cookie; the signature is still checked on every request).
// The price: a change made elsewhere (role, department or grids changed, user deactivated, session deleted by an admin or
// by another server process) takes effect within the TTL rather than at once. Logout in this process (endSession)
// drops the entry immediately, and an entry never outlives its session's expires_at or its next last-seen touch. Only found sessions are cached,
// so requests with unknown ids cannot fill it; the size is bounded and the oldest entry goes first.
const DEFAULT_SESSION_CACHE_MS = 2000;
const SESSION_CACHE_MAX = 10_000;

interface CachedSession {
  user: SessionUser;
  userId: number;
  /** Epoch ms: min(cached at + TTL, the session's expires_at, when last_seen_at is next due to be touched). */
  until: number;
}

const sessionCache = new Map<string, CachedSession>();
/** Bumped by every logout: a lookup that was in flight meanwhile may have read the deleted row, so it is not cached. */
let logouts = 0;
let cacheMsSetting: number | null = null;

function sessionCacheMs(): number {
  if (cacheMsSetting === null) {
    const raw = process.env.SESSION_CACHE_MS;
    const n = raw === undefined || raw.trim() === '' ? DEFAULT_SESSION_CACHE_MS : Number(raw);
    cacheMsSetting = Number.isFinite(n) && n >= 0 ? n : DEFAULT_SESSION_CACHE_MS;
  }
  return cacheMsSetting;
}

/** Overrides SESSION_CACHE_MS for this process (null: read the variable again) and empties the cache. For tests. */
export function setSessionCacheMs(ms: number | null) {
  cacheMsSetting = ms;
  sessionCache.clear();
}

/** Drops every cached session of a user (e.g. after deactivating them or changing their role in this process). */
export function forgetUserSessions(userId: number) {
  for (const [id, entry] of sessionCache) if (entry.userId === userId) sessionCache.delete(id);
}

/** A copy, so a caller that modifies its user (or actor) cannot change what the next request gets. */
function copyUser(u: SessionUser): SessionUser {
  return {
    ...u,
    gridIds: [...u.gridIds],
    actor: { ...u.actor, departmentIds: [...u.actor.departmentIds], gridIds: [...u.actor.gridIds] },
  };
}

function cacheSession(id: string, user: SessionUser, staleAt: number, logoutsBefore: number, now: number) {
  const ttl = sessionCacheMs();
  if (ttl <= 0 || logoutsBefore !== logouts) return;
  const until = Math.min(now + ttl, staleAt);
  if (!Number.isFinite(until)) return; // an unreadable expires_at: never cache rather than cache forever
  sessionCache.delete(id); // re-inserted last: Map order is insertion order, so the first key is the oldest
  while (sessionCache.size >= SESSION_CACHE_MAX) sessionCache.delete(sessionCache.keys().next().value!);
  sessionCache.set(id, { user: copyUser(user), userId: user.id, until });
}

function cachedSession(id: string, now: number): SessionUser | null {
  const entry = sessionCache.get(id);
  if (!entry) return null;
  if (sessionCacheMs() <= 0 || now >= entry.until) {
    sessionCache.delete(id);
    return null;
  }
  return copyUser(entry.user);
}

/** Ends the request's session (logout), records it, and returns the Set-Cookie value that clears the cookie. */
export async function endSession(
  em: EntityManager,
  request: Request,
  client: RequestClient | null = null,
): Promise<string> {
  const id = await sessionIdOf(request, client);
  if (id) {
    sessionCache.delete(id);
    await inTransaction(em, async (tx) => {
      const [ended] = await all<{ user_id: number }>(tx, 'delete from user_session where id = ? returning user_id', [
        id,
      ]);
      if (ended)
        await recordSecurityEvent(tx, { kind: 'signOut', actorId: ended.user_id, subjectId: ended.user_id, client });
    });
    logouts++;
    sessionCache.delete(id);
  }
  return sessionCookie(client).serialize('', { maxAge: 0 });
}

export interface SessionLookup {
  /** Where the request came from: decides the cookie's name (clientOf). */
  client?: RequestClient | null;
  now?: Date;
}

/**
 * The signed-in user of a request, or null (a session good only for enrolling a second factor counts as none). A session ends at its expiry or after SESSION_IDLE_MINUTES unused; use
 * moves last_seen_at on, at most once a minute. A cached entry never outlives the next touch, so an idle session
 * cannot survive through the cache.
 */
export async function sessionUser(
  em: EntityManager,
  request: Request,
  lookup: SessionLookup = {},
): Promise<SessionUser | null> {
  const user = await lookupSession(em, request, lookup);
  return user && !user.mfaPendingEnrolment ? user : null;
}

/** Any open session, including one good only for enrolling a second factor. */
async function lookupSession(
  em: EntityManager,
  request: Request,
  { client = null, now = new Date() }: SessionLookup = {},
): Promise<SessionUser | null> {
  const id = await sessionIdOf(request, client);
  if (!id) return null;
  const cached = cachedSession(id, now.getTime());
  if (cached) return cached;
  const logoutsBefore = logouts;
  const row = await one<{
    id: number;
    username: string;
    display_name: string;
    role: UserRole;
    department_id: number | null;
    department_name: string | null;
    grid_ids: number[] | null;
    expires_at: Date | string;
    last_seen_at: Date | string;
    mfa_pending_enrolment: boolean;
  }>(
    em,
    `select u.id, u.username, u.display_name, u.role, u.department_id, d.name as department_name,
            array(select grid_id from grid_worker gw where gw.user_id = u.id order by grid_id) as grid_ids,
            s.expires_at, s.last_seen_at, s.mfa_pending_enrolment
       from user_session s join app_user u on u.id = s.user_id left join department d on d.id = u.department_id
      where s.id = ? and s.expires_at > ? and u.active`,
    [id, now],
  );
  if (!row) return null;
  const lastSeen = new Date(row.last_seen_at).getTime();
  if (now.getTime() - lastSeen >= idleMs()) {
    await endIdleSession(em, id, row.id, new Date(lastSeen), client, now);
    return null;
  }
  let seen = lastSeen;
  if (now.getTime() - lastSeen >= touchMs()) {
    await run(em, 'update user_session set last_seen_at = ? where id = ? and last_seen_at < ?', [now, id, now]);
    seen = now.getTime();
  }
  const gridIds = row.grid_ids ?? [];
  const user: SessionUser = {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    departmentId: row.department_id,
    departmentName: row.department_name,
    gridIds,
    actor: { userId: row.id, role: row.role, departmentIds: row.department_id ? [row.department_id] : [], gridIds },
    mfaPendingEnrolment: row.mfa_pending_enrolment === true,
  };
  const staleAt = Math.min(new Date(row.expires_at).getTime(), seen + touchMs());
  cacheSession(id, user, staleAt, logoutsBefore, now.getTime());
  return user;
}

/** An idle session is deleted and recorded once, however many requests find it idle at the same time. */
async function endIdleSession(
  em: EntityManager,
  id: string,
  userId: number,
  lastSeen: Date,
  client: RequestClient | null,
  now: Date,
) {
  await inTransaction(em, async (tx) => {
    const deleted = await run(tx, 'delete from user_session where id = ? and last_seen_at <= ?', [id, lastSeen]);
    if (deleted)
      await recordSecurityEvent(
        tx,
        { kind: 'sessionExpired', subjectId: userId, client, detail: { reason: 'idle', lastSeenAt: lastSeen } },
        now,
      );
  });
}

/**
 * Every loader and action starts here: no session → sign-in page; a session that must enrol a second factor
 * first → the enrolment page, whatever was asked for.
 */
export async function requireUser(request: Request, context: AppLoadContext): Promise<SessionUser> {
  const user = await requireEnrollingUser(request, context);
  if (user.mfaPendingEnrolment) {
    const url = new URL(request.url);
    throw redirect(`${ENROLMENT_PATH}?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
  }
  return user;
}

/** Any session, including one that may only enrol a second factor: for the enrolment page alone. */
export async function requireEnrollingUser(request: Request, context: AppLoadContext): Promise<SessionUser> {
  const user = await lookupSession(context.runtime.db.em(), request, { client: clientOf(request, context) });
  if (!user) {
    const url = new URL(request.url);
    throw redirect(`/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
  }
  return user;
}

/** A signed-in user who holds the capability (app/domain/permissions.ts); anyone else gets a 403. */
export async function requireUserWith(
  request: Request,
  context: AppLoadContext,
  capability: Capability,
): Promise<SessionUser> {
  const user = await requireUser(request, context);
  if (!can(user, capability)) throw new Response('无权访问此页面', { status: 403 });
  return user;
}
