import { describe, expect, it } from 'vitest';
import type { AppealServices } from '../../app/appeals/service.server';
import { all } from '../../app/db/sql.server';
import { bossTimers, startBoss } from '../../app/jobs/timers.server';
import { SMS_SWEEP_SECONDS, startWorkers } from '../../app/jobs/workers.server';
import { DB_KINDS } from '../support/env';
import { useTestDatabase } from '../support/services';
import { submitAppeal } from '../support/appeals';

describe.each(DB_KINDS)('the SMS outbox sweep on %s', (kind) => {
  const t = useTestDatabase(kind);

  it('sends a queued message within a few sweeps, with no cron, and keeps sweeping after a failed send', async () => {
    const boss = await startBoss(t.db);
    try {
      const services: AppealServices = { db: t.db, timers: bossTimers(boss) };
      const sent: string[] = [];
      let failNext = true;
      await startWorkers(
        boss,
        services,
        {
          send: async (_phone, body) => {
            if (failNext) {
              failNext = false;
              throw new Error('carrier down');
            }
            sent.push(body);
          },
        },
        { pollingSeconds: 0.5 },
      );
      const first = await submitAppeal(services, t.ids);
      const status = (id: number) =>
        all<{ status: string }>(t.em(), 'select status from sms_outbox where appeal_id = ?', [id]).then((r) =>
          r.map((x) => x.status),
        );
      await expect.poll(() => status(first.id), { timeout: 4 * SMS_SWEEP_SECONDS * 1000 }).toEqual(['failed']);
      const second = await submitAppeal(services, t.ids);
      await expect.poll(() => status(second.id), { timeout: 4 * SMS_SWEEP_SECONDS * 1000 }).toEqual(['sent']);
      expect(sent).toEqual([expect.stringContaining(second.number)]);
    } finally {
      await boss.stop({ graceful: false });
    }
  }, 120_000);
});
