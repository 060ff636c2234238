import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import { WEBHOOK_SCOPES, type WebhookScope } from '../../entities/webhook';
import type { ApiOperationDescription } from '../api-clients/api-description';
import type { ApiPrincipal } from '../api-clients/authenticate.server';
import { all, inTransaction, one, run } from '../db/sql.server';
import { Forbidden, NotFound, parseInput } from '../domain/errors';

// A client's subscriptions to appeal changes. 'own' covers the appeals the client filed; 'all' every appeal and
// needs the operation webhooks:all besides webhooks:subscribe. A deleted subscription is kept (its deliveries name
// it) and gets nothing more: what it still had pending is failed with the deletion.

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Whether plain http may be used to a loopback receiver (a system on the same host, or a test's): outside
 * production, or with WEBHOOKS_ALLOW_HTTP=1. Anything else must be https: the body is signed, not encrypted.
 */
export function plainHttpAllowed(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.NODE_ENV !== 'production' || env.WEBHOOKS_ALLOW_HTTP === '1';
}

function urlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'url is not a valid URL';
  }
  if (url.username || url.password) return 'url must not carry credentials';
  if (url.hash) return 'url must not have a fragment';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && LOOPBACK.has(url.hostname) && plainHttpAllowed()) return null;
  return 'url must be https (http only to localhost outside production)';
}

export const subscriptionInputSchema = z
  .object({
    url: z
      .string()
      .trim()
      .max(2000)
      .superRefine((v, ctx) => {
        const problem = urlProblem(v);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    scope: z.enum(WEBHOOK_SCOPES).default('own'),
  })
  .strict();

export const subscriptionSchema = z.object({
  id: z.number().int(),
  url: z.string(),
  scope: z.enum(WEBHOOK_SCOPES),
  createdAt: z.iso.datetime(),
});
export type SubscriptionView = z.infer<typeof subscriptionSchema>;

export const subscriptionListSchema = z.object({ subscriptions: z.array(subscriptionSchema) });
export const subscriptionIdSchema = z.object({ id: z.coerce.number().int().positive() }).strict();
const deletionSchema = subscriptionIdSchema.extend({ body: z.object({}).strict().optional() });

/** The payload each delivery POSTs: what the receiver checks its signature over and acts on. */
export const webhookPayloadSchema = z.object({
  eventId: z.uuid(),
  type: z.literal('appeal.changed'),
  occurredAt: z.iso.datetime(),
  sequence: z.number().int(),
  request: z.object({
    service_request_id: z.string(),
    status: z.enum(['open', 'closed']),
    phase: z.string(),
    status_notes: z.string().nullable(),
    agency_responsible: z.string().nullable(),
    updated_datetime: z.iso.datetime(),
  }),
});

const errorSchema = z.object({ message: z.string() });

export const SUBSCRIPTIONS_API: ApiOperationDescription[] = [
  {
    method: 'post',
    path: '/api/v1/subscriptions',
    operationId: 'createSubscription',
    tag: 'webhooks',
    summary: 'Subscribe to appeal changes',
    description:
      'Every change of an appeal the client filed (scope own) or of every appeal (scope all, needs webhooks:all) ' +
      'is POSTed to url, in order per appeal, signed: X-Signature is sha256=<hex HMAC-SHA256 of ' +
      '"<X-Timestamp>.<body>"> with the client signing secret; X-Webhook-Id is the event id, the same on every retry.',
    operation: 'webhooks:subscribe',
    auth: 'apiKey',
    body: subscriptionInputSchema,
    responses: {
      201: { description: 'Subscribed', schema: subscriptionSchema },
      400: { description: 'Invalid body', schema: errorSchema },
      401: { description: 'Missing, unknown or revoked key', schema: errorSchema },
      403: { description: 'Operation not granted (scope all needs webhooks:all)', schema: errorSchema },
      429: { description: 'Rate limit', schema: errorSchema },
    },
  },
  {
    method: 'get',
    path: '/api/v1/subscriptions',
    operationId: 'listSubscriptions',
    tag: 'webhooks',
    summary: 'The client’s live subscriptions',
    operation: 'webhooks:subscribe',
    auth: 'apiKey',
    responses: {
      200: { description: 'Subscriptions', schema: subscriptionListSchema },
      401: { description: 'Missing, unknown or revoked key', schema: errorSchema },
    },
  },
  {
    method: 'delete',
    path: '/api/v1/subscriptions/{id}',
    operationId: 'deleteSubscription',
    tag: 'webhooks',
    summary: 'Stop a subscription; nothing more is delivered to it',
    operation: 'webhooks:subscribe',
    auth: 'apiKey',
    params: subscriptionIdSchema,
    responses: {
      204: { description: 'Deleted' },
      404: { description: 'No such subscription of this client', schema: errorSchema },
      401: { description: 'Missing, unknown or revoked key', schema: errorSchema },
    },
  },
];

/** What an `all` subscription needs beyond webhooks:subscribe, refused as the gate refuses an operation. */
export class ScopeRefused extends Forbidden {
  constructor() {
    super('this client may not webhooks:all');
  }
}

type SubscriptionRow = { id: number; url: string; scope: WebhookScope; created_at: Date | string };
const view = (r: SubscriptionRow): SubscriptionView => ({
  id: r.id,
  url: r.url,
  scope: r.scope,
  createdAt: new Date(r.created_at).toISOString(),
});

export async function createSubscription(
  em: EntityManager,
  client: Pick<ApiPrincipal, 'id' | 'operations'>,
  raw: unknown,
  now = new Date(),
): Promise<SubscriptionView> {
  const input = parseInput(subscriptionInputSchema, raw);
  if (input.scope === 'all' && !client.operations.includes('webhooks:all')) throw new ScopeRefused();
  const row = await one<SubscriptionRow>(
    em,
    `insert into webhook_subscription (created_at, updated_at, client_id, url, scope) values (?, ?, ?, ?, ?)
     returning id, url, scope, created_at`,
    [now, now, client.id, input.url, input.scope],
  );
  return view(row!);
}

export async function listSubscriptions(
  em: EntityManager,
  client: Pick<ApiPrincipal, 'id'>,
): Promise<{ subscriptions: SubscriptionView[] }> {
  const rows = await all<SubscriptionRow>(
    em,
    `select id, url, scope, created_at from webhook_subscription
      where client_id = ? and deleted_at is null order by id`,
    [client.id],
  );
  return { subscriptions: rows.map(view) };
}

/** Another client's subscription is not found, as one that never existed. */
export async function deleteSubscription(
  em: EntityManager,
  client: Pick<ApiPrincipal, 'id'>,
  rawParams: unknown,
  now = new Date(),
): Promise<void> {
  const { id } = parseInput(deletionSchema, rawParams);
  await inTransaction(em, async (tx) => {
    const deleted = await one(
      tx,
      `update webhook_subscription set deleted_at = ?, updated_at = ?
        where id = ? and client_id = ? and deleted_at is null returning id`,
      [now, now, id, client.id],
    );
    if (!deleted) throw new NotFound('no such subscription');
    await run(
      tx,
      `update webhook_delivery set status = 'failed', next_attempt_at = null, last_error = ?, updated_at = ?
        where subscription_id = ? and status = 'pending'`,
      ['subscription deleted', now, id],
    );
  });
}
