import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { DatabaseHandle } from '../cases/transition.server';
import { all, inTransaction, run } from '../db/sql.server';

// The outbox's sender: rows claimed with SKIP LOCKED so instances never double-send, each send through the
// configured gateway; a failed send waits and is tried again (RETRY_DELAYS_MS), and after MAX_SMS_ATTEMPTS, or at
// once when the carrier refuses the number, it is 'failed'. A carrier's delivery report then moves sent → delivered.

export interface SmsMessage {
  /** The outbox row: the carrier's client reference, so a resend after a lost answer is not a second message. */
  id: number;
  phone: string;
  body: string;
}

export interface SmsGateway {
  /** Resolves with the carrier's message id (when it gives one); throws to be tried again later. */
  send(message: SmsMessage): Promise<{ providerMessageId: string | null } | void>;
}

/** A refusal that no retry changes (an invalid number): the row is failed at once. */
export class PermanentSmsFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentSmsFailure';
  }
}

export const MAX_SMS_ATTEMPTS = 5;
/** Wait after the 1st, 2nd, 3rd, 4th failed attempt. */
export const RETRY_DELAYS_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000] as const;

/** When a row that has now failed `attempts` times is tried again, or null when it is given up. */
export function nextAttemptAt(attempts: number, now: Date): Date | null {
  if (attempts >= MAX_SMS_ATTEMPTS) return null;
  const delay = RETRY_DELAYS_MS[Math.min(attempts, RETRY_DELAYS_MS.length) - 1];
  return new Date(now.getTime() + delay);
}

/** Development gateway: appends each message to a file under the data folder instead of a carrier. */
export function fileSmsGateway(dataRoot: string): SmsGateway {
  const file = path.join(dataRoot, 'sms-sent.log');
  return {
    async send({ id, phone, body }) {
      await mkdir(dataRoot, { recursive: true });
      await appendFile(file, `${new Date().toISOString()}\t${phone}\t${body}\n`);
      return { providerMessageId: `file-${id}` };
    },
  };
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 500);

/** Sends the outbox rows that are due; returns how many the carrier accepted. */
export async function sendPendingSms(
  db: DatabaseHandle,
  gateway: SmsGateway,
  opts: { limit?: number; now?: () => Date } = {},
): Promise<number> {
  const clock = opts.now ?? (() => new Date());
  let sent = 0;
  await inTransaction(db.em(), async (tx) => {
    const rows = await all<{ id: number; phone: string; body: string; attempts: number }>(
      tx,
      `select id, phone, body, attempts from sms_outbox
        where status = 'pending' and (next_attempt_at is null or next_attempt_at <= ?)
        order by id limit ? for update skip locked`,
      [clock(), opts.limit ?? 50],
    );
    for (const r of rows) {
      const attempts = r.attempts + 1;
      try {
        const providerMessageId = (await gateway.send({ id: r.id, phone: r.phone, body: r.body }))?.providerMessageId;
        const now = clock();
        await run(
          tx,
          `update sms_outbox set status = 'sent', attempts = ?, sent_at = ?, provider_message_id = ?,
                  next_attempt_at = null, last_error = null, updated_at = ? where id = ?`,
          [attempts, now, providerMessageId ?? null, now, r.id],
        );
        sent++;
      } catch (err) {
        const now = clock();
        const retryAt = err instanceof PermanentSmsFailure ? null : nextAttemptAt(attempts, now);
        await run(
          tx,
          `update sms_outbox set status = ?, attempts = ?, sent_at = ?, next_attempt_at = ?, last_error = ?,
                  updated_at = ? where id = ?`,
          [retryAt ? 'pending' : 'failed', attempts, now, retryAt, errorText(err), now, r.id],
        );
      }
    }
  });
  return sent;
}
