// Queues benchmark: on the generated city of 1,000,000 appeals (bench/reports-data.ts), times every role's home page,
// the department worklist and the duty board as the browser gets them from the built server — the HTML document and its
// `_data` — against the raw keyset SQL of the page's first page (each of its queues' first 20 rows, with `pg` in the
// same process, one statement after the other). The keyset statements are the pages' own text (queueStatements in
// app/appeals/worklists.server.ts), so the two cannot drift apart; the page adds counts, names and the request itself.
// Usage: DATABASE_URL=postgresql://hotline:hotline@127.0.0.1:5432/postgres npm run bench:queues -- \
//          [--appeals 1000000] [--requests 100] [--warmup 10] [--db hotline_bench_reports] [--no-build]
import { rmSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { SessionUser } from '../app/auth/session.server';
import { COUNT_CAP, queueKeys, queueStatements, type QueueUser } from '../app/appeals/worklists.server';
import { DEMO_PASSWORD } from '../app/seed/demo-city-data';
import { closeClient, get, privateBuild, signIn, startServer, stats, table, type Server, type Stats } from './http';
import { ensureReportsData } from './reports-data';
import { flag, intFlag, requireDatabaseUrl } from './screenpop-data';

/** `?` placeholders (as app/db/sql.server.ts takes them) to pg's `$n`; the queue statements hold no other `?`. */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

const params = (ps: unknown[]) => ps.map((p) => (p instanceof Date ? p.toISOString() : p));

interface PageDef {
  name: string;
  user: string;
  path: string;
  route: string;
  /** The raw keyset statements of its first page. */
  raw: (u: QueueUser) => { sql: string; params: unknown[] }[];
}

const firstPages = (role: string, keys: string[]) => (u: QueueUser) =>
  keys.map((k) => {
    const { page } = queueStatements(role, k, u);
    return { sql: numbered(page.sql), params: params(page.params) };
  });

const home = (user: string, role: string): PageDef => ({
  name: `/ (${user})`,
  user,
  path: '/',
  route: 'routes/_index',
  raw: firstPages(role, queueKeys(role)),
});

const PAGES: PageDef[] = [
  home('operator', 'operator'),
  home('dispatcher', 'dispatcher'),
  home('handler', 'handler'),
  home('handler2', 'handler'),
  home('gridworker', 'gridWorker'),
  home('reviewer', 'reviewer'),
  home('supervisor', 'supervisor'),
  home('admin', 'admin'),
  {
    name: '/worklist (handler)',
    user: 'handler',
    path: '/worklist',
    route: 'routes/worklist',
    raw: (u) => [
      {
        sql: `select a.id, a.number, a.title, a.type, a.urgency, a.category_id, a.phase, a.sla, a.due_at, a.created_at,
                     a.caller_phone, a.confidential
                from appeal a where a.lead_department_id = $1 and a.tags @> '{open}' and a.due_at is not null
               order by a.due_at, a.id limit 51`,
        params: [u.departmentId],
      },
    ],
  },
  {
    name: '/supervision (supervisor)',
    user: 'supervisor',
    path: '/supervision',
    route: 'routes/supervision',
    raw: firstPages('board', ['overdue', 'warned', 'extensions', 'escalated']),
  },
];

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

const round = (x: number, d = 3) => Number(x.toFixed(d));

async function main() {
  const argv = process.argv.slice(2);
  const adminUrl = requireDatabaseUrl('bench:queues');
  console.warn = () => {}; // pg-boss and the driver report through console.warn
  const appeals = intFlag(argv, 'appeals', 1_000_000);
  const requests = intFlag(argv, 'requests', 100);
  const warmup = intFlag(argv, 'warmup', 10);
  console.log(
    `bench:queues  node ${process.version}  ${os.cpus().length} cpus (${os.cpus()[0]?.model ?? '?'})  ${Math.round(os.totalmem() / 2 ** 30)} GB  ${new Date().toISOString()}`,
  );
  const data = await ensureReportsData({ adminUrl, dbName: flag(argv, 'db') ?? 'hotline_bench_reports', appeals });
  const appDir = privateBuild(!argv.includes('--no-build'), 'hotline-bench-queues-');
  const client = new pg.Client({ connectionString: data.url });
  await client.connect();
  let server: Server | undefined;
  try {
    const [{ server_version: version }] = (await client.query<{ server_version: string }>('show server_version')).rows;
    console.log(
      `PostgreSQL ${version}; data: ${data.appeals.toLocaleString('en')} appeals, ${data.assignments.toLocaleString('en')} assignments ` +
        `(${data.generatedNow ? 'generated now' : `reused, generated ${data.generatedAt}`})`,
    );
    const users = new Map(
      (
        await client.query<{ id: number; username: string; role: string; department_id: number | null }>(
          `select id, username, role, department_id from app_user where username = any($1)`,
          [[...new Set(PAGES.map((p) => p.user))]],
        )
      ).rows.map((u) => [u.username, u]),
    );
    const grids = await client.query<{ user_id: number; grid_id: number }>(
      'select user_id, grid_id from grid_worker order by grid_id',
    );
    const queueUser = (username: string): QueueUser => {
      const u = users.get(username);
      if (!u) throw new Error(`no user ${username} in the bench database`);
      return {
        id: u.id,
        role: u.role as SessionUser['role'],
        departmentId: u.department_id,
        gridIds: grids.rows.filter((g) => g.user_id === u.id).map((g) => g.grid_id),
      };
    };
    // Queue sizes, so the figures can be read against what the pages count.
    for (const role of ['dispatcher', 'handler', 'reviewer', 'supervisor', 'gridWorker', 'admin']) {
      const name = role === 'gridWorker' ? 'gridworker' : role;
      const sizes: string[] = [];
      for (const k of queueKeys(role)) {
        const { count } = queueStatements(role, k, queueUser(name));
        const { rows } = await client.query<{ n: number }>(`select ${numbered(count.sql)} as n`, params(count.params));
        sizes.push(`${k} ${rows[0].n > COUNT_CAP ? `${COUNT_CAP}+` : rows[0].n}`);
      }
      console.log(`queues of ${name}: ${sizes.join(', ')}`);
    }

    // Each run enrols its own second factor (signIn, as a phone would): an earlier run's enrolment, whose secret is
    // gone, is dropped first. The bench database's own generated users only.
    await client.query(`delete from user_totp where user_id in (select id from app_user where username = any($1))`, [
      [...new Set(PAGES.map((p) => p.user))],
    ]);
    server = await startServer(data.url, { appDir });
    const cookies = new Map<string, string>();
    for (const u of new Set(PAGES.map((p) => p.user))) cookies.set(u, await signIn(server.base, u, DEMO_PASSWORD));

    // The floor: what the app answers when it does no work of its own, timed in the same rounds as each page. For a
    // document, the sign-in page signed out (the root layout and a small form, no database); for `_data`, the
    // liveness route's data (Express, Remix's data path, a loader that returns at once). No page can answer faster.
    const floorDocUrl = `${server.base}/login`;
    const floorDataUrl = `${server.base}/healthz?_data=routes%2Fhealthz`;
    const results: { name: string; doc: Stats; data: Stats; raw: Stats; floorDoc: Stats; floorData: Stats }[] = [];
    for (const page of PAGES) {
      const cookie = cookies.get(page.user)!;
      const raw = page.raw(queueUser(page.user));
      const docUrl = `${server.base}${page.path}`;
      const dataUrl = `${server.base}${page.path}?_data=${encodeURIComponent(page.route)}`;
      const lat = {
        doc: [] as number[],
        data: [] as number[],
        raw: [] as number[],
        floorDoc: [] as number[],
        floorData: [] as number[],
      };
      console.error(`[bench] ${page.name}: ${warmup} warm-up + ${requests}, ${raw.length} keyset statement(s)`);
      for (let i = 0; i < warmup + requests; i++) {
        // The three back to back, the raw SQL first on even rounds and last on odd ones, so all see the same caches.
        const sql = () =>
          timed(async () => {
            for (const r of raw) await client.query(r.sql, r.params);
          });
        const r1 = i % 2 === 0 ? await sql() : null;
        const doc = await timed(() => get(docUrl, cookie));
        const dat = await timed(() => get(dataUrl, cookie));
        const r2 = r1 ?? (await sql());
        const floorDoc = await timed(() => get(floorDocUrl, ''));
        const floorData = await timed(() => get(floorDataUrl, ''));
        if (floorDoc.value.status !== 200 || floorData.value.status !== 200)
          throw new Error(`floor: HTTP ${floorDoc.value.status} / ${floorData.value.status}`);
        for (const [what, res] of [
          ['document', doc],
          ['data', dat],
        ] as const)
          if (res.value.status !== 200)
            throw new Error(`${page.name} ${what}: HTTP ${res.value.status} ${res.value.body.slice(0, 300)}`);
        if (i < warmup) continue;
        lat.doc.push(doc.ms);
        lat.data.push(dat.ms);
        lat.raw.push(r2.ms);
        lat.floorDoc.push(floorDoc.ms);
        lat.floorData.push(floorData.ms);
      }
      results.push({
        name: page.name,
        doc: stats(lat.doc),
        data: stats(lat.data),
        raw: stats(lat.raw),
        floorDoc: stats(lat.floorDoc),
        floorData: stats(lat.floorData),
      });
    }

    console.log(
      `\n${table(
        results.flatMap((r) => [
          [`${r.name} document (HTTP)`, r.doc],
          [`${r.name} _data (HTTP)`, r.data],
          [`${r.name} raw keyset (pg)`, r.raw],
          [`  floor: sign-in document (HTTP)`, r.floorDoc],
          [`  floor: liveness _data (HTTP)`, r.floorData],
        ]),
      )}`,
    );
    const pages = Object.fromEntries(
      results.map((r) => [
        r.name,
        {
          doc_p95_ms: round(r.doc.p95),
          data_p95_ms: round(r.data.p95),
          raw_p95_ms: round(r.raw.p95),
          floor_doc_p95_ms: round(r.floorDoc.p95),
          floor_data_p95_ms: round(r.floorData.p95),
          doc_ratio: round(r.doc.p95 / r.raw.p95, 2),
          data_ratio: round(r.data.p95 / r.raw.p95, 2),
          // The page's own work: what it takes beyond the floor, against the raw keyset.
          doc_own_ratio: round(Math.max(0, r.doc.p95 - r.floorDoc.p95) / r.raw.p95, 2),
          data_own_ratio: round(Math.max(0, r.data.p95 - r.floorData.p95) / r.raw.p95, 2),
        },
      ]),
    );
    const worst = Math.max(...Object.values(pages).flatMap((p) => [p.doc_ratio, p.data_ratio]));
    const worstOwn = Math.max(...Object.values(pages).flatMap((p) => [p.doc_own_ratio, p.data_own_ratio]));
    console.log(JSON.stringify({ bench: 'queues', worst_ratio: worst, worst_own_ratio: worstOwn, pages }));
  } finally {
    closeClient();
    await server?.stop().catch(() => {});
    await client.end().catch(() => {});
    rmSync(appDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
