// One period's callback sample drawn over the bench period's records and timed, inside a transaction that is then
// rolled back, so every run draws from the same untouched period (a period is drawn once, and the draw refuses a
// second one).
import { performance } from 'node:perf_hooks';
import type { EntityManager } from '@mikro-orm/sql';
import type { Actor } from '../machines/actor';
import { openDatabase } from '../app/db/orm.server';
import { all, one } from '../app/db/sql.server';

type DrawSample = (
  em: EntityManager,
  actor: Actor,
  input: { periodId: number; share: number; minimum: number; seed: string },
) => Promise<unknown>;

/** The share and least count a city asks of each policy × lead department, and a fixed seed. */
export const BENCH_DRAW = { share: 0.05, minimum: 3, seed: 'bench-policy' };

class RolledBack extends Error {}

export async function timeSampleDraw(url: string, periodId: number, log: (line: string) => void): Promise<void> {
  // Loaded when the draw is timed, so the screen-pop part runs whether or not the callbacks are there.
  const modulePath = '../app/beneficiary-callbacks/sample.server';
  let drawSample: DrawSample;
  try {
    ({ drawSample } = (await import(/* @vite-ignore */ modulePath)) as { drawSample: DrawSample });
  } catch (err) {
    log(`sample draw: not timed (${(err as Error).message.split('\n')[0]})`);
    return;
  }
  const db = await openDatabase({ dataDir: '', databaseUrl: url });
  try {
    const em = db.em();
    const [admin] = await all<{ id: number }>(em, `select id from app_user where username = 'admin'`);
    const actor: Actor = { userId: admin.id, role: 'admin', departmentIds: [], gridIds: [] };
    const records = (await one<{ n: number }>(em, 'select count(*)::int as n from policy_record where period_id = ?', [
      periodId,
    ]))!.n;
    let seconds = 0;
    let drawn = 0;
    await em
      .transactional(async (tx: EntityManager) => {
        const t0 = performance.now();
        await drawSample(tx, actor, { periodId, ...BENCH_DRAW });
        seconds = (performance.now() - t0) / 1000;
        drawn = (await one<{ n: number }>(
          tx,
          'select count(*)::int as n from beneficiary_callback where period_id = ?',
          [periodId],
        ))!.n;
        throw new RolledBack();
      })
      .catch((err: unknown) => {
        if (!(err instanceof RolledBack)) throw err;
      });
    log(
      `sample draw: ${records.toLocaleString('en')} records → ${drawn.toLocaleString('en')} callbacks in ${seconds.toFixed(2)} s ` +
        `(share ${BENCH_DRAW.share}, minimum ${BENCH_DRAW.minimum}; rolled back)`,
    );
  } finally {
    await db.close();
  }
}
