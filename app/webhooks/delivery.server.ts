import { createHmac } from 'node:crypto';
import { openSigningSecret } from '../api-clients/credentials.server';
import type { DatabaseHandle } from '../cases/transition.server';
import { all, jsonb, run } from '../db/sql.server';

// The webhook outbox's sender. A row is claimed by moving its next attempt past the send's lease in one statement
// (`for update skip locked`, so instances never claim the same row), then POSTed signed; 2xx delivers it, anything
// else waits 10 s × 2^n (±20 %, at most an hour) and is tried again, up to WEBHOOK_MAX_ATTEMPTS, then failed (at
// once on 410 Gone). Only the earliest undelivered change of an appeal to a subscription is ever claimed, so a
// receiver sees an appeal's changes in order; a crash mid-send leaves the row pending and it is sent again when its lease runs out (at least
// once: the receiver drops a repeat by X-Webhook-Id).

/** The delayed-job chain that sweeps the outbox. */
export const WEBHOOK_QUEUE = 'webhook-delivery';
export const WEBHOOK_MAX_ATTEMPTS = 12;
export const WEBHOOK_BASE_DELAY_MS = 10_000;
export const WEBHOOK_MAX_DELAY_MS = 3_600_000;
export const WEBHOOK_TIMEOUT_MS = 10_000;
/** How long a claimed row is left alone: the send's timeout and room to record its outcome. */
const LEASE_MS = WEBHOOK_TIMEOUT_MS + 60_000;

/** The wait after the `failures`-th failed attempt: 10 s, 20 s, 40 s … at most an hour, with ±20 % jitter. */
export function retryDelayMs(failures: number, random: () => number = Math.random): number {
  const base = Math.min(WEBHOOK_MAX_DELAY_MS, WEBHOOK_BASE_DELAY_MS * 2 ** Math.max(0, failures - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** `sha256=<hex>` of HMAC-SHA256 over `<timestamp>.<body>` with the client's signing secret. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

export interface WebhookPost {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

/** Sends one POST; resolves with the receiver's status, throws when there was no answer. */
export type WebhookPoster = (post: WebhookPost) => Promise<{ status: number }>;

export const fetchPoster: WebhookPoster = async ({ url, headers, body, timeoutMs }) => {
  // A redirect is not followed: the subscription names where the body may go.
  const response = await fetch(url, {
    method: 'POST',
    headers,
    body,
    redirect: 'manual',
    signal: AbortSignal.timeout(timeoutMs),
  });
  await response.body?.cancel().catch(() => {});
  return { status: response.status };
};

export interface DeliveryOptions {
  now?: () => Date;
  post?: WebhookPoster;
  random?: () => number;
  /** Rows claimed at once. */
  limit?: number;
  /** Claims after the first, for the changes that were waiting behind the ones just delivered. */
  rounds?: number;
}

export interface DeliveryTally {
  delivered: number;
  retrying: number;
  failed: number;
}

interface Claimed {
  id: number;
  event_id: string;
  payload: unknown;
  attempts: number;
  url: string;
  signing_secret_sealed: string;
}

const errorText = (err: unknown) => {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  const text = e?.name === 'TimeoutError' ? 'timed out' : (e?.cause?.code ?? e?.cause?.message ?? e?.message);
  return String(text ?? err).slice(0, 500);
};

async function claim(db: DatabaseHandle, now: Date, limit: number): Promise<Claimed[]> {
  return all<Claimed>(
    db.em(),
    `with due as (
       select d.id from webhook_delivery d
         join webhook_subscription s on s.id = d.subscription_id and s.deleted_at is null
         join api_client k on k.id = s.client_id and k.revoked_at is null
        where d.status = 'pending' and d.next_attempt_at <= ?
          and not exists (select 1 from webhook_delivery e
                           where e.subscription_id = d.subscription_id and e.appeal_id = d.appeal_id
                             and e.sequence < d.sequence and e.status <> 'delivered')
        order by d.next_attempt_at, d.id
        limit ? for update of d skip locked),
     claimed as (
       update webhook_delivery w set next_attempt_at = ?, updated_at = ? from due where w.id = due.id
       returning w.id, w.subscription_id, w.event_id, w.payload, w.attempts)
     select c.id, c.event_id, c.payload, c.attempts, s.url, k.signing_secret_sealed
       from claimed c join webhook_subscription s on s.id = c.subscription_id join api_client k on k.id = s.client_id
      order by c.id`,
    [now, limit, new Date(now.getTime() + LEASE_MS), now],
  );
}

/** Sends what is due, and what was waiting behind it; returns what became of the attempts. */
export async function deliverDueWebhooks(db: DatabaseHandle, opts: DeliveryOptions = {}): Promise<DeliveryTally> {
  const clock = opts.now ?? (() => new Date());
  const post = opts.post ?? fetchPoster;
  const random = opts.random ?? Math.random;
  const tally: DeliveryTally = { delivered: 0, retrying: 0, failed: 0 };
  const secrets = new Map<string, string>();
  for (let round = 0; round < (opts.rounds ?? 10); round++) {
    const rows = await claim(db, clock(), opts.limit ?? 20);
    if (!rows.length) break;
    await Promise.all(
      rows.map(async (r) => {
        const secret = secrets.get(r.signing_secret_sealed) ?? openSigningSecret(r.signing_secret_sealed);
        secrets.set(r.signing_secret_sealed, secret);
        const body = JSON.stringify(jsonb(r.payload));
        const timestamp = String(Math.floor(clock().getTime() / 1000));
        let status: number | null = null;
        let error: string | null = null;
        try {
          status = (
            await post({
              url: r.url,
              body,
              timeoutMs: WEBHOOK_TIMEOUT_MS,
              headers: {
                'Content-Type': 'application/json',
                'User-Agent': 'hotline-12345-webhooks',
                'X-Webhook-Id': r.event_id,
                'X-Timestamp': timestamp,
                'X-Signature': webhookSignature(secret, timestamp, body),
              },
            })
          ).status;
          if (status < 200 || status > 299) error = `HTTP ${status}`;
        } catch (err) {
          error = errorText(err);
        }
        const attempts = r.attempts + 1;
        const at = clock();
        if (!error) {
          tally.delivered++;
          await run(
            db.em(),
            `update webhook_delivery set status = 'delivered', attempts = ?, last_status = ?, last_error = null,
                    next_attempt_at = null, delivered_at = ?, updated_at = ? where id = ? and status = 'pending'`,
            [attempts, status, at, at, r.id],
          );
          return;
        }
        // 410 Gone: the receiver says it will never take this; retrying only repeats the refusal.
        const giveUp = attempts >= WEBHOOK_MAX_ATTEMPTS || status === 410;
        if (giveUp) tally.failed++;
        else tally.retrying++;
        await run(
          db.em(),
          `update webhook_delivery set status = ?, attempts = ?, last_status = ?, last_error = ?, next_attempt_at = ?,
                  updated_at = ? where id = ? and status = 'pending'`,
          [
            giveUp ? 'failed' : 'pending',
            attempts,
            status,
            error,
            giveUp ? null : new Date(at.getTime() + retryDelayMs(attempts, random)),
            at,
            r.id,
          ],
        );
      }),
    );
  }
  return tally;
}
