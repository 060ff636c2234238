import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import { REFERRAL_KINDS, type ReferralKind } from '../../machines/appeal-events';
import type { Actor } from '../../machines/actor';
import { localDateTime } from '../calendar/working-time';
import { all } from '../db/sql.server';
import { Forbidden, InvalidInput } from '../domain/errors';

// The referral cases queue (转介案件): an agency's staff see their own agency's cases, the city's
// desks see all of them. Open cases (the machine's `open` tag) come by their nearest legal deadline
// (the partial index referral_agency_open_index), closed ones newest first; 50 a page on a keyset cursor.

const OPEN = `r.tags @> '{open}'`;
const CLOSED = `r.tags @> '{closed}'`;

export const REFERRAL_QUEUE_PAGE = 50;
const CITY_ROLES = ['dispatcher', 'reviewer', 'supervisor', 'admin'];

export interface ReferralQueueItem {
  id: number;
  number: string;
  kind: ReferralKind;
  agencyName: string;
  appealId: number;
  appealNumber: string;
  appealTitle: string;
  phase: string;
  handlerName: string | null;
  /** Nearest running legal deadline, local time. */
  nextDueAt: string | null;
  clockState: string;
  createdAt: string;
  closedAt: string | null;
  outcome: string | null;
}

export interface ReferralQueue {
  tab: 'open' | 'closed';
  kind: ReferralKind | null;
  /** Whether the actor may filter by kind (the city's desks). */
  mayFilter: boolean;
  counts: { open: number; closed: number };
  items: ReferralQueueItem[];
  nextCursor: string | null;
}

export const referralQueueQuery = z.object({
  tab: z.preprocess((v) => (v === '' || v == null ? 'open' : v), z.enum(['open', 'closed'])),
  kind: z.preprocess((v) => (v === '' || v == null ? undefined : v), z.enum(REFERRAL_KINDS).optional()),
  cursor: z.preprocess((v) => (v === '' || v == null ? undefined : v), z.string().max(200).optional()),
});

/** Cursor: the sort instant (microseconds kept, or empty for "no deadline") and the id. */
function encodeCursor(at: string | null, id: number): string {
  return Buffer.from(`${at ?? ''}|${id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { at: string | null; id: number } {
  const bad = () => new InvalidInput('分页参数无效', { cursor: ['invalid cursor'] });
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) throw bad();
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{1,6}Z)?\|(\d{1,10})$/.exec(
    Buffer.from(cursor, 'base64url').toString('utf8'),
  );
  if (!m || (m[1] && Number.isNaN(Date.parse(m[1])))) throw bad();
  return { at: m[1] ?? null, id: Number(m[2]) };
}

const utc = (col: string) => `to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export async function referralQueue(
  em: EntityManager,
  actor: Actor,
  opts: { tab?: 'open' | 'closed'; kind?: ReferralKind; cursor?: string } = {},
): Promise<ReferralQueue> {
  const tab = opts.tab ?? 'open';
  const city = CITY_ROLES.includes(actor.role);
  if (!city && actor.role !== 'mediator') throw new Forbidden('无权查看转介案件');
  const scope: string[] = [];
  const params: unknown[] = [];
  if (!city) {
    // An agency's staff: their own agency only (a mediator without one sees nothing).
    scope.push('r.agency_id in (?)');
    params.push(actor.departmentIds.length ? actor.departmentIds : [-1]);
  } else if (opts.kind) {
    scope.push('r.kind = ?');
    params.push(opts.kind);
  }
  const base = scope.length ? `${scope.join(' and ')} and ` : '';
  const [counts] = await all<{ open: number; closed: number }>(
    em,
    `select (select count(*)::int from referral r where ${base}${OPEN}) as open,
            (select count(*)::int from referral r where ${base}${CLOSED}) as closed`,
    [...params, ...params],
  );

  const cursor = opts.cursor ? decodeCursor(opts.cursor) : null;
  const where = [...scope];
  const wParams = [...params];
  let order: string;
  let sortCol: string;
  if (tab === 'open') {
    where.push(OPEN);
    sortCol = 'r.next_due_at';
    order = 'r.next_due_at asc nulls last, r.id asc';
    if (cursor) {
      if (cursor.at === null) {
        where.push('r.next_due_at is null and r.id > ?');
        wParams.push(cursor.id);
      } else {
        where.push('((r.next_due_at, r.id) > (?, ?) or r.next_due_at is null)');
        wParams.push(cursor.at, cursor.id);
      }
    }
  } else {
    where.push(CLOSED);
    sortCol = 'r.closed_at';
    order = 'r.closed_at desc, r.id desc';
    if (cursor?.at) {
      where.push('(r.closed_at, r.id) < (?, ?)');
      wParams.push(cursor.at, cursor.id);
    }
  }
  const rows = await all(
    em,
    `select r.id, r.number, r.kind, r.phase, r.next_due_at, r.clock_state, r.created_at, r.closed_at, r.outcome, ${utc(sortCol)} as cursor_at,
            d.name as agency_name, a.id as appeal_id, a.number as appeal_number, a.title as appeal_title, u.display_name as handler_name
       from referral r join department d on d.id = r.agency_id join appeal a on a.id = r.appeal_id left join app_user u on u.id = r.handler_id
      where ${where.join(' and ')}
      order by ${order} limit ?`,
    [...wParams, REFERRAL_QUEUE_PAGE + 1],
  );
  const page = rows.slice(0, REFERRAL_QUEUE_PAGE);
  const last = page.at(-1);
  return {
    tab,
    kind: city ? (opts.kind ?? null) : null,
    mayFilter: city,
    counts,
    items: page.map((r) => ({
      id: r.id,
      number: r.number,
      kind: r.kind,
      agencyName: r.agency_name,
      appealId: r.appeal_id,
      appealNumber: r.appeal_number,
      appealTitle: r.appeal_title,
      phase: r.phase,
      handlerName: r.handler_name ?? null,
      nextDueAt: r.next_due_at ? localDateTime(new Date(r.next_due_at)) : null,
      clockState: r.clock_state,
      createdAt: localDateTime(new Date(r.created_at)),
      closedAt: r.closed_at ? localDateTime(new Date(r.closed_at)) : null,
      outcome: r.outcome,
    })),
    nextCursor: rows.length > REFERRAL_QUEUE_PAGE && last ? encodeCursor(last.cursor_at ?? null, last.id) : null,
  };
}
