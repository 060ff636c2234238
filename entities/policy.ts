import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { auditTrail } from './audit-event';
import { BaseSchema } from './base';
import { DepartmentSchema } from './department';
import { UserSchema } from './user';

// The policy catalogue (政策库). `policy` is the working copy a lead department maintains, with the machine
// snapshot and its mirrored phase and tags; `policy_item` its items (条款) in order; `policy_version` a frozen
// copy of every published version, so an appeal that cited item 3 of version 2 can still show it after
// version 3 is out. The public list and the operator's search read the current version (`current`).

export const POLICY_LEVELS = ['national', 'provincial', 'city', 'district'] as const;
export type PolicyLevel = (typeof POLICY_LEVELS)[number];
/** 惠民, 惠企, 惠人才, 惠招商, 惠金融. */
export const POLICY_DOMAINS = ['people', 'enterprise', 'talent', 'investment', 'finance'] as const;
export type PolicyDomain = (typeof POLICY_DOMAINS)[number];

export interface PolicyLiaison {
  name: string;
  phone: string;
}

export const PolicySchema = defineEntity({
  name: 'Policy',
  tableName: 'policy',
  extends: BaseSchema,
  properties: {
    // 政策编号 in the catalogue (ZC-0001): how the audit chain check and people name a policy.
    number: p.string().length(20).unique(),
    title: p.string().length(200),
    level: p.enum(POLICY_LEVELS),
    domain: p.enum(POLICY_DOMAINS),
    // 发文字号, e.g. 豫政办〔2022〕78号.
    documentNumber: p.string().length(60).nullable(),
    leadDepartment: () => p.manyToOne(DepartmentSchema).index(),
    cooperatingDepartments: () => p.manyToMany(DepartmentSchema).pivotTable('policy_cooperating').owner(),
    // 政策联络员: one or more, each a name and a phone.
    liaisons: p.json<PolicyLiaison[]>(),
    // 首席代表: a staff account of the lead department, so a consultation handed over lands with a person.
    chiefRepresentative: () => p.manyToOne(UserSchema).nullable(),
    // 免申即享: paid from shared data without an application.
    withoutApplication: p.boolean().default(false),
    eligibility: p.text(),
    // The eligibility rule in json-logic form over a person's or a firm's facts; evaluated elsewhere.
    rule: p.json<Record<string, unknown>>().nullable(),
    benefit: p.text(),
    validFrom: p.date().nullable(),
    validTo: p.date().nullable(),
    keywords: p.array().default([]),
    phase: p.string().length(40),
    tags: p.array().default([]),
    machineVersion: p.integer(),
    snapshot: p.json<Record<string, unknown>>(),
    // Published versions so far (0 before the first publication).
    publishedVersion: p.integer().default(0),
    version: p.integer().default(1),
    auditSeq: p.integer().default(0),
    auditHead: p.string().length(64).default(''),
  },
});
export type Policy = InferEntity<typeof PolicySchema>;

// An item (条款) of the working copy, numbered 1, 2, 3 … in reading order.
export const PolicyItemSchema = defineEntity({
  name: 'PolicyItem',
  tableName: 'policy_item',
  extends: BaseSchema,
  uniques: [{ properties: ['policy', 'no'] }],
  properties: {
    policy: () => p.manyToOne(PolicySchema).deleteRule('cascade'),
    no: p.integer(),
    text: p.text(),
  },
});
export type PolicyItem = InferEntity<typeof PolicyItemSchema>;

// A published version, frozen: the policy as it read (items included) and its search tokens. Never changed
// after it is written, except `current`, which passes to the next version and is cleared on retirement.
export const PolicyVersionSchema = defineEntity({
  name: 'PolicyVersion',
  tableName: 'policy_version',
  uniques: [{ properties: ['policy', 'versionNo'] }],
  indexes: [
    // The operator's search: every current version holding all the query's tokens.
    {
      name: 'policy_version_search_index',
      expression: `create index "policy_version_search_index" on "policy_version" using gin ("search_tokens") where "current"`,
    },
    // At most one current version per policy.
    {
      name: 'policy_version_current_unique',
      expression: `create unique index "policy_version_current_unique" on "policy_version" ("policy_id") where "current"`,
    },
  ],
  properties: {
    id: p.integer().primary().autoincrement(),
    policy: () => p.manyToOne(PolicySchema),
    versionNo: p.integer(),
    content: p.json<Record<string, unknown>>(),
    publishedAt: p.datetime(),
    publishedBy: () => p.manyToOne(UserSchema).nullable(),
    current: p.boolean().default(false),
    // Title, document number, keywords, departments and items as one text, for the exact-substring check.
    searchText: p.text(),
    // Every overlapping pair of Chinese characters and every latin word or number of `searchText` (decision 026).
    searchTokens: p.array().default([]),
  },
});
export type PolicyVersion = InferEntity<typeof PolicyVersionSchema>;

// The policy's audit trail: who changed what, append-only and hash-chained per policy like the cases' trails.
export const PolicyEventSchema = defineEntity({
  name: 'PolicyEvent',
  ...auditTrail('policy_event', 'policy'),
  properties: {
    policy: () => p.manyToOne(PolicySchema),
  },
});
export type PolicyEvent = InferEntity<typeof PolicyEventSchema>;

// A file kept with a policy (the issuing document, an application form): stored content-addressed like the
// appeals' attachments; a publication lists the policy's files in its frozen version.
export const PolicyAttachmentSchema = defineEntity({
  name: 'PolicyAttachment',
  tableName: 'policy_attachment',
  extends: BaseSchema,
  properties: {
    policy: () => p.manyToOne(PolicySchema).index(),
    fileName: p.string().length(255),
    contentType: p.string().length(100),
    size: p.integer(),
    sha256: p.string().length(64),
    storagePath: p.string().length(500),
    uploadedBy: () => p.manyToOne(UserSchema),
  },
});
export type PolicyAttachment = InferEntity<typeof PolicyAttachmentSchema>;
