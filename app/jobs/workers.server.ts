import type { PgBoss } from 'pg-boss';
import { Conflict } from '../domain/errors';
import { SYSTEM_ACTOR } from '../cases/actor';
import { applyEvent, type AppealServices } from '../appeals/service.server';
import { fireCallbackTimer } from '../beneficiary-callbacks/timers.server';
import { fireReferralTimer } from '../case-links/refer.server';
import { one } from '../db/sql.server';
import { startEvaluationReports } from '../policy-evaluation/report.server';
import { startDailyReports } from '../reports/daily.server';
import { CALL_SWEEP_QUEUE, sweepStaleCalls } from '../telephony/call-sweep.server';
import { WEBHOOK_QUEUE, deliverDueWebhooks } from '../webhooks/delivery.server';
import { sendPendingSms, type SmsGateway } from './sms.server';
import { sweepEvery } from './sweep-chain.server';
import {
  CALLBACK_TIMER_QUEUE,
  REFERRAL_TIMER_QUEUE,
  SMS_QUEUE,
  TIMER_QUEUE,
  type CallbackTimerJob,
  type ReferralTimerJob,
  type TimerJob,
} from './timers.server';

/** How often the SMS outbox is swept: a citizen's message leaves within about this many seconds. */
export const SMS_SWEEP_SECONDS = 10;

/** How often the webhook outbox is swept: a subscriber hears of a change within about this many seconds. */
export const WEBHOOK_SWEEP_SECONDS = 5;

/** How often calls that never reported their end are closed. */
export const CALL_SWEEP_SECONDS = 60;

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
  // A callback draw's due time: its callbacks still waiting become overdue.
  await boss.work<CallbackTimerJob>(CALLBACK_TIMER_QUEUE, { pollingIntervalSeconds, batchSize: 10 }, async (jobs) => {
    for (const job of jobs) await fireCallbackTimer(services, job.data);
  });
  // The outbox, so a citizen's message leaves within seconds; calls whose hang-up never arrived (a closed tab, a
  // lost connection), once a minute.
  await sweepEvery(boss, SMS_QUEUE, SMS_SWEEP_SECONDS, () => sendPendingSms(services.db, sms), {
    pollingIntervalSeconds,
  });
  // Appeal changes to the subscribed city systems, in order per appeal, with retries.
  await sweepEvery(boss, WEBHOOK_QUEUE, WEBHOOK_SWEEP_SECONDS, () => deliverDueWebhooks(services.db), {
    pollingIntervalSeconds,
  });
  await sweepEvery(boss, CALL_SWEEP_QUEUE, CALL_SWEEP_SECONDS, () => sweepStaleCalls(services.db.em()), {
    pollingIntervalSeconds,
  });
  // Yesterday's report every morning at REPORT_DAILY_AT, as a chain of delayed jobs (cron is off).
  await startDailyReports(boss, services.db, { pollingIntervalSeconds });
  // The evaluation's periodic reports, each written when asked for on the page.
  await startEvaluationReports(boss, () => services.db.em(), { pollingIntervalSeconds });
}
