import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { ApiClientSchema } from './api-client';
import { BaseSchema } from './base';
import { CategorySchema } from './category';
import { CitizenSchema } from './citizen';
import { DepartmentSchema } from './department';
import { GridSchema } from './grid';
import { UserSchema } from './user';
import { APPEAL_TYPES, URGENCIES } from '../machines/appeal-events';

// The machine's events carry type and urgency (RECLASSIFY), so their lists live with the events.
export { APPEAL_TYPES, URGENCIES, type AppealType, type Urgency } from '../machines/appeal-events';
export const APPEAL_SOURCES = ['hotline', 'web', 'patrol', 'wechat', 'api'] as const;
export type AppealSource = (typeof APPEAL_SOURCES)[number];

// The machine snapshot is the truth; phase/sla/assignee/deadline columns mirror it for queries
// and are only ever written together with it by the appeal service.
export const AppealSchema = defineEntity({
  name: 'Appeal',
  tableName: 'appeal',
  extends: BaseSchema,
  indexes: [
    { name: 'appeal_caller_phone_index', properties: ['callerPhone'] },
    // A caller's latest located appeal places him in a district for the eligibility facts, while the phone rings.
    { name: 'appeal_citizen_created_index', properties: ['citizen', 'createdAt'] },
    // Queues ask for a tag (open, needsReviewer, …).
    { name: 'appeal_tags_index', expression: `create index "appeal_tags_index" on "appeal" using gin ("tags")` },
    // Newest-first lists page by (created_at, id).
    {
      name: 'appeal_created_at_index',
      columns: [
        { name: 'created_at', sort: 'DESC' },
        { name: 'id', sort: 'DESC' },
      ],
    },
    // A department's open appeals by deadline (/worklist), whatever the size of the closed history. The query
    // must name the tag exactly as the predicate does (`tags @> '{open}'`) for the planner to use it.
    {
      name: 'appeal_department_open_index',
      properties: ['leadDepartment', 'dueAt', 'id'],
      where: `"tags" @> '{open}'`,
    },
    // One partial index per home-page and board queue, on its keyset columns and with its own predicate, so that a
    // queue's page and its capped count walk only that queue's rows (decision 018). Queries must spell the predicate
    // exactly as here.
    { name: 'appeal_created_by_index', properties: ['createdBy', 'createdAt', 'id'] },
    { name: 'appeal_queue_drafts_index', properties: ['createdBy', 'createdAt', 'id'], where: `"tags" @> '{draft}'` },
    { name: 'appeal_queue_dispatch_index', properties: ['submittedAt', 'id'], where: `"tags" @> '{awaitingDispatch}'` },
    {
      name: 'appeal_queue_reopened_index',
      properties: ['submittedAt', 'id'],
      where: `"tags" @> '{awaitingDispatch}' and ((snapshot->'context'->>'reopenCount')::int) > 0`,
    },
    { name: 'appeal_queue_returns_index', properties: ['createdAt', 'id'], where: `"tags" @> '{returnPending}'` },
    {
      name: 'appeal_queue_accept_index',
      properties: ['leadDepartment', 'createdAt', 'id'],
      where: `"tags" @> '{awaitingAcceptance}'`,
    },
    {
      name: 'appeal_queue_in_hand_index',
      properties: ['leadDepartment', 'dueAt', 'id'],
      where: `"tags" @> '{inHand}'`,
    },
    {
      name: 'appeal_queue_late_index',
      properties: ['dueAt', 'id'],
      where: `"sla" = 'overdue' and "tags" @> '{awaitingAnswer}'`,
    },
    {
      name: 'appeal_queue_late_department_index',
      properties: ['leadDepartment', 'dueAt', 'id'],
      where: `"sla" = 'overdue' and "tags" @> '{awaitingAnswer}'`,
    },
    {
      name: 'appeal_queue_warned_index',
      properties: ['dueAt', 'id'],
      where: `"sla" = 'warned' and "tags" @> '{awaitingAnswer}'`,
    },
    // The duty board's 受理超时: web appeals still in triage past their accept clock.
    {
      name: 'appeal_queue_triage_late_index',
      properties: ['triageDueAt', 'id'],
      where: `"tags" @> '{awaitingDispatch}' and "triage_due_at" is not null`,
    },
    { name: 'appeal_queue_extension_index', properties: ['dueAt', 'id'], where: `"tags" @> '{extensionPending}'` },
    {
      name: 'appeal_queue_escalated_index',
      properties: ['dueAt', 'id'],
      where: `"tags" @> '{open}' and (snapshot->'context'->>'escalation') is not null`,
    },
    { name: 'appeal_queue_review_index', properties: ['createdAt', 'id'], where: `"tags" @> '{awaitingReview}'` },
    {
      name: 'appeal_queue_verification_index',
      properties: ['updatedAt', 'id'],
      where: `"tags" @> '{awaitingVerification}'`,
    },
    { name: 'appeal_queue_callback_index', properties: ['callbackDueAt', 'id'], where: `"tags" @> '{needsCitizen}'` },
    { name: 'appeal_queue_dissatisfied_index', properties: ['createdAt', 'id'], where: `"tags" @> '{dissatisfied}'` },
    {
      name: 'appeal_queue_grid_assigned_index',
      properties: ['assignedGrid', 'createdAt', 'id'],
      where: `"tags" @> '{needsAssignee}'`,
    },
    { name: 'appeal_queue_grid_index', properties: ['grid', 'createdAt', 'id'], where: `"tags" @> '{submitted}'` },
    { name: 'appeal_queue_recent_index', properties: ['createdAt', 'id'], where: `not "tags" @> '{draft}'` },
    // Open311's list of service requests: submitted appeals by when they were requested, newest first.
    { name: 'appeal_open311_requests_index', properties: ['submittedAt', 'id'], where: `not "tags" @> '{draft}'` },
    // The board's chart of who is late: counted from this index alone.
    {
      name: 'appeal_queue_late_holder_index',
      properties: ['leadDepartment', 'assignedGrid', 'sla'],
      where: `"sla" <> 'onTime' and "tags" @> '{awaitingAnswer}'`,
    },
  ],
  properties: {
    number: p.string().length(20).unique(),
    source: p.enum(APPEAL_SOURCES),
    type: p.enum(APPEAL_TYPES),
    urgency: p.enum(URGENCIES),
    category: () => p.manyToOne(CategorySchema),
    citizen: () => p.manyToOne(CitizenSchema).nullable(),
    callerPhone: p.string().length(32).nullable(),
    title: p.string().length(200),
    content: p.text(),
    address: p.string().length(255).nullable(),
    grid: () => p.manyToOne(GridSchema).nullable(),
    lat: p.double().nullable(),
    lng: p.double().nullable(),
    confidential: p.boolean().default(false),
    anonymous: p.boolean().default(false),
    // The staff member who recorded it; none for what a citizen filed on the public site.
    createdBy: () => p.manyToOne(UserSchema).nullable(),
    // The other city system that filed it through the interfaces (source 接口): Open311 or an inbound event.
    apiClient: () => p.manyToOne(ApiClientSchema).nullable(),
    // Set by the intake form once per rendered form, so a double submit creates one appeal, not two.
    requestKey: p.string().length(64).nullable().unique(),
    phase: p.string().length(40).index(),
    sla: p.string().length(16).index(),
    // The machine's tags for the current state (open, closed, needsDispatcher, …): what queries group by.
    tags: p.array().default([]),
    leadDepartment: () => p.manyToOne(DepartmentSchema).nullable().index(),
    assignedGrid: () => p.manyToOne(GridSchema).nullable().index(),
    submittedAt: p.datetime().nullable(),
    acceptDueAt: p.datetime().nullable(),
    /** The web channel's accept clock (受理时限), while the appeal waits in triage; see TRIAGE_LIMITS. */
    triageDueAt: p.datetime().nullable(),
    dueAt: p.datetime().nullable().index(),
    callbackDueAt: p.datetime().nullable(),
    closedAt: p.datetime().nullable(),
    machineVersion: p.integer(),
    snapshot: p.json<Record<string, unknown>>(),
    auditSeq: p.integer().default(0),
    auditHead: p.string().length(64).default(''),
    version: p.integer().version(),
  },
});
export type Appeal = InferEntity<typeof AppealSchema>;
