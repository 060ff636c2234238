// Fills (or reuses) the screen-pop benchmark database: the app's schema and reference data, then generated citizens and appeals.
// Usage: DATABASE_URL=postgresql://…/postgres npm run seed:screenpop -- [--citizens N] [--appeals N] [--db hotline_bench] [--force]
import { ensureScreenpopData, flag, intFlag, requireDatabaseUrl } from '../bench/screenpop-data';

const argv = process.argv.slice(2);
const adminUrl = requireDatabaseUrl('seed:screenpop');
console.warn = () => {}; // pg-boss and the driver report through console.warn
const data = await ensureScreenpopData({
  adminUrl,
  dbName: flag(argv, 'db') ?? 'hotline_bench',
  citizens: intFlag(argv, 'citizens', 1_000_000),
  appeals: intFlag(argv, 'appeals', 1_000_000),
  force: argv.includes('--force'),
});
const safe = new URL(data.url);
safe.password = safe.password ? '***' : '';
console.log(
  JSON.stringify({
    seed: 'screenpop',
    database: safe.toString(),
    citizens: data.citizens,
    appeals: data.appeals,
    generated_now: data.generatedNow,
    generation_s: Number(data.generationSeconds.toFixed(1)),
  }),
);
process.exit(0);
