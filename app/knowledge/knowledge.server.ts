import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import type { Actor } from '../../machines/actor';
import { isValidLocalDate, localDateOf } from '../calendar/working-time';
import { Forbidden, InvalidInput, NotFound, fieldErrorsOf } from '../domain/errors';
import type { ReferenceIds } from '../seed/demo-city.server';

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
  z.string().trim().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD').refine(isValidLocalDate, '日期不存在').optional(),
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
  .refine((a) => !a.validFrom || !a.validTo || !isValidLocalDate(a.validFrom) || !isValidLocalDate(a.validTo) || a.validFrom <= a.validTo, {
    path: ['validTo'], message: '失效日期不能早于生效日期',
  });
export type ArticleInput = z.infer<typeof articleInput>;

function requireAdmin(actor: Actor) {
  if (actor.role !== 'admin') throw new Forbidden('只有管理员可以维护知识库');
}

async function parseInput(em: EntityManager, raw: unknown): Promise<ArticleInput> {
  const parsed = articleInput.safeParse(raw);
  if (!parsed.success) throw new InvalidInput('请检查填写的内容', fieldErrorsOf(parsed.error.issues));
  const input = parsed.data;
  const conn = em.getConnection();
  const errors: Record<string, string[]> = {};
  if (input.categoryId && !(await conn.execute('select 1 from category where id = ?', [input.categoryId])).length) errors.categoryId = ['分类不存在'];
  if (input.departmentId && !(await conn.execute('select 1 from department where id = ?', [input.departmentId])).length) errors.departmentId = ['责任单位不存在'];
  if (Object.keys(errors).length) throw new InvalidInput('请检查填写的内容', errors);
  return input;
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
// PostgreSQL returns a date column as 'YYYY-MM-DD' or a Date depending on the driver; normalise.
const dateOut = (v: unknown): string | null => (v == null ? null : v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

/**
 * Articles an operator may read out now: active, valid on the local date of `at`, and matching every
 * word of `q` in the title or body. Articles whose title matches come first.
 */
export async function searchArticles(
  em: EntityManager, q: string, opts: { categoryId?: number; at?: Date; limit: number },
): Promise<ArticleHit[]> {
  const day = localDateOf(opts.at ?? new Date());
  const terms = q.trim().split(/\s+/).filter(Boolean).slice(0, 5).map((t) => `%${likeEscape(t)}%`);
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
  const rows = await em.getConnection().execute<{ id: number; title: string; body: string; department: string | null }[]>(
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
  const rows = await em.getConnection().execute<Record<string, any>[]>(
    `select a.id, a.title, a.body, a.category_id, c.name as category, a.department_id, d.name as department,
            a.valid_from, a.valid_to, a.active, a.updated_at
       from knowledge_article a left join category c on c.id = a.category_id left join department d on d.id = a.department_id
      order by a.active desc, a.updated_at desc, a.id desc`);
  return rows.map((r) => ({
    id: r.id, title: r.title, body: r.body, categoryId: r.category_id, category: r.category, departmentId: r.department_id,
    department: r.department, validFrom: dateOut(r.valid_from), validTo: dateOut(r.valid_to), active: r.active,
    updatedAt: new Date(r.updated_at).toISOString(),
  }));
}

/** Categories and departments an article can be filed under. */
export async function articleOptions(em: EntityManager) {
  const conn = em.getConnection();
  const categories = await conn.execute<{ id: number; name: string; parent: string | null }[]>(
    `select c.id, c.name, p.name as parent from category c left join category p on p.id = c.parent_id
      where c.active order by coalesce(p.code, c.code), c.parent_id nulls first, c.code`);
  const departments = await conn.execute<{ id: number; name: string }[]>(
    `select id, name from department where active and kind in ('city', 'district', 'functional') order by kind, code`);
  return { categories, departments };
}

export async function createArticle(em: EntityManager, actor: Actor, raw: unknown): Promise<{ id: number }> {
  requireAdmin(actor);
  const a = await parseInput(em, raw);
  const now = new Date();
  const [row] = await em.getConnection().execute<{ id: number }[]>(
    `insert into knowledge_article (title, body, category_id, department_id, valid_from, valid_to, active, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, true, ?, ?) returning id`,
    [a.title, a.body, a.categoryId ?? null, a.departmentId ?? null, a.validFrom ?? null, a.validTo ?? null, now, now]);
  return { id: row.id };
}

export async function updateArticle(em: EntityManager, actor: Actor, id: number, raw: unknown): Promise<void> {
  requireAdmin(actor);
  const a = await parseInput(em, raw);
  const rows = await em.getConnection().execute<{ id: number }[]>(
    `update knowledge_article set title = ?, body = ?, category_id = ?, department_id = ?, valid_from = ?, valid_to = ?, updated_at = ?
      where id = ? returning id`,
    [a.title, a.body, a.categoryId ?? null, a.departmentId ?? null, a.validFrom ?? null, a.validTo ?? null, new Date(), id]);
  if (!rows.length) throw new NotFound('知识条目不存在');
}

/** Articles are never deleted: an answer once given stays traceable. */
export async function deactivateArticle(em: EntityManager, actor: Actor, id: number): Promise<void> {
  requireAdmin(actor);
  const rows = await em.getConnection().execute<{ id: number }[]>(
    'update knowledge_article set active = false, updated_at = ? where id = ? returning id', [new Date(), id]);
  if (!rows.length) throw new NotFound('知识条目不存在');
}

/** Search parameters from the intake screen's query string. */
export const searchQuery = z.object({
  q: z.string().trim().max(100).catch(''),
  category: z.preprocess(blankToUndefined, z.coerce.number().int().positive().optional()).catch(undefined),
});

export async function searchForActor(em: EntityManager, actor: Actor, raw: Record<string, unknown>): Promise<ArticleHit[]> {
  if (!SEARCH_ROLES.has(actor.role)) throw new Forbidden();
  const { q, category } = searchQuery.parse(raw);
  return searchArticles(em, q, { categoryId: category, limit: 10 });
}

const SEED: { title: string; body: string; category: string | null; dept: string | null }[] = [
  {
    title: '新生儿户口登记办理材料',
    body: '新生儿出生后一个月内，由父母一方持以下材料到户籍所在地派出所户籍窗口申报出生登记：1.《出生医学证明》原件；2. 父母双方居民户口簿、居民身份证；3. 父母结婚证（非婚生育的提供相关说明）。随父或随母落户均可。已开通“出生一件事”的医院可在线提交，办结后邮寄户口簿。',
    category: '1001', dept: 'F08',
  },
  {
    title: '灵活就业人员社保缴纳',
    body: '无雇工的个体工商户、未在用人单位参保的非全日制从业人员及其他灵活就业人员，可持身份证到户籍地或居住地社保经办窗口办理参保登记，也可通过“浙里办”等政务服务平台线上办理。养老保险缴费基数可在当地上年度全口径城镇单位就业人员平均工资的 60%–300% 之间自选，按月或按年缴纳，可委托银行代扣。',
    category: '1002', dept: 'F06',
  },
  {
    title: '住房公积金提取条件及办理方式',
    body: '职工购买、建造、翻建、大修自住住房，偿还购房贷款本息，租房自住，离休退休，完全丧失劳动能力并与单位终止劳动关系等情形，可申请提取住房公积金。租房提取可通过公积金中心网站或手机 App 在线办理，每年可提取一次；购房提取需提供购房合同、发票或不动产权证书。具体额度请咨询市住房公积金管理中心。',
    category: '10', dept: 'F01',
  },
  {
    title: '居住证办理条件和材料',
    body: '在本市居住半年以上，符合有合法稳定就业、合法稳定住所、连续就读条件之一的，可申领居住证。材料：居民身份证、近期一寸白底照片、居住登记凭证，以及劳动合同或营业执照、房屋租赁合同或不动产权证书、学籍证明之一。到居住地派出所或社区警务室办理，自受理之日起 15 日内制发。',
    category: '1001', dept: 'F08',
  },
  {
    title: '计划停水停电信息查询',
    body: '计划停水信息可在市水务集团网站、微信公众号“停水公告”栏目查询，或拨打供水服务热线；计划停电信息可在“网上国网”App 或供电公司公众号查询，也可拨打 95598。来电人反映突发停水停电的，先核实是否在公告范围内；不在公告范围内的按故障诉求登记派单。',
    category: '03', dept: null,
  },
  {
    title: '12345 热线受理范围',
    body: '12345 热线受理企业和群众对经济调节、市场监管、社会管理、公共服务、生态环境保护等方面的咨询、求助、投诉、举报和意见建议。不受理：应当通过诉讼、仲裁、纪检监察、行政复议、政府信息公开等程序解决的事项；已进入或已完成上述程序的事项；涉及国家秘密、商业秘密、个人隐私的事项；紧急警情请拨打 110、119、120、122。',
    category: null, dept: null,
  },
  {
    title: '劳动仲裁申请流程',
    body: '劳动者与用人单位发生劳动争议，可自知道或应当知道权利被侵害之日起一年内，向劳动合同履行地或用人单位所在地的劳动人事争议仲裁委员会申请仲裁。材料：仲裁申请书（写明请求事项和事实理由）、申请人身份证复印件、用人单位营业执照信息、劳动关系证明及相关证据。仲裁不收费，受理后一般 45 日内结案。',
    category: '06', dept: 'F06',
  },
  {
    title: '不动产登记办理指引',
    body: '二手房转移登记由买卖双方持身份证、不动产权证书、网签买卖合同、完税凭证到不动产登记中心“一窗受理”，也可在线预约。首次登记、抵押登记、更正登记等按事项准备材料。一般转移登记 5 个工作日内办结，抵押登记 3 个工作日内办结。查询本人名下不动产可通过政务服务网在线办理。',
    category: '01', dept: 'F01',
  },
];

/** A handful of realistic articles for the demo city (skipped when articles already exist). */
export async function seedKnowledgeArticles(em: EntityManager, ids: ReferenceIds): Promise<number> {
  const [{ n }] = await em.getConnection().execute<{ n: number }[]>('select count(*)::int as n from knowledge_article');
  if (n > 0) return 0;
  const now = new Date();
  await em.transactional(async (tx) => {
    for (const a of SEED) {
      await tx.getConnection().execute(
        `insert into knowledge_article (title, body, category_id, department_id, valid_from, valid_to, active, created_at, updated_at)
         values (?, ?, ?, ?, null, null, true, ?, ?)`,
        [a.title, a.body, a.category ? ids.categories.get(a.category) ?? null : null, a.dept ? ids.departments.get(a.dept) ?? null : null, now, now],
        'run', tx.getTransactionContext());
    }
  });
  return SEED.length;
}
