import type { EntityManager } from '@mikro-orm/sql';
import { all, inTransaction, run } from '../db/sql.server';
import { parseCalendarFile } from './calendar-file';
import { CN_HOLIDAYS } from './holidays-cn';
import { buildCalendar, type CalendarEntry, type WorkCalendar } from './working-time';

// Reference data that changes a few times a year: cache briefly, reload after an edit.
const TTL_MS = 60_000;
let cached: { at: number; calendar: WorkCalendar } | null = null;

export function invalidateWorkCalendar() {
  cached = null;
}

export async function getWorkCalendar(em: EntityManager): Promise<WorkCalendar> {
  if (cached && Date.now() - cached.at < TTL_MS) return cached.calendar;
  const rows = await all<CalendarEntry>(em, 'select date, kind, name from calendar_day');
  cached = { at: Date.now(), calendar: buildCalendar(rows) };
  return cached.calendar;
}

/** Seeds the published 2024–2026 schedule into an empty calendar (never over an edited one). */
export async function ensureCalendarSeeded(em: EntityManager): Promise<number> {
  const [{ n }] = await all<{ n: number }>(em, 'select count(*)::int as n from calendar_day');
  if (n > 0) return 0;
  return upsertCalendarEntries(em, CN_HOLIDAYS);
}

export async function upsertCalendarEntries(em: EntityManager, entries: CalendarEntry[]): Promise<number> {
  if (!entries.length) return 0;
  await inTransaction(em, async (tx) => {
    for (let i = 0; i < entries.length; i += 200) {
      const chunk = entries.slice(i, i + 200);
      await run(
        tx,
        `insert into calendar_day (date, kind, name) values ${chunk.map(() => '(?, ?, ?)').join(', ')}
         on conflict (date) do update set kind = excluded.kind, name = excluded.name`,
        chunk.flatMap((e) => [e.date, e.kind, e.name]),
      );
    }
  });
  invalidateWorkCalendar();
  return entries.length;
}

/** Loads a later year's published schedule from a JSON file's contents; replaces that year's entries. */
export async function importCalendarYear(em: EntityManager, json: unknown): Promise<{ year: number; entries: number }> {
  const file = parseCalendarFile(json);
  await inTransaction(em, async (tx) => {
    await run(tx, 'delete from calendar_day where date like ?', [`${file.year}-%`]);
    await upsertCalendarEntries(tx, file.entries);
  });
  invalidateWorkCalendar();
  return { year: file.year, entries: file.entries.length };
}
