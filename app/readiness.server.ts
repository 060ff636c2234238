import type { PgBoss } from 'pg-boss';
import type { Database } from './db/orm.server';
import { one } from './db/sql.server';
import { TIMER_QUEUE } from './jobs/timers.server';

// What a load balancer asks before sending traffic: can this instance reach its database and its job
// queue? Each check is one small query with a time limit, so a cut-off network answers "no" quickly.
// The answer is unauthenticated: it names the part that failed, the reason goes to the log only.

const CHECK_TIMEOUT_MS = 2_000;

export type CheckResult = 'ok' | 'failed' | 'timeout';

export interface Readiness {
  ready: boolean;
  checks: { database: CheckResult; jobQueue: CheckResult };
}

const lastReason = new Map<string, string>();

async function check(name: string, probe: () => Promise<unknown>, timeoutMs: number): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  let result: CheckResult;
  let reason = '';
  try {
    result = (await Promise.race([probe().then(() => 'ok' as const), timeout])) as CheckResult;
    if (result === 'timeout') reason = `no answer within ${timeoutMs} ms`;
  } catch (err) {
    result = 'failed';
    reason = err instanceof Error ? err.message : String(err);
  } finally {
    clearTimeout(timer);
  }
  // A load balancer asks every few seconds: log a change, not every answer.
  if (reason !== (lastReason.get(name) ?? '')) {
    console.warn(reason ? `[ready] ${name} not ready: ${reason}` : `[ready] ${name} ready again`);
    lastReason.set(name, reason);
  }
  return result;
}

export async function readiness(
  runtime: { db: Database; boss: PgBoss },
  timeoutMs = CHECK_TIMEOUT_MS,
): Promise<Readiness> {
  const [database, jobQueue] = await Promise.all([
    check('database', () => one(runtime.db.em(), 'select 1 as ok'), timeoutMs),
    // pg-boss has its own connections; its timer queue must be there to take new deadlines.
    check(
      'job queue',
      async () => {
        if (!(await runtime.boss.getQueue(TIMER_QUEUE))) throw new Error(`queue ${TIMER_QUEUE} is missing`);
      },
      timeoutMs,
    ),
  ]);
  return { ready: database === 'ok' && jobQueue === 'ok', checks: { database, jobQueue } };
}
