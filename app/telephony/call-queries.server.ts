import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import { can } from '../domain/permissions';
import type { Actor } from '../../machines/actor';
import { isValidLocalDate, localDateStart, localDateTime } from '../calendar/working-time';
import { maskPhone } from '../cases/masking';
import { all, dateOrNull, jsonb, one } from '../db/sql.server';
import { fieldErrorsOf, Forbidden, InvalidInput, NotFound } from '../domain/errors';
import { CALL_DIRECTIONS } from './call-events.server';
import { recordingUrl } from './recordings.server';

// What the hotline reads about its calls: the call records and callback queue, and the outcome
// of one call for the softphone bar. The appeal page's calls are in call-links.server.ts.

/** Dispositions the list filters by (the ones call-events.server.ts derives). */
export const CALL_DISPOSITION_FILTERS = ['answered', 'transferred', 'missed', 'abandoned', 'failed'] as const;

export const CALLS_PAGE_SIZE = 50;

const blank = (v: unknown) => {
  if (typeof v !== 'string') return v;
  const t = v.trim();
  return t === '' ? undefined : t;
};
const localDate = z.preprocess(
  blank,
  z.string().refine(isValidLocalDate, { error: '日期格式应为 YYYY-MM-DD' }).optional(),
);
const positive = { error: '请选择有效的话务员' };
const pageError = { error: '页码无效' };

export const callFiltersSchema = z
  .object({
    from: localDate,
    to: localDate,
    direction: z.preprocess(blank, z.enum(CALL_DIRECTIONS, { error: '请选择有效的方向' }).optional()),
    disposition: z.preprocess(blank, z.enum(CALL_DISPOSITION_FILTERS, { error: '请选择有效的结果' }).optional()),
    agent: z.preprocess(blank, z.coerce.number(positive).int().positive(positive).optional()),
    phone: z.preprocess(
      blank,
      z
        .string()
        .regex(/^\d{3,20}$/, { error: '号码应为 3–20 位数字' })
        .optional(),
    ),
    callbackQueue: z.preprocess((v) => v === '1' || v === 'true' || v === true, z.boolean()),
    page: z.preprocess(blank, z.coerce.number(pageError).int().min(1, pageError).max(10_000, pageError).default(1)),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { error: '结束日期不能早于开始日期', path: ['to'] });

export type CallFilters = z.output<typeof callFiltersSchema>;

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

type LinkedAppeal = { id: number; number: string };

// The appeals linked to call `c`, as a json array (one round trip per list).
const LINKED_APPEALS = `coalesce((select json_agg(json_build_object('id', a.id, 'number', a.number) order by a.id)
                        from call_appeal ca join appeal a on a.id = ca.appeal_id where ca.call_id = c.id), '[]'::json)`;

export function mayListCalls(actor: Actor): boolean {
  return can(actor, 'calls:list');
}

/**
 * The call records, newest first, or the callback queue (inbound calls nobody answered and nobody
 * has called back yet), oldest first. Lists show the citizen's number masked.
 */
export async function listCalls(
  em: EntityManager,
  actor: Actor,
  input: URLSearchParams | Record<string, unknown>,
): Promise<CallList> {
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
  if (f.from) add('c.ring_at >= ?', localDateStart(f.from));
  if (f.to) add('c.ring_at < ?', localDateStart(f.to, 1));
  if (f.direction) add('c.direction = ?', f.direction);
  if (f.disposition) add('c.disposition = ?', f.disposition);
  if (f.agent) add('c.agent_id = ?', f.agent);
  if (f.phone) add('(c.from_number like ? or c.to_number like ?)', `%${f.phone}%`, `%${f.phone}%`);
  const sqlWhere = where.join(' and ');
  const count = await one<{ n: number }>(em, `select count(*)::int as n from call c where ${sqlWhere}`, params);
  const total = count!.n;
  const order = f.callbackQueue ? 'c.ring_at asc, c.id asc' : 'c.ring_at desc, c.id desc';
  const rows = await all(
    em,
    `select c.id, c.call_id, c.direction, c.from_number, c.to_number, c.agent_id, u.display_name as agent_name,
            c.disposition, c.ring_at, c.wait_seconds, c.talk_seconds, c.needs_callback, c.recording_ref,
            ${LINKED_APPEALS} as appeals
       from call c left join app_user u on u.id = c.agent_id
      where ${sqlWhere} order by ${order} limit ? offset ?`,
    [...params, CALLS_PAGE_SIZE, (f.page - 1) * CALLS_PAGE_SIZE],
  );
  const agents = await all<{ id: number; name: string }>(
    em,
    `select id, display_name as name from app_user where role in ('operator', 'reviewer') order by display_name, id`,
  );
  return {
    items: rows.map((r) => {
      const appeals = jsonb<LinkedAppeal[] | null>(r.appeals) ?? [];
      const citizenNumber = r.direction === 'inbound' ? r.from_number : r.to_number;
      // Every role that may list calls sees every appeal, so a linked appeal is enough to play the recording.
      const mayPlay = r.agent_id === actor.userId || actor.role === 'supervisor' || appeals.length > 0;
      return {
        id: r.id,
        callId: r.call_id,
        direction: r.direction,
        from: r.direction === 'inbound' ? maskPhone(r.from_number) : r.from_number,
        to: r.direction === 'outbound' ? maskPhone(r.to_number) : r.to_number,
        dial: r.needs_callback ? citizenNumber : null,
        agent: r.agent_name ?? null,
        disposition: r.disposition,
        at: r.ring_at ? localDateTime(new Date(r.ring_at)) : null,
        waitSeconds: r.wait_seconds,
        talkSeconds: r.talk_seconds,
        needsCallback: r.needs_callback,
        appeals,
        recordingUrl: r.recording_ref && mayPlay ? recordingUrl(r.call_id) : null,
      };
    }),
    total,
    page: f.page,
    pageCount: Math.max(1, Math.ceil(total / CALLS_PAGE_SIZE)),
    agents,
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
  appeals: LinkedAppeal[];
}

const iso = (d: unknown) => dateOrNull(d)?.toISOString() ?? null;

/** What the softphone bar polls after a call: its outcome and whether an appeal was saved for it. */
export async function callForAgent(em: EntityManager, actor: Actor, callId: string): Promise<AgentCallView> {
  if (!mayListCalls(actor)) throw new Forbidden('您无权查看通话记录');
  const c = await one(
    em,
    `select c.call_id, c.direction, c.disposition, c.ring_at, c.answer_at, c.end_at, c.wait_seconds, c.talk_seconds,
            c.recording_ref, ${LINKED_APPEALS} as appeals
       from call c where c.call_id = ?`,
    [callId],
  );
  if (!c) throw new NotFound('通话不存在');
  return {
    callId: c.call_id,
    direction: c.direction,
    disposition: c.disposition,
    ringAt: iso(c.ring_at),
    answerAt: iso(c.answer_at),
    endAt: iso(c.end_at),
    waitSeconds: c.wait_seconds,
    talkSeconds: c.talk_seconds,
    hasRecording: Boolean(c.recording_ref),
    appeals: jsonb<LinkedAppeal[] | null>(c.appeals) ?? [],
  };
}
