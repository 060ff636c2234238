import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { BaseSchema } from './base';
import { UserSchema } from './user';

// One version of the assessment (考核) rules: the weights of the three rates and the points taken
// off per overdue and per redone appeal, valid from the first day of a month. Versions are only ever
// added: a month is scored with the latest version valid on its first day, so past months keep the
// rules they were scored with and the history stays readable.
export const AssessmentSchemeSchema = defineEntity({
  name: 'AssessmentScheme',
  tableName: 'assessment_scheme',
  extends: BaseSchema,
  properties: {
    /** The first day of the first month scored with these rules (YYYY-MM-01). */
    validFrom: p.string().columnType('date').index(),
    /** Percent of the score; the three add up to 100. */
    responseWeight: p.integer(),
    resolutionWeight: p.integer(),
    satisfactionWeight: p.integer(),
    /** Points off per appeal, in hundredths of a point (150 = 1.5 points). */
    overdueCentipoints: p.integer(),
    redoneCentipoints: p.integer(),
    note: p.string().length(200).nullable(),
    createdBy: () => p.manyToOne(UserSchema).nullable(),
  },
});
export type AssessmentScheme = InferEntity<typeof AssessmentSchemeSchema>;
