import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import type { Actor } from '../../machines/actor';
import { isValidLocalDate, localDateOf } from '../calendar/working-time';
import { all, one, run } from '../db/sql.server';
import { Forbidden, InvalidInput, NotFound, fieldErrorsOf } from '../domain/errors';

const SEARCH_ROLES = new Set(['operator', 'dispatcher', 'admin']);

export interface ArticleHit {
  id: number;
  title: string;
  body: string;
  department: string | null;
}

export interface ArticleRow extends ArticleHit {
  categoryId: number | null;
  category: string | null;
  departmentId: number | null;
  validFrom: string | null;
  validTo: string | null;
  active: boolean;
  updatedAt: string;
}

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalId = z.preprocess(blankToUndefined, z.coerce.number().int().positive().optional());
const optionalDate = z.preprocess(
  blankToUndefined,
  z
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD')
    .refine(isValidLocalDate, '日期不存在')
    .optional(),
);

/** What an admin submits for an article; validity dates are local dates, both ends inclusive. */
export const articleInput = z
  .object({
    title: z.string({ message: '此项为必填' }).trim().min(2, '标题至少 2 个字').max(200, '标题最多 200 个字'),
    body: z.string({ message: '此项为必填' }).trim().min(5, '正文至少 5 个字').max(20000, '正文最多 20000 个字'),
    categoryId: optionalId,
    departmentId: optionalId,
    validFrom: optionalDate,
    validTo: optionalDate,
  })
  // Also runs after a field-level failure, so a non-existent date is left to its own message.
  .refine(
    (a) =>
      !a.validFrom ||
      !a.validTo ||
      !isValidLocalDate(a.validFrom) ||
      !isValidLocalDate(a.validTo) ||
      a.validFrom <= a.validTo,
    {
      path: ['validTo'],
      message: '失效日期不能早于生效日期',
    },
  );
export type ArticleInput = z.infer<typeof articleInput>;

function requireAdmin(actor: Actor) {
  if (actor.role !== 'admin') throw new Forbidden('只有管理员可以维护知识库');
}

async function parseArticle(em: EntityManager, raw: unknown): Promise<ArticleInput> {
  const parsed = articleInput.safeParse(raw);
  if (!parsed.success) throw new InvalidInput('请检查填写的内容', fieldErrorsOf(parsed.error.issues));
  const input = parsed.data;
  const errors: Record<string, string[]> = {};
  if (input.categoryId && !(await one(em, 'select 1 from category where id = ?', [input.categoryId])))
    errors.categoryId = ['分类不存在'];
  if (input.departmentId && !(await one(em, 'select 1 from department where id = ?', [input.departmentId])))
    errors.departmentId = ['责任单位不存在'];
  if (Object.keys(errors).length) throw new InvalidInput('请检查填写的内容', errors);
  return input;
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
// PostgreSQL returns a date column as 'YYYY-MM-DD' or a Date depending on the driver; normalise.
const dateOut = (v: unknown): string | null =>
  v == null ? null : v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10);

/**
 * Articles an operator may read out now: active, valid on the local date of `at`, and matching every
 * word of `q` in the title or body. Articles whose title matches come first.
 */
export async function searchArticles(
  em: EntityManager,
  q: string,
  opts: { categoryId?: number; at?: Date; limit: number },
): Promise<ArticleHit[]> {
  const day = localDateOf(opts.at ?? new Date());
  const terms = q
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 5)
    .map((t) => `%${likeEscape(t)}%`);
  const where = ['a.active', '(a.valid_from is null or a.valid_from <= ?)', '(a.valid_to is null or a.valid_to >= ?)'];
  const params: unknown[] = [day, day];
  for (const t of terms) {
    where.push(`(a.title ilike ? or a.body ilike ?)`);
    params.push(t, t);
  }
  if (opts.categoryId) {
    // An article filed under a top-level category answers questions about each of its sub-categories.
    where.push('(a.category_id = ? or a.category_id = (select parent_id from category where id = ?))');
    params.push(opts.categoryId, opts.categoryId);
  }
  const titleRank = terms.length ? terms.map(() => `(case when a.title ilike ? then 1 else 0 end)`).join(' + ') : '0';
  const rows = await all<{ id: number; title: string; body: string; department: string | null }>(
    em,
    `select a.id, a.title, a.body, d.name as department, ${titleRank} as title_rank
       from knowledge_article a left join department d on d.id = a.department_id
      where ${where.join(' and ')}
      order by title_rank desc, a.updated_at desc, a.id desc limit ?`,
    [...terms, ...params, Math.min(Math.max(opts.limit, 1), 50)],
  );
  return rows.map((r) => ({ id: r.id, title: r.title, body: r.body, department: r.department }));
}

/** Every article, inactive and expired ones included, for the admin screen. */
export async function listArticles(em: EntityManager, actor: Actor): Promise<ArticleRow[]> {
  requireAdmin(actor);
  const rows = await all(
    em,
    `select a.id, a.title, a.body, a.category_id, c.name as category, a.department_id, d.name as department,
            a.valid_from, a.valid_to, a.active, a.updated_at
       from knowledge_article a left join category c on c.id = a.category_id left join department d on d.id = a.department_id
      order by a.active desc, a.updated_at desc, a.id desc`,
  );
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    body: r.body,
    categoryId: r.category_id,
    category: r.category,
    departmentId: r.department_id,
    department: r.department,
    validFrom: dateOut(r.valid_from),
    validTo: dateOut(r.valid_to),
    active: r.active,
    updatedAt: new Date(r.updated_at).toISOString(),
  }));
}

/** Categories and departments an article can be filed under. */
export async function articleOptions(em: EntityManager) {
  const categories = await all<{ id: number; name: string; parent: string | null }>(
    em,
    `select c.id, c.name, p.name as parent from category c left join category p on p.id = c.parent_id
      where c.active order by coalesce(p.code, c.code), c.parent_id nulls first, c.code`,
  );
  const departments = await all<{ id: number; name: string }>(
    em,
    `select id, name from department where active and kind in ('city', 'district', 'functional') order by kind, code`,
  );
  return { categories, departments };
}

export async function createArticle(em: EntityManager, actor: Actor, raw: unknown): Promise<{ id: number }> {
  requireAdmin(actor);
  const a = await parseArticle(em, raw);
  const now = new Date();
  const [row] = await all<{ id: number }>(
    em,
    `insert into knowledge_article (title, body, category_id, department_id, valid_from, valid_to, active, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, true, ?, ?) returning id`,
    [a.title, a.body, a.categoryId ?? null, a.departmentId ?? null, a.validFrom ?? null, a.validTo ?? null, now, now],
  );
  return { id: row.id };
}

export async function updateArticle(em: EntityManager, actor: Actor, id: number, raw: unknown): Promise<void> {
  requireAdmin(actor);
  const a = await parseArticle(em, raw);
  const updated = await run(
    em,
    `update knowledge_article set title = ?, body = ?, category_id = ?, department_id = ?, valid_from = ?, valid_to = ?, updated_at = ?
      where id = ?`,
    [
      a.title,
      a.body,
      a.categoryId ?? null,
      a.departmentId ?? null,
      a.validFrom ?? null,
      a.validTo ?? null,
      new Date(),
      id,
    ],
  );
  if (!updated) throw new NotFound('知识条目不存在');
}

/** Articles are never deleted: an answer once given stays traceable. */
export async function deactivateArticle(em: EntityManager, actor: Actor, id: number): Promise<void> {
  requireAdmin(actor);
  if (!(await run(em, 'update knowledge_article set active = false, updated_at = ? where id = ?', [new Date(), id]))) {
    throw new NotFound('知识条目不存在');
  }
}

/** Search parameters from the intake screen's query string. */
export const searchQuery = z.object({
  q: z.string().trim().max(100).catch(''),
  category: z.preprocess(blankToUndefined, z.coerce.number().int().positive().optional()).catch(undefined),
});

export async function searchForActor(
  em: EntityManager,
  actor: Actor,
  raw: Record<string, unknown>,
): Promise<ArticleHit[]> {
  if (!SEARCH_ROLES.has(actor.role)) throw new Forbidden();
  const { q, category } = searchQuery.parse(raw);
  return searchArticles(em, q, { categoryId: category, limit: 10 });
}
