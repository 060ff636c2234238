import { createHash, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import { all, one } from '../db/sql.server';
import { DomainError, NotFound, parseInput } from '../domain/errors';

// The HTTP provider's delivery reports: a sent message becomes delivered or failed. The provider proves itself with
// the shared secret SMS_DELIVERY_SECRET (a bearer token); a report repeated, or one for a message already settled,
// changes nothing.

export class DeliveryReportUnauthorized extends DomainError {
  constructor() {
    super('未授权', 401);
  }
}

const digest = (s: string) => createHash('sha256').update(s).digest();

function authorized(header: string | null, secret: string | undefined): boolean {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  // Compared as digests, so neither the length nor the bytes leak through timing.
  return Boolean(secret && m && timingSafeEqual(digest(m[1]), digest(secret)));
}

export const deliveryReportSchema = z
  .object({
    messageId: z.string({ message: '缺少 messageId' }).trim().min(1, '缺少 messageId').max(100),
    status: z.enum(['delivered', 'failed'], { message: 'status 应为 delivered 或 failed' }),
    error: z.string().trim().max(500).optional(),
    deliveredAt: z.iso.datetime({ offset: true, message: 'deliveredAt 应为 ISO 时间' }).optional(),
  })
  .strict();

export type DeliveryOutcome = { id: number; status: 'sent' | 'delivered' | 'failed' | 'pending'; changed: boolean };

/** Applies one report; 401 with a wrong secret and 404 for an id no message has, both before anything is written. */
export async function recordDeliveryReport(
  em: EntityManager,
  authHeader: string | null,
  raw: unknown,
  opts: { secret?: string; now?: Date } = {},
): Promise<DeliveryOutcome> {
  if (!authorized(authHeader, opts.secret ?? process.env.SMS_DELIVERY_SECRET)) throw new DeliveryReportUnauthorized();
  const report = parseInput(deliveryReportSchema, raw);
  const now = opts.now ?? new Date();
  const at = report.deliveredAt ? new Date(report.deliveredAt) : now;
  const [updated] = await all<{ id: number; status: DeliveryOutcome['status'] }>(
    em,
    `update sms_outbox set status = ?, delivered_at = ?, last_error = coalesce(?, last_error), updated_at = ?
      where provider_message_id = ? and status = 'sent' returning id, status`,
    [
      report.status,
      report.status === 'delivered' ? at : null,
      report.status === 'failed' ? (report.error ?? '运营商报告未送达') : null,
      now,
      report.messageId,
    ],
  );
  if (updated) return { ...updated, changed: true };
  const existing = await one<{ id: number; status: DeliveryOutcome['status'] }>(
    em,
    'select id, status from sms_outbox where provider_message_id = ?',
    [report.messageId],
  );
  if (!existing) throw new NotFound('没有该短信');
  return { ...existing, changed: false };
}
