import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { DepartmentSchema } from './department';
import { PolicySchema } from './policy';
import { UserSchema } from './user';

// Implementation records (政策落实记录): what the lead departments report, per policy and reporting period, of who
// received what. A period (月度 2026-11, 季度 2026Q4) has its days and the due date of the records; every accepted
// Excel file is a `record_upload`, and each of its rows a `policy_record` naming the policy's published version at
// the time. A person's ID number is stored only sealed with its blind index, as the citizens' are (decision 016).

export const PERIOD_KINDS = ['month', 'quarter'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];
export const BENEFICIARY_KINDS = ['person', 'firm'] as const;
export type BeneficiaryKind = (typeof BENEFICIARY_KINDS)[number];
/** 免申即享 (paid from shared data) or 依申请 (paid on application). */
export const PAYMENT_WAYS = ['withoutApplication', 'onApplication'] as const;
export type PaymentWay = (typeof PAYMENT_WAYS)[number];

export const PolicyPeriodSchema = defineEntity({
  name: 'PolicyPeriod',
  tableName: 'policy_period',
  properties: {
    id: p.integer().primary().autoincrement(),
    // 2026-11 or 2026Q4: the days follow from it.
    label: p.string().length(7).unique(),
    kind: p.enum(PERIOD_KINDS),
    startsOn: p.date(),
    endsOn: p.date(),
    // The last day on which the records of the period are on time.
    dueOn: p.date(),
    createdAt: p.datetime(),
    createdBy: () => p.manyToOne(UserSchema),
  },
});
export type PolicyPeriod = InferEntity<typeof PolicyPeriodSchema>;

// One accepted file: who sent it for which department and period, its name, rows, amount and the policies in it.
export const RecordUploadSchema = defineEntity({
  name: 'RecordUpload',
  tableName: 'record_upload',
  indexes: [{ properties: ['period', 'department'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    period: () => p.manyToOne(PolicyPeriodSchema),
    department: () => p.manyToOne(DepartmentSchema),
    uploadedBy: () => p.manyToOne(UserSchema),
    uploadedAt: p.datetime(),
    fileName: p.string().length(255),
    sha256: p.string().length(64),
    rowCount: p.integer(),
    totalAmount: p.decimal('string').precision(14).scale(2),
    // The policies the file reported on, by id.
    policyIds: p.json<number[]>(),
  },
});
export type RecordUpload = InferEntity<typeof RecordUploadSchema>;

// One beneficiary's payment under a policy in a period. `beneficiaryKey` names the beneficiary once per policy and
// period: the ID number's blind index for a person, the credit code for a firm.
export const PolicyRecordSchema = defineEntity({
  name: 'PolicyRecord',
  tableName: 'policy_record',
  uniques: [{ name: 'policy_record_beneficiary_unique', properties: ['period', 'policy', 'beneficiaryKey'] }],
  indexes: [{ properties: ['policy', 'period'] }, { properties: ['upload'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    period: () => p.manyToOne(PolicyPeriodSchema),
    policy: () => p.manyToOne(PolicySchema),
    // The policy's published version when the record was reported.
    policyVersion: p.integer(),
    upload: () => p.manyToOne(RecordUploadSchema),
    // The row of the file it came from, so a question about it finds the line.
    sourceRow: p.integer(),
    beneficiaryKind: p.enum(BENEFICIARY_KINDS),
    name: p.string().length(100),
    idNumberSealed: p.text().nullable(),
    creditCode: p.string().length(18).nullable().index(),
    beneficiaryKey: p.string().length(64),
    phone: p.string().length(32).index(),
    amount: p.decimal('string').precision(12).scale(2),
    paidOn: p.date(),
    way: p.enum(PAYMENT_WAYS),
  },
});
export type PolicyRecord = InferEntity<typeof PolicyRecordSchema>;
