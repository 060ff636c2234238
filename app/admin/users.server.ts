import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import type { Actor } from '../../machines/actor';
import { ROLES, type UserRole } from '../../entities/user';
import { removeMfa } from '../auth/mfa.server';
import { hashPassword } from '../auth/password.server';
import { lockedNames, unlockAccount } from '../auth/lockout.server';
import { forgetUserSessions } from '../auth/session.server';
import { signInSettings } from '../auth/sign-in-settings.server';
import { all, inTransaction, one, run } from '../db/sql.server';
import { isUniqueViolation } from '../db/unique-violation.server';
import { Forbidden, InvalidInput, NotFound, parseInput } from '../domain/errors';
import type { RequestClient } from '../http/client.server';
import { recordSecurityEvent } from '../security/security-log.server';

export interface UserRow {
  id: number;
  username: string;
  displayName: string;
  role: UserRole;
  departmentId: number | null;
  department: string | null;
  gridIds: number[];
  grids: string[];
  phone: string | null;
  active: boolean;
  /** Locked by failed sign-ins; an admin may unlock. */
  locked: boolean;
  /** Signs in with a TOTP code after the password. */
  mfaEnabled: boolean;
}

export interface UserOptions {
  departments: { id: number; name: string; depth: number }[];
  grids: { id: number; name: string }[];
}

function requireAdmin(actor: Actor) {
  if (actor.role !== 'admin') throw new Forbidden('只有管理员可以维护用户');
}

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalId = z.preprocess(blankToUndefined, z.coerce.number({ message: '请选择' }).int().positive().optional());
// A form sends one value for one ticked box and an array for several; an API caller sends numbers.
const idList = z.preprocess(
  (v) => (v == null || v === '' ? [] : Array.isArray(v) ? v.filter((x) => x !== '') : [v]),
  z.array(z.coerce.number().int().positive()),
);
const password = z.string({ message: '此项为必填' }).min(8, '密码至少 8 位').max(128, '密码最多 128 位');

const profile = z.object({
  displayName: z
    .string({ message: '此项为必填' })
    .trim()
    .min(2, '显示名称至少 2 个字')
    .max(100, '显示名称最多 100 个字'),
  role: z.enum(ROLES, { message: '请选择角色' }),
  departmentId: optionalId,
  gridIds: idList,
});

/** Which roles need which assignments: a handler acts for a department, a grid worker for his grids. */
function checkAssignments<T extends z.infer<typeof profile>>(u: T, ctx: z.RefinementCtx) {
  if (u.role === 'handler' && !u.departmentId)
    ctx.addIssue({ code: 'custom', path: ['departmentId'], message: '承办单位用户必须选择所属部门' });
  if (u.role === 'mediator' && !u.departmentId)
    ctx.addIssue({ code: 'custom', path: ['departmentId'], message: '调解员等转介机构用户必须选择所属机构' });
  if (u.role === 'gridWorker' && u.gridIds.length === 0)
    ctx.addIssue({ code: 'custom', path: ['gridIds'], message: '网格员至少负责一个网格' });
  if (u.role !== 'gridWorker' && u.gridIds.length > 0)
    ctx.addIssue({ code: 'custom', path: ['gridIds'], message: '只有网格员可以负责网格' });
}

export const createUserInput = profile
  .extend({
    username: z
      .string({ message: '此项为必填' })
      .trim()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$/, '用户名为 3–64 位字母、数字、点、下划线或连字符，以字母或数字开头'),
    password,
  })
  .superRefine(checkAssignments);

export const updateUserInput = profile.superRefine(checkAssignments);
export const resetPasswordInput = z.object({ password });

/** The department must exist and be active (for a mediator, a referral agency); the grids must exist. */
async function checkReferences(tx: EntityManager, u: { role: string; departmentId?: number; gridIds: number[] }) {
  const errors: Record<string, string[]> = {};
  if (u.departmentId) {
    const [d] = await all<{ active: boolean; referral_kind: string | null }>(
      tx,
      'select active, referral_kind from department where id = ?',
      [u.departmentId],
    );
    if (!d) errors.departmentId = ['部门不存在'];
    else if (!d.active) errors.departmentId = ['该部门已停用'];
    // A mediator's scope is his agency's cases; any other department would give him none.
    else if (u.role === 'mediator' && !d.referral_kind)
      errors.departmentId = ['请选择转介机构（调解委员会、法律援助中心等）'];
  }
  if (u.gridIds.length) {
    const found = await all<{ id: number }>(tx, 'select id from grid where id in (?)', [u.gridIds]);
    if (found.length !== new Set(u.gridIds).size) errors.gridIds = ['网格不存在'];
  }
  if (Object.keys(errors).length) throw new InvalidInput('请检查填写的内容', errors);
}

async function setGrids(tx: EntityManager, userId: number, gridIds: number[]) {
  await run(tx, 'delete from grid_worker where user_id = ?', [userId]);
  for (const g of new Set(gridIds))
    await run(tx, 'insert into grid_worker (user_id, grid_id) values (?, ?)', [userId, g]);
}

export async function listUsers(em: EntityManager, actor: Actor): Promise<UserRow[]> {
  requireAdmin(actor);
  const rows = await all(
    em,
    `select u.id, u.username, u.display_name, u.role, u.department_id, d.name as department, u.phone, u.active,
            array(select g.id from grid_worker gw join grid g on g.id = gw.grid_id where gw.user_id = u.id order by g.code) as grid_ids,
            array(select g.name from grid_worker gw join grid g on g.id = gw.grid_id where gw.user_id = u.id order by g.code) as grids,
            exists(select 1 from user_totp t where t.user_id = u.id and t.confirmed_at is not null) as mfa_enabled
       from app_user u left join department d on d.id = u.department_id
      order by u.active desc, u.username`,
  );
  const locked = await lockedNames(
    em,
    rows.map((r) => r.username),
    signInSettings(),
    new Date(),
  );
  return rows.map((r) => ({
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    departmentId: r.department_id,
    department: r.department,
    gridIds: r.grid_ids ?? [],
    grids: r.grids ?? [],
    phone: r.phone,
    active: r.active,
    locked: locked.has(String(r.username).toLowerCase()),
    mfaEnabled: r.mfa_enabled === true,
  }));
}

/** Active departments (indented as a tree) and grids a user can be assigned to. */
export async function userOptions(em: EntityManager, actor: Actor): Promise<UserOptions> {
  requireAdmin(actor);
  const departments = await all<{ id: number; name: string; path: string; parent_id: number | null; code: string }>(
    em,
    'select id, name, path, parent_id, code from department where active order by code',
  );
  const children = new Map<number | null, typeof departments>();
  for (const d of departments) (children.get(d.parent_id) ?? children.set(d.parent_id, []).get(d.parent_id)!).push(d);
  const ids = new Set(departments.map((d) => d.id));
  const out: UserOptions['departments'] = [];
  const walk = (parent: number | null, depth: number) => {
    for (const d of children.get(parent) ?? []) {
      out.push({ id: d.id, name: d.name, depth });
      walk(d.id, depth + 1);
    }
  };
  walk(null, 0);
  // An active department under an inactive parent still needs to be reachable.
  for (const d of departments)
    if (d.parent_id !== null && !ids.has(d.parent_id)) {
      out.push({ id: d.id, name: d.name, depth: 0 });
      walk(d.id, 1);
    }
  const grids = await all<{ id: number; name: string }>(em, 'select id, name from grid order by code');
  return { departments: out, grids };
}

export async function createUser(
  em: EntityManager,
  actor: Actor,
  raw: unknown,
  client: RequestClient | null = null,
): Promise<{ id: number }> {
  requireAdmin(actor);
  const u = parseInput(createUserInput, raw);
  const taken = () => new InvalidInput('请检查填写的内容', { username: ['用户名已被使用'] });
  // Hash before the transaction: argon2 is deliberately slow and should not hold a connection.
  const passwordHash = await hashPassword(u.password);
  try {
    return await inTransaction(em, async (tx) => {
      if (await one(tx, 'select 1 from app_user where lower(username) = lower(?)', [u.username])) throw taken();
      await checkReferences(tx, u);
      const now = new Date();
      const [row] = await all<{ id: number }>(
        tx,
        `insert into app_user (username, password_hash, display_name, role, department_id, active, created_at, updated_at)
         values (?, ?, ?, ?, ?, true, ?, ?) returning id`,
        [u.username, passwordHash, u.displayName, u.role, u.departmentId ?? null, now, now],
      );
      await setGrids(tx, row.id, u.gridIds);
      const after = { role: u.role, departmentId: u.departmentId ?? null, gridIds: u.gridIds, active: true };
      await recordSecurityEvent(tx, {
        kind: 'userChanged',
        actorId: actor.userId,
        subjectId: row.id,
        username: u.username,
        client,
        detail: { change: 'created', before: null, after },
      });
      return { id: row.id };
    });
  } catch (err) {
    // Two admins creating the same username at once: the unique index decides.
    if (isUniqueViolation(err)) throw taken();
    throw err;
  }
}

/** The parts of an account that decide what its user may do, as the audit records them before and after a change. */
interface Standing {
  displayName: string;
  role: UserRole;
  departmentId: number | null;
  gridIds: number[];
  active: boolean;
}

async function standingOf(tx: EntityManager, userId: number): Promise<(Standing & { username: string }) | null> {
  const row = await one(
    tx,
    `select username, display_name, role, department_id, active,
            array(select grid_id from grid_worker where user_id = u.id order by grid_id) as grid_ids
       from app_user u where id = ? for update`,
    [userId],
  );
  if (!row) return null;
  return {
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    departmentId: row.department_id,
    gridIds: row.grid_ids ?? [],
    active: row.active,
  };
}

/** Records what changed (only the changed fields, before and after): a new role is 'roleChanged'. */
async function recordChange(
  tx: EntityManager,
  actor: Actor,
  userId: number,
  username: string,
  before: Partial<Standing>,
  after: Partial<Standing>,
  client: RequestClient | null,
) {
  const keys = (Object.keys(after) as (keyof Standing)[]).filter(
    (k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]),
  );
  if (!keys.length) return;
  const pick = (s: Partial<Standing>) => Object.fromEntries(keys.map((k) => [k, s[k]]));
  await recordSecurityEvent(tx, {
    kind: keys.includes('role') ? 'roleChanged' : 'userChanged',
    actorId: actor.userId,
    subjectId: userId,
    username,
    client,
    detail: { before: pick(before), after: pick(after) },
  });
}

export async function updateUser(
  em: EntityManager,
  actor: Actor,
  userId: number,
  raw: unknown,
  client: RequestClient | null = null,
): Promise<void> {
  requireAdmin(actor);
  const u = parseInput(updateUserInput, raw);
  if (userId === actor.userId && u.role !== 'admin')
    throw new InvalidInput('请检查填写的内容', { role: ['不能取消自己的管理员角色'] });
  await inTransaction(em, async (tx) => {
    await checkReferences(tx, u);
    const before = await standingOf(tx, userId);
    if (!before) throw new NotFound('用户不存在');
    await run(tx, 'update app_user set display_name = ?, role = ?, department_id = ?, updated_at = ? where id = ?', [
      u.displayName,
      u.role,
      u.departmentId ?? null,
      new Date(),
      userId,
    ]);
    await setGrids(tx, userId, u.gridIds);
    const after = {
      displayName: u.displayName,
      role: u.role,
      departmentId: u.departmentId ?? null,
      gridIds: [...new Set(u.gridIds)].sort((a, b) => a - b),
    };
    await recordChange(tx, actor, userId, before.username, before, after, client);
  });
  // A new role or scope applies from the user's next request, not after the session cache expires.
  forgetUserSessions(userId);
}

/** A new password also ends the user's open sessions: whoever knew the old one is signed out. */
export async function resetPassword(
  em: EntityManager,
  actor: Actor,
  userId: number,
  raw: unknown,
  client: RequestClient | null = null,
): Promise<void> {
  requireAdmin(actor);
  const { password: pw } = parseInput(resetPasswordInput, raw);
  const passwordHash = await hashPassword(pw);
  await inTransaction(em, async (tx) => {
    const updated = await run(tx, 'update app_user set password_hash = ?, updated_at = ? where id = ?', [
      passwordHash,
      new Date(),
      userId,
    ]);
    if (!updated) throw new NotFound('用户不存在');
    if (userId !== actor.userId) await run(tx, 'delete from user_session where user_id = ?', [userId]);
    await recordSecurityEvent(tx, {
      kind: 'userChanged',
      actorId: actor.userId,
      subjectId: userId,
      client,
      detail: { change: 'passwordReset' },
    });
  });
  if (userId !== actor.userId) forgetUserSessions(userId);
}

/** Deactivation takes effect at once: the user's sessions are deleted with it. */
export async function setUserActive(
  em: EntityManager,
  actor: Actor,
  userId: number,
  active: boolean,
  client: RequestClient | null = null,
): Promise<void> {
  requireAdmin(actor);
  if (!active && userId === actor.userId) throw new InvalidInput('不能停用自己的账号', { id: ['不能停用自己的账号'] });
  await inTransaction(em, async (tx) => {
    const before = await standingOf(tx, userId);
    if (!before) throw new NotFound('用户不存在');
    await run(tx, 'update app_user set active = ?, updated_at = ? where id = ?', [active, new Date(), userId]);
    if (!active) await run(tx, 'delete from user_session where user_id = ?', [userId]);
    await recordChange(tx, actor, userId, before.username, { active: before.active }, { active }, client);
  });
  forgetUserSessions(userId);
}

/** Lifts a lock set by failed sign-ins, with an audit row; unlocking an account that is not locked changes nothing. */
export async function unlockUser(
  em: EntityManager,
  actor: Actor,
  userId: number,
  client: RequestClient | null = null,
  now = new Date(),
): Promise<void> {
  requireAdmin(actor);
  await inTransaction(em, async (tx) => {
    const user = await one<{ username: string }>(tx, 'select username from app_user where id = ?', [userId]);
    if (!user) throw new NotFound('用户不存在');
    if (!(await unlockAccount(tx, user.username, signInSettings(), now))) return;
    await recordSecurityEvent(
      tx,
      { kind: 'unlock', actorId: actor.userId, subjectId: userId, username: user.username, client },
      now,
    );
  });
}

/**
 * Removes a user's authenticator and recovery codes (a lost phone): the user's sessions end, and the next sign-in
 * is with the password alone, or straight to enrolment where two factors are required.
 */
export async function resetMfa(
  em: EntityManager,
  actor: Actor,
  userId: number,
  client: RequestClient | null,
): Promise<void> {
  requireAdmin(actor);
  await inTransaction(em, async (tx) => {
    if (!(await one(tx, 'select 1 from app_user where id = ?', [userId]))) throw new NotFound('用户不存在');
    const had = await removeMfa(tx, userId);
    if (userId !== actor.userId) await run(tx, 'delete from user_session where user_id = ?', [userId]);
    await recordSecurityEvent(tx, {
      kind: 'mfaReset',
      actorId: actor.userId,
      subjectId: userId,
      client,
      detail: { by: 'admin', hadAuthenticator: had },
    });
  });
  if (userId !== actor.userId) forgetUserSessions(userId);
}
