// The evaluation's periodic report for the executive meeting: "生成报告" queues a pg-boss job in the transaction
// that records the request, the worker writes both files (content-addressed under DATA_DIR/reports/, as the daily
// report) and marks the row done, or failed with a reason the page can show. Downloads are security events.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { EntityManager } from '@mikro-orm/sql';
import { fromKysely, type PgBoss } from 'pg-boss';
import type { EvaluationReportState } from '../../entities/policy-evaluation-report';
import type { Actor } from '../../machines/actor';
import { SYSTEM_ACTOR } from '../cases/actor';
import { localDateTime } from '../calendar/working-time';
import { all, inTransaction, one, run } from '../db/sql.server';
import { DomainError, Forbidden, NotFound } from '../domain/errors';
import { can } from '../domain/permissions';
import type { RequestClient } from '../http/client.server';
import { CONTENT_TYPES, type ExportFile, type ExportFormat } from '../reports/export.server';
import { recordSecurityEvent } from '../security/security-log.server';
import { sha256Of, writeContentFile } from '../storage/content-file.server';
import { evaluationPeriods, policyEvaluation } from './evaluation.server';
import { evaluationReportFileName, evaluationToPdf, evaluationToXlsx } from './report-files.server';

export const EVALUATION_REPORT_QUEUE = 'policy-evaluation-report';

export interface EvaluationReportJob {
  reportId: number;
}

export interface EvaluationReportEntry {
  id: number;
  periodLabel: string;
  state: EvaluationReportState;
  requestedBy: string;
  /** City time 'YYYY-MM-DD HH:mm'. */
  requestedAt: string;
  finishedAt: string | null;
  failure: string | null;
  pdfSize: number | null;
  xlsxSize: number | null;
}

/** The job reads every department's figures, as the hotline office does; it has no user of its own. */
const REPORT_ACTOR: Actor = { ...SYSTEM_ACTOR, role: 'supervisor' };

const dataRoot = () => path.resolve(process.env.DATA_DIR ?? '.data');
const filePath = (sha256: string, format: ExportFormat) => path.join(dataRoot(), 'reports', `${sha256}.${format}`);

function requireReporter(actor: Actor) {
  if (!can(actor, 'policy-evaluation:report')) throw new Forbidden('只有热线办可以生成评价报告');
}

/** Records the request and queues its job in one transaction: a request is never left without its job. */
export async function requestEvaluationReport(
  em: EntityManager,
  boss: PgBoss,
  actor: Actor,
  periodId: number,
  now = new Date(),
): Promise<{ id: number }> {
  requireReporter(actor);
  if (!(await evaluationPeriods(em, actor)).some((p) => p.id === periodId)) throw new NotFound('期间不存在');
  await ensureEvaluationReportQueue(boss);
  return inTransaction(em, async (tx) => {
    const row = await one<{ id: number }>(
      tx,
      `insert into policy_evaluation_report (period_id, requested_by_id, requested_at, state)
       values (?, ?, ?, 'queued') returning id`,
      [periodId, actor.userId, now],
    );
    await boss.insert(EVALUATION_REPORT_QUEUE, [{ data: { reportId: row!.id } satisfies EvaluationReportJob }], {
      db: fromKysely(tx.getTransactionContext() as never),
    });
    return { id: row!.id };
  });
}

/**
 * Writes one requested report: running, both files, then done with their hashes. A failure is kept on the row
 * in words (a domain error's message, else a plain sentence); the job is not retried, the office asks again.
 */
export async function runEvaluationReport(em: EntityManager, reportId: number, now = new Date()): Promise<void> {
  const started = await run(
    em,
    `update policy_evaluation_report set state = 'running', started_at = ? where id = ? and state = 'queued'`,
    [now, reportId],
  );
  if (!started) return; // already written, or asked for twice
  try {
    const [row] = await all<{ period_id: number }>(em, 'select period_id from policy_evaluation_report where id = ?', [
      reportId,
    ]);
    const byDepartment = await policyEvaluation(
      em,
      REPORT_ACTOR,
      { periodId: row.period_id, groupBy: 'department' },
      now,
    );
    const byPolicy = await policyEvaluation(em, REPORT_ACTOR, { periodId: row.period_id, groupBy: 'policy' }, now);
    const files = {
      pdf: await evaluationToPdf({ byDepartment, byPolicy }),
      xlsx: await evaluationToXlsx({ byDepartment, byPolicy }),
    };
    const sha = { pdf: sha256Of(files.pdf), xlsx: sha256Of(files.xlsx) };
    for (const format of ['pdf', 'xlsx'] as const)
      await writeContentFile(filePath(sha[format], format), files[format], sha[format]);
    await run(
      em,
      `update policy_evaluation_report set state = 'done', finished_at = ?, pdf_sha256 = ?, pdf_size = ?,
         xlsx_sha256 = ?, xlsx_size = ? where id = ?`,
      [new Date(), sha.pdf, files.pdf.length, sha.xlsx, files.xlsx.length, reportId],
    );
  } catch (err) {
    const failure = err instanceof DomainError ? err.message : '生成报告时出错，请稍后重试或联系管理员';
    if (!(err instanceof DomainError)) console.warn('[policy-evaluation] report failed', err);
    await run(em, `update policy_evaluation_report set state = 'failed', finished_at = ?, failure = ? where id = ?`, [
      new Date(),
      failure,
      reportId,
    ]);
  }
}

/** The reports asked for a period, the latest first. */
export async function listEvaluationReports(
  em: EntityManager,
  actor: Actor,
  periodId: number,
): Promise<EvaluationReportEntry[]> {
  requireReporter(actor);
  const rows = await all<{
    id: number;
    label: string;
    state: EvaluationReportState;
    requested_by: string;
    requested_at: Date | string;
    finished_at: Date | string | null;
    failure: string | null;
    pdf_size: number | null;
    xlsx_size: number | null;
  }>(
    em,
    `select r.id, p.label, r.state, u.display_name as requested_by, r.requested_at, r.finished_at, r.failure,
            r.pdf_size, r.xlsx_size
       from policy_evaluation_report r join policy_period p on p.id = r.period_id
       join app_user u on u.id = r.requested_by_id
      where r.period_id = ? order by r.requested_at desc, r.id desc limit 20`,
    [periodId],
  );
  return rows.map((r) => ({
    id: r.id,
    periodLabel: r.label,
    state: r.state,
    requestedBy: r.requested_by,
    requestedAt: localDateTime(new Date(r.requested_at)),
    finishedAt: r.finished_at ? localDateTime(new Date(r.finished_at)) : null,
    failure: r.failure,
    pdfSize: r.pdf_size,
    xlsxSize: r.xlsx_size,
  }));
}

/** One written file of a report, for download; every download is a security event. */
export async function evaluationReportFile(
  em: EntityManager,
  actor: Actor,
  reportId: number,
  format: ExportFormat,
  client: RequestClient | null = null,
): Promise<ExportFile> {
  requireReporter(actor);
  const row = await one<{ sha: string | null; label: string }>(
    em,
    `select r.${format}_sha256 as sha, p.label from policy_evaluation_report r
       join policy_period p on p.id = r.period_id where r.id = ? and r.state = 'done'`,
    [reportId],
  );
  if (!row?.sha) throw new NotFound('没有这份评价报告');
  const bytes = await readFile(filePath(row.sha, format)).catch(() => null);
  if (!bytes) throw new NotFound('评价报告文件已不在存储中');
  await recordSecurityEvent(em, {
    kind: 'export',
    actorId: actor.userId,
    client,
    detail: { what: 'policyEvaluationReport', reportId, period: row.label, format },
  });
  return {
    bytes,
    fileName: evaluationReportFileName(row.label, format),
    contentType: CONTENT_TYPES[format],
  };
}

export async function ensureEvaluationReportQueue(boss: PgBoss): Promise<void> {
  if (!(await boss.getQueue(EVALUATION_REPORT_QUEUE))) await boss.createQueue(EVALUATION_REPORT_QUEUE);
}

/** Registers the worker that writes the requested reports. */
export async function startEvaluationReports(
  boss: PgBoss,
  em: () => EntityManager,
  opts: { pollingIntervalSeconds: number },
): Promise<void> {
  await ensureEvaluationReportQueue(boss);
  await boss.work<EvaluationReportJob>(EVALUATION_REPORT_QUEUE, opts, async (jobs) => {
    for (const job of jobs) await runEvaluationReport(em(), job.data.reportId);
  });
}
