import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import type { Actor } from '../../machines/actor';
import type { CategoryLimits } from '../../entities/category';
import { DEFAULT_LIMITS } from '../appeals/deadlines';
import { all, inTransaction, jsonb, one, run, type Row } from '../db/sql.server';
import { isUniqueViolation } from '../db/unique-violation.server';
import { Forbidden, InvalidInput, NotFound, parseInput } from '../domain/errors';

export const LIMIT_KEYS = ['emergency', 'urgent', 'normal', 'accept', 'callback'] as const;
export const LIMIT_UNITS = ['clockHours', 'workingHours', 'workingDays'] as const;

export interface CategoryRow {
  id: number;
  code: string;
  name: string;
  parentId: number | null;
  depth: number;
  defaultDepartmentId: number | null;
  defaultDepartment: string | null;
  limits: CategoryLimits;
  active: boolean;
}

function requireAdmin(actor: Actor) {
  if (actor.role !== 'admin') throw new Forbidden('只有管理员可以维护诉求分类');
}

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalId = z.preprocess(blankToUndefined, z.coerce.number().int().positive().optional());

const limitSpec = z.object({
  amount: z.preprocess(
    blankToUndefined,
    z.coerce.number({ message: '请填写 1–720 的整数' }).int('请填写整数').min(1, '最少为 1').max(720, '最多为 720'),
  ),
  unit: z.enum(LIMIT_UNITS, { message: '请选择时限单位' }),
});
export const limitsInput = z.object({
  emergency: limitSpec,
  urgent: limitSpec,
  normal: limitSpec,
  accept: limitSpec,
  callback: limitSpec,
  defaultDepartmentId: optionalId,
});

export const createCategoryInput = z.object({
  parentId: optionalId,
  // Intake finds categories by a leading numeric code, so codes stay numeric.
  code: z
    .string({ message: '此项为必填' })
    .trim()
    .regex(/^\d{2,8}$/, '编码为 2–8 位数字'),
  name: z.string({ message: '此项为必填' }).trim().min(2, '名称至少 2 个字').max(100, '名称最多 100 个字'),
  defaultDepartmentId: optionalId,
});

/** A form posts flat fields (`normal.amount`, `normal.unit`); an API caller may post the nested object. */
function nestLimits(raw: unknown): unknown {
  if (!raw || typeof raw !== 'object') return raw;
  const r = raw as Record<string, unknown>;
  const out: Record<string, unknown> = { ...r };
  for (const k of LIMIT_KEYS) {
    if (r[k] === undefined && (`${k}.amount` in r || `${k}.unit` in r))
      out[k] = { amount: r[`${k}.amount`], unit: r[`${k}.unit`] };
  }
  return out;
}

async function checkDepartment(tx: EntityManager, id: number | undefined) {
  if (!id) return;
  const [d] = await all<{ active: boolean }>(tx, 'select active from department where id = ?', [id]);
  if (!d) throw new InvalidInput('请检查填写的内容', { defaultDepartmentId: ['部门不存在'] });
  if (!d.active) throw new InvalidInput('请检查填写的内容', { defaultDepartmentId: ['该部门已停用'] });
}

/** Every category, parents before children, with its limits and default department. */
export async function listCategories(em: EntityManager, actor: Actor): Promise<CategoryRow[]> {
  requireAdmin(actor);
  const rows = await all(
    em,
    `select c.id, c.code, c.name, c.parent_id, c.default_department_id, d.name as default_department, c.limits, c.active
       from category c left join department d on d.id = c.default_department_id order by c.code`,
  );
  const byParent = new Map<number | null, Row[]>();
  for (const r of rows) (byParent.get(r.parent_id) ?? byParent.set(r.parent_id, []).get(r.parent_id)!).push(r);
  const out: CategoryRow[] = [];
  const walk = (parent: number | null, depth: number) => {
    for (const r of byParent.get(parent) ?? []) {
      out.push({
        id: r.id,
        code: r.code,
        name: r.name,
        parentId: r.parent_id,
        depth,
        defaultDepartmentId: r.default_department_id,
        defaultDepartment: r.default_department,
        limits: jsonb<CategoryLimits>(r.limits),
        active: r.active,
      });
      walk(r.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

/** A new category starts with its parent's limits (the city's general limits at the top level). */
export async function createCategory(em: EntityManager, actor: Actor, raw: unknown): Promise<{ id: number }> {
  requireAdmin(actor);
  const c = parseInput(createCategoryInput, raw);
  const taken = () => new InvalidInput('请检查填写的内容', { code: ['分类编码已被使用'] });
  try {
    return await inTransaction(em, async (tx) => {
      let limits: CategoryLimits = DEFAULT_LIMITS.general;
      if (c.parentId) {
        const [parent] = await all<{ limits: unknown; active: boolean }>(
          tx,
          'select limits, active from category where id = ? for update',
          [c.parentId],
        );
        if (!parent) throw new InvalidInput('请检查填写的内容', { parentId: ['上级分类不存在'] });
        if (!parent.active) throw new InvalidInput('请检查填写的内容', { parentId: ['上级分类已停用'] });
        limits = jsonb<CategoryLimits>(parent.limits);
      }
      await checkDepartment(tx, c.defaultDepartmentId);
      if (await one(tx, 'select 1 from category where code = ?', [c.code])) throw taken();
      const now = new Date();
      const [row] = await all<{ id: number }>(
        tx,
        `insert into category (code, name, parent_id, default_department_id, limits, active, created_at, updated_at)
         values (?, ?, ?, ?, ?, true, ?, ?) returning id`,
        [c.code, c.name, c.parentId ?? null, c.defaultDepartmentId ?? null, JSON.stringify(limits), now, now],
      );
      return { id: row.id };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw taken();
    throw err;
  }
}

/** New limits apply to appeals dispatched from now on; running deadlines keep the limits they started with. */
export async function updateCategoryLimits(
  em: EntityManager,
  actor: Actor,
  id: number,
  raw: unknown,
): Promise<CategoryLimits> {
  requireAdmin(actor);
  const input = parseInput(limitsInput, nestLimits(raw));
  const limits: CategoryLimits = {
    emergency: input.emergency,
    urgent: input.urgent,
    normal: input.normal,
    accept: input.accept,
    callback: input.callback,
  };
  await inTransaction(em, async (tx) => {
    await checkDepartment(tx, input.defaultDepartmentId);
    const updated = await run(
      tx,
      'update category set limits = ?, default_department_id = ?, updated_at = ? where id = ?',
      [JSON.stringify(limits), input.defaultDepartmentId ?? null, new Date(), id],
    );
    if (!updated) throw new NotFound('分类不存在');
  });
  return limits;
}

/** Deactivated categories disappear from intake; a parent goes only after its children. */
export async function setCategoryActive(em: EntityManager, actor: Actor, id: number, active: boolean): Promise<void> {
  requireAdmin(actor);
  await inTransaction(em, async (tx) => {
    const [c] = await all<{ parent_active: boolean | null }>(
      tx,
      'select p.active as parent_active from category c left join category p on p.id = c.parent_id where c.id = ? for update of c',
      [id],
    );
    if (!c) throw new NotFound('分类不存在');
    if (!active) {
      const [{ n }] = await all<{ n: number }>(
        tx,
        'select count(*)::int as n from category where parent_id = ? and active',
        [id],
      );
      if (n) throw new InvalidInput('该分类不能停用', { id: [`还有 ${n} 个启用的下级分类，请先停用下级分类`] });
    } else if (c.parent_active === false) {
      throw new InvalidInput('该分类不能启用', { id: ['上级分类已停用，请先启用上级分类'] });
    }
    await run(tx, 'update category set active = ?, updated_at = ? where id = ?', [active, new Date(), id]);
  });
}
