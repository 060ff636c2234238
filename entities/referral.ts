import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { AppealSchema } from './appeal';
import { auditTrail } from './audit-event';
import { BaseSchema } from './base';
import { DepartmentSchema } from './department';
import { UserSchema } from './user';
import { REFERRAL_KINDS } from '../machines/appeal-events';

// A referral case (mediation, legal aid, arbitration, counselling) linked to the appeal it came
// from. Like the appeal, the machine snapshot is the truth and the columns mirror it for queues.
export const ReferralSchema = defineEntity({
  name: 'Referral',
  tableName: 'referral',
  extends: BaseSchema,
  indexes: [
    // An agency's open cases by their nearest legal deadline (queries name the tag as the predicate does).
    { name: 'referral_agency_open_index', properties: ['agency', 'nextDueAt', 'id'], where: `"tags" @> '{open}'` },
  ],
  properties: {
    number: p.string().length(20).unique(),
    appeal: () => p.manyToOne(AppealSchema).index(),
    kind: p.enum(REFERRAL_KINDS),
    agency: () => p.manyToOne(DepartmentSchema),
    // The failed mediation this case was handed on from.
    parent: () => p.manyToOne(ReferralSchema).nullable(),
    phase: p.string().length(40).index(),
    // The machine's tags for the current state (open, closed, …): what queries group by.
    tags: p.array().default([]),
    machineVersion: p.integer(),
    snapshot: p.json<Record<string, unknown>>(),
    handler: () => p.manyToOne(UserSchema).nullable(),
    // The earliest running legal clock, and whether any clock is warned or overdue.
    nextDueAt: p.datetime().nullable(),
    clockState: p.string().length(16),
    outcome: p.string().length(16).nullable(),
    closedAt: p.datetime().nullable(),
    referredBy: () => p.manyToOne(UserSchema),
    note: p.text().nullable(),
    version: p.integer().default(1),
    auditSeq: p.integer().default(0),
    auditHead: p.string().length(64).default(''),
  },
});
export type Referral = InferEntity<typeof ReferralSchema>;

// The referral's audit trail: append-only and hash-chained per referral, like appeal_event.
export const ReferralEventSchema = defineEntity({
  name: 'ReferralEvent',
  ...auditTrail('referral_event', 'referral'),
  properties: {
    referral: () => p.manyToOne(ReferralSchema),
  },
});
export type ReferralEvent = InferEntity<typeof ReferralEventSchema>;

// Files kept with a referral case: evidence, IDs, signed agreements, court rulings.
export const REFERRAL_DOCUMENT_KINDS = ['evidence', 'identity', 'agreement', 'ruling', 'other'] as const;
export const ReferralDocumentSchema = defineEntity({
  name: 'ReferralDocument',
  tableName: 'referral_document',
  extends: BaseSchema,
  properties: {
    referral: () => p.manyToOne(ReferralSchema).index(),
    kind: p.enum(REFERRAL_DOCUMENT_KINDS),
    fileName: p.string().length(255),
    contentType: p.string().length(100),
    size: p.integer(),
    sha256: p.string().length(64),
    storagePath: p.string().length(500),
    uploadedBy: () => p.manyToOne(UserSchema),
  },
});
export type ReferralDocument = InferEntity<typeof ReferralDocumentSchema>;
