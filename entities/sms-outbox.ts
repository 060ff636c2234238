import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { BaseSchema } from './base';
import { AppealSchema } from './appeal';

// Messages to citizens are written here in the same transaction as the event that caused them,
// and sent by a job afterwards, so a rollback never leaves a message already sent.
export const SmsOutboxSchema = defineEntity({
  name: 'SmsOutbox',
  tableName: 'sms_outbox',
  extends: BaseSchema,
  properties: {
    // The appeal page lists an appeal's messages.
    appeal: () => p.manyToOne(AppealSchema).nullable().index(),
    phone: p.string().length(32),
    template: p.string().length(50),
    body: p.text(),
    status: p
      .enum(['pending', 'sent', 'delivered', 'failed'] as const)
      .default('pending')
      .index(),
    sentAt: p.datetime().nullable(),
    /** Sends tried; after a failure the row waits until nextAttemptAt, and after the last it is 'failed'. */
    attempts: p.integer().default(0),
    nextAttemptAt: p.datetime().nullable(),
    lastError: p.text().nullable(),
    /** The carrier's id of the message, which its delivery report quotes. */
    providerMessageId: p.string().length(100).nullable().unique(),
    deliveredAt: p.datetime().nullable(),
  },
});
export type SmsOutbox = InferEntity<typeof SmsOutboxSchema>;
