// Loads a year's official holiday schedule from a JSON file (format: docs/calendar-2027.example.json).
import { readFileSync } from 'node:fs';
import { importCalendarYear } from '../app/calendar/calendar.server';
import { dbTargetFromEnv } from '../app/db/config.server';
import { openDatabase } from '../app/db/orm.server';

const file = process.argv[2];
if (!file) {
  console.error('usage: npm run calendar:load -- <file.json>');
  process.exit(2);
}
let json: unknown;
try {
  json = JSON.parse(readFileSync(file, 'utf8'));
} catch (err) {
  console.error(`cannot read ${file}: ${(err as Error).message}`);
  process.exit(2);
}
const db = await openDatabase(dbTargetFromEnv());
try {
  const r = await importCalendarYear(db.em(), json);
  console.log(`loaded ${r.entries} calendar entries for ${r.year}`);
} catch (err) {
  console.error((err as Error).message);
  process.exitCode = 1;
} finally {
  await db.close();
}
