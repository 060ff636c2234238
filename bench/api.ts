// Open311 benchmark: on the generated city (bench/reports-data.ts, 1,000,000 appeals by default), times
// `GET /open311/v2/requests.json` with the default 90-day window (1000 rows, newest first) as another system gets it
// from the built server — key checked, rate window counted, call logged, JSON written — against the raw SQL of the
// same page (the list statement and the status-notes statement, the page's own text from app/open311/georeport.server.ts,
// with `pg` in the same process). The last line is `{"bench":"api","ratio":…}`, the p95 ratio.
// Usage: DATABASE_URL=postgresql://hotline:hotline@127.0.0.1:5432/postgres npm run bench:api -- \
//          [--appeals 1000000] [--requests 100] [--warmup 10] [--db hotline_bench_reports] [--no-build]
// BENCH_APPEALS sets the count too (the flag wins).
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { registerClient } from '../app/api-clients/clients.server';
import { openDatabase } from '../app/db/orm.server';
import {
  MAX_REQUESTS,
  NOTE_EVENTS,
  NOTES_SQL,
  listSchema,
  requestListStatement,
} from '../app/open311/georeport.server';
import { BENCH_DATA_KEY, closeClient, get, privateBuild, startServer, stats, table, type Server } from './http';
import { ensureReportsData } from './reports-data';
import { flag, intFlag, requireDatabaseUrl } from './screenpop-data';

/**
 * A statement of app/db/sql.server.ts (`?` placeholders, an array bound into `in (?)`) for `pg`: `$n`, and the
 * list as `= any($n)`, which PostgreSQL plans as the same lookup.
 */
function forPg(sql: string, params: unknown[]): { sql: string; params: unknown[] } {
  const out: unknown[] = [];
  let i = 0;
  const text = sql.replace(/in \(\?\)|\?/g, (m) => {
    const p = params[i++];
    out.push(p instanceof Date ? p.toISOString() : p);
    return m === '?' ? `$${out.length}` : `= any($${out.length})`;
  });
  return { sql: text, params: out };
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

const round = (x: number, d = 3) => Number(x.toFixed(d));

async function main() {
  const argv = process.argv.slice(2);
  const adminUrl = requireDatabaseUrl('bench:api');
  console.warn = () => {}; // pg-boss and the driver report through console.warn
  const appeals = intFlag(argv, 'appeals', Number(process.env.BENCH_APPEALS ?? 1_000_000));
  const requests = intFlag(argv, 'requests', 100);
  const warmup = intFlag(argv, 'warmup', 10);
  console.log(
    `bench:api  node ${process.version}  ${os.cpus().length} cpus (${os.cpus()[0]?.model ?? '?'})  ${Math.round(os.totalmem() / 2 ** 30)} GB  ${new Date().toISOString()}`,
  );
  const data = await ensureReportsData({ adminUrl, dbName: flag(argv, 'db') ?? 'hotline_bench_reports', appeals });
  const appDir = privateBuild(!argv.includes('--no-build'), 'hotline-bench-api-');

  // The calling system: a key with open311:read and room for every round in its rate limit.
  process.env.DATA_KEY ??= BENCH_DATA_KEY;
  const db = await openDatabase({ dataDir: '', databaseUrl: data.url });
  const client = new pg.Client({ connectionString: data.url });
  await client.connect();
  let server: Server | undefined;
  try {
    const [{ id: adminId }] = (
      await client.query<{ id: number }>(`select id from app_user where role = 'admin' order by id limit 1`)
    ).rows;
    const issued = await registerClient(
      db.em(),
      { userId: adminId },
      {
        name: `性能测试系统 ${new Date().toISOString()}`,
        contact: '性能测试',
        operations: ['open311:read'],
        rateLimitPerMinute: 100_000,
      },
    );
    await db.close();
    const [{ server_version: version }] = (await client.query<{ server_version: string }>('show server_version')).rows;
    console.log(
      `PostgreSQL ${version}; data: ${data.appeals.toLocaleString('en')} appeals (${data.generatedNow ? 'generated now' : `reused, generated ${data.generatedAt}`})`,
    );

    server = await startServer(data.url, { appDir });
    const url = `${server.base}/open311/v2/requests.json?api_key=${encodeURIComponent(issued.apiKey)}`;
    const floorUrl = `${server.base}/healthz`;
    const query = listSchema.parse({});
    const lat = { http: [] as number[], raw: [] as number[], floor: [] as number[] };
    let rows = 0;
    console.error(`[bench] ${warmup} warm-up + ${requests} rounds`);
    for (let i = 0; i < warmup + requests; i++) {
      // The raw statements of the page as it is at this moment (its window ends now), first on even rounds and last
      // on odd ones, so both see the same caches.
      const sql = () =>
        timed(async () => {
          const list = requestListStatement(query, new Date());
          const page = forPg(list.sql, list.params);
          const { rows: found } = await client.query<{ id: number }>(page.sql, page.params);
          const notes = forPg(NOTES_SQL, [found.map((r) => r.id), NOTE_EVENTS]);
          await client.query(notes.sql, notes.params);
          return found.length;
        });
      const r1 = i % 2 === 0 ? await sql() : null;
      const http = await timed(() => get(url, ''));
      const r2 = r1 ?? (await sql());
      const floor = await timed(() => get(floorUrl, ''));
      if (http.value.status !== 200)
        throw new Error(`requests.json: HTTP ${http.value.status} ${http.value.body.slice(0, 300)}`);
      rows = (JSON.parse(http.value.body) as unknown[]).length;
      if (rows !== r2.value) throw new Error(`the page gave ${rows} rows, its statement ${r2.value}`);
      if (i < warmup) continue;
      lat.http.push(http.ms);
      lat.raw.push(r2.ms);
      lat.floor.push(floor.ms);
    }
    const s = { http: stats(lat.http), raw: stats(lat.raw), floor: stats(lat.floor) };
    console.log(
      `\n${table([
        [`GET /open311/v2/requests.json, ${rows} rows (HTTP)`, s.http],
        ['  the same page, raw SQL (pg)', s.raw],
        ['  floor: /healthz (HTTP)', s.floor],
      ])}`,
    );
    if (rows < MAX_REQUESTS) console.log(`note: the 90-day window held ${rows} rows, fewer than a full page`);
    console.log(
      JSON.stringify({
        bench: 'api',
        appeals: data.appeals,
        rows,
        requests,
        http_p95_ms: round(s.http.p95),
        raw_p95_ms: round(s.raw.p95),
        http_p50_ms: round(s.http.p50),
        raw_p50_ms: round(s.raw.p50),
        ratio: round(s.http.p95 / s.raw.p95, 2),
      }),
    );
  } finally {
    await server?.stop();
    await client.end();
    closeClient();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
