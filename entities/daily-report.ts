import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

// Yesterday's report by department, written by a job every morning. One row per report day: a
// second generation of the same day replaces the files, it never adds a row. The bytes live under
// the data folder, content-addressed (`reports/<sha256>.xlsx|pdf`).
export const DailyReportSchema = defineEntity({
  name: 'DailyReport',
  tableName: 'daily_report',
  properties: {
    day: p.string().columnType('date').primary(),
    generatedAt: p.datetime(),
    xlsxSha256: p.string().length(64),
    xlsxSize: p.integer(),
    pdfSha256: p.string().length(64),
    pdfSize: p.integer(),
  },
});
export type DailyReport = InferEntity<typeof DailyReportSchema>;
