// Reports benchmark: on a generated city of 1,000,000 appeals (bench/reports-data.ts), times over HTTP on the built server
//   (a) the monthly report by department  GET /reports?view=department&period=month&date=…  (supervisor), and
//   (b) a department's worklist: GET /worklist (app/routes/worklist.tsx, departmentWorklist: the department's open appeals,
//       50 a page by deadline) as the department's handler; the handler's home page (its queues, 20 each) for reference,
//   (c) the report page as a browser gets it: the document GET /reports?… (server-rendered HTML with its charts), beside
//       (c') the worklist's document GET /worklist, the budget the report page is held to; and the JavaScript the report
//       page loads (its modulepreload links, bytes), and
//   (d) the PDF export of the same monthly report, GET /reports/export?format=pdf&… (charts and table),
// against, with `pg` directly on the same database,
//   (a') the same monthly figures by department computed from appeal + assignment (+ snapshot context) in one aggregate query,
//   (b') the raw keyset SQL of a worklist page: a department's 50 open appeals ordered by deadline.
// Usage: DATABASE_URL=postgresql://hotline:hotline@127.0.0.1:5432/postgres npm run bench:reports -- \
//          [--appeals 1000000] [--requests 300] [--warmup 20] [--naive-requests N] [--worklist-requests N] [--page-requests N]
//          [--pdf-requests 30] [--db hotline_bench_reports] [--no-build]
// (--naive-requests, --worklist-requests and --page-requests default to --requests.)
import { rmSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { CellColumn } from '../app/reports/measures';
import { DEMO_PASSWORD } from '../app/seed/demo-city-data';
import { closeClient, get, privateBuild, signIn, startServer, stats, table, type Server, type Stats } from './http';
import { ensureReportsData } from './reports-data';
import { flag, intFlag, requireDatabaseUrl } from './screenpop-data';
import type { Row } from '../app/db/sql.server';

async function timedGet(url: string, cookie: string): Promise<{ ms: number; body: string }> {
  const t = performance.now();
  const { status, body } = await get(url, cookie);
  const ms = performance.now() - t;
  if (status !== 200) throw new Error(`GET ${url}: HTTP ${status} ${body.slice(0, 300)}`);
  return { ms, body };
}

async function timedQuery(client: pg.Client, sql: string, params: unknown[]): Promise<{ ms: number; rows: Row[] }> {
  const t = performance.now();
  const { rows } = await client.query(sql, params);
  return { ms: performance.now() - t, rows };
}

// ---------- the raw SQL ----------

/**
 * (a') The monthly report by department straight from the raw tables, one statement, with the report's definitions
 * (app/reports/facts.ts, the fact inputs of app/reports/rollup.server.ts): appeals counted by the local (Asia/Shanghai)
 * day of submission, under their lead department; orders (lead assignments) under the order's department. Two
 * simplifications, both making the raw query cheaper than the real thing: handling time is in calendar days (the report
 * counts working days against the holiday calendar), and only the current period is computed (the page also shows the
 * previous one, the city total and the daily trend).
 * $1, $2: the period's first and last local dates.
 */
export const NAIVE_REPORT_SQL = `
  with a as (
    select a.id, a.lead_department_id, a.sla, a.tags @> '{finished}' as finished, a.submitted_at, a.due_at, a.closed_at, a.caller_phone,
           a.snapshot->'context'->>'satisfaction' as satisfaction,
           (a.snapshot->'context'->>'resolved')::boolean as resolved,
           coalesce((a.snapshot->'context'->>'redoCount')::int, 0) as redo_count,
           coalesce((a.snapshot->'context'->>'extensionCount')::int, 0) as extension_count,
           coalesce((a.snapshot->'context'->>'unreasonable')::boolean, false) as unreasonable,
           (a.snapshot->'context'->>'repliedAt')::timestamptz as replied_at
      from appeal a
     where a.submitted_at >= ($1::date::timestamp at time zone 'Asia/Shanghai')
       and a.submitted_at < (($2::date + 1)::timestamp at time zone 'Asia/Shanghai')
       and a.created_at < (($2::date + 1)::timestamp at time zone 'Asia/Shanghai') -- created ≤ submitted: lets the index bound the scan
       and a.tags @> '{counted}'
  ),
  o as (
    select s.appeal_id, s.department_id, s.status, s.accepted_at, s.accept_due_at
      from assignment s join a on a.id = s.appeal_id where s.role = 'lead'
  ),
  per_appeal as (
    select a.*, oa.appeal_id is not null as dispatched, coalesce(oa.returned, false) as returned,
           (a.caller_phone is not null and exists (
              select 1 from appeal p where p.caller_phone = a.caller_phone and p.submitted_at is not null
                 and p.submitted_at >= a.submitted_at - interval '30 days' and (p.submitted_at, p.id) < (a.submitted_at, a.id))) as repeat_caller
      from a left join (select appeal_id, bool_or(status = 'returned') as returned from o group by 1) oa on oa.appeal_id = a.id
  ),
  appeal_sums as (
    select coalesce(lead_department_id::text, '') as key,
           count(*) as received,
           count(*) filter (where dispatched) as dispatched_appeals,
           count(*) filter (where satisfaction is not null) as feedback,
           count(*) filter (where satisfaction is not null and resolved) as resolved,
           count(*) filter (where satisfaction is not null and not unreasonable) as satisfaction_base,
           count(*) filter (where satisfaction in ('satisfied', 'basicallySatisfied') and not unreasonable) as satisfied,
           count(*) filter (where finished and closed_at is not null) as closed,
           count(*) filter (where finished and closed_at is not null and (due_at is null or closed_at <= due_at)) as closed_on_time,
           count(*) filter (where sla = 'overdue') as overdue,
           count(*) filter (where replied_at is not null) as replied,
           coalesce(sum(extract(epoch from replied_at - submitted_at) / 86400), 0) as handling_days,
           count(*) filter (where returned) as returned,
           count(*) filter (where redo_count > 0) as redone,
           count(*) filter (where extension_count > 0) as extended,
           count(*) filter (where repeat_caller) as repeat_callers,
           count(*) filter (where unreasonable) as unreasonable
      from per_appeal group by 1
  ),
  order_sums as (
    select coalesce(department_id::text, '') as key, count(*) as orders,
           count(*) filter (where accepted_at is not null and (accept_due_at is null or accepted_at <= accept_due_at)) as orders_on_time
      from o group by 1
  )
  select coalesce(s.key, os.key) as key, d.name, s.received, s.dispatched_appeals, s.feedback, s.resolved, s.satisfaction_base, s.satisfied,
         s.closed, s.closed_on_time, s.overdue, s.replied, s.handling_days, s.returned, s.redone, s.extended, s.repeat_callers, s.unreasonable,
         os.orders, os.orders_on_time
    from appeal_sums s full join order_sums os on os.key = s.key
    left join department d on d.id::text = coalesce(s.key, os.key)
   order by s.received desc nulls last`;

/** (b') The raw keyset SQL of a department's worklist page: its 50 open appeals by deadline (first page). */
export const RAW_WORKLIST_SQL = `
  select a.id, a.number, a.title, a.type, a.urgency, a.phase, a.sla, a.due_at, a.created_at, a.caller_phone, a.confidential
    from appeal a
   where a.lead_department_id = $1 and a.tags @> '{open}'
   order by a.due_at, a.id
   limit 50`;

// ---------- report ----------

const round = (x: number, d = 3) => Number(x.toFixed(d));

const pad2 = (n: number) => String(n).padStart(2, '0');

/** The full months inside the data (the last 12 months up to yesterday), oldest first, as [first, last] local dates. */
function fullMonths(): [string, string][] {
  const today = new Date(Date.now() + 8 * 3600_000);
  const out: [string, string][] = [];
  for (let back = 11; back >= 1; back--) {
    const first = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - back, 1));
    const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0));
    const iso = (d: Date) => `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
    out.push([iso(first), iso(last)]);
  }
  return out;
}

/** The raw aggregate's columns the page's cells are checked against, and the cell each one is. */
const CHECKED: Record<string, CellColumn> = {
  received: 'received',
  closed: 'closed',
  closed_on_time: 'closedOnTime',
  overdue: 'overdue',
  feedback: 'feedback',
  satisfied: 'satisfied',
  returned: 'returned',
  repeat_callers: 'repeatCallers',
  orders: 'orders',
  orders_on_time: 'ordersOnTime',
};

/** The page must show what the raw tables say: per department, the same received / closed / overdue / orders. */
function checkReport(body: string, naive: Row[], month: string): string[] {
  const parsed = JSON.parse(body) as {
    page: { report: { rows: { key: string; cells: Record<string, number> }[] } } | null;
  };
  const rows = parsed.page?.report.rows ?? [];
  const problems: string[] = [];
  const byKey = new Map(rows.map((r) => [r.key, r.cells]));
  for (const n of naive) {
    const c = byKey.get(n.key);
    for (const [col, cell] of Object.entries(CHECKED)) {
      const want = Number(n[col] ?? 0);
      const got = c?.[cell] ?? 0;
      if (want !== got) problems.push(`${month} dept '${n.key}' ${cell}: page ${got}, raw ${want}`);
    }
  }
  return problems;
}

async function main() {
  const argv = process.argv.slice(2);
  const adminUrl = requireDatabaseUrl('bench:reports');
  console.warn = () => {}; // pg-boss and the driver report through console.warn
  const appeals = intFlag(argv, 'appeals', 1_000_000);
  const requests = intFlag(argv, 'requests', 300);
  const naiveRequests = intFlag(argv, 'naive-requests', requests);
  const worklistRequests = intFlag(argv, 'worklist-requests', requests);
  const pageRequests = intFlag(argv, 'page-requests', requests);
  const pdfRequests = intFlag(argv, 'pdf-requests', 30);
  const warmup = intFlag(argv, 'warmup', 20);

  console.log(
    `bench:reports  node ${process.version}  ${os.cpus().length} cpus (${os.cpus()[0]?.model ?? '?'})  ${Math.round(os.totalmem() / 2 ** 30)} GB  ${new Date().toISOString()}`,
  );
  const data = await ensureReportsData({ adminUrl, dbName: flag(argv, 'db') ?? 'hotline_bench_reports', appeals });
  const appDir = privateBuild(!argv.includes('--no-build'), 'hotline-bench-reports-');

  const client = new pg.Client({ connectionString: data.url });
  await client.connect();
  let server: Server | undefined;
  try {
    const [{ server_version: version }] = (await client.query<{ server_version: string }>('show server_version')).rows;
    console.log(
      `PostgreSQL ${version}; data: ${data.appeals.toLocaleString('en')} appeals, ${data.assignments.toLocaleString('en')} assignments, ` +
        `${data.facts.toLocaleString('en')} appeal facts, ${data.cells.toLocaleString('en')} report cells ` +
        `(${data.generatedNow ? 'generated now' : `reused, generated ${data.generatedAt}`}; seconds ${JSON.stringify(data.seconds)})`,
    );
    const depts = (
      await client.query<{ id: number; code: string; username: string }>(
        `select d.id, d.code, u.username from app_user u join department d on d.id = u.department_id
        where u.username in ('handler', 'handler2') order by u.username`,
      )
    ).rows;
    if (!depts.length) throw new Error('no handler users in the bench database');
    const months = fullMonths();

    // A previous run enrolled the supervisor's second factor with a secret it did not keep: start enrolment afresh.
    await client.query(
      `delete from user_totp where user_id in (select id from app_user where username = 'supervisor') and not demo`,
    );
    server = await startServer(data.url, { appDir });
    const supervisor = await signIn(server.base, 'supervisor', DEMO_PASSWORD);
    const handlers = await Promise.all(depts.map((d) => signIn(server!.base, d.username, DEMO_PASSWORD)));

    const reportUrl = (i: number) => {
      const [first] = months[i % months.length];
      return `${server!.base}/reports?view=department&period=month&date=${first.slice(0, 8)}15&_data=routes%2Freports._index`;
    };
    const base = server.base;
    const homeUrl = `${base}/?_data=routes%2F_index`;
    const worklistUrl = `${base}/worklist?_data=routes%2Fworklist`;
    const searchUrl = (dept: number) => `${base}/appeals?department=${dept}&_data=routes%2Fappeals._index`;

    const lat = {
      report: [] as number[],
      naive: [] as number[],
      worklist: [] as number[],
      keyset: [] as number[],
      home: [] as number[],
      search: [] as number[],
      reportPage: [] as number[],
      worklistPage: [] as number[],
      pdf: [] as number[],
    };
    const problems: string[] = [];

    // (a) and (a'): month i of the data for request i, both ways back to back, alternating which goes first.
    const total = warmup + Math.max(requests, naiveRequests);
    console.error(
      `[bench] monthly report by department: ${warmup} warm-up + ${requests} HTTP / ${naiveRequests} raw aggregate`,
    );
    for (let i = 0; i < total; i++) {
      const [from, to] = months[i % months.length];
      const doHttp = i < warmup + requests;
      const doNaive = i < warmup + naiveRequests;
      let h: { ms: number; body: string } | undefined;
      let n: { ms: number; rows: Row[] } | undefined;
      if (i % 2 === 0) {
        if (doHttp) h = await timedGet(reportUrl(i), supervisor);
        if (doNaive) n = await timedQuery(client, NAIVE_REPORT_SQL, [from, to]);
      } else {
        if (doNaive) n = await timedQuery(client, NAIVE_REPORT_SQL, [from, to]);
        if (doHttp) h = await timedGet(reportUrl(i), supervisor);
      }
      if (h && n && i < months.length) problems.push(...checkReport(h.body, n.rows, from.slice(0, 7)));
      if (i < warmup) continue;
      if (h) lat.report.push(h.ms);
      if (n) lat.naive.push(n.ms);
      if ((i + 1) % 50 === 0) console.error(`  ${i + 1}/${total}`);
    }

    // (b) and (b'): the department worklist's first page as each handler (alternating the two departments) and the raw keyset
    // page of 50, back to back, alternating which goes first; the home page and the department-filtered search for reference.
    const skipHome = argv.includes('--no-home');
    console.error(`[bench] worklist: ${warmup} warm-up + ${worklistRequests} each${skipHome ? ' (no home page)' : ''}`);
    for (let i = 0; i < warmup + worklistRequests; i++) {
      const k = i % depts.length;
      let h: { ms: number; body: string };
      let r: { ms: number; rows: Row[] };
      if (i % 2 === 0) {
        h = await timedGet(worklistUrl, handlers[k]);
        r = await timedQuery(client, RAW_WORKLIST_SQL, [depts[k].id]);
      } else {
        r = await timedQuery(client, RAW_WORKLIST_SQL, [depts[k].id]);
        h = await timedGet(worklistUrl, handlers[k]);
      }
      if (i < warmup + 10 || i % 10 === 0) {
        const got = (JSON.parse(h.body) as { items: { id: number }[] }).items.map((x) => x.id);
        const want = r.rows.map((x) => Number(x.id));
        if (want.length < 50) problems.push(`raw worklist of ${depts[k].code}: only ${want.length} open appeals`);
        if (got.length !== want.length || got.some((id, j) => id !== want[j]))
          problems.push(`worklist of ${depts[k].code}: the page and the keyset SQL list other appeals`);
      }
      const home = skipHome ? null : await timedGet(homeUrl, handlers[k]);
      const s = await timedGet(searchUrl(depts[k].id), supervisor);
      if (i < warmup) continue;
      lat.worklist.push(h.ms);
      lat.keyset.push(r.ms);
      if (home) lat.home.push(home.ms);
      lat.search.push(s.ms);
      if ((i + 1) % 50 === 0) console.error(`  ${i + 1}/${warmup + worklistRequests}`);
    }

    // (c) and (c'): the two documents as a browser asks for them, back to back, alternating which goes first.
    const pageUrl = (i: number) => reportUrl(i).replace(/&_data=[^&]*$/, '');
    const worklistPageUrl = `${base}/worklist`;
    console.error(`[bench] documents: ${warmup} warm-up + ${pageRequests} each of /reports and /worklist`);
    let reportHtml = '';
    for (let i = 0; i < warmup + pageRequests; i++) {
      const k = i % depts.length;
      let rp: { ms: number; body: string };
      let wp: { ms: number; body: string };
      if (i % 2 === 0) {
        rp = await timedGet(pageUrl(i), supervisor);
        wp = await timedGet(worklistPageUrl, handlers[k]);
      } else {
        wp = await timedGet(worklistPageUrl, handlers[k]);
        rp = await timedGet(pageUrl(i), supervisor);
      }
      if (i === 0) {
        reportHtml = rp.body;
        if ((rp.body.match(/class="trend-line"/g) ?? []).length !== 3)
          problems.push('the report document has no server-drawn trend chart');
      }
      if (i < warmup) continue;
      lat.reportPage.push(rp.ms);
      lat.worklistPage.push(wp.ms);
    }
    // The scripts the report document makes the browser load before it can hydrate.
    const scripts = [...reportHtml.matchAll(/<link rel="modulepreload" href="([^"]+)"/g)].map((m) => m[1]);
    const bodies: string[] = [];
    for (const src of new Set(scripts)) bodies.push((await get(`${base}${src}`, supervisor)).body);
    const scriptBytes = bodies.reduce((n, js) => n + Buffer.byteLength(js), 0);
    const chartLibrary = bodies.some((js) => js.includes('recharts'));

    // (d): the PDF of month i.
    console.error(`[bench] PDF export: 2 warm-up + ${pdfRequests}`);
    for (let i = 0; i < 2 + pdfRequests; i++) {
      const url = pageUrl(i).replace('/reports?', '/reports/export?format=pdf&');
      const r = await timedGet(url, supervisor);
      if (!r.body.startsWith('%PDF-')) problems.push(`PDF export ${i}: not a PDF`);
      if (i >= 2) lat.pdf.push(r.ms);
    }

    const st = Object.fromEntries(Object.entries(lat).map(([k, v]) => [k, stats(v)])) as Record<
      keyof typeof lat,
      Stats
    >;
    console.log(
      `\n${table([
        ['(a)  GET /reports month by department (HTTP)', st.report],
        ["(a') raw aggregate over appeal + assignment (pg)", st.naive],
        ['(b)  GET /worklist first page of 50 (HTTP)', st.worklist],
        ["(b') raw keyset page of 50 by due_at (pg)", st.keyset],
        ...(lat.home.length ? [['(ref) GET / handler home: 4 queues (HTTP)', st.home] as [string, Stats]] : []),
        ['(ref) GET /appeals?department= (HTTP)', st.search],
        ['(c)  GET /reports document: HTML with charts (HTTP)', st.reportPage],
        ["(c') GET /worklist document (HTTP)", st.worklistPage],
        ['(d)  GET /reports/export?format=pdf month (HTTP)', st.pdf],
      ])}`,
    );
    console.log(
      `report document: ${Math.round(Buffer.byteLength(reportHtml) / 1024)} KB HTML; ${scripts.length} scripts, ${Math.round(scriptBytes / 1024)} KB${chartLibrary ? ' (includes the chart library)' : ' (no chart library)'}`,
    );
    console.log(
      `departments: ${depts.map((d) => `${d.code} (#${d.id}, ${d.username})`).join(', ')}; months ${months[0][0]} … ${months.at(-1)![1]}`,
    );
    if (problems.length)
      console.log(
        `CHECK: the page and the raw tables disagree (${problems.length}):\n  ${problems.slice(0, 12).join('\n  ')}`,
      );
    else
      console.log(
        `check: the page's received/closed/on-time/overdue/feedback/satisfied/returned/repeat/orders per department match the raw aggregate for ${Math.min(months.length, warmup + Math.min(requests, naiveRequests))} months`,
      );
    console.log(
      JSON.stringify({
        bench: 'reports',
        report_ratio: round(st.report.p95 / st.naive.p95),
        worklist_ratio: round(st.worklist.p95 / st.keyset.p95),
        report_page_ratio: round(st.reportPage.p95 / st.worklistPage.p95),
        report_page_p95_ms: round(st.reportPage.p95, 1),
        report_js_kb: Math.round(scriptBytes / 1024),
        pdf_p95_ms: round(st.pdf.p95, 1),
      }),
    );
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
