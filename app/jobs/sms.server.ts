import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { DatabaseHandle } from '../cases/transition.server';
import { all, inTransaction, run } from '../db/sql.server';

export interface SmsGateway {
  send(phone: string, body: string): Promise<void>;
}

/** Development gateway: appends each message to a file under the data folder instead of a carrier. */
export function fileSmsGateway(dataRoot: string): SmsGateway {
  const file = path.join(dataRoot, 'sms-sent.log');
  return {
    async send(phone, body) {
      await mkdir(dataRoot, { recursive: true });
      await appendFile(file, `${new Date().toISOString()}\t${phone}\t${body}\n`);
    },
  };
}

/** Sends pending outbox rows; each row is claimed with SKIP LOCKED so instances never double-send. */
export async function sendPendingSms(db: DatabaseHandle, gateway: SmsGateway, limit = 50): Promise<number> {
  let sent = 0;
  await inTransaction(db.em(), async (tx) => {
    const rows = await all<{ id: number; phone: string; body: string }>(
      tx,
      `select id, phone, body from sms_outbox where status = 'pending' order by id limit ? for update skip locked`,
      [limit],
    );
    for (const r of rows) {
      let status = 'sent';
      try {
        await gateway.send(r.phone, r.body);
      } catch {
        status = 'failed';
      }
      await run(tx, 'update sms_outbox set status = ?, sent_at = ?, updated_at = ? where id = ?', [
        status,
        new Date(),
        new Date(),
        r.id,
      ]);
      if (status === 'sent') sent++;
    }
  });
  return sent;
}
