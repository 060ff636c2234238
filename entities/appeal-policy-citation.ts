import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { AppealSchema } from './appeal';
import { PolicySchema } from './policy';
import { UserSchema } from './user';

// The policy item (条款) an appeal's answer cites: the policy, the published version the operator read and the
// item's number. Written with the appeal's step, in its guarded statement; the step's audit row holds the same.
// The version makes the citation readable after later revisions (policy_version keeps every publication), and
// the policy index lets the evaluation count the consultations each policy received.
export const AppealPolicyCitationSchema = defineEntity({
  name: 'AppealPolicyCitation',
  tableName: 'appeal_policy_citation',
  uniques: [{ name: 'appeal_policy_citation_item_unique', properties: ['appeal', 'policy', 'versionNo', 'itemNo'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    appeal: () => p.manyToOne(AppealSchema).deleteRule('cascade'),
    policy: () => p.manyToOne(PolicySchema).index(),
    versionNo: p.integer(),
    itemNo: p.integer(),
    citedBy: () => p.manyToOne(UserSchema),
    citedAt: p.datetime(),
  },
});
export type AppealPolicyCitation = InferEntity<typeof AppealPolicyCitationSchema>;
