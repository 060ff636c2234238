import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { AppealSchema } from './appeal';
import { auditTrail } from './audit-event';
import { BaseSchema } from './base';
import { DepartmentSchema } from './department';
import { PolicySchema } from './policy';
import { PolicyPeriodSchema, PolicyRecordSchema } from './policy-record';
import { UserSchema } from './user';

// Beneficiary callbacks (回访核实): the hotline calls a seeded sample of a period's implementation records back to
// check the benefit arrived. A draw (`callback_sample`) is made once per period; each drawn record is a small case
// whose machine snapshot is the truth, the columns mirroring it for the queue and the evaluation.

export const CALLBACK_OUTCOMES = ['confirmed', 'problem', 'unreachable', 'cancelled'] as const;
export type CallbackOutcome = (typeof CALLBACK_OUTCOMES)[number];

export const CallbackSampleSchema = defineEntity({
  name: 'CallbackSample',
  tableName: 'callback_sample',
  properties: {
    id: p.integer().primary().autoincrement(),
    // One draw per period: a second one is refused, so the sample stays what its seed reproduces.
    period: () => p.manyToOne(PolicyPeriodSchema).unique(),
    seed: p.string().length(64),
    // The share of each policy × lead department's records drawn (0.05 = 5 %) and the least drawn of each.
    share: p.decimal('number').precision(5).scale(4),
    minimum: p.integer(),
    drawnCount: p.integer(),
    drawnBy: () => p.manyToOne(UserSchema),
    drawnAt: p.datetime(),
  },
});
export type CallbackSample = InferEntity<typeof CallbackSampleSchema>;

export const BeneficiaryCallbackSchema = defineEntity({
  name: 'BeneficiaryCallback',
  tableName: 'beneficiary_callback',
  extends: BaseSchema,
  indexes: [
    // The callback queue: open callbacks by due time (queries name the tag exactly as the predicate does).
    { name: 'beneficiary_callback_open_index', properties: ['dueAt', 'id'], where: `"tags" @> '{open}'` },
    { properties: ['period', 'policy', 'department'] },
  ],
  properties: {
    sample: () => p.manyToOne(CallbackSampleSchema),
    period: () => p.manyToOne(PolicyPeriodSchema),
    policy: () => p.manyToOne(PolicySchema),
    // The policy's lead department when the sample was drawn: the department a problem is sent to and scored for.
    department: () => p.manyToOne(DepartmentSchema),
    record: () => p.manyToOne(PolicyRecordSchema).unique(),
    phone: p.string().length(32),
    phase: p.string().length(40),
    // The machine's tags for the current state (open, closed, awaitingCall, overdue, …).
    tags: p.array().default([]),
    outcome: p.enum(CALLBACK_OUTCOMES).nullable(),
    received: p.boolean().nullable(),
    amountRight: p.boolean().nullable(),
    onTime: p.boolean().nullable(),
    satisfaction: p.string().length(32).nullable(),
    // Failed attempts (no answer, busy) so far.
    attempts: p.integer().default(0),
    // The complaint appeal a problem opened.
    appeal: () => p.manyToOne(AppealSchema).nullable(),
    dueAt: p.datetime(),
    drawnAt: p.datetime(),
    closedAt: p.datetime().nullable(),
    assignedTo: () => p.manyToOne(UserSchema).nullable(),
    machineVersion: p.integer(),
    snapshot: p.json<Record<string, unknown>>(),
    version: p.integer().default(1),
    auditSeq: p.integer().default(0),
    auditHead: p.string().length(64).default(''),
  },
});
export type BeneficiaryCallback = InferEntity<typeof BeneficiaryCallbackSchema>;

// The callback's audit trail: append-only and hash-chained per callback, like appeal_event.
export const BeneficiaryCallbackEventSchema = defineEntity({
  name: 'BeneficiaryCallbackEvent',
  ...auditTrail('beneficiary_callback_event', 'callback'),
  properties: {
    callback: () => p.manyToOne(BeneficiaryCallbackSchema),
  },
});
export type BeneficiaryCallbackEvent = InferEntity<typeof BeneficiaryCallbackEventSchema>;
