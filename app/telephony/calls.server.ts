import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import type { Actor } from '../../machines/actor';
import { restoreAppealSnapshot } from '../../machines/appeal';
import { DEV_SIP_SECRET, sipEventsToken } from '../../telephony/credentials';
import type { UserRole } from '../../entities/user';
import { inTransaction, run, type Tx } from '../admin/admin-sql.server';
import { sha256Of, writeContentFile } from '../storage/content-file.server';
import { maskPhone } from '../cases/masking';
import { canSeeAppeal, canSeeComplainant, type AppealScopeFacts } from '../appeals/scope';
import { isValidLocalDate, localDateTime } from '../calendar/working-time';
import { Conflict, DomainError, fieldErrorsOf, Forbidden, InvalidInput, NotFound } from '../domain/errors';

// Calls are recomputed from the set of their events (docs/decisions/008-telephony.md, "Call events"):
// every report is kept in call_event, and the call row is derived from all of them under a row lock,
// so duplicates, retries and any arrival order give the same row.

export const CALL_SWEEP_QUEUE = 'call-sweep';

/** Who may post call events from the softphone: the people who take and make hotline calls. */
export const CALL_AGENT_ROLES = ['operator', 'reviewer'] as const satisfies readonly UserRole[];
/** Who may read the call records; departments and grid workers never see the hotline's traffic. */
export const CALL_LIST_ROLES = ['operator', 'reviewer', 'supervisor', 'dispatcher', 'admin'] as const satisfies readonly UserRole[];

export const CALL_DIRECTIONS = ['inbound', 'outbound'] as const;
export const END_REASONS = ['hangup', 'cancelled', 'rejected', 'elsewhere', 'failed', 'busy'] as const;
/** Dispositions the list filters by (the ones the rules below produce). */
export const CALL_DISPOSITION_FILTERS = ['answered', 'transferred', 'missed', 'abandoned', 'failed'] as const;

export const MAX_RECORDING_BYTES = 50 * 1024 * 1024;
const RINGING_STALE_MS = 3 * 60_000;
const ANSWERED_STALE_MS = 4 * 3600_000;
// Browser clocks drift: accept a little future, and reports delayed by a reconnect or an outage.
const MAX_FUTURE_MS = 10 * 60_000;
const MAX_PAST_MS = 7 * 24 * 3600_000;

export type CallEventSource = { kind: 'agent'; userId: number } | { kind: 'sip' } | { kind: 'system' };

// ---------------------------------------------------------------------------------------------
// Input

const callIdField = z.string({ error: '缺少通话标识' }).regex(/^[\x21-\x7e]{1,255}$/, { error: '通话标识无效' });
// Phone numbers, the queue AOR (12345) or SIP user names; nothing that could smuggle markup or SQL.
const party = z.string({ error: '缺少号码' }).trim().regex(/^[A-Za-z0-9+*#._-]{1,64}$/, { error: '号码无效' });
const instant = z.iso.datetime({ offset: true, error: '时间格式无效' });

const agentEventSchema = z
  .object({
    callId: callIdField,
    kind: z.enum(['ringing', 'answered', 'ended', 'transferred', 'dialing'], { error: '事件类型无效' }),
    at: instant,
    direction: z.enum(CALL_DIRECTIONS, { error: '通话方向无效' }),
    from: party,
    to: party,
    reason: z.enum(END_REASONS, { error: '结束原因无效' }).optional(),
    appealId: z.number({ error: '诉求编号无效' }).int().positive().optional(),
    target: z.string().trim().regex(/^[A-Za-z0-9+*#._@:-]{1,255}$/, { error: '转接目标无效' }).optional(),
  })
  .superRefine((e, ctx) => {
    if (e.kind === 'ended' && !e.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: '结束事件须说明原因' });
    if (e.kind !== 'ended' && e.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: '只有结束事件带原因' });
    if (e.kind === 'dialing' && e.direction !== 'outbound') ctx.addIssue({ code: 'custom', path: ['direction'], message: '外呼事件的方向应为去电' });
    if (e.appealId !== undefined && e.kind !== 'dialing') ctx.addIssue({ code: 'custom', path: ['appealId'], message: '只有外呼事件可关联诉求' });
    if (e.target !== undefined && e.kind !== 'transferred') ctx.addIssue({ code: 'custom', path: ['target'], message: '只有转接事件带转接目标' });
  });

const sipEventSchema = z.object({
  event: z.enum(['offered', 'unanswered'], { error: '事件类型无效' }),
  callId: callIdField,
  from: party,
  to: party,
  code: z.number().int().min(100).max(699).optional(),
  at: instant.optional(),
});

const systemEventSchema = z.object({
  callId: callIdField,
  kind: z.literal('closed'),
  at: instant,
  reason: z.string().max(32).optional(),
});

interface EventPayload {
  direction?: 'inbound' | 'outbound';
  from?: string;
  to?: string;
  appealId?: number;
  target?: string;
  code?: number;
}

interface NewEvent {
  callId: string;
  kind: string;
  at: Date;
  source: CallEventSource['kind'];
  agentId: number | null;
  reason: string | null;
  payload: EventPayload;
}

function parse<T>(schema: z.ZodType<T>, raw: unknown): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new InvalidInput('通话事件无效', fieldErrorsOf(parsed.error.issues));
  return parsed.data;
}

function checkTime(at: Date, now: Date): Date {
  if (at.getTime() > now.getTime() + MAX_FUTURE_MS || at.getTime() < now.getTime() - MAX_PAST_MS) {
    throw new InvalidInput('通话事件无效', { at: ['事件时间与服务器时间相差过大'] });
  }
  return at;
}

function normalise(source: CallEventSource, raw: unknown, now: Date): NewEvent {
  if (source.kind === 'agent') {
    const e = parse(agentEventSchema, raw);
    const payload: EventPayload = { direction: e.direction, from: e.from, to: e.to };
    if (e.appealId !== undefined) payload.appealId = e.appealId;
    if (e.target !== undefined) payload.target = e.target;
    return { callId: e.callId, kind: e.kind, at: checkTime(new Date(e.at), now), source: 'agent', agentId: source.userId, reason: e.reason ?? null, payload };
  }
  if (source.kind === 'sip') {
    const e = parse(sipEventSchema, raw);
    const payload: EventPayload = { direction: 'inbound', from: e.from, to: e.to };
    if (e.code !== undefined) payload.code = e.code;
    return { callId: e.callId, kind: e.event, at: e.at ? checkTime(new Date(e.at), now) : now, source: 'sip', agentId: null, reason: null, payload };
  }
  const e = parse(systemEventSchema, raw);
  return { callId: e.callId, kind: e.kind, at: new Date(e.at), source: 'system', agentId: null, reason: e.reason ?? null, payload: {} };
}

// ---------------------------------------------------------------------------------------------
// Derivation: a pure function of the set of events

interface StoredEvent {
  kind: string;
  at: number;
  source: string;
  agentId: number | null;
  reason: string | null;
  payload: EventPayload;
}

export interface DerivedCall {
  direction: 'inbound' | 'outbound';
  fromNumber: string;
  toNumber: string;
  agentId: number | null;
  ringAt: Date | null;
  answerAt: Date | null;
  endAt: Date | null;
  disposition: string | null;
  waitSeconds: number | null;
  talkSeconds: number | null;
  transferTarget: string | null;
  /** Inbound and never answered: somebody should call back (unless a callback already connected). */
  missed: boolean;
  appealIds: number[];
}

// At equal times an end by transfer wins over a hang-up, and an agent's end over the sweeper's.
const KIND_ORDER = ['offered', 'dialing', 'ringing', 'answered', 'transferred', 'ended', 'unanswered', 'closed'];
const SOURCE_ORDER = ['agent', 'sip', 'system'];
const OWN_RINGING_ENDS = ['rejected', 'elsewhere', 'busy'];

function compareEvents(a: StoredEvent, b: StoredEvent): number {
  return a.at - b.at
    || KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind)
    || SOURCE_ORDER.indexOf(a.source) - SOURCE_ORDER.indexOf(b.source)
    || (a.agentId ?? 0) - (b.agentId ?? 0)
    || (a.reason ?? '').localeCompare(b.reason ?? '');
}

const seconds = (ms: number) => Math.max(0, Math.round(ms / 1000));

export function deriveCall(events: StoredEvent[], fallback: { direction: 'inbound' | 'outbound'; from: string; to: string }): DerivedCall {
  const sorted = [...events].sort(compareEvents);
  const described = sorted.find((e) => e.payload.direction && e.payload.from && e.payload.to);
  const direction = described?.payload.direction ?? fallback.direction;
  const fromNumber = described?.payload.from ?? fallback.from;
  const toNumber = described?.payload.to ?? fallback.to;

  const ringAt = sorted.find((e) => ['ringing', 'offered', 'dialing'].includes(e.kind))?.at ?? sorted[0]?.at ?? null;

  // What ends a call nobody answered. For a call we dialled, the dialling agent's own end is the end.
  const isCancel = (e: StoredEvent) => (e.kind === 'ended' && e.reason === 'cancelled') || (e.kind === 'unanswered' && e.payload.code === 487);
  const unansweredEnds = sorted.filter((e) => e.kind === 'unanswered' || e.kind === 'closed' || isCancel(e)
    || (direction === 'outbound' && e.kind === 'ended' && e.source === 'agent'));
  const callEnd = unansweredEnds[0]?.at ?? null;

  // An answer after the call ended, or after the agent's own ringing ended, is a late report: ignored.
  const answer = sorted.find((e) => e.kind === 'answered' && e.agentId !== null
    && (callEnd === null || e.at <= callEnd)
    && !sorted.some((x) => x.agentId === e.agentId && x.kind === 'ended' && OWN_RINGING_ENDS.includes(x.reason ?? '') && x.at < e.at));

  let agentId: number | null = null;
  let answerAt: number | null = null;
  let endAt: number | null = null;
  let disposition: string | null = null;
  let transferTarget: string | null = null;
  if (answer) {
    agentId = answer.agentId;
    answerAt = answer.at;
    const end = sorted.find((e) => e.at >= answer.at
      && ((['ended', 'transferred'].includes(e.kind) && e.agentId === answer.agentId) || e.kind === 'closed'));
    endAt = end?.at ?? null;
    disposition = end?.kind === 'transferred' ? 'transferred' : 'answered';
    transferTarget = end?.kind === 'transferred' ? end.payload.target ?? null : null;
  } else {
    endAt = callEnd;
    if (direction === 'outbound') agentId = sorted.find((e) => e.kind === 'dialing' && e.agentId !== null)?.agentId ?? null;
    if (endAt !== null) {
      if (direction === 'outbound') disposition = 'failed';
      else disposition = unansweredEnds.some((e) => e.at === endAt && isCancel(e)) ? 'abandoned' : 'missed';
    }
  }
  const waitEnd = answerAt ?? endAt;
  const appealIds = [...new Set(sorted.filter((e) => e.kind === 'dialing' && e.payload.appealId).map((e) => e.payload.appealId!))];
  return {
    direction, fromNumber, toNumber, agentId,
    ringAt: ringAt === null ? null : new Date(ringAt),
    answerAt: answerAt === null ? null : new Date(answerAt),
    endAt: endAt === null ? null : new Date(endAt),
    disposition,
    waitSeconds: ringAt !== null && waitEnd !== null ? seconds(waitEnd - ringAt) : null,
    talkSeconds: answerAt !== null && endAt !== null ? seconds(endAt - answerAt) : null,
    transferTarget,
    missed: direction === 'inbound' && (disposition === 'missed' || disposition === 'abandoned'),
    appealIds,
  };
}

// ---------------------------------------------------------------------------------------------
// Recording an event

export interface CallState {
  callId: string;
  direction: string;
  disposition: string | null;
  agentId: number | null;
  ringAt: string | null;
  answerAt: string | null;
  endAt: string | null;
  needsCallback: boolean;
  /** False when the same event had already been recorded. */
  recorded: boolean;
}

const iso = (d: unknown) => (d ? new Date(d as string).toISOString() : null);
const asJson = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

async function recompute(tx: Tx, callRowId: number, sipCallId: string, fallback: { direction: 'inbound' | 'outbound'; from: string; to: string }, now: Date) {
  const rows = await run(tx, 'select kind, at, source, agent_id, reason, payload from call_event where call_id = ?', [callRowId]);
  const d = deriveCall(rows.map((r) => ({
    kind: r.kind, at: new Date(r.at).getTime(), source: r.source, agentId: r.agent_id, reason: r.reason, payload: asJson<EventPayload>(r.payload) ?? {},
  })), fallback);
  const citizenNumber = d.direction === 'inbound' ? d.fromNumber : d.toNumber;

  // A missed call stays flagged until an outbound call to that number connected after it rang.
  let callback: { call_id: string; answer_at: Date } | undefined;
  if (d.missed) {
    [callback] = await run<{ call_id: string; answer_at: Date }[]>(tx,
      `select call_id, answer_at from call where direction = 'outbound' and to_number = ? and answer_at is not null and answer_at >= ?
        order by answer_at, id limit 1`, [d.fromNumber, d.ringAt ?? new Date(0)]);
  }
  const [row] = await run(tx,
    `update call set direction = ?, from_number = ?, to_number = ?, agent_id = ?, citizen_id = (select id from citizen where phone = ?),
            ring_at = ?, answer_at = ?, end_at = ?, disposition = ?, wait_seconds = ?, talk_seconds = ?, transfer_target = ?,
            needs_callback = ?, callback_done_at = ?, callback_call_id = ?, updated_at = ?
      where id = ? returning call_id, direction, disposition, agent_id, ring_at, answer_at, end_at, needs_callback`,
    [d.direction, d.fromNumber, d.toNumber, d.agentId, citizenNumber, d.ringAt, d.answerAt, d.endAt, d.disposition, d.waitSeconds, d.talkSeconds,
      d.transferTarget, d.missed && !callback, callback ? new Date(callback.answer_at) : null, callback?.call_id ?? null, now, callRowId]);

  for (const appealId of d.appealIds) {
    await run(tx, 'insert into call_appeal (call_id, appeal_id) select ?, id from appeal where id = ? on conflict do nothing', [callRowId, appealId]);
  }
  // A callback that connected clears the flag on the caller's earlier missed calls.
  if (d.direction === 'outbound' && d.answerAt) {
    await run(tx,
      `update call set needs_callback = false, callback_done_at = ?, callback_call_id = ?, updated_at = ?
        where direction = 'inbound' and from_number = ? and needs_callback and ring_at <= ?`,
      [d.answerAt, sipCallId, now, d.toNumber, d.answerAt]);
  }
  return row;
}

/**
 * Records one call event and recomputes its call, in one transaction. The event is validated
 * (bad input → `InvalidInput` with field errors, nothing written), the call row is created if
 * absent and locked, the event is inserted unless the same one is already there, and every
 * derived column is recomputed from the whole set of the call's events.
 */
export async function recordCallEvent(em: EntityManager, source: CallEventSource, raw: unknown, now = new Date()): Promise<CallState> {
  const ev = normalise(source, raw, now);
  return inTransaction(em, async (tx) => {
    if (ev.payload.appealId) {
      const [appeal] = await run(tx, 'select id from appeal where id = ?', [ev.payload.appealId]);
      if (!appeal) throw new InvalidInput('通话事件无效', { appealId: ['诉求不存在'] });
    }
    if (ev.source !== 'system') {
      // Create-if-absent, then lock: concurrent reports about one call queue on its row.
      await run(tx,
        `insert into call (call_id, direction, from_number, to_number, needs_callback, created_at, updated_at)
         values (?, ?, ?, ?, false, ?, ?) on conflict (call_id) do nothing`,
        [ev.callId, ev.payload.direction, ev.payload.from, ev.payload.to, now, now]);
    }
    const [call] = await run(tx, 'select id, direction, from_number, to_number from call where call_id = ? for update', [ev.callId]);
    if (!call) throw new NotFound('通话不存在');
    const inserted = await run(tx,
      `insert into call_event (call_id, kind, at, source, agent_id, reason, payload, received_at)
       values (?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing returning id`,
      [call.id, ev.kind, ev.at, ev.source, ev.agentId, ev.reason, JSON.stringify(ev.payload), now]);
    const row = await recompute(tx, call.id, ev.callId, { direction: call.direction, from: call.from_number, to: call.to_number }, now);
    return {
      callId: row.call_id, direction: row.direction, disposition: row.disposition, agentId: row.agent_id,
      ringAt: iso(row.ring_at), answerAt: iso(row.answer_at), endAt: iso(row.end_at), needsCallback: row.needs_callback, recorded: inserted.length > 0,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Kamailio

/** A Kamailio report without the shared token. */
export class SipUnauthorized extends DomainError {
  constructor() {
    super('未授权', 401);
  }
}

function sameSecret(a: string, b: string): boolean {
  // Hashing first gives equal lengths, so the comparison leaks neither content nor length.
  const h = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(h(a), h(b));
}

/** Verifies Kamailio's bearer token, then records its `offered` or `unanswered` report. */
export async function sipEvent(em: EntityManager, authHeader: string | null, raw: unknown, now = new Date()): Promise<CallState> {
  const secret = process.env.SIP_SHARED_SECRET ?? DEV_SIP_SECRET;
  const m = /^Bearer\s+(\S+)$/i.exec(authHeader ?? '');
  if (!m || !sameSecret(m[1], sipEventsToken(secret))) throw new SipUnauthorized();
  return recordCallEvent(em, { kind: 'sip' }, raw, now);
}

// ---------------------------------------------------------------------------------------------
// Sweeper

/** Closes calls that never reported an end: ringing for over 3 minutes, or answered over 4 hours ago. */
export async function sweepStaleCalls(em: EntityManager, now = new Date()): Promise<number> {
  const stale = await em.getConnection().execute<{ call_id: string }[]>(
    `select call_id from call where end_at is null
        and ((answer_at is null and ring_at < ?) or answer_at < ?)
      order by id limit 500`,
    [new Date(now.getTime() - RINGING_STALE_MS), new Date(now.getTime() - ANSWERED_STALE_MS)]);
  for (const { call_id } of stale) {
    await recordCallEvent(em, { kind: 'system' }, { callId: call_id, kind: 'closed', at: now.toISOString(), reason: 'stale' }, now);
  }
  return stale.length;
}

// ---------------------------------------------------------------------------------------------
// Linking

/** Who may link any call; operators and reviewers only the calls they answered or dialled. */
const LINK_ANY_ROLES = ['supervisor', 'admin'];

/** Links a call to an appeal (insert-if-absent: a retried submit never duplicates the link). */
export async function linkCallToAppeal(em: EntityManager, input: { callId: string; appealId: number; actor: Actor }): Promise<{ linked: boolean }> {
  const { actor } = input;
  const callId = callIdField.safeParse(input.callId);
  if (!callId.success) throw new InvalidInput('通话标识无效', { callId: ['通话标识无效'] });
  if (![...CALL_AGENT_ROLES, ...LINK_ANY_ROLES].includes(actor.role)) throw new Forbidden('您无权关联通话');
  return inTransaction(em, async (tx) => {
    const [call] = await run(tx,
      `select c.id, exists (select 1 from call_event e where e.call_id = c.id and e.agent_id = ? and e.kind in ('answered', 'dialing')) as took
         from call c where c.call_id = ?`, [actor.userId, callId.data]);
    if (!call) throw new InvalidInput('通话不存在', { callId: ['通话不存在'] });
    if (!call.took && !LINK_ANY_ROLES.includes(actor.role)) throw new Forbidden('只能关联您接听或拨出的通话');
    const [appeal] = await run(tx, 'select id from appeal where id = ?', [input.appealId]);
    if (!appeal) throw new InvalidInput('诉求不存在', { appealId: ['诉求不存在'] });
    const inserted = await run(tx, 'insert into call_appeal (call_id, appeal_id) values (?, ?) on conflict do nothing returning call_id', [call.id, input.appealId]);
    return { linked: inserted.length > 0 };
  });
}

// ---------------------------------------------------------------------------------------------
// Reading

const blank = (v: unknown) => {
  if (typeof v !== 'string') return v;
  const t = v.trim();
  return t === '' ? undefined : t;
};
const localDate = z.preprocess(blank, z.string().refine(isValidLocalDate, { error: '日期格式应为 YYYY-MM-DD' }).optional());

export const callFiltersSchema = z
  .object({
    from: localDate,
    to: localDate,
    direction: z.preprocess(blank, z.enum(CALL_DIRECTIONS, { error: '请选择有效的方向' }).optional()),
    disposition: z.preprocess(blank, z.enum(CALL_DISPOSITION_FILTERS, { error: '请选择有效的结果' }).optional()),
    agent: z.preprocess(blank, z.coerce.number({ error: '请选择有效的话务员' }).int().positive({ error: '请选择有效的话务员' }).optional()),
    phone: z.preprocess(blank, z.string().regex(/^\d{3,20}$/, { error: '号码应为 3–20 位数字' }).optional()),
    callbackQueue: z.preprocess((v) => v === '1' || v === 'true' || v === true, z.boolean()),
    page: z.preprocess(blank, z.coerce.number({ error: '页码无效' }).int().min(1, { error: '页码无效' }).max(10_000, { error: '页码无效' }).default(1)),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { error: '结束日期不能早于开始日期', path: ['to'] });

export type CallFilters = z.output<typeof callFiltersSchema>;

export const CALLS_PAGE_SIZE = 50;

export interface CallListItem {
  id: number;
  callId: string;
  direction: string;
  from: string;
  to: string;
  /** The citizen's full number, only on rows of the callback queue, for the dial button. */
  dial: string | null;
  agent: string | null;
  disposition: string | null;
  at: string | null;
  waitSeconds: number | null;
  talkSeconds: number | null;
  needsCallback: boolean;
  appeals: { id: number; number: string }[];
  recordingUrl: string | null;
}

export interface CallList {
  items: CallListItem[];
  total: number;
  page: number;
  pageCount: number;
  agents: { id: number; name: string }[];
}

const dayStart = (day: string, plusDays = 0) => new Date(Date.parse(`${day}T00:00:00+08:00`) + plusDays * 24 * 3600_000);

export function mayListCalls(actor: Actor): boolean {
  return (CALL_LIST_ROLES as readonly string[]).includes(actor.role);
}

export const recordingUrl = (callId: string) => `/telephony/calls/${encodeURIComponent(callId)}/recording`;

/**
 * The call records, newest first, or the callback queue (inbound calls nobody answered and nobody
 * has called back yet), oldest first. Lists show the citizen's number masked.
 */
export async function listCalls(em: EntityManager, actor: Actor, input: URLSearchParams | Record<string, unknown>): Promise<CallList> {
  if (!mayListCalls(actor)) throw new Forbidden('您无权查看通话记录');
  const parsed = callFiltersSchema.safeParse(input instanceof URLSearchParams ? Object.fromEntries(input) : input);
  if (!parsed.success) throw new InvalidInput('查询条件有误', fieldErrorsOf(parsed.error.issues));
  const f = parsed.data;
  const where: string[] = ['c.ring_at is not null'];
  const params: unknown[] = [];
  const add = (sql: string, ...p: unknown[]) => {
    where.push(sql);
    params.push(...p);
  };
  if (f.callbackQueue) add('c.needs_callback');
  if (f.from) add('c.ring_at >= ?', dayStart(f.from));
  if (f.to) add('c.ring_at < ?', dayStart(f.to, 1));
  if (f.direction) add('c.direction = ?', f.direction);
  if (f.disposition) add('c.disposition = ?', f.disposition);
  if (f.agent) add('c.agent_id = ?', f.agent);
  if (f.phone) add('(c.from_number like ? or c.to_number like ?)', `%${f.phone}%`, `%${f.phone}%`);
  const sqlWhere = where.join(' and ');
  const conn = em.getConnection();
  const [{ n: total }] = await conn.execute<{ n: number }[]>(`select count(*)::int as n from call c where ${sqlWhere}`, params);
  const order = f.callbackQueue ? 'c.ring_at asc, c.id asc' : 'c.ring_at desc, c.id desc';
  const rows = await conn.execute<Record<string, any>[]>(
    `select c.id, c.call_id, c.direction, c.from_number, c.to_number, c.agent_id, u.display_name as agent_name, c.disposition, c.ring_at,
            c.wait_seconds, c.talk_seconds, c.needs_callback, c.recording_ref,
            coalesce((select json_agg(json_build_object('id', a.id, 'number', a.number) order by a.id)
                        from call_appeal ca join appeal a on a.id = ca.appeal_id where ca.call_id = c.id), '[]'::json) as appeals
       from call c left join app_user u on u.id = c.agent_id
      where ${sqlWhere} order by ${order} limit ? offset ?`,
    [...params, CALLS_PAGE_SIZE, (f.page - 1) * CALLS_PAGE_SIZE]);
  const agents = await conn.execute<{ id: number; name: string }[]>(
    `select id, display_name as name from app_user where role in ('operator', 'reviewer') order by display_name, id`);
  return {
    items: rows.map((r) => {
      const appeals = asJson<{ id: number; number: string }[]>(r.appeals) ?? [];
      const citizenNumber = r.direction === 'inbound' ? r.from_number : r.to_number;
      return {
        id: r.id, callId: r.call_id, direction: r.direction,
        from: r.direction === 'inbound' ? maskPhone(r.from_number) : r.from_number,
        to: r.direction === 'outbound' ? maskPhone(r.to_number) : r.to_number,
        dial: r.needs_callback ? citizenNumber : null,
        agent: r.agent_name ?? null, disposition: r.disposition, at: r.ring_at ? localDateTime(new Date(r.ring_at)) : null,
        waitSeconds: r.wait_seconds, talkSeconds: r.talk_seconds, needsCallback: r.needs_callback, appeals,
        // Every role that may list calls sees every appeal, so a linked appeal is enough to play the recording.
        recordingUrl: r.recording_ref && (r.agent_id === actor.userId || actor.role === 'supervisor' || appeals.length > 0) ? recordingUrl(r.call_id) : null,
      };
    }),
    total, page: f.page, pageCount: Math.max(1, Math.ceil(total / CALLS_PAGE_SIZE)), agents,
  };
}

export interface AgentCallView {
  callId: string;
  direction: string;
  disposition: string | null;
  ringAt: string | null;
  answerAt: string | null;
  endAt: string | null;
  waitSeconds: number | null;
  talkSeconds: number | null;
  hasRecording: boolean;
  appeals: { id: number; number: string }[];
}

/** What the softphone bar polls after a call: its outcome and whether an appeal was saved for it. */
export async function callForAgent(em: EntityManager, actor: Actor, callId: string): Promise<AgentCallView> {
  if (!mayListCalls(actor)) throw new Forbidden('您无权查看通话记录');
  const [c] = await em.getConnection().execute<Record<string, any>[]>(
    `select c.call_id, c.direction, c.disposition, c.ring_at, c.answer_at, c.end_at, c.wait_seconds, c.talk_seconds, c.recording_ref,
            coalesce((select json_agg(json_build_object('id', a.id, 'number', a.number) order by a.id)
                        from call_appeal ca join appeal a on a.id = ca.appeal_id where ca.call_id = c.id), '[]'::json) as appeals
       from call c where c.call_id = ?`, [callId]);
  if (!c) throw new NotFound('通话不存在');
  return {
    callId: c.call_id, direction: c.direction, disposition: c.disposition, ringAt: iso(c.ring_at), answerAt: iso(c.answer_at), endAt: iso(c.end_at),
    waitSeconds: c.wait_seconds, talkSeconds: c.talk_seconds, hasRecording: Boolean(c.recording_ref), appeals: asJson<{ id: number; number: string }[]>(c.appeals) ?? [],
  };
}

export interface AppealCallView {
  callId: string;
  direction: string;
  from: string;
  to: string;
  ringAt: string | null;
  answerAt: string | null;
  endAt: string | null;
  disposition: string | null;
  waitSeconds: number | null;
  talkSeconds: number | null;
  hasRecording: boolean;
  recordingUrl: string | null;
}

// The same facts the appeal page checks (detail.server.ts).
const APPEAL_SCOPE_COLUMNS = `a.id, a.created_by_id, a.lead_department_id, a.assigned_grid_id, a.grid_id, a.snapshot, a.confidential, a.anonymous,
  array(select distinct s.department_id from assignment s where s.appeal_id = a.id and s.department_id is not null) as department_ids`;

function scopeFacts(row: Record<string, any>): AppealScopeFacts {
  return {
    createdById: row.created_by_id, leadDepartmentId: row.lead_department_id, assignedGridId: row.assigned_grid_id, gridId: row.grid_id,
    departmentIds: row.department_ids ?? [], referralAgencyIds: restoreAppealSnapshot(row.snapshot).context.referralAgencyIds,
  };
}

/**
 * The calls linked to an appeal, for its page. The citizen's number is masked like the
 * complainant's phone, and hidden where the viewer may not see the complainant.
 */
export async function callsForAppeal(em: EntityManager, actor: Actor, appealId: number): Promise<AppealCallView[]> {
  const conn = em.getConnection();
  const [a] = await conn.execute<Record<string, any>[]>(`select ${APPEAL_SCOPE_COLUMNS} from appeal a where a.id = ?`, [appealId]);
  if (!a) throw new NotFound('诉求不存在');
  if (!canSeeAppeal(actor, scopeFacts(a))) throw new Forbidden('您无权查看此诉求');
  const showCitizen = !a.anonymous && canSeeComplainant(actor, a.confidential);
  const citizen = (n: string) => (showCitizen ? maskPhone(n) : '（保密）');
  const rows = await conn.execute<Record<string, any>[]>(
    `select c.call_id, c.direction, c.from_number, c.to_number, c.ring_at, c.answer_at, c.end_at, c.disposition, c.wait_seconds, c.talk_seconds, c.recording_ref
       from call c join call_appeal ca on ca.call_id = c.id where ca.appeal_id = ? order by c.ring_at nulls last, c.id`, [appealId]);
  return rows.map((c) => ({
    callId: c.call_id, direction: c.direction,
    from: c.direction === 'inbound' ? citizen(c.from_number) : c.from_number,
    to: c.direction === 'outbound' ? citizen(c.to_number) : c.to_number,
    ringAt: c.ring_at ? localDateTime(new Date(c.ring_at)) : null,
    answerAt: c.answer_at ? localDateTime(new Date(c.answer_at)) : null,
    endAt: c.end_at ? localDateTime(new Date(c.end_at)) : null,
    disposition: c.disposition, waitSeconds: c.wait_seconds, talkSeconds: c.talk_seconds,
    hasRecording: Boolean(c.recording_ref),
    // Whoever sees the appeal may play the recordings of its calls (openRecording checks the same).
    recordingUrl: c.recording_ref ? recordingUrl(c.call_id) : null,
  }));
}

// ---------------------------------------------------------------------------------------------
// Recordings

const RECORDING_TYPES: Record<string, { ext: string; matches: (b: Uint8Array) => boolean }> = {
  'audio/webm': { ext: '.webm', matches: (b) => b.length >= 4 && b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3 },
  'audio/ogg': { ext: '.ogg', matches: (b) => b.length >= 4 && b[0] === 0x4f && b[1] === 0x67 && b[2] === 0x67 && b[3] === 0x53 },
};
const CONTENT_TYPE_OF_EXT: Record<string, string> = { '.webm': 'audio/webm', '.ogg': 'audio/ogg' };


/** The data folder, read at call time so a test or a restart with another DATA_DIR finds its own files. */
export function dataDirFromEnv(): string {
  return path.resolve(process.env.DATA_DIR ?? '.data');
}

function refuseFile(message: string, field = 'file'): never {
  throw new InvalidInput(message, { [field]: [message] });
}

/** A stored reference must point inside the recordings folder, whatever the column says. */
function recordingPath(dataDir: string, ref: string): string {
  const root = path.resolve(dataDir, 'recordings');
  const abs = path.resolve(dataDir, ref);
  if (!abs.startsWith(root + path.sep)) throw new RecordingCorrupted();
  return abs;
}

/** The stored recording no longer matches its hash (or is gone): never serve it. */
export class RecordingCorrupted extends DomainError {
  constructor() {
    super('录音文件校验失败，已拒绝播放，请联系管理员', 500);
  }
}

/**
 * Stores the recording the call's agent uploads after hang-up, content-addressed under
 * `DATA_DIR/recordings/<sha256>.webm`; the hash the browser computed must match the bytes.
 * The same file again is a no-op; a different file for a call that has one is refused.
 */
export async function saveRecording(em: EntityManager, dataDir: string, actor: Actor, callId: string, file: File, sha256FromBrowser: string): Promise<{ sha256: string; ref: string }> {
  const claimed = String(sha256FromBrowser ?? '').trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(claimed)) refuseFile('缺少录音文件的 SHA-256 校验值', 'sha256');
  if (file.size < 1) refuseFile('录音文件为空');
  if (file.size > MAX_RECORDING_BYTES) refuseFile('录音文件不能超过 50 MB');
  const type = file.type.split(';')[0].trim().toLowerCase();
  const allowed = RECORDING_TYPES[type];
  if (!allowed) refuseFile('录音只能是 audio/webm 或 audio/ogg');
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (!allowed.matches(bytes)) refuseFile('文件内容与录音格式不符');
  const sha256 = sha256Of(bytes);
  if (sha256 !== claimed) refuseFile('录音文件校验值不一致，上传可能不完整，请重新上传', 'sha256');
  const ref = path.posix.join('recordings', `${sha256}${allowed.ext}`);

  return inTransaction(em, async (tx) => {
    const [call] = await run(tx, 'select id, agent_id, recording_sha256 from call where call_id = ? for update', [callId]);
    if (!call) throw new NotFound('通话不存在');
    if (call.agent_id !== actor.userId) throw new Forbidden('只有接听或拨出此通话的话务员可以上传录音');
    if (call.recording_sha256 === sha256) return { sha256, ref };
    if (call.recording_sha256) throw new Conflict('此通话已有录音', 'duplicate');
    await writeContentFile(recordingPath(dataDir, ref), bytes, sha256);
    await run(tx, 'update call set recording_ref = ?, recording_sha256 = ?, updated_at = ? where id = ?', [ref, sha256, new Date(), call.id]);
    return { sha256, ref };
  });
}


export interface OpenedRecording {
  contentType: string;
  size: number;
  sha256: string;
  /** The verified bytes; serve these rather than re-reading the file. */
  bytes: Uint8Array;
}

/**
 * A call's recording for playback, checked against its hash. May play it: the call's agent,
 * supervisors, and whoever may see an appeal linked to the call.
 */
export async function openRecording(em: EntityManager, dataDir: string, actor: Actor, callId: string): Promise<OpenedRecording> {
  const conn = em.getConnection();
  const [call] = await conn.execute<Record<string, any>[]>('select id, agent_id, recording_ref, recording_sha256 from call where call_id = ?', [callId]);
  if (!call) throw new NotFound('通话不存在');
  let allowed = call.agent_id === actor.userId || actor.role === 'supervisor';
  if (!allowed) {
    const appeals = await conn.execute<Record<string, any>[]>(
      `select ${APPEAL_SCOPE_COLUMNS} from appeal a join call_appeal ca on ca.appeal_id = a.id where ca.call_id = ?`, [call.id]);
    allowed = appeals.some((a) => canSeeAppeal(actor, scopeFacts(a)));
  }
  if (!allowed) throw new Forbidden('您无权收听此通话录音');
  if (!call.recording_ref) throw new NotFound('此通话没有录音');
  const abs = recordingPath(dataDir, call.recording_ref);
  const info = await stat(abs).catch(() => null);
  if (!info?.isFile()) {
    console.warn(`[calls] recording of call ${call.id} is missing`);
    throw new RecordingCorrupted();
  }
  const bytes = new Uint8Array(await readFile(abs));
  if (sha256Of(bytes) !== call.recording_sha256) {
    console.warn(`[calls] recording of call ${call.id} does not match its sha256`);
    throw new RecordingCorrupted();
  }
  return { contentType: CONTENT_TYPE_OF_EXT[path.extname(abs)] ?? 'application/octet-stream', size: bytes.byteLength, sha256: call.recording_sha256, bytes };
}
