import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import type { WebhookDeliveryStatus, WebhookScope } from '../../entities/webhook';
import { localDateTime, startOfLocalDay } from '../calendar/working-time';
import { all, one } from '../db/sql.server';
import { InvalidInput, parseInput } from '../domain/errors';

// The admin's view of the webhook outbox (投递记录): every subscription with its figures and last error, the latest
// deliveries, the deliveries of the last days, and sending a failed delivery again.

export const LOG_DAYS = 14;
const LATEST = 50;

export interface SubscriptionFigures {
  id: number;
  client: string;
  url: string;
  scope: WebhookScope;
  createdAt: string;
  deletedAt: string | null;
  delivered: number;
  pending: number;
  failed: number;
  lastError: string | null;
}

export interface DeliveryLine {
  id: number;
  client: string;
  url: string;
  appealNumber: string;
  sequence: number;
  eventId: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
  deliveredAt: string | null;
  /** Failed, and its subscription still live: it may be sent again. */
  mayRedeliver: boolean;
}

export interface WebhookLog {
  subscriptions: SubscriptionFigures[];
  deliveries: DeliveryLine[];
  /** Changes queued per local day, oldest first, the last LOG_DAYS days. */
  perDay: { day: string; count: number }[];
}

const when = (v: Date | string | null) => (v ? localDateTime(new Date(v)) : null);

export async function webhookLog(em: EntityManager, now = new Date()): Promise<WebhookLog> {
  const subscriptions = await all<{
    id: number;
    client: string;
    url: string;
    scope: WebhookScope;
    created_at: Date;
    deleted_at: Date | null;
    delivered: number;
    pending: number;
    failed: number;
    last_error: string | null;
  }>(
    em,
    `select s.id, k.name as client, s.url, s.scope, s.created_at, s.deleted_at,
            count(d.id) filter (where d.status = 'delivered')::int as delivered,
            count(d.id) filter (where d.status = 'pending')::int as pending,
            count(d.id) filter (where d.status = 'failed')::int as failed,
            (select e.last_error from webhook_delivery e
              where e.subscription_id = s.id and e.last_error is not null
              order by e.updated_at desc, e.id desc limit 1) as last_error
       from webhook_subscription s
       join api_client k on k.id = s.client_id
       left join webhook_delivery d on d.subscription_id = s.id
      group by s.id, k.name
      order by k.name, s.deleted_at nulls first, s.id`,
  );
  const deliveries = await all<{
    id: number;
    client: string;
    url: string;
    number: string;
    sequence: number;
    event_id: string;
    status: WebhookDeliveryStatus;
    attempts: number;
    last_status: number | null;
    last_error: string | null;
    next_attempt_at: Date | null;
    created_at: Date;
    delivered_at: Date | null;
    live: boolean;
  }>(
    em,
    `select d.id, k.name as client, s.url, a.number, d.sequence, d.event_id, d.status, d.attempts, d.last_status,
            d.last_error, d.next_attempt_at, d.created_at, d.delivered_at, s.deleted_at is null as live
       from webhook_delivery d
       join webhook_subscription s on s.id = d.subscription_id
       join api_client k on k.id = s.client_id
       join appeal a on a.id = d.appeal_id
      order by d.updated_at desc, d.id desc
      limit ?`,
    [LATEST],
  );
  const first = new Date(startOfLocalDay(now).getTime() - (LOG_DAYS - 1) * 86_400_000);
  const counted = await all<{ day: number; n: number }>(
    em,
    `select floor(extract(epoch from (created_at - ?::timestamptz)) / 86400)::int as day, count(*)::int as n
       from webhook_delivery where created_at >= ? group by 1`,
    [first, first],
  );
  const byDay = new Map(counted.map((c) => [c.day, c.n]));
  return {
    subscriptions: subscriptions.map((s) => ({
      id: s.id,
      client: s.client,
      url: s.url,
      scope: s.scope,
      createdAt: when(s.created_at)!,
      deletedAt: when(s.deleted_at),
      delivered: s.delivered,
      pending: s.pending,
      failed: s.failed,
      lastError: s.last_error,
    })),
    deliveries: deliveries.map((d) => ({
      id: d.id,
      client: d.client,
      url: d.url,
      appealNumber: d.number,
      sequence: d.sequence,
      eventId: d.event_id,
      status: d.status,
      attempts: d.attempts,
      lastStatus: d.last_status,
      lastError: d.last_error,
      nextAttemptAt: d.status === 'pending' ? when(d.next_attempt_at) : null,
      createdAt: when(d.created_at)!,
      deliveredAt: when(d.delivered_at),
      mayRedeliver: d.status === 'failed' && d.live,
    })),
    perDay: Array.from({ length: LOG_DAYS }, (_, i) => ({
      day: when(new Date(first.getTime() + i * 86_400_000))!.slice(0, 10),
      count: byDay.get(i) ?? 0,
    })),
  };
}

const redeliverSchema = z.object({ id: z.coerce.number().int().positive() });

/**
 * Sends a failed delivery again from its first attempt: pending, due now. The changes of its appeal waiting behind
 * it follow it in order. A delivery to a deleted subscription stays failed.
 */
export async function redeliver(em: EntityManager, raw: unknown, now = new Date()): Promise<{ id: number }> {
  const { id } = parseInput(redeliverSchema, raw);
  const row = await one<{ id: number }>(
    em,
    `update webhook_delivery d set status = 'pending', attempts = 0, next_attempt_at = ?, updated_at = ?
      where d.id = ? and d.status = 'failed'
        and exists (select 1 from webhook_subscription s where s.id = d.subscription_id and s.deleted_at is null)
      returning d.id`,
    [now, now, id],
  );
  if (!row) throw new InvalidInput('该投递不是可重新投递的失败记录', { _form: ['not a failed delivery'] });
  return row;
}
