import type { PgBoss } from 'pg-boss';
import { Conflict } from '../domain/errors';
import { SYSTEM_ACTOR } from '../cases/actor';
import { applyEvent, type AppealServices } from '../appeals/service.server';
import { fireReferralTimer } from '../case-links/refer.server';
import { one } from '../db/sql.server';
import { startDailyReports } from '../reports/daily.server';
import { CALL_SWEEP_QUEUE, sweepStaleCalls } from '../telephony/call-sweep.server';
import { sendPendingSms, type SmsGateway } from './sms.server';
import { REFERRAL_TIMER_QUEUE, SMS_QUEUE, TIMER_QUEUE, type ReferralTimerJob, type TimerJob } from './timers.server';

/** How often the SMS outbox is swept: a citizen's message leaves within about this many seconds. */
export const SMS_SWEEP_SECONDS = 10;

/**
 * A timer fires its event through the same service as people do. A timer whose deadline has
 * moved (extension, reopen) or whose appeal no longer accepts the event is finished quietly;
 * a conflict with a concurrent change is thrown so pg-boss retries it.
 */
export async function fireTimer(
  services: AppealServices,
  job: Omit<TimerJob, 'fireAt'>,
): Promise<'applied' | 'stale' | 'refused'> {
  const row = await one<{ due_at: Date | null; callback_due_at: Date | null }>(
    services.db.em(),
    'select due_at, callback_due_at from appeal where id = ?',
    [job.appealId],
  );
  if (!row) return 'stale';
  const current = job.event === 'CALLBACK_DUE' ? row.callback_due_at : row.due_at;
  if (!current || new Date(current).toISOString() !== new Date(job.deadline).toISOString()) return 'stale';
  try {
    await applyEvent(services, { appealId: job.appealId, type: job.event, payload: {}, actor: SYSTEM_ACTOR });
    return 'applied';
  } catch (err) {
    if (err instanceof Conflict && err.code === 'notNow') return 'refused';
    throw err;
  }
}

export async function startWorkers(
  boss: PgBoss,
  services: AppealServices,
  sms: SmsGateway,
  opts: { pollingSeconds?: number } = {},
) {
  const pollingIntervalSeconds = opts.pollingSeconds ?? 2;
  await boss.work<TimerJob>(TIMER_QUEUE, { pollingIntervalSeconds, batchSize: 100 }, async (jobs) => {
    const due = [...jobs].sort((a, b) => (a.data.fireAt ?? '').localeCompare(b.data.fireAt ?? ''));
    for (const job of due) await fireTimer(services, job.data);
  });
  // Legal clocks of referral cases (mediation, legal aid, arbitration, counselling), in due order; one that
  // ends a case answers its appeal.
  await boss.work<ReferralTimerJob>(REFERRAL_TIMER_QUEUE, { pollingIntervalSeconds, batchSize: 100 }, async (jobs) => {
    const due = [...jobs].sort((a, b) => (a.data.fireAt ?? '').localeCompare(b.data.fireAt ?? ''));
    for (const job of due) await fireReferralTimer(services, job.data);
  });
  // The outbox is swept by a chain of delayed jobs (pg-boss cron is off here): each sweep queues the next
  // first, one per time slot across every instance, so a failing send never breaks the chain.
  const nextSmsSweep = () =>
    boss.send(SMS_QUEUE, {}, { startAfter: SMS_SWEEP_SECONDS, singletonSeconds: SMS_SWEEP_SECONDS });
  await boss.work(SMS_QUEUE, { pollingIntervalSeconds }, async () => {
    await nextSmsSweep();
    await sendPendingSms(services.db, sms);
  });
  await nextSmsSweep();
  // Closes calls whose hang-up never arrived (a closed tab, a lost connection), once a minute.
  if (!(await boss.getQueue(CALL_SWEEP_QUEUE))) await boss.createQueue(CALL_SWEEP_QUEUE);
  await boss.work(CALL_SWEEP_QUEUE, { pollingIntervalSeconds }, async () => {
    await sweepStaleCalls(services.db.em());
  });
  await boss.schedule(CALL_SWEEP_QUEUE, '* * * * *');
  // Yesterday's report every morning at REPORT_DAILY_AT, as a chain of delayed jobs (cron is off).
  await startDailyReports(boss, services.db, { pollingIntervalSeconds });
}
