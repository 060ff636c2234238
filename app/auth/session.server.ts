import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createCookie, redirect, type AppLoadContext } from '@remix-run/node';
import type { EntityManager } from '@mikro-orm/sql';
import type { Actor } from '../../machines/actor';
import type { UserRole } from '../../entities/user';
import { one, run } from '../db/sql.server';
import { can, type Capability } from '../domain/permissions';
import { verifyPassword } from './password.server';

const SESSION_HOURS = 12;
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
function sessionSecret(): string {
  if (process.env.SESSION_SECRET) return process.env.SESSION_SECRET;
  const file = path.resolve(process.env.DATA_DIR ?? '.data', 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

let cookie: ReturnType<typeof createCookie> | null = null;
function sessionCookie() {
  cookie ??= createCookie('__session', {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: process.env.COOKIE_SECURE === '1',
    secrets: [sessionSecret()],
    maxAge: SESSION_HOURS * 3600,
  });
  return cookie;
}

export async function authenticate(em: EntityManager, username: string, password: string): Promise<number | null> {
  const row = await one<{ id: number; password_hash: string }>(
    em,
    'select id, password_hash from app_user where username = ? and active',
    [username],
  );
  // Verify against a dummy hash when the user is unknown so timing does not reveal which usernames exist.
  const ok = await verifyPassword(
    row?.password_hash ??
      '$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    password,
  );
  return row && ok ? row.id : null;
}

export async function startSession(
  em: EntityManager,
  userId: number,
  opts: { mfaPendingEnrolment?: boolean } = {},
): Promise<string> {
  const id = randomBytes(32).toString('hex');
  const pending = opts.mfaPendingEnrolment === true;
  const expires = new Date(Date.now() + (pending ? ENROLMENT_MINUTES * 60_000 : SESSION_HOURS * 3600_000));
  await run(
    em,
    'insert into user_session (id, user_id, created_at, expires_at, mfa_pending_enrolment) values (?, ?, ?, ?, ?)',
    [id, userId, new Date(), expires, pending],
  );
  return sessionCookie().serialize(id);
}

async function sessionIdOf(request: Request): Promise<string | null> {
  const value = await sessionCookie().parse(request.headers.get('Cookie'));
  return typeof value === 'string' && /^[0-9a-f]{64}$/.test(value) ? value : null;
}

// ---------- session lookup cache ----------
// Every loader and action calls requireUser, so every request paid one session query (session ⋈ user ⋈ department +
// grids) before doing its own work: a database round trip that on a small route such as the screen pop
// (bench/screenpop.ts) costs as much as the route's own lookup. The result is therefore kept in process for a short
// while (SESSION_CACHE_MS, default 2000 ms; 0 turns the cache off), keyed by the session id (the 256-bit secret in the
// signed cookie; the signature is still checked on every request).
// The price: a change made elsewhere (role, department or grids changed, user deactivated, session deleted by an admin or
// by another server process) takes effect within the TTL rather than at once. Logout in this process (endSession)
// drops the entry immediately, and an entry never outlives its session's expires_at. Only found sessions are cached,
// so requests with unknown ids cannot fill it; the size is bounded and the oldest entry goes first.
const DEFAULT_SESSION_CACHE_MS = 2000;
const SESSION_CACHE_MAX = 10_000;

interface CachedSession {
  user: SessionUser;
  userId: number;
  /** Epoch ms: min(cached at + TTL, the session's expires_at). */
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

function cacheSession(id: string, user: SessionUser, expiresAt: Date, logoutsBefore: number) {
  const ttl = sessionCacheMs();
  if (ttl <= 0 || logoutsBefore !== logouts) return;
  const until = Math.min(Date.now() + ttl, expiresAt.getTime());
  if (!Number.isFinite(until)) return; // an unreadable expires_at: never cache rather than cache forever
  sessionCache.delete(id); // re-inserted last: Map order is insertion order, so the first key is the oldest
  while (sessionCache.size >= SESSION_CACHE_MAX) sessionCache.delete(sessionCache.keys().next().value!);
  sessionCache.set(id, { user: copyUser(user), userId: user.id, until });
}

function cachedSession(id: string): SessionUser | null {
  const entry = sessionCache.get(id);
  if (!entry) return null;
  if (sessionCacheMs() <= 0 || Date.now() >= entry.until) {
    sessionCache.delete(id);
    return null;
  }
  return copyUser(entry.user);
}

export async function endSession(em: EntityManager, request: Request): Promise<string> {
  const id = await sessionIdOf(request);
  if (id) {
    sessionCache.delete(id);
    await run(em, 'delete from user_session where id = ?', [id]);
    logouts++;
    sessionCache.delete(id);
  }
  return sessionCookie().serialize('', { maxAge: 0 });
}

/** The signed-in user; a session that may only enrol a second factor counts as none. */
export async function sessionUser(em: EntityManager, request: Request): Promise<SessionUser | null> {
  const user = await lookupSession(em, request);
  return user && !user.mfaPendingEnrolment ? user : null;
}

async function lookupSession(em: EntityManager, request: Request): Promise<SessionUser | null> {
  const id = await sessionIdOf(request);
  if (!id) return null;
  const cached = cachedSession(id);
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
    mfa_pending_enrolment: boolean;
  }>(
    em,
    `select u.id, u.username, u.display_name, u.role, u.department_id, d.name as department_name,
            array(select grid_id from grid_worker gw where gw.user_id = u.id order by grid_id) as grid_ids, s.expires_at,
            s.mfa_pending_enrolment
       from user_session s join app_user u on u.id = s.user_id left join department d on d.id = u.department_id
      where s.id = ? and s.expires_at > ? and u.active`,
    [id, new Date()],
  );
  if (!row) return null;
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
  cacheSession(id, user, new Date(row.expires_at), logoutsBefore);
  return user;
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
  const user = await lookupSession(context.runtime.db.em(), request);
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
