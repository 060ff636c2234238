import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import { APPEAL_PHASES, type AppealTag } from '../../machines/appeal';
import type { SessionUser } from '../auth/session.server';
import { getWorkCalendar } from '../calendar/calendar.server';
import {
  isValidLocalDate,
  localDateStart,
  localDateTime,
  remainingTime,
  type LimitUnit,
} from '../calendar/working-time';
import { fieldErrorsOf, InvalidInput } from '../domain/errors';
import { maskPhone } from '../cases/masking';
import { all, textArray } from '../db/sql.server';
import { idNumberIndexes, normaliseIdNumber } from '../security/id-number.server';
import { canSeeComplainant } from './scope';
import type { AppealListItem } from './worklists.server';

/** The two parents people search by ("anything in handling"), each with the tag its phases carry. */
const PARENT_FILTERS = { handling: 'inHand', callback: 'inCallback' } as const satisfies Record<string, AppealTag>;
type ParentFilter = keyof typeof PARENT_FILTERS;
const isParentFilter = (phase: string): phase is ParentFilter => Object.hasOwn(PARENT_FILTERS, phase);
/** Leaf phases plus the parents. */
export const PHASE_FILTERS = [...APPEAL_PHASES, ...(Object.keys(PARENT_FILTERS) as ParentFilter[])];
export const SLA_FILTERS = ['onTime', 'warned', 'overdue'] as const;

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;

// Empty form fields arrive as '' and mean "no filter".
const blank = (v: unknown) => {
  if (typeof v !== 'string') return v;
  const t = v.trim();
  return t === '' ? undefined : t;
};
const id = (what: string) =>
  z.preprocess(
    blank,
    z.coerce
      .number({ error: `请选择有效的${what}` })
      .int({ error: `请选择有效的${what}` })
      .positive({ error: `请选择有效的${what}` })
      .optional(),
  );
const localDate = z.preprocess(
  blank,
  z.string().refine(isValidLocalDate, { error: '日期格式应为 YYYY-MM-DD' }).optional(),
);

export const searchFiltersSchema = z
  .object({
    q: z.preprocess(blank, z.string().max(100, { error: '查询内容过长' }).optional()),
    category: id('分类'),
    department: id('承办单位'),
    grid: id('网格'),
    phase: z.preprocess(blank, z.enum(PHASE_FILTERS, { error: '请选择有效的状态' }).optional()),
    sla: z.preprocess(blank, z.enum(SLA_FILTERS, { error: '请选择有效的时限状态' }).optional()),
    from: localDate,
    to: localDate,
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { error: '结束日期不能早于开始日期', path: ['to'] });

export type SearchFilters = z.output<typeof searchFiltersSchema>;

/** Parses filters from URL search params (or a plain object); bad values become field errors. */
export function parseSearchFilters(input: URLSearchParams | Record<string, unknown>): SearchFilters {
  const raw = input instanceof URLSearchParams ? Object.fromEntries(input) : input;
  const parsed = searchFiltersSchema.safeParse(raw);
  if (!parsed.success) throw new InvalidInput('查询条件有误', fieldErrorsOf(parsed.error.issues));
  return parsed.data;
}

export interface SearchPage {
  after?: string | null;
  limit?: number;
}

export interface SearchResult {
  items: AppealListItem[];
  nextCursor: string | null;
  total: number;
}

export function encodeCursor(createdAt: string, id: number): string {
  return Buffer.from(`${createdAt}|${id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): { at: string; id: number } {
  const bad = () => new InvalidInput('分页参数无效', { after: ['invalid cursor'] });
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) throw bad();
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{1,6}Z)\|(\d{1,10})$/.exec(
    Buffer.from(cursor, 'base64url').toString('utf8'),
  );
  if (!m || Number.isNaN(Date.parse(m[1]))) throw bad();
  return { at: m[1], id: Number(m[2]) };
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, '\\$&');

interface Clause {
  sql: string;
  params: unknown[];
}

/**
 * The scope as a where clause, deny by default: the same rules as `canSeeAppeal`, so a list never
 * shows an appeal whose page would be refused.
 */
function scopeClause(user: SessionUser): Clause {
  const { actor } = user;
  switch (actor.role) {
    case 'operator':
    case 'dispatcher':
    case 'reviewer':
    case 'supervisor':
    case 'admin':
      return { sql: 'true', params: [] };
    case 'handler': {
      const depts = actor.departmentIds.length ? actor.departmentIds : [-1];
      return {
        sql: `(a.lead_department_id in (?) or exists (select 1 from assignment s where s.appeal_id = a.id and s.department_id in (?)))`,
        params: [depts, depts],
      };
    }
    case 'gridWorker': {
      const grids = actor.gridIds.length ? actor.gridIds : [-1];
      return {
        sql: `(a.grid_id in (?) or a.assigned_grid_id in (?) or a.created_by_id = ?)`,
        params: [grids, grids, actor.userId],
      };
    }
    case 'mediator': {
      const agencies = actor.departmentIds.length ? actor.departmentIds : [-1];
      return {
        sql: `exists (select 1 from referral r where r.appeal_id = a.id and r.agency_id in (?))`,
        params: [agencies],
      };
    }
    default:
      return { sql: 'false', params: [] };
  }
}

const NUMBER_PREFIX = /^\d{8}-\d{0,6}$/;
const DIGITS_ONLY = /^\d{3,20}$/;
const PHONE_LIKE = /^\+?[\d\s-]{5,24}$/;
const ID_NUMBER = /^(\d{17}[\dX]|\d{15})$/;

/**
 * Free-form `q`: an appeal number (or its prefix), a caller's full phone or ID number, or text in the
 * title and content. A phone or ID number only matches where the searcher may see the complainant, so a
 * department cannot learn who filed a confidential appeal by guessing numbers. ID numbers are stored
 * sealed: the exact number is found by its blind index.
 */
function queryClause(q: string, user: SessionUser): Clause {
  const phoneOk = canSeeComplainant(user.actor, true) ? '' : ' and not a.confidential';
  const idNumber = normaliseIdNumber(q);
  if (ID_NUMBER.test(idNumber)) {
    return {
      sql: `(a.citizen_id in (select z.id from citizen z where z.id_number_index in (?))${phoneOk})`,
      params: [idNumberIndexes(idNumber)],
    };
  }
  if (NUMBER_PREFIX.test(q)) return { sql: 'a.number like ?', params: [`${q}%`] };
  if (DIGITS_ONLY.test(q)) {
    // 8 digits may be a day's numbers (20261122) or a local landline.
    return { sql: `(a.number like ? or (a.caller_phone = ?${phoneOk}))`, params: [`${q}%`, q] };
  }
  if (PHONE_LIKE.test(q)) {
    const compact = q.replace(/[\s-]/g, '');
    return { sql: `(a.caller_phone in (?)${phoneOk})`, params: [[...new Set([q, compact])]] };
  }
  const like = `%${escapeLike(q)}%`;
  return { sql: '(a.title ilike ? or a.content ilike ?)', params: [like, like] };
}

function filterClauses(f: SearchFilters, user: SessionUser): Clause[] {
  const out: Clause[] = [scopeClause(user)];
  if (f.q) out.push(queryClause(f.q, user));
  if (f.category) {
    out.push({
      sql: `a.category_id in (with recursive t(id) as (select ?::int union select c.id from category c join t on c.parent_id = t.id) select id from t)`,
      params: [f.category],
    });
  }
  if (f.department) out.push({ sql: 'a.lead_department_id = ?', params: [f.department] });
  if (f.grid) out.push({ sql: '(a.grid_id = ? or a.assigned_grid_id = ?)', params: [f.grid, f.grid] });
  if (f.phase && isParentFilter(f.phase)) {
    out.push({ sql: 'a.tags @> ?::text[]', params: [textArray([PARENT_FILTERS[f.phase]])] });
  } else if (f.phase) out.push({ sql: 'a.phase = ?', params: [f.phase] });
  if (f.sla) out.push({ sql: 'a.sla = ?', params: [f.sla] });
  if (f.from) out.push({ sql: 'a.created_at >= ?', params: [localDateStart(f.from)] });
  if (f.to) out.push({ sql: 'a.created_at < ?', params: [localDateStart(f.to, 1)] });
  return out;
}

/**
 * Searches the appeals the user may see, newest first, a page at a time. The cursor is the last
 * row's (created_at, id) so pages stay stable while new appeals arrive.
 */
export async function searchAppeals(
  em: EntityManager,
  user: SessionUser,
  filters: URLSearchParams | Record<string, unknown>,
  page: SearchPage = {},
  opts: { now?: Date } = {},
): Promise<SearchResult> {
  const f = parseSearchFilters(filters);
  const limit = Math.min(Math.max(Math.trunc(page.limit ?? DEFAULT_LIMIT), 1), MAX_LIMIT);
  const clauses = filterClauses(f, user);
  const where = clauses.map((c) => c.sql).join(' and ');
  const params = clauses.flatMap((c) => c.params);
  const cursor = page.after ? decodeCursor(page.after) : null;
  const [{ n: total }] = await all<{ n: number }>(em, `select count(*)::int as n from appeal a where ${where}`, params);
  // The cursor keeps microseconds: a JS Date would round them off and skip or repeat rows.
  const rows = await all(
    em,
    `select a.id, a.number, a.title, a.type, a.urgency, c.name as category_name, a.phase, a.sla, a.due_at, a.created_at,
            a.tags @> '{closed}' as closed, a.tags @> '{awaitingAnswer}' as owed,
            to_char(a.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as cursor_at,
            coalesce(d.name, ag.name) as holder, a.caller_phone, a.confidential, c.limits -> a.urgency ->> 'unit' as limit_unit
       from appeal a join category c on c.id = a.category_id
       left join department d on d.id = a.lead_department_id left join grid ag on ag.id = a.assigned_grid_id
      where ${where}${cursor ? ' and (a.created_at, a.id) < (?::timestamptz, ?)' : ''}
      order by a.created_at desc, a.id desc limit ?`,
    [...params, ...(cursor ? [cursor.at, cursor.id] : []), limit + 1],
  );
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;
  const now = opts.now ?? new Date();
  const cal = pageRows.some((r) => r.due_at) ? await getWorkCalendar(em) : null;
  const items: AppealListItem[] = pageRows.map((r) => ({
    id: r.id,
    number: r.number,
    title: r.title,
    type: r.type,
    urgency: r.urgency,
    categoryName: r.category_name,
    phase: r.phase,
    sla: r.sla,
    dueAt: r.due_at ? new Date(r.due_at).toISOString() : null,
    dueLabel: r.due_at ? localDateTime(new Date(r.due_at)) : null,
    remaining:
      cal && r.due_at && r.owed
        ? remainingTime(cal, now, new Date(r.due_at), (r.limit_unit ?? 'workingDays') as LimitUnit).label
        : null,
    createdAt: new Date(r.created_at).toISOString(),
    holder: r.holder,
    // Lists never show a full number; those who may not see the complainant see nothing at all.
    caller: canSeeComplainant(user.actor, r.confidential) ? maskPhone(r.caller_phone) : '（保密）',
  }));
  const last = pageRows.at(-1);
  return { items, nextCursor: more && last ? encodeCursor(last.cursor_at, last.id) : null, total };
}

export interface SearchOptions {
  categories: { id: number; name: string; parentId: number | null }[];
  departments: { id: number; name: string }[];
  grids: { id: number; name: string }[];
  phases: string[];
  slas: string[];
}

/** Choices for the filter form: reference data only, nothing about appeals. */
export async function searchOptions(em: EntityManager): Promise<SearchOptions> {
  const cats = await all<{ id: number; name: string; parent_id: number | null }>(
    em,
    `select c.id, c.name, c.parent_id from category c left join category p on p.id = c.parent_id
      where c.active order by coalesce(p.code, c.code), c.parent_id is not null, c.code`,
  );
  const departments = await all<{ id: number; name: string }>(
    em,
    `select id, name from department where kind <> 'city' order by kind = 'functional' desc, code`,
  );
  const grids = await all<{ id: number; name: string }>(em, 'select id, name from grid order by code');
  return {
    categories: cats.map((c) => ({ id: c.id, name: c.name, parentId: c.parent_id })),
    departments,
    grids,
    phases: [...PHASE_FILTERS],
    slas: [...SLA_FILTERS],
  };
}
