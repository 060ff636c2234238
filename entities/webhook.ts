import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { ApiClientSchema } from './api-client';
import { AppealSchema } from './appeal';
import { BaseSchema } from './base';

// A client's request to be told when appeals change: its own (the appeals it filed) or, with webhooks:all, every
// appeal. Deleted, never removed: the deliveries made to it keep naming it.
export const WEBHOOK_SCOPES = ['own', 'all'] as const;
export type WebhookScope = (typeof WEBHOOK_SCOPES)[number];

export const WebhookSubscriptionSchema = defineEntity({
  name: 'WebhookSubscription',
  tableName: 'webhook_subscription',
  extends: BaseSchema,
  properties: {
    client: () => p.manyToOne(ApiClientSchema).index(),
    url: p.string().length(2000),
    scope: p.enum(WEBHOOK_SCOPES),
    deletedAt: p.datetime().nullable(),
  },
});
export type WebhookSubscription = InferEntity<typeof WebhookSubscriptionSchema>;

// The outbox of changes pushed to subscriptions: written in the transaction of the appeal's step, sent by the job
// queue with retries. One row per change and subscription; its event id stays the same across retries, so the
// receiver can drop a repeat. `sequence` is the appeal's audit sequence: the order the receiver must see.
export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

export const WebhookDeliverySchema = defineEntity({
  name: 'WebhookDelivery',
  tableName: 'webhook_delivery',
  extends: BaseSchema,
  uniques: [{ properties: ['subscription', 'eventId'] }],
  indexes: [{ properties: ['subscription', 'appeal', 'sequence'] }, { properties: ['status', 'nextAttemptAt'] }],
  properties: {
    subscription: () => p.manyToOne(WebhookSubscriptionSchema),
    appeal: () => p.manyToOne(AppealSchema),
    eventId: p.uuid(),
    sequence: p.integer(),
    payload: p.json<Record<string, unknown>>(),
    status: p.enum(WEBHOOK_DELIVERY_STATUSES).default('pending'),
    /** Posts tried; after a failure the row waits until nextAttemptAt, and after the last it is 'failed'. */
    attempts: p.integer().default(0),
    nextAttemptAt: p.datetime().nullable(),
    lastError: p.text().nullable(),
    /** The receiver's HTTP status of the last attempt (null when it never answered). */
    lastStatus: p.smallint().nullable(),
    deliveredAt: p.datetime().nullable(),
  },
});
export type WebhookDelivery = InferEntity<typeof WebhookDeliverySchema>;
