// One period's callback sample drawn over the bench period's records and timed, inside a transaction that is then
// rolled back, so every run draws from the same untouched period (a period is drawn once, and the draw refuses a
// second one).
import { performance } from 'node:perf_hooks';
import type { EntityManager } from '@mikro-orm/sql';
import type { Actor } from '../machines/actor';
import { drawSample, type DrawResult } from '../app/beneficiary-callbacks/sample.server';
import { openDatabase } from '../app/db/orm.server';
import { all } from '../app/db/sql.server';

/** The share and least count a city asks of each policy × lead department, and a fixed seed. */
export const BENCH_DRAW = { share: 0.05, minimum: 3, seed: 'bench-policy' };

class RolledBack extends Error {}

export async function timeSampleDraw(url: string, periodId: number, log: (line: string) => void): Promise<void> {
  const db = await openDatabase({ dataDir: '', databaseUrl: url }); // runs the callbacks' migrations if new
  try {
    const em = db.em();
    const [admin] = await all<{ id: number }>(em, `select id from app_user where username = 'admin'`);
    const actor: Actor = { userId: admin.id, role: 'admin', departmentIds: [], gridIds: [] };
    let seconds = 0;
    let result: DrawResult | undefined;
    await em
      .transactional(async (tx: EntityManager) => {
        const t0 = performance.now();
        // No timers given: the draw puts its due-time job on the queue through its own transaction, rolled back too.
        result = await drawSample(tx, actor, { periodId, ...BENCH_DRAW });
        seconds = (performance.now() - t0) / 1000;
        throw new RolledBack();
      })
      .catch((err: unknown) => {
        if (!(err instanceof RolledBack)) throw err;
      });
    log(
      `sample draw: ${result!.records.toLocaleString('en')} records → ${result!.drawn.toLocaleString('en')} callbacks ` +
        `in ${seconds.toFixed(2)} s (share ${BENCH_DRAW.share}, minimum ${BENCH_DRAW.minimum}; rolled back)`,
    );
  } finally {
    await db.close();
  }
}
