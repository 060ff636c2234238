import { fromKysely, PgBoss } from 'pg-boss';
import type { EntityManager } from '@mikro-orm/sql';
import type { SerialPgliteConnection } from '../db/pglite-serial.server';
import { one } from '../db/sql.server';

export const TIMER_QUEUE = 'appeal-timer';
export const SMS_QUEUE = 'sms-outbox';
export const REFERRAL_TIMER_QUEUE = 'referral-timer';
export const CALLBACK_TIMER_QUEUE = 'callback-timer';

export type TimerEvent = 'WARN' | 'OVERDUE' | 'CALLBACK_DUE';
export interface TimerJob {
  appealId: number;
  event: TimerEvent;
  /** The deadline this timer belongs to; a timer whose deadline has since moved is stale. */
  deadline: string;
  /** When it is due; jobs fetched together are applied in this order (a warning before the overdue). */
  fireAt: string;
}

/** A legal clock of a referral case: warned, then overdue (see clockTimers in app/referrals/service.server.ts). */
export interface ReferralTimerJob {
  referralId: number;
  clock: string;
  event: 'CLOCK_WARN' | 'CLOCK_OVERDUE';
  deadline: string;
  fireAt: string;
}

/** A callback draw's due time: its callbacks still waiting are late once it passes (app/beneficiary-callbacks). */
export interface CallbackTimerJob {
  sampleId: number;
  event: 'OVERDUE';
  deadline: string;
  fireAt: string;
}

export interface Timers {
  /** Schedules timers inside the caller's transaction: they exist only if it commits. */
  schedule(em: EntityManager, jobs: { job: Omit<TimerJob, 'fireAt'>; at: Date }[]): Promise<void>;
  scheduleReferral(em: EntityManager, jobs: { job: Omit<ReferralTimerJob, 'fireAt'>; at: Date }[]): Promise<void>;
  scheduleCallback(em: EntityManager, jobs: { job: Omit<CallbackTimerJob, 'fireAt'>; at: Date }[]): Promise<void>;
}

export interface JobRunner {
  boss: PgBoss;
  timers: Timers;
  stop(): Promise<void>;
}

/**
 * The database pg-boss runs on, as far as it needs to know (the app's Database is one; naming it here
 * would tie the job queue to the database module that runs the migrations that schedule timers).
 */
interface BossDatabase {
  target: { databaseUrl?: string };
  orm: { em: { getConnection(): unknown } };
}

/** pg-boss on the app's own database: PostgreSQL through its pool, PGlite through the serialised session. */
export function createBoss(db: BossDatabase): PgBoss {
  const common = { schema: 'pgboss', supervise: true, schedule: false, superviseIntervalSeconds: 30 } as const;
  if (db.target.databaseUrl) return new PgBoss({ ...common, connectionString: db.target.databaseUrl, max: 4 });
  const conn = db.orm.em.getConnection() as unknown as SerialPgliteConnection;
  return new PgBoss({ ...common, backend: 'pglite', db: { executeSql: (text, values) => conn.raw(text, values) } });
}

export function bossTimers(boss: PgBoss): Timers {
  const insert = async (queue: string, em: EntityManager, jobs: { job: object; at: Date }[]) => {
    if (!jobs.length) return;
    const trx = em.getTransactionContext();
    if (!trx) throw new Error('timers must be scheduled inside a transaction');
    // One statement for all of a step's timers, on the step's own transaction.
    await boss.insert(
      queue,
      jobs.map(({ job, at }) => ({
        data: { ...job, fireAt: at.toISOString() },
        startAfter: at,
        retryLimit: 5,
        retryDelay: 5,
      })),
      { db: fromKysely(trx as never) },
    );
  };
  return {
    schedule: (em, jobs) => insert(TIMER_QUEUE, em, jobs),
    scheduleReferral: (em, jobs) => insert(REFERRAL_TIMER_QUEUE, em, jobs),
    scheduleCallback: (em, jobs) => insert(CALLBACK_TIMER_QUEUE, em, jobs),
  };
}

export async function startBoss(db: BossDatabase): Promise<PgBoss> {
  const boss = createBoss(db);
  boss.on('error', (err) => console.warn('[jobs]', err.message));
  await boss.start();
  for (const name of [TIMER_QUEUE, REFERRAL_TIMER_QUEUE, CALLBACK_TIMER_QUEUE, SMS_QUEUE]) {
    if (!(await boss.getQueue(name))) await boss.createQueue(name);
  }
  return boss;
}

/**
 * Timers for work done in one open transaction before the app's queue starts (a migration): pg-boss
 * run on that transaction and stopped before it ends. A brand-new database has no pg-boss schema yet,
 * and nothing to put a timer on.
 */
export async function transactionTimers(em: EntityManager): Promise<{ timers: Timers; stop(): Promise<void> }> {
  const queue = await one<{ present: boolean }>(em, `select to_regclass('pgboss.job') is not null as present`);
  if (!queue?.present) {
    const none = async (_em: EntityManager, jobs: unknown[]) => {
      if (jobs.length) throw new Error('timers need the job queue, and this database has none yet');
    };
    return { timers: { schedule: none, scheduleReferral: none, scheduleCallback: none }, stop: async () => {} };
  }
  const boss = new PgBoss({
    schema: 'pgboss',
    db: fromKysely(em.getTransactionContext() as never),
    supervise: false,
    schedule: false,
    registerInstance: false,
  });
  boss.on('error', (err) => console.warn('[jobs]', err.message));
  await boss.start();
  for (const name of [TIMER_QUEUE, REFERRAL_TIMER_QUEUE, CALLBACK_TIMER_QUEUE]) {
    if (!(await boss.getQueue(name))) await boss.createQueue(name);
  }
  return { timers: bossTimers(boss), stop: () => boss.stop({ graceful: false }) };
}
