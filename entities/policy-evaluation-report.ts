import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { PolicyPeriodSchema } from './policy-record';
import { UserSchema } from './user';

// The evaluation's periodic report for the executive meeting (常务会议): asked for on the page, written by a job
// (PDF and Excel), kept under the data folder content-addressed (`reports/<sha256>.pdf|xlsx`) as the daily report
// is. `state` is the job's progress as the page shows it: queued → running → done, or failed with its reason.
export const EVALUATION_REPORT_STATES = ['queued', 'running', 'done', 'failed'] as const;
export type EvaluationReportState = (typeof EVALUATION_REPORT_STATES)[number];

export const PolicyEvaluationReportSchema = defineEntity({
  name: 'PolicyEvaluationReport',
  tableName: 'policy_evaluation_report',
  indexes: [{ properties: ['period', 'requestedAt'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    period: () => p.manyToOne(PolicyPeriodSchema),
    requestedBy: () => p.manyToOne(UserSchema),
    requestedAt: p.datetime(),
    state: p.enum(EVALUATION_REPORT_STATES),
    startedAt: p.datetime().nullable(),
    finishedAt: p.datetime().nullable(),
    // Why it failed, in words for the page (never a stack trace).
    failure: p.text().nullable(),
    pdfSha256: p.string().length(64).nullable(),
    pdfSize: p.integer().nullable(),
    xlsxSha256: p.string().length(64).nullable(),
    xlsxSize: p.integer().nullable(),
  },
});
export type PolicyEvaluationReport = InferEntity<typeof PolicyEvaluationReportSchema>;
