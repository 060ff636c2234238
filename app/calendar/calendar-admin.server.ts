import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import type { Actor } from '../../machines/actor';
import { all, run } from '../db/sql.server';
import { Forbidden, InvalidInput, NotFound, fieldErrorsOf } from '../domain/errors';
import { importCalendarYear, invalidateWorkCalendar } from './calendar.server';
import { isValidLocalDate, localDateOf, weekdayOf, type CalendarEntry } from './working-time';

export interface CalendarRow extends CalendarEntry {
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
}

function requireAdmin(actor: Actor) {
  if (actor.role !== 'admin') throw new Forbidden('只有管理员可以维护工作日历');
}

/** The current year in local (Asia/Shanghai) time. */
export function currentLocalYear(now = new Date()): number {
  return Number(localDateOf(now).slice(0, 4));
}

export async function listCalendarYear(em: EntityManager, actor: Actor, year: number): Promise<CalendarRow[]> {
  requireAdmin(actor);
  const rows = await all<CalendarEntry>(
    em,
    'select date, kind, name from calendar_day where date like ? order by date',
    [`${year}-%`],
  );
  return rows.map((r) => ({ date: r.date, kind: r.kind, name: r.name, weekday: weekdayOf(r.date) }));
}

export const entryInput = z
  .object({
    date: z
      .string({ message: '此项为必填' })
      .trim()
      .regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD')
      .refine(isValidLocalDate, '日期不存在'),
    kind: z.enum(['holiday', 'workday'], { message: '请选择类型' }),
    name: z.string({ message: '此项为必填' }).trim().min(1, '此项为必填').max(50, '名称最多 50 个字'),
  })
  // A weekday is a working day anyway, so an adjusted working day (调休上班) there is a mistake.
  .refine((e) => e.kind !== 'workday' || !isValidLocalDate(e.date) || [0, 6].includes(weekdayOf(e.date)), {
    path: ['date'],
    message: '调休上班日应为周六或周日',
  });

/** Adds or replaces one day's entry; deadlines computed afterwards see it at once. */
export async function saveCalendarEntry(em: EntityManager, actor: Actor, raw: unknown): Promise<CalendarEntry> {
  requireAdmin(actor);
  const parsed = entryInput.safeParse(raw);
  if (!parsed.success) throw new InvalidInput('请检查填写的内容', fieldErrorsOf(parsed.error.issues));
  const e = parsed.data;
  await run(
    em,
    `insert into calendar_day (date, kind, name) values (?, ?, ?)
     on conflict (date) do update set kind = excluded.kind, name = excluded.name`,
    [e.date, e.kind, e.name],
  );
  invalidateWorkCalendar();
  return e;
}

export async function removeCalendarEntry(em: EntityManager, actor: Actor, date: string): Promise<void> {
  requireAdmin(actor);
  const removed = await run(em, 'delete from calendar_day where date = ?', [date]);
  invalidateWorkCalendar();
  if (!removed) throw new NotFound('该日期没有日历条目');
}

/** Replaces a year's entries with a pasted calendar file (format: docs/calendar-2027.example.json). */
export async function importCalendarText(
  em: EntityManager,
  actor: Actor,
  text: string,
): Promise<{ year: number; entries: number }> {
  requireAdmin(actor);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InvalidInput('不是有效的 JSON', { file: ['不是有效的 JSON，请粘贴完整的日历文件内容'] });
  }
  try {
    return await importCalendarYear(em, json);
  } catch (err) {
    if (err instanceof z.ZodError) {
      const lines = err.issues.map((i) =>
        i.path.length ? `${i.path.map(String).join('.')}：${i.message}` : i.message,
      );
      throw new InvalidInput('日历文件有误', { file: lines.slice(0, 10) });
    }
    throw err;
  } finally {
    invalidateWorkCalendar();
  }
}
