import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import type { Actor } from '../../machines/actor';
import {
  POLICY_MACHINE_VERSION,
  acceptedPolicyEvents,
  applyPolicyEvent,
  createPolicySnapshot,
  maintains,
  persistPolicySnapshot,
  policyPhaseOf,
  policyTagsOf,
  restorePolicySnapshot,
  type PolicyEvent,
  type PolicyEventType,
  type PolicySnapshot,
} from '../../machines/policy';
import {
  POLICY_DOMAINS,
  POLICY_LEVELS,
  type PolicyDomain,
  type PolicyLevel,
  type PolicyLiaison,
} from '../../entities/policy';
import { isValidLocalDate } from '../calendar/working-time';
import {
  appendAuditParams,
  appendAuditSql,
  auditHash,
  hashedRow,
  type AuditRow,
  type AuditTrail,
} from '../cases/audit-chain';
import { all, inTransaction, jsonb, one, run, textArray } from '../db/sql.server';
import { can } from '../domain/permissions';
import { Conflict, Forbidden, InvalidInput, NotFound, parseInput } from '../domain/errors';
import { checkFile, readStoredFile, storeFile, type UploadedFile } from '../storage/stored-file.server';
import { indexTokens } from './search-tokens';

// The policy catalogue's write side: the lead department's staff and the admin write a policy and its items,
// and publish, revise and retire it through the policy machine. Every step is one version-guarded statement
// on the policy with its audit row hash-chained onto the policy's trail, in one transaction; a publication
// also freezes the version (items included) into policy_version, which the public and the search read.

export const POLICY_TRAIL: AuditTrail = {
  caseTable: 'policy',
  table: 'policy_event',
  key: 'policy_id',
  keyProp: 'policyId',
  extra: {},
  noun: 'the policy',
};

export const MAX_POLICY_ITEMS = 200;

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const asList = (v: unknown) => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
const id = (message: string) => z.coerce.number({ message }).int(message).positive(message);
const localDay = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD')
  .refine(isValidLocalDate, '日期不存在');
const PHONE = /^(1\d{10}|0\d{2,3}-?\d{7,8}|\d{5,8})$/;

/** What a maintainer submits: the policy's fields, its items in order, its liaisons as name/phone pairs. */
export const policyInput = z
  .object({
    title: z.string({ message: '此项为必填' }).trim().min(2, '标题至少 2 个字').max(200, '标题最多 200 个字'),
    level: z.enum(POLICY_LEVELS, { message: '请选择政策层级' }),
    domain: z.enum(POLICY_DOMAINS, { message: '请选择政策领域' }),
    documentNumber: z.preprocess(blank, z.string().trim().max(60, '文号最多 60 个字').optional()),
    leadDepartmentId: z.preprocess(blank, id('请选择牵头单位')),
    cooperatingDepartmentIds: z.preprocess(
      (v) => asList(v).filter((x) => blank(x) !== undefined),
      z.array(id('配合单位无效')).max(20, '配合单位最多 20 个'),
    ),
    liaisons: z
      .array(
        z.object({
          name: z.string().trim().min(2, '联络员姓名至少 2 个字').max(40, '联络员姓名最多 40 个字'),
          phone: z.string().trim().regex(PHONE, '联络员电话格式不正确'),
        }),
      )
      .min(1, '至少填写一名政策联络员')
      .max(10, '政策联络员最多 10 名'),
    chiefRepresentativeId: z.preprocess(blank, id('首席代表无效').optional()),
    withoutApplication: z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean()),
    eligibility: z
      .string({ message: '此项为必填' })
      .trim()
      .min(4, '享受条件至少 4 个字')
      .max(4000, '享受条件最多 4000 字'),
    rule: z.preprocess(
      blank,
      z
        .string()
        .max(20000, '规则最多 20000 个字符')
        .transform((s, ctx) => {
          try {
            const value: unknown = JSON.parse(s);
            if (typeof value === 'object' && value !== null && !Array.isArray(value))
              return value as Record<string, unknown>;
          } catch {
            // reported below
          }
          ctx.addIssue({ code: 'custom', message: '规则须为 JSON 对象，如 {">=":[{"var":"age"},80]}' });
          return z.NEVER;
        })
        .optional(),
    ),
    benefit: z.string({ message: '此项为必填' }).trim().min(2, '享受内容至少 2 个字').max(4000, '享受内容最多 4000 字'),
    validFrom: z.preprocess(blank, localDay.optional()),
    validTo: z.preprocess(blank, localDay.optional()),
    keywords: z.preprocess(
      (v) =>
        typeof v === 'string'
          ? [
              ...new Set(
                v
                  .split(/[\s,，、;；]+/u)
                  .map((k) => k.trim())
                  .filter(Boolean),
              ),
            ]
          : asList(v),
      z.array(z.string().max(20, '关键词每个最多 20 个字')).max(20, '关键词最多 20 个'),
    ),
    items: z.preprocess(
      (v) =>
        asList(v)
          .map((x) => (typeof x === 'string' ? x.trim() : x))
          .filter((x) => x !== ''),
      z.array(z.string().max(4000, '条款每条最多 4000 字')).max(MAX_POLICY_ITEMS, `条款最多 ${MAX_POLICY_ITEMS} 条`),
    ),
  })
  .refine((p) => !p.validFrom || !p.validTo || p.validFrom <= p.validTo, {
    path: ['validTo'],
    message: '失效日期不能早于生效日期',
  })
  .refine((p) => !p.cooperatingDepartmentIds.includes(p.leadDepartmentId), {
    path: ['cooperatingDepartmentIds'],
    message: '牵头单位不能同时是配合单位',
  });
export type PolicyInput = z.output<typeof policyInput>;

/** A submitted form as the schema reads it: repeated fields (items, liaisons, departments) as lists. */
export function policyFormValues(form: FormData): Record<string, unknown> {
  const names = form.getAll('liaisonName').map(String);
  const phones = form.getAll('liaisonPhone').map(String);
  const liaisons = names
    .map((name, i) => ({ name, phone: phones[i] ?? '' }))
    .filter((l) => l.name.trim() !== '' || l.phone.trim() !== '');
  return {
    ...Object.fromEntries(form),
    cooperatingDepartmentIds: form.getAll('cooperatingDepartmentIds'),
    items: form.getAll('items'),
    liaisons,
  };
}

const refused = (field: string, message: string) => new InvalidInput('请检查填写的内容', { [field]: [message] });

async function checkReferences(tx: EntityManager, p: PolicyInput) {
  const depts = await all<{ id: number }>(
    tx,
    `select id from department where active and kind in ('city', 'district', 'functional') and id in (?)`,
    [[p.leadDepartmentId, ...p.cooperatingDepartmentIds]],
  );
  const ok = new Set(depts.map((d) => d.id));
  if (!ok.has(p.leadDepartmentId)) throw refused('leadDepartmentId', '牵头单位不存在或已停用');
  if (p.cooperatingDepartmentIds.some((d) => !ok.has(d)))
    throw refused('cooperatingDepartmentIds', '有配合单位不存在或已停用');
  if (new Set(p.cooperatingDepartmentIds).size !== p.cooperatingDepartmentIds.length)
    throw refused('cooperatingDepartmentIds', '配合单位不能重复');
  if (p.chiefRepresentativeId) {
    const u = await one(tx, 'select 1 from app_user where id = ? and active and department_id = ?', [
      p.chiefRepresentativeId,
      p.leadDepartmentId,
    ]);
    if (!u) throw refused('chiefRepresentativeId', '首席代表须为牵头单位的在岗人员');
  }
}

export interface PolicyItemView {
  no: number;
  text: string;
}

/** A file kept with the policy, as lists show it. */
export interface PolicyFile {
  id: number;
  fileName: string;
  size: number;
}

/** The policy as its maintainers read it: the working copy, its phase and what may be done next. */
export interface PolicyDetail {
  id: number;
  number: string;
  title: string;
  level: PolicyLevel;
  domain: PolicyDomain;
  documentNumber: string | null;
  leadDepartmentId: number;
  leadDepartment: string;
  cooperating: { id: number; name: string }[];
  liaisons: PolicyLiaison[];
  chiefRepresentative: { id: number; name: string; phone: string | null } | null;
  withoutApplication: boolean;
  eligibility: string;
  rule: Record<string, unknown> | null;
  benefit: string;
  validFrom: string | null;
  validTo: string | null;
  keywords: string[];
  items: PolicyItemView[];
  attachments: PolicyFile[];
  phase: string;
  tags: string[];
  publishedVersion: number;
  version: number;
  updatedAt: string;
}

const DETAIL = `select p.id, p.number, p.title, p.level, p.domain, p.document_number, p.lead_department_id,
       ld.name as lead_department, p.liaisons, p.chief_representative_id, cu.display_name as chief_name,
       cu.phone as chief_phone, p.without_application, p.eligibility, p.rule, p.benefit,
       p.valid_from::text as valid_from, p.valid_to::text as valid_to, p.keywords, p.phase, p.tags,
       p.published_version, p.version, p.updated_at, p.snapshot, p.audit_seq, p.audit_head,
       coalesce((select json_agg(json_build_object('id', d.id, 'name', d.name) order by d.code)
                   from policy_cooperating c join department d on d.id = c.department_id
                  where c.policy_id = p.id), '[]') as cooperating,
       coalesce((select json_agg(json_build_object('no', i.no, 'text', i.text) order by i.no)
                   from policy_item i where i.policy_id = p.id), '[]') as items,
       coalesce((select json_agg(json_build_object('id', f.id, 'fileName', f.file_name, 'size', f.size) order by f.id)
                   from policy_attachment f where f.policy_id = p.id), '[]') as attachments
  from policy p join department ld on ld.id = p.lead_department_id
  left join app_user cu on cu.id = p.chief_representative_id`;

type Loaded = PolicyDetail & { snapshot: unknown; auditSeq: number; auditHead: string };

function detailOf(r: Record<string, unknown>): Loaded {
  return {
    id: r.id as number,
    number: r.number as string,
    title: r.title as string,
    level: r.level as PolicyLevel,
    domain: r.domain as PolicyDomain,
    documentNumber: (r.document_number as string | null) ?? null,
    leadDepartmentId: r.lead_department_id as number,
    leadDepartment: r.lead_department as string,
    cooperating: jsonb<{ id: number; name: string }[]>(r.cooperating),
    liaisons: jsonb<PolicyLiaison[]>(r.liaisons),
    chiefRepresentative: r.chief_representative_id
      ? {
          id: r.chief_representative_id as number,
          name: r.chief_name as string,
          phone: (r.chief_phone as string | null) ?? null,
        }
      : null,
    withoutApplication: r.without_application as boolean,
    eligibility: r.eligibility as string,
    rule: r.rule == null ? null : jsonb<Record<string, unknown>>(r.rule),
    benefit: r.benefit as string,
    validFrom: (r.valid_from as string | null) ?? null,
    validTo: (r.valid_to as string | null) ?? null,
    keywords: (r.keywords as string[]) ?? [],
    items: jsonb<PolicyItemView[]>(r.items),
    attachments: jsonb<PolicyFile[]>(r.attachments),
    phase: r.phase as string,
    tags: (r.tags as string[]) ?? [],
    publishedVersion: r.published_version as number,
    version: r.version as number,
    updatedAt: new Date(r.updated_at as string).toISOString(),
    snapshot: jsonb(r.snapshot),
    auditSeq: r.audit_seq as number,
    auditHead: r.audit_head as string,
  };
}

async function load(tx: EntityManager, policyId: number): Promise<Loaded> {
  const r = await one(tx, `${DETAIL} where p.id = ?`, [policyId]);
  if (!r) throw new NotFound('政策不存在');
  return detailOf(r);
}

function requireMaintainer(actor: Actor) {
  if (!can(actor, 'policies:maintain')) throw new Forbidden('无权维护政策库');
}

function requireScope(actor: Actor, leadDepartmentId: number) {
  if (!maintains(actor, leadDepartmentId)) throw new Forbidden('只能维护本单位牵头的政策');
}

const strip = ({ snapshot: _s, auditSeq: _a, auditHead: _h, ...detail }: Loaded): PolicyDetail => detail;

/** The fields an audit row compares, before and after a change. */
function auditedFields(p: PolicyDetail) {
  return {
    title: p.title,
    level: p.level,
    domain: p.domain,
    documentNumber: p.documentNumber,
    leadDepartmentId: p.leadDepartmentId,
    cooperatingDepartmentIds: p.cooperating.map((c) => c.id),
    liaisons: p.liaisons,
    chiefRepresentativeId: p.chiefRepresentative?.id ?? null,
    withoutApplication: p.withoutApplication,
    eligibility: p.eligibility,
    rule: p.rule,
    benefit: p.benefit,
    validFrom: p.validFrom,
    validTo: p.validTo,
    keywords: p.keywords,
    items: p.items,
  };
}

function changesOf(before: PolicyDetail, after: PolicyDetail): Record<string, { from: unknown; to: unknown }> {
  const a = auditedFields(before);
  const b = auditedFields(after);
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of Object.keys(a) as (keyof typeof a)[])
    if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) out[key] = { from: a[key], to: b[key] };
  return out;
}

interface StepWrite {
  type: PolicyEventType | 'CREATE';
  actor: Actor;
  at: Date;
  fromPhase: string | null;
  next: PolicySnapshot;
  payload: Record<string, unknown>;
}

/** The version-guarded write of one step: machine columns, audit chain head, and the audit row. */
async function writeStep(tx: EntityManager, before: Loaded, step: StepWrite): Promise<void> {
  const row: AuditRow = {
    seq: before.auditSeq + 1,
    type: step.type,
    actorId: step.actor.userId,
    actorRole: step.actor.role,
    at: step.at,
    fromPhase: step.fromPhase,
    toPhase: policyPhaseOf(step.next),
    payload: step.payload,
  };
  const hash = auditHash(before.auditHead, hashedRow(POLICY_TRAIL, before.id, row));
  const updated = await run(
    tx,
    `update policy set phase = ?, tags = ?::text[], snapshot = ?, machine_version = ?, published_version = ?,
            version = version + 1, audit_seq = ?, audit_head = ?, updated_at = ?
      where id = ? and version = ?`,
    [
      policyPhaseOf(step.next),
      textArray(policyTagsOf(step.next)),
      JSON.stringify(persistPolicySnapshot(step.next)),
      POLICY_MACHINE_VERSION,
      step.next.context.version,
      row.seq,
      hash,
      step.at,
      before.id,
      before.version,
    ],
  );
  if (!updated) throw new Conflict('该政策已被他人修改，请刷新后重试', 'stale');
  await run(tx, appendAuditSql(POLICY_TRAIL, '(select ?::int as id) as s'), [
    ...appendAuditParams(POLICY_TRAIL, row, before.auditHead, hash),
    before.id,
  ]);
}

function expectVersion(p: Loaded, expected: number | undefined) {
  if (expected !== undefined && expected !== p.version) throw new Conflict('该政策已被他人修改，请刷新后重试', 'stale');
}

/** Refuses a step the machine does not take: 403 when the actor may not, 409 when the policy's state does not allow it. */
function stepOrRefuse(snapshot: PolicySnapshot, event: PolicyEvent, lead: number): PolicySnapshot {
  const { accepted, next } = applyPolicyEvent(snapshot, event);
  if (accepted) return next;
  if (!maintains(event.actor, lead)) throw new Forbidden('只能维护本单位牵头的政策');
  if (event.type === 'PUBLISH' && event.itemCount === 0 && snapshot.hasTag('editable'))
    throw new InvalidInput('请至少填写一条政策条款后再发布', { items: ['请至少填写一条政策条款'] });
  if (event.type === 'EDIT' && snapshot.hasTag('editable'))
    throw refused('leadDepartmentId', '只能选择本单位作为牵头单位');
  throw new Conflict(
    snapshot.hasTag('editable') || event.type !== 'EDIT'
      ? '该政策当前状态不能执行此操作'
      : '已发布的政策须先修订再编辑',
    'notNow',
  );
}

async function writeFields(tx: EntityManager, policyId: number, p: PolicyInput, now: Date) {
  await run(
    tx,
    `update policy set title = ?, level = ?, domain = ?, document_number = ?, lead_department_id = ?, liaisons = ?,
            chief_representative_id = ?, without_application = ?, eligibility = ?, rule = ?, benefit = ?,
            valid_from = ?::date, valid_to = ?::date, keywords = ?::text[], updated_at = ?
      where id = ?`,
    [
      p.title,
      p.level,
      p.domain,
      p.documentNumber ?? null,
      p.leadDepartmentId,
      JSON.stringify(p.liaisons),
      p.chiefRepresentativeId ?? null,
      p.withoutApplication,
      p.eligibility,
      p.rule ? JSON.stringify(p.rule) : null,
      p.benefit,
      p.validFrom ?? null,
      p.validTo ?? null,
      textArray(p.keywords),
      now,
      policyId,
    ],
  );
  await run(tx, 'delete from policy_cooperating where policy_id = ?', [policyId]);
  for (const d of p.cooperatingDepartmentIds)
    await run(tx, 'insert into policy_cooperating (policy_id, department_id) values (?, ?)', [policyId, d]);
  await run(tx, 'delete from policy_item where policy_id = ?', [policyId]);
  for (const [i, text] of p.items.entries())
    await run(tx, 'insert into policy_item (policy_id, no, text, created_at, updated_at) values (?, ?, ?, ?, ?)', [
      policyId,
      i + 1,
      text,
      now,
      now,
    ]);
}

/** Adds a policy as a draft; a handler adds only policies his own department leads. */
export async function createPolicy(
  em: EntityManager,
  actor: Actor,
  raw: unknown,
  now = new Date(),
): Promise<{ id: number }> {
  requireMaintainer(actor);
  const p = parseInput(policyInput, raw);
  if (!maintains(actor, p.leadDepartmentId)) throw refused('leadDepartmentId', '只能选择本单位作为牵头单位');
  return inTransaction(em, async (tx) => {
    await checkReferences(tx, p);
    const [{ id: policyId }] = await all<{ id: number }>(
      tx,
      `select nextval(pg_get_serial_sequence('policy', 'id'))::int as id`,
    );
    const snapshot = createPolicySnapshot({ leadDepartmentId: p.leadDepartmentId });
    await run(
      tx,
      `insert into policy (id, number, title, level, domain, lead_department_id, liaisons, eligibility, benefit, phase,
                           tags, machine_version, snapshot, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, '[]', '', '', ?, ?::text[], ?, ?, ?, ?)`,
      [
        policyId,
        `ZC-${String(policyId).padStart(4, '0')}`,
        p.title,
        p.level,
        p.domain,
        p.leadDepartmentId,
        policyPhaseOf(snapshot),
        textArray(policyTagsOf(snapshot)),
        POLICY_MACHINE_VERSION,
        JSON.stringify(persistPolicySnapshot(snapshot)),
        now,
        now,
      ],
    );
    await writeFields(tx, policyId, p, now);
    const created = await load(tx, policyId);
    await writeStep(tx, created, {
      type: 'CREATE',
      actor,
      at: now,
      fromPhase: null,
      next: snapshot,
      payload: { fields: auditedFields(created) },
    });
    return { id: policyId };
  });
}

/** Edits a draft or a revision in place; a published policy is revised first, so its version stays as published. */
export async function updatePolicy(
  em: EntityManager,
  actor: Actor,
  policyId: number,
  raw: unknown,
  expectedVersion?: number,
  now = new Date(),
): Promise<void> {
  requireMaintainer(actor);
  await inTransaction(em, async (tx) => {
    const before = await load(tx, policyId);
    requireScope(actor, before.leadDepartmentId);
    const p = parseInput(policyInput, raw);
    expectVersion(before, expectedVersion);
    const snapshot = restorePolicySnapshot(before.snapshot);
    const next = stepOrRefuse(
      snapshot,
      { type: 'EDIT', actor, at: now.toISOString(), leadDepartmentId: p.leadDepartmentId },
      before.leadDepartmentId,
    );
    await checkReferences(tx, p);
    await writeFields(tx, policyId, p, now);
    const after = await load(tx, policyId);
    const changes = changesOf(before, after);
    await writeStep(tx, before, {
      type: 'EDIT',
      actor,
      at: now,
      fromPhase: before.phase,
      next,
      payload: { changes },
    });
  });
}

/** The published content of the working copy, as the version row freezes it. */
function publishedContent(p: PolicyDetail, versionNo: number, publishedAt: Date) {
  return {
    number: p.number,
    versionNo,
    publishedAt: publishedAt.toISOString(),
    title: p.title,
    level: p.level,
    domain: p.domain,
    documentNumber: p.documentNumber,
    leadDepartment: { id: p.leadDepartmentId, name: p.leadDepartment },
    cooperating: p.cooperating,
    liaisons: p.liaisons,
    chiefRepresentative: p.chiefRepresentative,
    withoutApplication: p.withoutApplication,
    eligibility: p.eligibility,
    rule: p.rule,
    benefit: p.benefit,
    validFrom: p.validFrom,
    validTo: p.validTo,
    keywords: p.keywords,
    items: p.items,
    attachments: p.attachments,
  };
}

function searchTextOf(p: PolicyDetail): string {
  return [
    p.title,
    p.documentNumber ?? '',
    p.keywords.join(' '),
    p.leadDepartment,
    ...p.cooperating.map((c) => c.name),
    p.benefit,
    ...p.items.map((i) => i.text),
  ].join('\n');
}

const STEP_INPUT = {
  PUBLISH: z.object({}),
  REVISE: z.object({}),
  RETIRE: z.object({
    reason: z
      .string({ message: '请填写废止原因' })
      .trim()
      .min(2, '废止原因至少 2 个字')
      .max(500, '废止原因最多 500 字'),
  }),
};
export type PolicyStep = keyof typeof STEP_INPUT;

/**
 * Publishes, revises or retires a policy, as the machine allows. Publishing freezes the working copy as
 * version n+1 and makes it the current one; retiring takes the policy off the public list and the search.
 */
export async function stepPolicy(
  em: EntityManager,
  actor: Actor,
  policyId: number,
  step: PolicyStep,
  raw: unknown,
  expectedVersion?: number,
  now = new Date(),
): Promise<{ version: number }> {
  requireMaintainer(actor);
  return inTransaction(em, async (tx) => {
    const before = await load(tx, policyId);
    requireScope(actor, before.leadDepartmentId);
    const input = parseInput(STEP_INPUT[step] as z.ZodType<{ reason?: string }>, raw ?? {});
    expectVersion(before, expectedVersion);
    const snapshot = restorePolicySnapshot(before.snapshot);
    const at = now.toISOString();
    const event: PolicyEvent =
      step === 'PUBLISH'
        ? { type: 'PUBLISH', actor, at, itemCount: before.items.length }
        : step === 'REVISE'
          ? { type: 'REVISE', actor, at }
          : { type: 'RETIRE', actor, at, reason: input.reason ?? '' };
    const next = stepOrRefuse(snapshot, event, before.leadDepartmentId);
    const payload: Record<string, unknown> = {};
    if (step === 'PUBLISH') {
      const versionNo = next.context.version;
      await run(tx, 'update policy_version set current = false where policy_id = ? and current', [policyId]);
      const text = searchTextOf(before);
      await run(
        tx,
        `insert into policy_version (policy_id, version_no, content, published_at, published_by_id, current, search_text,
                                     search_tokens)
         values (?, ?, ?, ?, ?, true, ?, ?::text[])`,
        [
          policyId,
          versionNo,
          JSON.stringify(publishedContent(before, versionNo, now)),
          now,
          actor.userId,
          text.normalize('NFKC').toLowerCase(),
          textArray(indexTokens(text)),
        ],
      );
      payload.versionNo = versionNo;
    } else if (step === 'RETIRE') {
      await run(tx, 'update policy_version set current = false where policy_id = ? and current', [policyId]);
      payload.reason = input.reason;
    } else payload.revises = before.publishedVersion;
    await writeStep(tx, before, { type: step, actor, at: now, fromPhase: before.phase, next, payload });
    return { version: next.context.version };
  });
}

export interface PolicyListRow {
  id: number;
  number: string;
  title: string;
  level: PolicyLevel;
  domain: PolicyDomain;
  leadDepartment: string;
  withoutApplication: boolean;
  phase: string;
  publishedVersion: number;
  itemCount: number;
  updatedAt: string;
}

/** The policies a maintainer keeps: all for the admin, his department's for a handler. */
export async function listPoliciesFor(em: EntityManager, actor: Actor): Promise<PolicyListRow[]> {
  requireMaintainer(actor);
  const all_ = actor.role === 'admin';
  const rows = await all(
    em,
    `select p.id, p.number, p.title, p.level, p.domain, d.name as lead_department, p.without_application, p.phase,
            p.published_version, p.updated_at, (select count(*)::int from policy_item i where i.policy_id = p.id) as item_count
       from policy p join department d on d.id = p.lead_department_id
      where ${all_ ? 'true' : 'p.lead_department_id = any(?::int[])'}
      order by p.tags @> '{closed}', p.updated_at desc, p.id desc`,
    all_ ? [] : [`{${actor.departmentIds.join(',')}}`],
  );
  return rows.map((r) => ({
    id: r.id,
    number: r.number,
    title: r.title,
    level: r.level,
    domain: r.domain,
    leadDepartment: r.lead_department,
    withoutApplication: r.without_application,
    phase: r.phase,
    publishedVersion: r.published_version,
    itemCount: r.item_count,
    updatedAt: new Date(r.updated_at).toISOString(),
  }));
}

export interface PolicyHistoryRow {
  seq: number;
  type: string;
  actor: string | null;
  at: string;
  fromPhase: string | null;
  toPhase: string;
  payload: Record<string, unknown>;
}

/** One policy for its edit page: the working copy, the steps open to the actor, the trail and the versions. */
export async function policyForEdit(em: EntityManager, actor: Actor, policyId: number, now = new Date()) {
  requireMaintainer(actor);
  const loaded = await load(em, policyId);
  requireScope(actor, loaded.leadDepartmentId);
  const snapshot = restorePolicySnapshot(loaded.snapshot);
  const [history, versions] = await Promise.all([
    all(
      em,
      `select e.seq, e.type, u.display_name as actor, e.at, e.from_phase, e.to_phase, e.payload
         from policy_event e left join app_user u on u.id = e.actor_id where e.policy_id = ? order by e.seq desc`,
      [policyId],
    ),
    all(
      em,
      `select v.version_no, v.published_at, u.display_name as published_by, v.current
         from policy_version v left join app_user u on u.id = v.published_by_id where v.policy_id = ?
        order by v.version_no desc`,
      [policyId],
    ),
  ]);
  return {
    policy: strip(loaded),
    steps: acceptedPolicyEvents(snapshot, actor, now.toISOString()),
    editable: snapshot.hasTag('editable'),
    history: history.map((h): PolicyHistoryRow => ({
      seq: h.seq,
      type: h.type,
      actor: h.actor ?? null,
      at: new Date(h.at).toISOString(),
      fromPhase: h.from_phase,
      toPhase: h.to_phase,
      payload: jsonb(h.payload),
    })),
    versions: versions.map((v) => ({
      versionNo: v.version_no as number,
      publishedAt: new Date(v.published_at).toISOString(),
      publishedBy: (v.published_by as string | null) ?? null,
      current: v.current as boolean,
    })),
  };
}

/** The choices of the form: departments that can lead (a handler's own only) and each one's staff. */
export async function policyFormOptions(em: EntityManager, actor: Actor) {
  requireMaintainer(actor);
  const departments = await all<{ id: number; name: string }>(
    em,
    `select id, name from department where active and kind in ('city', 'district', 'functional') order by kind, code`,
  );
  const staff = await all<{ id: number; name: string; departmentId: number; phone: string | null }>(
    em,
    `select u.id, u.display_name as name, u.department_id as "departmentId", u.phone from app_user u
      where u.active and u.department_id is not null order by u.department_id, u.display_name`,
  );
  return {
    departments,
    leadDepartments: departments.filter((d) => maintains(actor, d.id)),
    staff,
  };
}

const FILE_FOLDER = 'policy-files';

/**
 * Adds a file to a draft or a revision: an edit of the working copy, in the trail like any other; the next
 * publication lists it in its version. A published policy is revised first, as for any other change.
 */
export async function attachToPolicy(
  em: EntityManager,
  actor: Actor,
  policyId: number,
  file: UploadedFile,
  now = new Date(),
): Promise<{ id: number }> {
  requireMaintainer(actor);
  return inTransaction(em, async (tx) => {
    const before = await load(tx, policyId);
    requireScope(actor, before.leadDepartmentId);
    const next = stepOrRefuse(
      restorePolicySnapshot(before.snapshot),
      { type: 'EDIT', actor, at: now.toISOString(), leadDepartmentId: before.leadDepartmentId },
      before.leadDepartmentId,
    );
    const { fileName, contentType } = checkFile(file);
    const { sha256, storagePath } = await storeFile(FILE_FOLDER, file.bytes);
    const [row] = await all<{ id: number }>(
      tx,
      `insert into policy_attachment (policy_id, file_name, content_type, size, sha256, storage_path, uploaded_by_id,
                                      created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?) returning id`,
      [policyId, fileName, contentType, file.bytes.byteLength, sha256, storagePath, actor.userId, now, now],
    );
    await writeStep(tx, before, {
      type: 'EDIT',
      actor,
      at: now,
      fromPhase: before.phase,
      next,
      payload: { attached: { id: row.id, fileName, size: file.bytes.byteLength, sha256 } },
    });
    return { id: row.id };
  });
}

/**
 * A policy's file, checked against its hash: anyone may open a file that a published version lists; a file
 * not yet published only the policy's maintainers.
 */
export async function openPolicyAttachment(em: EntityManager, actor: Actor | null, policyId: number, fileId: number) {
  const row = await one(
    em,
    `select f.file_name, f.content_type, f.size, f.sha256, f.storage_path, p.lead_department_id,
            exists (select 1 from policy_version v where v.policy_id = p.id
                     and v.content->'attachments' @> jsonb_build_array(jsonb_build_object('id', f.id))) as published
       from policy_attachment f join policy p on p.id = f.policy_id where f.id = ? and f.policy_id = ?`,
    [fileId, policyId],
  );
  if (!row) throw new NotFound('附件不存在');
  if (!row.published && !(actor && can(actor, 'policies:maintain') && maintains(actor, row.lead_department_id)))
    throw new NotFound('附件不存在');
  const { bytes } = await readStoredFile(
    FILE_FOLDER,
    { storagePath: row.storage_path, size: row.size, sha256: row.sha256 },
    `[policies] stored file of policy attachment ${fileId}`,
  );
  return {
    fileName: row.file_name as string,
    contentType: row.content_type as string,
    size: row.size as number,
    bytes,
  };
}
