import type { EntityManager } from '@mikro-orm/sql';
import { localDateTime } from '../calendar/working-time';
import { maskPhone } from '../cases/masking';
import { all } from '../db/sql.server';

/** One message to the citizen as the appeal page lists it. */
export interface AppealSmsView {
  id: number;
  template: string;
  /** The template's name (受理通知 …), or its code when the template is gone. */
  templateName: string;
  body: string;
  /** Masked as the complainant's number is; null when the complainant is hidden from this user. */
  phone: string | null;
  /** pending (queued, or waiting for a retry) → sent (the carrier took it) → delivered | failed. */
  status: 'pending' | 'sent' | 'delivered' | 'failed';
  attempts: number;
  /** Why the last try failed, or what the carrier's report said. */
  lastError: string | null;
  /** Local times. */
  queuedAt: string;
  sentAt: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
}

// A tracking link's token is the citizen's key to the appeal (rate, add, withdraw): staff read the message without it.
const TRACKING_TOKEN = /(\/c\/track\/)[A-Za-z0-9_-]+/g;
const withoutTrackingToken = (body: string) => body.replace(TRACKING_TOKEN, '$1••••••');

/**
 * The messages that went (or are to go) to the citizen about this appeal, oldest first. The number follows
 * the complainant's rules: masked, and not shown at all to whom the complainant is hidden.
 */
export async function appealSms(em: EntityManager, appealId: number, showPhone: boolean): Promise<AppealSmsView[]> {
  const rows = await all<{
    id: number;
    template: string;
    name: string | null;
    body: string;
    phone: string;
    status: AppealSmsView['status'];
    attempts: number;
    last_error: string | null;
    created_at: Date | string;
    sent_at: Date | string | null;
    next_attempt_at: Date | string | null;
    delivered_at: Date | string | null;
  }>(
    em,
    `select o.id, o.template, t.name, o.body, o.phone, o.status, o.attempts, o.last_error, o.created_at, o.sent_at,
            o.next_attempt_at, o.delivered_at
       from sms_outbox o left join sms_template t on t.code = o.template
      where o.appeal_id = ? order by o.id`,
    [appealId],
  );
  return rows.map((r) => ({
    id: r.id,
    template: r.template,
    templateName: r.name ?? r.template,
    body: withoutTrackingToken(r.body),
    phone: showPhone ? maskPhone(r.phone) : null,
    status: r.status,
    attempts: r.attempts,
    lastError: r.last_error,
    queuedAt: localDateTime(new Date(r.created_at)),
    // A failed try also stamps sent_at (when it was tried); only a sent message reached the carrier.
    sentAt: r.sent_at ? localDateTime(new Date(r.sent_at)) : null,
    nextAttemptAt: r.status === 'pending' && r.next_attempt_at ? localDateTime(new Date(r.next_attempt_at)) : null,
    deliveredAt: r.delivered_at ? localDateTime(new Date(r.delivered_at)) : null,
  }));
}
