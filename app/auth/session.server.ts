import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createCookie, redirect, type AppLoadContext } from '@remix-run/node';
import type { EntityManager } from '@mikro-orm/sql';
import type { Actor } from '../../machines/appeal-events';
import type { UserRole } from '../../entities/user';
import { verifyPassword } from './password.server';

const SESSION_HOURS = 12;

export interface SessionUser {
  id: number;
  username: string;
  displayName: string;
  role: UserRole;
  departmentId: number | null;
  departmentName: string | null;
  gridIds: number[];
  actor: Actor;
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
  const [row] = await em.getConnection().execute<{ id: number; password_hash: string }[]>(
    'select id, password_hash from app_user where username = ? and active', [username]);
  // Verify against a dummy hash when the user is unknown so timing does not reveal which usernames exist.
  const ok = await verifyPassword(row?.password_hash ?? '$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', password);
  return row && ok ? row.id : null;
}

export async function startSession(em: EntityManager, userId: number): Promise<string> {
  const id = randomBytes(32).toString('hex');
  const expires = new Date(Date.now() + SESSION_HOURS * 3600_000);
  await em.getConnection().execute('insert into user_session (id, user_id, created_at, expires_at) values (?, ?, ?, ?)', [id, userId, new Date(), expires]);
  return sessionCookie().serialize(id);
}

async function sessionIdOf(request: Request): Promise<string | null> {
  const value = await sessionCookie().parse(request.headers.get('Cookie'));
  return typeof value === 'string' && /^[0-9a-f]{64}$/.test(value) ? value : null;
}

export async function endSession(em: EntityManager, request: Request): Promise<string> {
  const id = await sessionIdOf(request);
  if (id) await em.getConnection().execute('delete from user_session where id = ?', [id]);
  return sessionCookie().serialize('', { maxAge: 0 });
}

export async function sessionUser(em: EntityManager, request: Request): Promise<SessionUser | null> {
  const id = await sessionIdOf(request);
  if (!id) return null;
  const [row] = await em.getConnection().execute<{
    id: number; username: string; display_name: string; role: UserRole; department_id: number | null; department_name: string | null; grid_ids: number[] | null;
  }[]>(
    `select u.id, u.username, u.display_name, u.role, u.department_id, d.name as department_name,
            array(select grid_id from grid_worker gw where gw.user_id = u.id order by grid_id) as grid_ids
       from user_session s join app_user u on u.id = s.user_id left join department d on d.id = u.department_id
      where s.id = ? and s.expires_at > ? and u.active`, [id, new Date()]);
  if (!row) return null;
  const gridIds = row.grid_ids ?? [];
  return {
    id: row.id, username: row.username, displayName: row.display_name, role: row.role, departmentId: row.department_id,
    departmentName: row.department_name, gridIds,
    actor: { userId: row.id, role: row.role, departmentIds: row.department_id ? [row.department_id] : [], gridIds },
  };
}

/** Every loader and action starts here: no session → sign-in page; wrong role → 403. */
export async function requireUser(request: Request, context: AppLoadContext, roles?: readonly UserRole[]): Promise<SessionUser> {
  const user = await sessionUser(context.runtime.db.em(), request);
  if (!user) {
    const url = new URL(request.url);
    throw redirect(`/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
  }
  if (roles && !roles.includes(user.role)) throw new Response('无权访问此页面', { status: 403 });
  return user;
}
