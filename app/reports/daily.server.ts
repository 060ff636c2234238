// The daily report (日报): yesterday's figures by department, written every morning as an Excel
// workbook and a PDF under DATA_DIR/reports/, one row per day in daily_report.
//
// pg-boss runs here with `schedule: false`, so the morning run is a chain of delayed jobs: each run
// first queues the next one (at the next REPORT_DAILY_AT, keyed by its date) and then writes its
// report. The queue is `exclusive`, so a key can be waiting only once: a restart, or a second app
// process ensuring the chain at startup, never queues a second run for the same morning.
import { readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { EntityManager } from '@mikro-orm/sql';
import type { PgBoss } from 'pg-boss';
import type { Actor } from '../../machines/actor';
import { SYSTEM_ACTOR } from '../cases/actor';
import { isValidLocalDate, localDateOf, localDateTime } from '../calendar/working-time';
import type { Database } from '../db/orm.server';
import { all, inTransaction, one, run } from '../db/sql.server';
import { Forbidden, NotFound } from '../domain/errors';
import type { RequestClient } from '../http/client.server';
import { recordSecurityEvent } from '../security/security-log.server';
import { sha256Of, writeContentFile } from '../storage/content-file.server';
import {
  CONTENT_TYPES,
  EXPORT_FORMATS,
  reportFileName,
  reportToPdf,
  reportToXlsx,
  type ExportFile,
  type ExportFormat,
} from './export.server';
import { addDays, buildReport } from './report.server';
import type { ReportQuery } from './report-types';

export const DAILY_REPORT_QUEUE = 'daily-report';
export const DEFAULT_DAILY_AT = '07:00';

export interface DailyReportJob {
  /** The local date (Asia/Shanghai) the run belongs to; it reports the day before. */
  runDate: string;
}

export type DailyFormat = ExportFormat;
export const DAILY_FORMATS = EXPORT_FORMATS;

export interface DailyReportEntry {
  day: string;
  /** Local time 'YYYY-MM-DD HH:mm'. */
  generatedAt: string;
  xlsxSize: number;
  pdfSize: number;
}

/** The job reads the report as a supervisor would; it has no user of its own. */
const REPORT_ACTOR: Actor = { ...SYSTEM_ACTOR, role: 'supervisor' };
const OFFSET_MS = 8 * 3_600_000; // Asia/Shanghai, fixed UTC+08:00
const DAY_MS = 86_400_000;

function requireSupervisor(actor: Actor) {
  if (actor.role !== 'supervisor') throw new Forbidden('只有值班长可以查看日报');
}

/** Minutes after local midnight of REPORT_DAILY_AT ('HH:mm', default 07:00); read at call time. */
export function dailyAtMinutes(value = process.env.REPORT_DAILY_AT): number {
  const text = value?.trim() || DEFAULT_DAILY_AT;
  const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (!m) throw new Error(`REPORT_DAILY_AT 应为 HH:mm（北京时间），例如 07:00，而不是 ${JSON.stringify(value)}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** The instant of the daily time on a local date. */
export function dailyRunOn(localDate: string, atMinutes = dailyAtMinutes()): Date {
  return new Date(Date.parse(`${localDate}T00:00:00Z`) - OFFSET_MS + atMinutes * 60_000);
}

/** The first instant strictly after `now` at which the local clock reads the daily time. */
export function nextDailyRun(now: Date, atMinutes = dailyAtMinutes()): Date {
  const at = dailyRunOn(localDateOf(now), atMinutes);
  return at.getTime() > now.getTime() ? at : new Date(at.getTime() + DAY_MS);
}

const dataRoot = () => path.resolve(process.env.DATA_DIR ?? '.data');
const filePath = (sha256: string, format: DailyFormat) => path.join(dataRoot(), 'reports', `${sha256}.${format}`);
const dailyQuery = (day: string): ReportQuery => ({ view: 'department', period: 'day', from: day, to: day });

/**
 * Writes the report of one day: both files first (content-addressed, so a half-written file is never
 * seen), then the day's row; a second run for the same day replaces the row and removes the files it
 * no longer points to.
 */
export async function generateDailyReport(em: EntityManager, day: string, now = new Date()): Promise<DailyReportEntry> {
  if (!isValidLocalDate(day)) throw new Error(`not a day: ${day}`);
  const report = await buildReport(em, REPORT_ACTOR, dailyQuery(day), now);
  const files = { xlsx: await reportToXlsx(report), pdf: await reportToPdf(report) };
  const sha = { xlsx: sha256Of(files.xlsx), pdf: sha256Of(files.pdf) };
  for (const format of DAILY_FORMATS) await writeContentFile(filePath(sha[format], format), files[format], sha[format]);

  const replaced = await inTransaction(em, async (tx) => {
    const old = await one<{ xlsx_sha256: string; pdf_sha256: string }>(
      tx,
      'select xlsx_sha256, pdf_sha256 from daily_report where day = ? for update',
      [day],
    );
    await run(
      tx,
      `insert into daily_report (day, generated_at, xlsx_sha256, xlsx_size, pdf_sha256, pdf_size) values (?, ?, ?, ?, ?, ?)
       on conflict (day) do update set generated_at = excluded.generated_at, xlsx_sha256 = excluded.xlsx_sha256,
         xlsx_size = excluded.xlsx_size, pdf_sha256 = excluded.pdf_sha256, pdf_size = excluded.pdf_size`,
      [day, now, sha.xlsx, files.xlsx.length, sha.pdf, files.pdf.length],
    );
    return old;
  });
  if (replaced) {
    for (const format of DAILY_FORMATS) {
      const oldSha = format === 'xlsx' ? replaced.xlsx_sha256 : replaced.pdf_sha256;
      if (oldSha === sha[format]) continue;
      const [used] = await all<{ n: number }>(
        em,
        `select count(*)::int as n from daily_report where ${format}_sha256 = ?`,
        [oldSha],
      );
      if (!used.n) await unlink(filePath(oldSha, format)).catch(() => {});
    }
  }
  return { day, generatedAt: localDateTime(now), xlsxSize: files.xlsx.length, pdfSize: files.pdf.length };
}

/** The button on /reports/daily: yesterday's report, now. */
export async function generateYesterdayReport(
  em: EntityManager,
  actor: Actor,
  now = new Date(),
): Promise<DailyReportEntry> {
  requireSupervisor(actor);
  return generateDailyReport(em, addDays(localDateOf(now), -1), now);
}

/** Kept daily reports, newest day first. */
export async function listDailyReports(em: EntityManager, actor: Actor): Promise<DailyReportEntry[]> {
  requireSupervisor(actor);
  const rows = await all<{ day: string; generated_at: Date; xlsx_size: number; pdf_size: number }>(
    em,
    `select to_char(day, 'YYYY-MM-DD') as day, generated_at, xlsx_size, pdf_size from daily_report order by day desc limit 400`,
  );
  return rows.map((r) => ({
    day: r.day,
    generatedAt: localDateTime(new Date(r.generated_at)),
    xlsxSize: Number(r.xlsx_size),
    pdfSize: Number(r.pdf_size),
  }));
}

/** One stored file of a daily report, for download. */
export async function dailyReportFile(
  em: EntityManager,
  actor: Actor,
  day: string,
  format: DailyFormat,
  client: RequestClient | null = null,
): Promise<ExportFile> {
  requireSupervisor(actor);
  if (!isValidLocalDate(day) || !DAILY_FORMATS.includes(format)) throw new NotFound('没有这一天的日报');
  const row = await one<{ sha: string }>(em, `select ${format}_sha256 as sha from daily_report where day = ?`, [day]);
  if (!row) throw new NotFound('没有这一天的日报');
  const bytes = await readFile(filePath(row.sha, format)).catch(() => null);
  if (!bytes) throw new NotFound('日报文件已不在存储中');
  await recordSecurityEvent(em, {
    kind: 'export',
    actorId: actor.userId,
    client,
    detail: { what: 'dailyReport', day, format },
  });
  return { bytes, fileName: reportFileName(dailyQuery(day), format), contentType: CONTENT_TYPES[format] };
}

// ---- The morning job -------------------------------------------------------------------------------

/** Queues the next run after `now`, once: the same date's run already waiting makes this a no-op. */
export async function scheduleNextDailyReport(
  boss: PgBoss,
  now = new Date(),
): Promise<{ runAt: Date; runDate: string; queued: boolean }> {
  const runAt = nextDailyRun(now);
  const runDate = localDateOf(runAt);
  const id = await boss.send(DAILY_REPORT_QUEUE, { runDate } satisfies DailyReportJob, {
    startAfter: runAt,
    singletonKey: runDate,
    retryLimit: 5,
    retryDelay: 300,
    retryBackoff: true,
  });
  return { runAt, runDate, queued: id !== null };
}

/**
 * One morning run: the next run is queued first, so a failing report never breaks the chain. It is
 * the run after this run's own morning even if the app's clock lags the database's a little.
 */
export async function runDailyReportJob(
  db: Pick<Database, 'em'>,
  boss: PgBoss,
  job: DailyReportJob,
  now = new Date(),
): Promise<DailyReportEntry> {
  await scheduleNextDailyReport(boss, new Date(Math.max(now.getTime(), dailyRunOn(job.runDate).getTime())));
  return generateDailyReport(db.em(), addDays(job.runDate, -1), now);
}

export async function ensureDailyReportQueue(boss: PgBoss): Promise<void> {
  if (!(await boss.getQueue(DAILY_REPORT_QUEUE))) await boss.createQueue(DAILY_REPORT_QUEUE, { policy: 'exclusive' });
}

/** Registers the worker and makes sure a next run is waiting. */
export async function startDailyReports(
  boss: PgBoss,
  db: Pick<Database, 'em'>,
  opts: { pollingIntervalSeconds: number },
): Promise<void> {
  dailyAtMinutes(); // a bad REPORT_DAILY_AT stops the start, not the first morning
  await ensureDailyReportQueue(boss);
  await boss.work<DailyReportJob>(
    DAILY_REPORT_QUEUE,
    { pollingIntervalSeconds: opts.pollingIntervalSeconds },
    async (jobs) => {
      for (const job of jobs) await runDailyReportJob(db, boss, job.data);
    },
  );
  await scheduleNextDailyReport(boss);
}
