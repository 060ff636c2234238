// Core write-path benchmark: appeals driven through the real service vs. the same rows written with raw SQL.
// Usage: npm run bench:core   (PostgreSQL too when DATABASE_URL is set; BENCH_APPEALS, BENCH_CONCURRENCY override the sizes)
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { PgBoss } from 'pg-boss';
import { createDraft } from '../app/appeals/intake.server';
import { applyEvent, type AppealServices } from '../app/appeals/service.server';
import { openDatabase, type Database } from '../app/db/orm.server';
import { all, inTransaction, run, textArray } from '../app/db/sql.server';
import { bossTimers, startBoss } from '../app/jobs/timers.server';
import { actorFor, loadReferenceIds, seedReferenceData, type ReferenceIds } from '../app/seed/demo-city.server';
import { appealTagsOf, restoreAppealSnapshot } from '../machines/appeal';
import { percentile } from './http';

const WARMUP = 20;
const EVENTS_PER_APPEAL = 7; // CREATE + 6 transitions
const envInt = (name: string) => (process.env[name] ? Number.parseInt(process.env[name]!, 10) : undefined);

type Kind = 'postgres' | 'pglite';

interface RunStats {
  appeals: number;
  concurrency: number;
  seconds: number;
  appealsPerSec: number;
  eventsPerSec: number;
  p50: number;
  p95: number;
  peakRssMb: number;
  /** This process's CPU (user+system) per event: separates ORM/driver cost from database time. */
  cpuMsPerEvent: number;
}

interface DbResult {
  kind: Kind;
  service: RunStats;
  raw: RunStats;
  ratio: number;
}

// ---------- helpers ----------

/** Runs n jobs with at most c in flight. */
async function inParallel(n: number, c: number, job: (i: number) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < n) await job(next++);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(c, n)) }, worker));
}

/** Samples RSS often enough to catch the peak of a run that lasts seconds. */
function rssSampler() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  return () => {
    clearInterval(timer);
    return Math.max(peak, process.memoryUsage().rss) / 1024 / 1024;
  };
}

async function measure(n: number, c: number, job: (i: number, lat: number[]) => Promise<void>): Promise<RunStats> {
  const lat: number[] = [];
  const stopRss = rssSampler();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await inParallel(n, c, (i) => job(i, lat));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const peakRssMb = stopRss();
  lat.sort((a, b) => a - b);
  return {
    appeals: n,
    concurrency: c,
    seconds,
    appealsPerSec: n / seconds,
    eventsPerSec: (n * EVENTS_PER_APPEAL) / seconds,
    p50: percentile(lat, 50),
    p95: percentile(lat, 95),
    peakRssMb,
    cpuMsPerEvent: (cpu.user + cpu.system) / 1000 / (n * EVENTS_PER_APPEAL),
  };
}

async function timed<T>(lat: number[], fn: () => Promise<T>): Promise<T> {
  const t = performance.now();
  const r = await fn();
  lat.push(performance.now() - t);
  return r;
}

// ---------- the service path ----------

function servicePipeline(services: AppealServices, ids: ReferenceIds) {
  const as = (u: string) => actorFor(ids, u);
  const categoryId = ids.categories.get('0201')!;
  const departmentId = ids.departments.get('F02')!;
  const steps: [string, string, Record<string, unknown>][] = [
    ['operator', 'SUBMIT', {}],
    ['dispatcher', 'DISPATCH', { departmentId }],
    ['handler', 'ACCEPT', {}],
    ['handler', 'REPLY', { result: '已清运并加密清运频次', resolved: true }],
    ['reviewer', 'APPROVE_REPLY', {}],
    ['reviewer', 'FEEDBACK', { satisfaction: 'satisfied', resolved: true }],
  ];
  return async (lat: number[], afterStep?: (appealId: number) => Promise<void>) => {
    const draft = await timed(lat, () =>
      createDraft(services, as('operator'), {
        type: 'complaint',
        urgency: 'normal',
        categoryId,
        callerPhone: '13800001234',
        citizenName: '测试市民',
        title: '垃圾清运不及时',
        content: '小区垃圾桶三天没有清运，气味很大。',
      }),
    );
    await afterStep?.(draft.id);
    let version = draft.version;
    for (const [user, type, payload] of steps) {
      const r = await timed(lat, () =>
        applyEvent(services, { appealId: draft.id, expectedVersion: version, type, payload, actor: as(user) }),
      );
      version = r.version;
      await afterStep?.(draft.id);
    }
    if (!version) throw new Error('pipeline did not finish');
  };
}

// ---------- the raw SQL baseline ----------

/** A state of the template appeal: its columns as the service wrote them, and its tags as the machine gives them. */
interface State {
  phase: string;
  sla: string;
  snapshot: string;
  machine_version: number;
  tags: string;
}

interface Template {
  appeal: State;
  steps: State[];
  events: {
    type: string;
    actor_id: number | null;
    actor_role: string;
    from_phase: string | null;
    to_phase: string;
    from_sla: string | null;
    to_sla: string;
    payload: string;
  }[];
}

/** Captures the real snapshots and audit rows of one service-driven appeal, so the baseline writes the same bytes. */
async function captureTemplate(db: Database, pipeline: ReturnType<typeof servicePipeline>): Promise<Template> {
  const states: State[] = [];
  let appealId = 0;
  await pipeline([], async (id) => {
    appealId = id;
    const [row] = await all<Omit<State, 'tags'>>(
      db.em(),
      'select phase, sla, snapshot::text as snapshot, machine_version from appeal where id = ?',
      [id],
    );
    states.push({ ...row, tags: textArray(appealTagsOf(restoreAppealSnapshot(JSON.parse(row.snapshot)))) });
  });
  const events = await all<Template['events'][number]>(
    db.em(),
    `select type, actor_id, actor_role, from_phase, to_phase, from_sla, to_sla, payload::text as payload
       from appeal_event where appeal_id = ? order by seq`,
    [appealId],
  );
  if (states.length !== EVENTS_PER_APPEAL || events.length !== EVENTS_PER_APPEAL)
    throw new Error('unexpected template shape');
  return { appeal: states[0], steps: states.slice(1), events };
}

function rawPipeline(db: Database, ids: ReferenceIds, tpl: Template) {
  const categoryId = ids.categories.get('0201')!;
  const creator = actorFor(ids, 'operator').userId;
  const dummyHash = 'b'.repeat(64);
  let counter = 0;
  const insertEvent = `insert into appeal_event (appeal_id, seq, type, actor_id, actor_role, at, from_phase, to_phase, from_sla, to_sla, payload, prev_hash, hash)
                       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
  const eventParams = (appealId: number, seq: number, now: Date) => {
    const e = tpl.events[seq - 1];
    return [
      appealId,
      seq,
      e.type,
      e.actor_id,
      e.actor_role,
      now,
      e.from_phase,
      e.to_phase,
      e.from_sla,
      e.to_sla,
      e.payload,
      seq === 1 ? '' : dummyHash,
      dummyHash,
    ];
  };
  return async (lat: number[]) => {
    const number = `B${process.pid}-${++counter}`;
    const id = await timed(lat, () =>
      inTransaction(db.em(), async (em) => {
        const now = new Date();
        const a = tpl.appeal;
        const [row] = await all<{ id: number }>(
          em,
          `insert into appeal (created_at, updated_at, number, source, type, urgency, category_id, caller_phone, title, content,
                             created_by_id, phase, sla, tags, machine_version, snapshot, audit_seq, audit_head)
         values (?, ?, ?, 'hotline', 'complaint', 'normal', ?, '13800001234', '垃圾清运不及时', '小区垃圾桶三天没有清运，气味很大。',
                 ?, ?, ?, ?::text[], ?, ?, 1, ?)
         returning id`,
          [now, now, number, categoryId, creator, a.phase, a.sla, a.tags, a.machine_version, a.snapshot, dummyHash],
        );
        await run(em, insertEvent, eventParams(row.id, 1, now));
        return row.id;
      }),
    );
    for (let k = 0; k < tpl.steps.length; k++) {
      const step = tpl.steps[k];
      await timed(lat, () =>
        inTransaction(db.em(), async (em) => {
          const updated = await run(
            em,
            'update appeal set phase = ?, tags = ?::text[], snapshot = ?, version = version + 1, audit_seq = audit_seq + 1 where id = ? and version = ?',
            [step.phase, step.tags, step.snapshot, id, k + 1],
          );
          if (updated !== 1) throw new Error(`raw update missed appeal ${id}`);
          await run(em, insertEvent, eventParams(id, k + 2, new Date()));
        }),
      );
    }
  };
}

// ---------- one database ----------

async function benchDatabase(kind: Kind, db: Database, n: number, c: number): Promise<DbResult> {
  let boss: PgBoss | undefined;
  try {
    boss = await startBoss(db); // timers are scheduled inside SUBMIT/APPROVE_REPLY; no workers, so nothing is consumed
    const ids =
      (await seedReferenceData(db.em(), { passwordHash: 'bench-no-login' })) ?? (await loadReferenceIds(db.em()));
    const services: AppealServices = { db, timers: bossTimers(boss) };
    const pipeline = servicePipeline(services, ids);

    await inParallel(WARMUP, c, () => pipeline([]));
    const tpl = await captureTemplate(db, pipeline);

    const service = await measure(n, c, (_i, lat) => pipeline(lat));
    const rawRun = rawPipeline(db, ids, tpl);
    const raw = await measure(n, c, (_i, lat) => rawRun(lat));
    return { kind, service, raw, ratio: service.eventsPerSec / raw.eventsPerSec };
  } finally {
    await boss?.stop({ graceful: false }).catch(() => {});
  }
}

async function benchPostgres(url: string, n: number, c: number): Promise<DbResult> {
  const name = `hotline_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  const dbUrl = new URL(url);
  dbUrl.pathname = `/${name}`;
  let db: Database | undefined;
  try {
    db = await openDatabase({ dataDir: '', databaseUrl: dbUrl.toString() });
    return await benchDatabase('postgres', db, n, c);
  } finally {
    await db?.close().catch(() => {});
    await admin
      .query(`drop database if exists "${name}" with (force)`)
      .catch((e) => console.warn(`could not drop ${name}: ${e.message}`));
    await admin.end();
  }
}

async function benchPglite(n: number, c: number): Promise<DbResult> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'hotline-bench-'));
  let db: Database | undefined;
  try {
    db = await openDatabase({ dataDir: path.join(root, 'pglite') });
    return await benchDatabase('pglite', db, n, c);
  } finally {
    await db?.close().catch(() => {});
    rmSync(root, { recursive: true, force: true });
  }
}

// ---------- report ----------

function table(r: DbResult): string {
  const f = (x: number, d = 1) => x.toFixed(d);
  const rows = [
    ['', 'appeals/s', 'events/s', 'p50 ms', 'p95 ms', 'wall s', 'peak RSS MB', 'node CPU ms/event'],
    ...(
      [
        ['service', r.service],
        ['raw SQL', r.raw],
      ] as const
    ).map(([label, s]) => [
      label,
      f(s.appealsPerSec),
      f(s.eventsPerSec),
      f(s.p50, 2),
      f(s.p95, 2),
      f(s.seconds, 2),
      f(s.peakRssMb, 0),
      f(s.cpuMsPerEvent, 2),
    ]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const line = (row: string[]) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  return [
    `== ${r.kind}: ${r.service.appeals} appeals × ${EVENTS_PER_APPEAL} events, concurrency ${r.service.concurrency} ==`,
    line(rows[0]),
    ...rows.slice(1).map(line),
    `service/raw (events/s): ${r.ratio.toFixed(3)}   (latency = one create or event call)`,
  ].join('\n');
}

const round = (x: number, d = 3) => Number(x.toFixed(d));

async function main() {
  // pg-boss and the driver report through console.warn; keep the table readable.
  console.warn = () => {};
  const url = process.env.DATABASE_URL || undefined;
  const nOverride = envInt('BENCH_APPEALS');
  const cOverride = envInt('BENCH_CONCURRENCY');
  const results: DbResult[] = [];

  console.log(`bench:core  node ${process.version}  ${os.cpus().length} cpus  ${new Date().toISOString()}`);
  if (url) {
    const r = await benchPostgres(url, nOverride ?? 300, cOverride ?? 8);
    console.log(`\n${table(r)}`);
    results.push(r);
  }
  const r = await benchPglite(nOverride ?? 150, cOverride ?? 1);
  console.log(`\n${table(r)}\n`);
  results.push(r);

  const pgR = results.find((x) => x.kind === 'postgres');
  const liteR = results.find((x) => x.kind === 'pglite')!;
  const flat = (prefix: string, x: DbResult | undefined) =>
    x
      ? {
          [`${prefix}_appeals`]: x.service.appeals,
          [`${prefix}_concurrency`]: x.service.concurrency,
          [`${prefix}_service_events_per_s`]: round(x.service.eventsPerSec, 1),
          [`${prefix}_raw_events_per_s`]: round(x.raw.eventsPerSec, 1),
          [`${prefix}_service_p50_ms`]: round(x.service.p50, 2),
          [`${prefix}_service_p95_ms`]: round(x.service.p95, 2),
          [`${prefix}_peak_rss_mb`]: round(Math.max(x.service.peakRssMb, x.raw.peakRssMb), 0),
          [`${prefix}_service_cpu_ms_per_event`]: round(x.service.cpuMsPerEvent, 2),
          [`${prefix}_raw_cpu_ms_per_event`]: round(x.raw.cpuMsPerEvent, 2),
        }
      : {};
  console.log(
    JSON.stringify({
      bench: 'core',
      pg_ratio: pgR ? round(pgR.ratio) : null,
      pglite_ratio: round(liteR.ratio),
      ...flat('pg', pgR),
      ...flat('pglite', liteR),
    }),
  );
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
