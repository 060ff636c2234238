import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { POLICY_COMPLAINT_KINDS } from '../machines/appeal-events';
import { AppealSchema } from './appeal';
import { PolicySchema } from './policy';
import { PolicyRecordSchema } from './policy-record';
import { UserSchema } from './user';

// What an appeal is about when it is about a policy (免申即享 channel): a consultation handed to the lead
// department's chief representative, or a complaint about the policy's delivery (异议处置: not received, wrong
// amount, refused, favouritism), maybe about one implementation record. One per appeal, written in the step that
// makes the appeal about the policy; the evaluation counts consultations and complaints per policy from here.
export const APPEAL_POLICY_REASONS = ['consultation', 'complaint'] as const;
export type AppealPolicyReason = (typeof APPEAL_POLICY_REASONS)[number];
export { POLICY_COMPLAINT_KINDS, type PolicyComplaintKind } from '../machines/appeal-events';

export const AppealPolicySchema = defineEntity({
  name: 'AppealPolicy',
  tableName: 'appeal_policy',
  indexes: [{ properties: ['policy', 'reason'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    appeal: () => p.manyToOne(AppealSchema).deleteRule('cascade').unique(),
    policy: () => p.manyToOne(PolicySchema),
    // The implementation record a complaint is about (a beneficiary callback's problem, or named at intake).
    record: () => p.manyToOne(PolicyRecordSchema).nullable().index(),
    reason: p.enum(APPEAL_POLICY_REASONS),
    // What went wrong, for a complaint; null for a consultation.
    complaintKind: p.enum(POLICY_COMPLAINT_KINDS).nullable(),
    createdBy: () => p.manyToOne(UserSchema),
    createdAt: p.datetime(),
  },
});
export type AppealPolicy = InferEntity<typeof AppealPolicySchema>;
