import { z } from 'zod';
import { isValidLocalDate, weekdayOf, type CalendarEntry } from './working-time';

// A JSON file holding one year's holiday schedule, so that the schedule the
// State Council publishes each autumn can be loaded without a code release.
// Shape: { "year": 2027, "entries": [{ "date": "2027-01-01", "kind": "holiday", "name": "元旦" }] }
// plus an optional free-text "note" (where the data came from).
// See docs/calendar-2027.example.json.

/** A calendar year as a page or a form names it (a query parameter, a hidden field). Safe in the browser. */
export const yearSchema = z.coerce.number().int().min(1992).max(9999);

const entrySchema = z.strictObject({
  date: z
    .string({ error: '日期必须是字符串 YYYY-MM-DD' })
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error: (iss) => `日期格式应为 YYYY-MM-DD，实际为 ${JSON.stringify(iss.input)}` })
    .refine(isValidLocalDate, { error: (iss) => `日期不存在：${String(iss.input)}` }),
  kind: z.enum(['holiday', 'workday'], { error: 'kind 必须是 "holiday"（放假）或 "workday"（调休上班）' }),
  name: z.string({ error: 'name 必须是字符串' }).trim().min(1, { error: 'name 不能为空，例如 "国庆节"' }),
});

export const calendarFileSchema = z
  .strictObject(
    {
      note: z.string().optional(),
      // China has kept a fixed UTC+08:00 since daylight saving ended in 1991,
      // which is what the working-time arithmetic relies on.
      year: z
        .number({ error: 'year 必须是数字' })
        .int({ error: 'year 必须是整数' })
        .min(1992, { error: 'year 应不早于 1992' })
        .max(9999, { error: 'year 应为四位数' }),
      entries: z.array(entrySchema, { error: 'entries 必须是数组' }),
    },
    {
      error: (iss) =>
        iss.code === 'unrecognized_keys'
          ? `未知字段：${iss.keys.join(', ')}`
          : '日历文件应为 JSON 对象 { year, entries }',
    },
  )
  // Zod still runs this when an entry failed a non-fatal check (e.g. a
  // non-existent date), so entries are re-checked before use.
  .superRefine((file, ctx) => {
    const firstIndex = new Map<string, number>();
    file.entries.forEach((entry, i) => {
      if (typeof entry?.date !== 'string' || !isValidLocalDate(entry.date)) return;
      const path = ['entries', i, 'date'];
      if (entry.date.slice(0, 4) !== String(file.year)) {
        ctx.addIssue({ code: 'custom', path, message: `日期 ${entry.date} 不在 ${file.year} 年内` });
      }
      const first = firstIndex.get(entry.date);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path, message: `日期 ${entry.date} 重复（与第 ${first + 1} 条相同）` });
      } else {
        firstIndex.set(entry.date, i);
      }
      // A weekday is a working day anyway; a 'workday' there is a typo.
      const wd = weekdayOf(entry.date);
      if (entry.kind === 'workday' && wd !== 0 && wd !== 6) {
        ctx.addIssue({ code: 'custom', path, message: `调休上班日 ${entry.date} 应为周六或周日` });
      }
    });
  });

export interface CalendarFile {
  note?: string;
  year: number;
  entries: CalendarEntry[];
}

/**
 * Validates a parsed JSON calendar file. Throws a ZodError whose issues carry
 * the path (e.g. entries[3].date) and a Chinese message; format it for people
 * with z.prettifyError.
 */
export function parseCalendarFile(json: unknown): CalendarFile {
  return calendarFileSchema.parse(json);
}
