// The monthly assessment (考核) of units: which rules hold for a month, the ranking of units, one
// unit's breakdown with the appeals behind each deduction, and the admin's versions of the rules.
// Figures come from the report roll-ups (report_cell by department, appeal_fact for the lists),
// the same cells the reports show, so an assessment and a report of a month cannot disagree.
import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import type { Actor } from '../../machines/actor';
import { localDateOf, localDateTime } from '../calendar/working-time';
import { all, one } from '../db/sql.server';
import { can } from '../domain/permissions';
import { Forbidden, InvalidInput, NotFound, fieldErrorsOf, parseInput } from '../domain/errors';
import { CELL_COLUMNS, emptyCells, type Cells } from '../reports/measures';
import { periodRange } from '../reports/report.server';
import { DEDUCTIONS, placesOf, scoreUnit, type AssessmentRules, type DeductionKind, type UnitScore } from './scoring';

const MIN_MONTH = '2000-01';
const MAX_MONTH = '2099-12';

/** Whether the actor sees every unit (supervisors, admins) or only his own. */
export const seesAllUnits = (actor: Actor) => can(actor, 'assessment:rank');

// ---- Months --------------------------------------------------------------------------------------

const monthSchema = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: '月份格式应为 YYYY-MM' })
  .refine((m) => m >= MIN_MONTH && m <= MAX_MONTH, { error: '月份超出范围' });

/** The month asked for (`YYYY-MM`), this month in Asia/Shanghai when none. */
export function parseMonth(raw: string | null | undefined, now = new Date()): string {
  if (raw === null || raw === undefined || raw.trim() === '') return localDateOf(now).slice(0, 7);
  const parsed = monthSchema.safeParse(raw.trim());
  if (!parsed.success)
    throw new InvalidInput('月份有误', { month: fieldErrorsOf(parsed.error.issues)._form ?? ['月份有误'] });
  return parsed.data;
}

export const monthRange = (month: string) => periodRange('month', `${month}-01`);

const shiftMonth = (month: string, by: number) => {
  const n = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + by;
  return `${Math.floor(n / 12)}-${String((n % 12) + 1).padStart(2, '0')}`;
};

// ---- Rules ---------------------------------------------------------------------------------------

export interface SchemeVersion extends AssessmentRules {
  id: number;
  /** First month scored with it, YYYY-MM. */
  validFrom: string;
  note: string | null;
  createdBy: string | null;
  createdAt: string;
}

const SCHEME_COLUMNS = `s.id, to_char(s.valid_from, 'YYYY-MM') as valid_from, s.response_weight, s.resolution_weight,
  s.satisfaction_weight, s.overdue_centipoints, s.redone_centipoints, s.note, s.created_at, u.display_name as created_by`;

function schemeOf(r: Record<string, unknown>): SchemeVersion {
  return {
    id: Number(r.id),
    validFrom: String(r.valid_from),
    responseWeight: Number(r.response_weight),
    resolutionWeight: Number(r.resolution_weight),
    satisfactionWeight: Number(r.satisfaction_weight),
    overdueCentipoints: Number(r.overdue_centipoints),
    redoneCentipoints: Number(r.redone_centipoints),
    note: (r.note as string | null) ?? null,
    createdBy: (r.created_by as string | null) ?? null,
    createdAt: localDateTime(new Date(r.created_at as string)),
  };
}

/** The rules a month is scored with: the latest version valid on its first day (the last added, for one start). */
export async function schemeForMonth(em: EntityManager, month: string): Promise<SchemeVersion> {
  const row = await one(
    em,
    `select ${SCHEME_COLUMNS} from assessment_scheme s left join app_user u on u.id = s.created_by_id
      where s.valid_from <= ? order by s.valid_from desc, s.id desc limit 1`,
    [`${month}-01`],
  );
  if (!row) throw new NotFound(`${month} 没有适用的考核办法`);
  return schemeOf(row);
}

// ---- Scores --------------------------------------------------------------------------------------

const snake = (c: string) => c.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`);
const SUMS = CELL_COLUMNS.map((c) => `coalesce(sum(${snake(c)}), 0)::int8 as "${c}"`).join(', ');
const cellsOf = (r: Record<string, unknown>): Cells => {
  const c = emptyCells();
  for (const col of CELL_COLUMNS) c[col] = Number(r[col] ?? 0);
  return c;
};

/** The department cells of a month, per unit (department id). */
async function unitCells(em: EntityManager, month: string, unitId?: number): Promise<Map<number, Cells>> {
  const { from, to } = monthRange(month);
  const rows = await all(
    em,
    `select key, ${SUMS} from report_cell where dim = 'department' and key <> '' and day between ? and ?${
      unitId === undefined ? '' : ' and key = ?'
    } group by key`,
    unitId === undefined ? [from, to] : [from, to, String(unitId)],
  );
  return new Map(rows.map((r) => [Number(r.key), cellsOf(r)]));
}

export interface RankedUnit {
  unitId: number;
  name: string;
  /** 1 for the best score; null for a unit with no score this month. */
  place: number | null;
  score: UnitScore;
}

export interface AssessmentRanking {
  month: string;
  previousMonth: string;
  nextMonth: string;
  from: string;
  to: string;
  scheme: SchemeVersion;
  units: RankedUnit[];
}

/** Every unit that led or received appeals in the month, best score first. Supervisors and admins only. */
export async function assessmentRanking(em: EntityManager, actor: Actor, month: string): Promise<AssessmentRanking> {
  if (!seesAllUnits(actor)) throw new Forbidden('只有值班长和管理员可以查看全部单位的考核排名');
  const scheme = await schemeForMonth(em, month);
  const cells = await unitCells(em, month);
  const names = cells.size
    ? new Map(
        (
          await all<{ id: number; name: string }>(em, 'select id, name from department where id in (?)', [
            [...cells.keys()],
          ])
        ).map((d) => [d.id, d.name]),
      )
    : new Map<number, string>();
  const scored = [...cells.entries()]
    .map(([unitId, c]) => ({ unitId, name: names.get(unitId) ?? `#${unitId}`, score: scoreUnit(c, scheme) }))
    .sort(
      (a, b) =>
        Number(a.score.score === null) - Number(b.score.score === null) ||
        (b.score.score ?? 0) - (a.score.score ?? 0) ||
        a.name.localeCompare(b.name, 'zh-CN'),
    );
  const places = placesOf(scored.map((u) => u.score.score));
  const { from, to } = monthRange(month);
  return {
    month,
    previousMonth: shiftMonth(month, -1),
    nextMonth: shiftMonth(month, 1),
    from,
    to,
    scheme,
    units: scored.map((u, i) => ({ ...u, place: places[i] })),
  };
}

export interface DeductionAppeal {
  appealId: number;
  number: string;
  title: string;
  phase: string;
  day: string;
}

export interface UnitAssessment {
  month: string;
  previousMonth: string;
  nextMonth: string;
  from: string;
  to: string;
  unit: { id: number; name: string };
  scheme: SchemeVersion;
  score: UnitScore;
  /** The unit's place among all units this month, and how many were scored. */
  place: number | null;
  ranked: number;
  /** The appeals behind each deduction, newest receipt first: as many as the deduction counts. */
  appeals: Record<DeductionKind, DeductionAppeal[]>;
}

/** Departments whose figures the actor may read: his own and the units below them. */
async function mayReadUnit(em: EntityManager, actor: Actor, unitId: number): Promise<boolean> {
  if (seesAllUnits(actor)) return true;
  if (!can(actor, 'assessment:read') || !actor.departmentIds.length) return false;
  const row = await one<{ path: string }>(em, 'select path from department where id = ?', [unitId]);
  if (!row) return false;
  return actor.departmentIds.some((d) => d === unitId || row.path.includes(`/${d}/`));
}

/** The unit a department user lands on: his own. */
export function ownUnit(actor: Actor): number | null {
  return actor.departmentIds[0] ?? null;
}

/** One unit's month: its rates and their points, the deductions, and the appeals behind each deduction. */
export async function unitAssessment(
  em: EntityManager,
  actor: Actor,
  unitId: number,
  month: string,
): Promise<UnitAssessment> {
  if (!(await mayReadUnit(em, actor, unitId))) throw new Forbidden('只能查看本单位的考核结果');
  const unit = await one<{ id: number; name: string }>(em, 'select id, name from department where id = ?', [unitId]);
  if (!unit) throw new NotFound('单位不存在');
  const scheme = await schemeForMonth(em, month);
  const { from, to } = monthRange(month);
  const score = scoreUnit((await unitCells(em, month, unitId)).get(unitId) ?? emptyCells(), scheme);
  // The place among all units: every unit's score, under the same rules.
  const scores = [...(await unitCells(em, month)).entries()].map(([id, c]) => ({ id, s: scoreUnit(c, scheme).score }));
  const places = placesOf(scores.map((x) => x.s));
  const mine = scores.findIndex((x) => x.id === unitId);
  const appeals = {} as Record<DeductionKind, DeductionAppeal[]>;
  for (const d of DEDUCTIONS) {
    const rows = await all<{ appeal_id: number; number: string; title: string; phase: string; day: string }>(
      em,
      `select f.appeal_id, a.number, a.title, a.phase, to_char(f.day, 'YYYY-MM-DD') as day
         from appeal_fact f join appeal a on a.id = f.appeal_id
        where f.department_id = ? and f.day between ? and ? and f.${snake(d.column)} > 0
        order by f.day desc, f.appeal_id desc`,
      [unitId, from, to],
    );
    appeals[d.kind] = rows.map((r) => ({
      appealId: Number(r.appeal_id),
      number: r.number,
      title: r.title,
      phase: r.phase,
      day: r.day,
    }));
  }
  return {
    month,
    previousMonth: shiftMonth(month, -1),
    nextMonth: shiftMonth(month, 1),
    from,
    to,
    unit,
    scheme,
    score,
    place: mine >= 0 ? places[mine] : null,
    ranked: scores.filter((x) => x.s !== null).length,
    appeals,
  };
}

// ---- The admin's versions ------------------------------------------------------------------------

function requireAdmin(actor: Actor) {
  if (!can(actor, 'admin:assessment')) throw new Forbidden('只有管理员可以维护考核办法');
}

export interface SchemeHistory {
  versions: (SchemeVersion & { superseded: boolean })[];
  /** The earliest month a new version may start: this month (past months keep the rules they were scored with). */
  firstOpenMonth: string;
}

/** Every version, the newest start first; a version replaced by a later one for the same start is marked. */
export async function schemeHistory(em: EntityManager, actor: Actor, now = new Date()): Promise<SchemeHistory> {
  requireAdmin(actor);
  const rows = (
    await all(
      em,
      `select ${SCHEME_COLUMNS} from assessment_scheme s left join app_user u on u.id = s.created_by_id
        order by s.valid_from desc, s.id desc`,
    )
  ).map(schemeOf);
  const seen = new Set<string>();
  return {
    versions: rows.map((v) => {
      const superseded = seen.has(v.validFrom);
      seen.add(v.validFrom);
      return { ...v, superseded };
    }),
    firstOpenMonth: localDateOf(now).slice(0, 7),
  };
}

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const weight = z.preprocess(
  blank,
  z.coerce
    .number({ error: '请填写 0–100 的整数' })
    .int({ error: '请填写整数' })
    .min(0, { error: '最少为 0' })
    .max(100, { error: '最多为 100' }),
);
const points = z.preprocess(
  blank,
  z.coerce
    .number({ error: '请填写 0–100 的分值' })
    .min(0, { error: '最少为 0' })
    .max(100, { error: '最多为 100' })
    .refine((v) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-9, { error: '最多两位小数' }),
);

export const schemeInput = z
  .object({
    validFrom: z.preprocess(blank, monthSchema.optional()),
    responseWeight: weight,
    resolutionWeight: weight,
    satisfactionWeight: weight,
    overduePoints: points,
    redonePoints: points,
    note: z.preprocess(blank, z.string().trim().max(200, { error: '说明最多 200 个字' }).optional()),
  })
  .superRefine((v, ctx) => {
    if (!v.validFrom) ctx.addIssue({ code: 'custom', path: ['validFrom'], message: '请选择起始月份' });
    if (v.responseWeight + v.resolutionWeight + v.satisfactionWeight !== 100)
      ctx.addIssue({ code: 'custom', path: ['satisfactionWeight'], message: '三项权重之和须为 100' });
  });

/**
 * Adds a version of the rules from a month on. Never for a past month: a month already scored
 * keeps its rules. A second version for the same start replaces the first, which stays in the history.
 */
export async function addSchemeVersion(
  em: EntityManager,
  actor: Actor,
  raw: unknown,
  now = new Date(),
): Promise<SchemeVersion> {
  requireAdmin(actor);
  const v = parseInput(schemeInput, raw);
  const firstOpen = localDateOf(now).slice(0, 7);
  if (v.validFrom! < firstOpen)
    throw new InvalidInput('请检查填写的内容', { validFrom: ['不能早于本月：已过去的月份按当时的办法考核'] });
  const row = await one<{ id: number }>(
    em,
    `insert into assessment_scheme (created_at, updated_at, valid_from, response_weight, resolution_weight, satisfaction_weight,
        overdue_centipoints, redone_centipoints, note, created_by_id)
     values (now(), now(), ?, ?, ?, ?, ?, ?, ?, ?) returning id`,
    [
      `${v.validFrom}-01`,
      v.responseWeight,
      v.resolutionWeight,
      v.satisfactionWeight,
      Math.round(v.overduePoints * 100),
      Math.round(v.redonePoints * 100),
      v.note ?? null,
      actor.userId,
    ],
  );
  return schemeOf(
    (await one(
      em,
      `select ${SCHEME_COLUMNS} from assessment_scheme s left join app_user u on u.id = s.created_by_id where s.id = ?`,
      [row!.id],
    ))!,
  );
}
