import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import { all, dateOrNull, inTransaction, jsonb, one, run } from '../db/sql.server';
import { fieldErrorsOf, InvalidInput, NotFound } from '../domain/errors';

// Calls are recomputed from the set of their events (docs/decisions/008-telephony.md, "Call events"):
// every report is kept in call_event, and the call row is derived from all of them under a row lock,
// so duplicates, retries and any arrival order give the same row.

export const CALL_DIRECTIONS = ['inbound', 'outbound'] as const;
export const END_REASONS = ['hangup', 'cancelled', 'rejected', 'elsewhere', 'failed', 'busy'] as const;

// Browser clocks drift: accept a little future, and reports delayed by a reconnect or an outage.
const MAX_FUTURE_MS = 10 * 60_000;
const MAX_PAST_MS = 7 * 24 * 3600_000;

export type CallEventSource = { kind: 'agent'; userId: number } | { kind: 'sip' } | { kind: 'system' };

// ---------------------------------------------------------------------------------------------
// Input

/** A SIP Call-ID: what every call is keyed by. */
export const callIdField = z.string({ error: '缺少通话标识' }).regex(/^[\x21-\x7e]{1,255}$/, { error: '通话标识无效' });
// Phone numbers, the queue AOR (12345) or SIP user names; nothing that could smuggle markup or SQL.
const party = z
  .string({ error: '缺少号码' })
  .trim()
  .regex(/^[A-Za-z0-9+*#._-]{1,64}$/, { error: '号码无效' });
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
    target: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9+*#._@:-]{1,255}$/, { error: '转接目标无效' })
      .optional(),
  })
  .superRefine((e, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (e.kind === 'ended' && !e.reason) issue('reason', '结束事件须说明原因');
    if (e.kind !== 'ended' && e.reason) issue('reason', '只有结束事件带原因');
    if (e.kind === 'dialing' && e.direction !== 'outbound') issue('direction', '外呼事件的方向应为去电');
    if (e.appealId !== undefined && e.kind !== 'dialing') issue('appealId', '只有外呼事件可关联诉求');
    if (e.target !== undefined && e.kind !== 'transferred') issue('target', '只有转接事件带转接目标');
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
    return {
      callId: e.callId,
      kind: e.kind,
      at: checkTime(new Date(e.at), now),
      source: 'agent',
      agentId: source.userId,
      reason: e.reason ?? null,
      payload,
    };
  }
  if (source.kind === 'sip') {
    const e = parse(sipEventSchema, raw);
    const payload: EventPayload = { direction: 'inbound', from: e.from, to: e.to };
    if (e.code !== undefined) payload.code = e.code;
    return {
      callId: e.callId,
      kind: e.event,
      at: e.at ? checkTime(new Date(e.at), now) : now,
      source: 'sip',
      agentId: null,
      reason: null,
      payload,
    };
  }
  const e = parse(systemEventSchema, raw);
  return {
    callId: e.callId,
    kind: e.kind,
    at: new Date(e.at),
    source: 'system',
    agentId: null,
    reason: e.reason ?? null,
    payload: {},
  };
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

type CallParties = { direction: 'inbound' | 'outbound'; from: string; to: string };

// At equal times an end by transfer wins over a hang-up, and an agent's end over the sweeper's.
const KIND_ORDER = ['offered', 'dialing', 'ringing', 'answered', 'transferred', 'ended', 'unanswered', 'closed'];
const SOURCE_ORDER = ['agent', 'sip', 'system'];
const OWN_RINGING_ENDS = ['rejected', 'elsewhere', 'busy'];

function compareEvents(a: StoredEvent, b: StoredEvent): number {
  return (
    a.at - b.at ||
    KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
    SOURCE_ORDER.indexOf(a.source) - SOURCE_ORDER.indexOf(b.source) ||
    (a.agentId ?? 0) - (b.agentId ?? 0) ||
    (a.reason ?? '').localeCompare(b.reason ?? '')
  );
}

const seconds = (ms: number) => Math.max(0, Math.round(ms / 1000));

export function deriveCall(events: StoredEvent[], fallback: CallParties): DerivedCall {
  const sorted = [...events].sort(compareEvents);
  const described = sorted.find((e) => e.payload.direction && e.payload.from && e.payload.to);
  const direction = described?.payload.direction ?? fallback.direction;
  const fromNumber = described?.payload.from ?? fallback.from;
  const toNumber = described?.payload.to ?? fallback.to;

  const ringAt = sorted.find((e) => ['ringing', 'offered', 'dialing'].includes(e.kind))?.at ?? sorted[0]?.at ?? null;

  // What ends a call nobody answered. For a call we dialled, the dialling agent's own end is the end.
  const isCancel = (e: StoredEvent) =>
    (e.kind === 'ended' && e.reason === 'cancelled') || (e.kind === 'unanswered' && e.payload.code === 487);
  const unansweredEnds = sorted.filter(
    (e) =>
      e.kind === 'unanswered' ||
      e.kind === 'closed' ||
      isCancel(e) ||
      (direction === 'outbound' && e.kind === 'ended' && e.source === 'agent'),
  );
  const callEnd = unansweredEnds[0]?.at ?? null;

  // An answer after the call ended, or after the agent's own ringing ended, is a late report: ignored.
  const answer = sorted.find(
    (e) =>
      e.kind === 'answered' &&
      e.agentId !== null &&
      (callEnd === null || e.at <= callEnd) &&
      !sorted.some(
        (x) =>
          x.agentId === e.agentId && x.kind === 'ended' && OWN_RINGING_ENDS.includes(x.reason ?? '') && x.at < e.at,
      ),
  );

  let agentId: number | null = null;
  let answerAt: number | null = null;
  let endAt: number | null = null;
  let disposition: string | null = null;
  let transferTarget: string | null = null;
  if (answer) {
    agentId = answer.agentId;
    answerAt = answer.at;
    const end = sorted.find(
      (e) =>
        e.at >= answer.at &&
        ((['ended', 'transferred'].includes(e.kind) && e.agentId === answer.agentId) || e.kind === 'closed'),
    );
    endAt = end?.at ?? null;
    disposition = end?.kind === 'transferred' ? 'transferred' : 'answered';
    transferTarget = end?.kind === 'transferred' ? (end.payload.target ?? null) : null;
  } else {
    endAt = callEnd;
    if (direction === 'outbound') {
      agentId = sorted.find((e) => e.kind === 'dialing' && e.agentId !== null)?.agentId ?? null;
    }
    if (endAt !== null) {
      if (direction === 'outbound') disposition = 'failed';
      else disposition = unansweredEnds.some((e) => e.at === endAt && isCancel(e)) ? 'abandoned' : 'missed';
    }
  }
  const waitEnd = answerAt ?? endAt;
  const appealIds = [
    ...new Set(sorted.filter((e) => e.kind === 'dialing' && e.payload.appealId).map((e) => e.payload.appealId!)),
  ];
  return {
    direction,
    fromNumber,
    toNumber,
    agentId,
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

interface CallRow {
  call_id: string;
  direction: string;
  disposition: string | null;
  agent_id: number | null;
  ring_at: Date | string | null;
  answer_at: Date | string | null;
  end_at: Date | string | null;
  needs_callback: boolean;
}

interface EventRow {
  kind: string;
  at: Date | string;
  source: string;
  agent_id: number | null;
  reason: string | null;
  payload: unknown;
}

const iso = (d: unknown) => dateOrNull(d)?.toISOString() ?? null;

async function recompute(tx: EntityManager, callRowId: number, sipCallId: string, fallback: CallParties, now: Date) {
  const rows = await all<EventRow>(
    tx,
    'select kind, at, source, agent_id, reason, payload from call_event where call_id = ?',
    [callRowId],
  );
  const d = deriveCall(
    rows.map((r) => ({
      kind: r.kind,
      at: new Date(r.at).getTime(),
      source: r.source,
      agentId: r.agent_id,
      reason: r.reason,
      payload: jsonb<EventPayload | null>(r.payload) ?? {},
    })),
    fallback,
  );
  const citizenNumber = d.direction === 'inbound' ? d.fromNumber : d.toNumber;

  // A missed call stays flagged until an outbound call to that number connected after it rang.
  const callback = d.missed
    ? await one<{ call_id: string; answer_at: Date }>(
        tx,
        `select call_id, answer_at from call
        where direction = 'outbound' and to_number = ? and answer_at is not null and answer_at >= ?
        order by answer_at, id limit 1`,
        [d.fromNumber, d.ringAt ?? new Date(0)],
      )
    : undefined;
  const row = (await one<CallRow>(
    tx,
    `update call set direction = ?, from_number = ?, to_number = ?, agent_id = ?,
            citizen_id = (select id from citizen where phone = ?),
            ring_at = ?, answer_at = ?, end_at = ?, disposition = ?, wait_seconds = ?, talk_seconds = ?,
            transfer_target = ?, needs_callback = ?, callback_done_at = ?, callback_call_id = ?, updated_at = ?
      where id = ? returning call_id, direction, disposition, agent_id, ring_at, answer_at, end_at, needs_callback`,
    [
      d.direction,
      d.fromNumber,
      d.toNumber,
      d.agentId,
      citizenNumber,
      d.ringAt,
      d.answerAt,
      d.endAt,
      d.disposition,
      d.waitSeconds,
      d.talkSeconds,
      d.transferTarget,
      d.missed && !callback,
      callback ? new Date(callback.answer_at) : null,
      callback?.call_id ?? null,
      now,
      callRowId,
    ],
  ))!;

  for (const appealId of d.appealIds) {
    await run(
      tx,
      'insert into call_appeal (call_id, appeal_id) select ?, id from appeal where id = ? on conflict do nothing',
      [callRowId, appealId],
    );
  }
  // A callback that connected clears the flag on the caller's earlier missed calls.
  if (d.direction === 'outbound' && d.answerAt) {
    await run(
      tx,
      `update call set needs_callback = false, callback_done_at = ?, callback_call_id = ?, updated_at = ?
        where direction = 'inbound' and from_number = ? and needs_callback and ring_at <= ?`,
      [d.answerAt, sipCallId, now, d.toNumber, d.answerAt],
    );
  }
  return row;
}

/**
 * Records one call event and recomputes its call, in one transaction. The event is validated
 * (bad input → `InvalidInput` with field errors, nothing written), the call row is created if
 * absent and locked, the event is inserted unless the same one is already there, and every
 * derived column is recomputed from the whole set of the call's events.
 */
export async function recordCallEvent(
  em: EntityManager,
  source: CallEventSource,
  raw: unknown,
  now = new Date(),
): Promise<CallState> {
  const ev = normalise(source, raw, now);
  return inTransaction(em, async (tx) => {
    if (ev.payload.appealId) {
      const appeal = await one(tx, 'select id from appeal where id = ?', [ev.payload.appealId]);
      if (!appeal) throw new InvalidInput('通话事件无效', { appealId: ['诉求不存在'] });
    }
    if (ev.source !== 'system') {
      // Create-if-absent, then lock: concurrent reports about one call queue on its row.
      await run(
        tx,
        `insert into call (call_id, direction, from_number, to_number, needs_callback, created_at, updated_at)
         values (?, ?, ?, ?, false, ?, ?) on conflict (call_id) do nothing`,
        [ev.callId, ev.payload.direction, ev.payload.from, ev.payload.to, now, now],
      );
    }
    const call = await one<{ id: number; direction: CallParties['direction']; from_number: string; to_number: string }>(
      tx,
      'select id, direction, from_number, to_number from call where call_id = ? for update',
      [ev.callId],
    );
    if (!call) throw new NotFound('通话不存在');
    const inserted = await all(
      tx,
      `insert into call_event (call_id, kind, at, source, agent_id, reason, payload, received_at)
       values (?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing returning id`,
      [call.id, ev.kind, ev.at, ev.source, ev.agentId, ev.reason, JSON.stringify(ev.payload), now],
    );
    const fallback = { direction: call.direction, from: call.from_number, to: call.to_number };
    const row = await recompute(tx, call.id, ev.callId, fallback, now);
    return {
      callId: row.call_id,
      direction: row.direction,
      disposition: row.disposition,
      agentId: row.agent_id,
      ringAt: iso(row.ring_at),
      answerAt: iso(row.answer_at),
      endAt: iso(row.end_at),
      needsCallback: row.needs_callback,
      recorded: inserted.length > 0,
    };
  });
}
