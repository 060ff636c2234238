// Fills (or reuses) the reports benchmark database: a year of a realistic city's appeals, their lead orders, and the report
// roll-up rebuilt from them. See docs/BENCHMARKS.md, "Supervisor reports".
// Usage: DATABASE_URL=postgresql://…/postgres npm run seed:bench -- [--appeals 1000000] [--citizens N] [--db hotline_bench_reports] [--force]
import { ensureReportsData } from '../bench/reports-data';
import { flag, intFlag, requireDatabaseUrl } from '../bench/screenpop-data';

const argv = process.argv.slice(2);
const adminUrl = requireDatabaseUrl('seed:bench');
console.warn = () => {}; // pg-boss and the driver report through console.warn
const appeals = intFlag(argv, 'appeals', 1_000_000);
const citizens = flag(argv, 'citizens') === undefined ? undefined : intFlag(argv, 'citizens', 0);
const data = await ensureReportsData({
  adminUrl,
  dbName: flag(argv, 'db') ?? 'hotline_bench_reports',
  appeals,
  citizens,
  force: argv.includes('--force'),
});
const safe = new URL(data.url);
safe.password = safe.password ? '***' : '';
console.log(
  JSON.stringify({
    seed: 'reports',
    database: safe.toString(),
    appeals: data.appeals,
    citizens: data.citizens,
    assignments: data.assignments,
    facts: data.facts,
    cells: data.cells,
    generated_now: data.generatedNow,
    seconds: data.seconds,
  }),
);
process.exit(0);
