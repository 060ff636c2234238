import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import { REFERRAL_KINDS, type ReferralKind } from '../../machines/appeal-events';
import type { Actor } from '../../machines/actor';
import { DEPARTMENT_KINDS, type DepartmentKind } from '../../entities/department';
import { all, inTransaction, one, run, type Row } from '../db/sql.server';
import { isUniqueViolation } from '../db/unique-violation.server';
import { Forbidden, InvalidInput, NotFound, parseInput } from '../domain/errors';

export interface DepartmentRow {
  id: number;
  code: string;
  name: string;
  kind: DepartmentKind;
  parentId: number | null;
  path: string;
  hotline: string;
  /** Set on referral agencies: the kind of case they take. */
  referralKind: ReferralKind | null;
  active: boolean;
  depth: number;
  users: number;
}

function requireAdmin(actor: Actor) {
  if (actor.role !== 'admin') throw new Forbidden('只有管理员可以维护部门');
}

// The administrative tree runs city → district → street → community; bureaus sit under the city or a district,
// their sections under them.
const PARENT_KINDS: Record<DepartmentKind, DepartmentKind[]> = {
  city: [],
  district: ['city'],
  street: ['district'],
  community: ['street'],
  functional: ['city', 'district'],
  // 科室/中队 inside a bureau (or a section's own section), the units of second-level dispatch.
  section: ['functional', 'section'],
};

// Landlines with area code, mobiles, short service numbers (12345, 110, 95598) and 400 numbers.
const hotline = z
  .string({ message: '此项为必填' })
  .trim()
  .regex(
    /^(0\d{2,3}-?\d{7,8}(-\d{1,6})?|1[3-9]\d{9}|\d{3,8}|400-?\d{3}-?\d{4})$/,
    '电话格式不正确，例如 0571-87000102、12345 或 13800000000',
  );
const name = z.string({ message: '此项为必填' }).trim().min(2, '名称至少 2 个字').max(100, '名称最多 100 个字');

export const createDepartmentInput = z
  .object({
    parentId: z.coerce.number({ message: '请选择上级部门' }).int().positive('请选择上级部门'),
    code: z
      .string({ message: '此项为必填' })
      .trim()
      .regex(/^[A-Za-z0-9_-]{1,32}$/, '编码为 1–32 位字母、数字、下划线或连字符'),
    name,
    kind: z.enum(DEPARTMENT_KINDS, { message: '请选择类型' }).refine((k) => k !== 'city', '市级部门只能有一个'),
    hotline,
    // A referral agency (调解委员会, 法律援助中心 …) is a functional department that takes one kind of case.
    referralKind: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z.enum(REFERRAL_KINDS, { message: '请选择转介类型' }).optional(),
    ),
  })
  .refine((d) => !d.referralKind || d.kind === 'functional', {
    message: '只有职能部门可以作为转介机构',
    path: ['referralKind'],
  });
export const renameInput = z.object({ name });
export const hotlineInput = z.object({ hotline });

/** Every department, parents before their children, with the depth to indent by. */
export async function listDepartments(em: EntityManager, actor: Actor): Promise<DepartmentRow[]> {
  requireAdmin(actor);
  const rows = await all(
    em,
    `select d.id, d.code, d.name, d.kind, d.parent_id, d.path, d.hotline, d.referral_kind, d.active,
            (select count(*)::int from app_user u where u.department_id = d.id and u.active) as users
       from department d order by d.code`,
  );
  const byParent = new Map<number | null, Row[]>();
  for (const r of rows) (byParent.get(r.parent_id) ?? byParent.set(r.parent_id, []).get(r.parent_id)!).push(r);
  // Administrative units first, bureaus after them, each group by code.
  const order = (k: string) => (k === 'functional' ? 1 : 0);
  const out: DepartmentRow[] = [];
  const walk = (parent: number | null, depth: number) => {
    const list = (byParent.get(parent) ?? []).sort(
      (a, b) => order(a.kind) - order(b.kind) || a.code.localeCompare(b.code),
    );
    for (const r of list) {
      out.push({
        id: r.id,
        code: r.code,
        name: r.name,
        kind: r.kind,
        parentId: r.parent_id,
        path: r.path,
        hotline: r.hotline,
        referralKind: r.referral_kind,
        active: r.active,
        depth,
        users: r.users,
      });
      walk(r.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

export async function createDepartment(
  em: EntityManager,
  actor: Actor,
  raw: unknown,
): Promise<{ id: number; path: string }> {
  requireAdmin(actor);
  const d = parseInput(createDepartmentInput, raw);
  const taken = () => new InvalidInput('请检查填写的内容', { code: ['部门编码已被使用'] });
  try {
    return await inTransaction(em, async (tx) => {
      // Locked so the parent cannot be deactivated while a child is added under it.
      const [parent] = await all<{ id: number; path: string; kind: DepartmentKind; active: boolean }>(
        tx,
        'select id, path, kind, active from department where id = ? for update',
        [d.parentId],
      );
      if (!parent) throw new InvalidInput('请检查填写的内容', { parentId: ['上级部门不存在'] });
      if (!parent.active) throw new InvalidInput('请检查填写的内容', { parentId: ['上级部门已停用'] });
      if (!PARENT_KINDS[d.kind].includes(parent.kind)) {
        throw new InvalidInput('请检查填写的内容', { kind: ['该类型的部门不能设在所选上级部门之下'] });
      }
      if (await one(tx, 'select 1 from department where code = ?', [d.code])) throw taken();
      const now = new Date();
      const [row] = await all<{ id: number }>(
        tx,
        `insert into department (code, name, kind, parent_id, path, hotline, referral_kind, active, created_at, updated_at)
         values (?, ?, ?, ?, '', ?, ?, true, ?, ?) returning id`,
        [d.code, d.name, d.kind, parent.id, d.hotline, d.referralKind ?? null, now, now],
      );
      const path = `${parent.path}${row.id}/`;
      await run(tx, 'update department set path = ? where id = ?', [path, row.id]);
      return { id: row.id, path };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw taken();
    throw err;
  }
}

async function update(em: EntityManager, id: number, sql: string, params: unknown[]) {
  const updated = await run(em, `update department set ${sql}, updated_at = ? where id = ?`, [
    ...params,
    new Date(),
    id,
  ]);
  if (!updated) throw new NotFound('部门不存在');
}

export async function renameDepartment(em: EntityManager, actor: Actor, id: number, raw: unknown): Promise<void> {
  requireAdmin(actor);
  const { name: n } = parseInput(renameInput, raw);
  await update(em, id, 'name = ?', [n]);
}

export async function changeHotline(em: EntityManager, actor: Actor, id: number, raw: unknown): Promise<void> {
  requireAdmin(actor);
  const { hotline: h } = parseInput(hotlineInput, raw);
  await update(em, id, 'hotline = ?', [h]);
}

/**
 * A department with active sub-departments or users, or one that categories dispatch to by
 * default, would leave work with nowhere to go: those must be moved first.
 */
export async function deactivateDepartment(em: EntityManager, actor: Actor, id: number): Promise<void> {
  requireAdmin(actor);
  await inTransaction(em, async (tx) => {
    const [d] = await all<{ id: number; kind: DepartmentKind }>(
      tx,
      'select id, kind from department where id = ? for update',
      [id],
    );
    if (!d) throw new NotFound('部门不存在');
    const problems: string[] = [];
    if (d.kind === 'city') problems.push('市级部门不能停用');
    const [{ children, users, categories }] = await all<{ children: number; users: number; categories: number }>(
      tx,
      `select (select count(*)::int from department where parent_id = ? and active) as children,
              (select count(*)::int from app_user where department_id = ? and active) as users,
              (select count(*)::int from category where default_department_id = ? and active) as categories`,
      [id, id, id],
    );
    if (children) problems.push(`还有 ${children} 个启用的下级部门，请先停用下级部门`);
    if (users) problems.push(`还有 ${users} 名启用的用户，请先调整或停用这些用户`);
    if (categories) problems.push(`还是 ${categories} 个分类的默认承办单位，请先修改这些分类`);
    if (problems.length) throw new InvalidInput('该部门不能停用', { id: problems });
    await run(tx, 'update department set active = false, updated_at = ? where id = ?', [new Date(), id]);
  });
}

export async function reactivateDepartment(em: EntityManager, actor: Actor, id: number): Promise<void> {
  requireAdmin(actor);
  await inTransaction(em, async (tx) => {
    const [d] = await all<{ parent_active: boolean | null }>(
      tx,
      'select p.active as parent_active from department d left join department p on p.id = d.parent_id where d.id = ?',
      [id],
    );
    if (!d) throw new NotFound('部门不存在');
    if (d.parent_active === false)
      throw new InvalidInput('该部门不能启用', { id: ['上级部门已停用，请先启用上级部门'] });
    await run(tx, 'update department set active = true, updated_at = ? where id = ?', [new Date(), id]);
  });
}
