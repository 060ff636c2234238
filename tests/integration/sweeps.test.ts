import { describe, expect, it } from 'vitest';
import type { AppealServices } from '../../app/appeals/service.server';
import { all } from '../../app/db/sql.server';
import { bossTimers, startBoss } from '../../app/jobs/timers.server';
import { SMS_SWEEP_SECONDS, startWorkers } from '../../app/jobs/workers.server';
import { DB_KINDS } from '../support/env';
import { useTestDatabase } from '../support/services';
import { submitAppeal } from '../support/appeals';
import { sweepEvery } from '../../app/jobs/sweep-chain.server';

describe.each(DB_KINDS)('the sweeps of the SMS outbox and of stale calls on %s', (kind) => {
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
          send: async ({ body }) => {
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
      // The carrier's failure leaves the message for a later try, not lost.
      await expect
        .poll(
          () => all(t.em(), 'select status, attempts, last_error from sms_outbox where appeal_id = ?', [first.id]),
          { timeout: 4 * SMS_SWEEP_SECONDS * 1000 },
        )
        .toEqual([{ status: 'pending', attempts: 1, last_error: 'carrier down' }]);
      const second = await submitAppeal(services, t.ids);
      await expect.poll(() => status(second.id), { timeout: 4 * SMS_SWEEP_SECONDS * 1000 }).toEqual(['sent']);
      expect(sent).toEqual([expect.stringContaining(second.number)]);
    } finally {
      await boss.stop({ graceful: false });
    }
  }, 120_000);

  it('runs a sweep again and again as a chain of delayed jobs, with no cron, one successor at a time', async () => {
    const boss = await startBoss(t.db);
    try {
      const queue = `sweep-chain-${kind}-${Date.now().toString(36)}`;
      let runs = 0;
      await sweepEvery(
        boss,
        queue,
        1,
        async () => {
          runs++;
          if (runs === 2) throw new Error('a failing sweep');
        },
        { pollingIntervalSeconds: 0.5 },
      );
      await expect.poll(() => runs, { timeout: 30_000 }).toBeGreaterThanOrEqual(4);
      const [{ n }] = await all<{ n: number }>(
        t.em(),
        "select count(*)::int as n from pgboss.job where name = ? and state in ('created', 'retry')",
        [queue],
      );
      expect(n).toBeLessThanOrEqual(2);
    } finally {
      await boss.stop({ graceful: false });
    }
  }, 120_000);

  it('starts the stale-call sweep with the workers', async () => {
    const boss = await startBoss(t.db);
    try {
      await startWorkers(
        boss,
        { db: t.db, timers: bossTimers(boss) },
        { send: async () => {} },
        { pollingSeconds: 0.5 },
      );
      const [{ n }] = await all<{ n: number }>(
        t.em(),
        "select count(*)::int as n from pgboss.job where name = 'call-sweep'",
      );
      expect(n).toBeGreaterThan(0);
    } finally {
      await boss.stop({ graceful: false });
    }
  }, 120_000);
});
