import { SYSTEM_ACTOR } from '../cases/actor';
import { all } from '../db/sql.server';
import { Conflict } from '../domain/errors';
import type { CallbackTimerJob } from '../jobs/timers.server';
import { transitionCallback, type CallbackServices } from './service.server';

/**
 * A draw's due time has come: each of its callbacks still waiting on time becomes overdue through the kernel, as the
 * system. One already worked, cancelled or late is left alone; a conflict with an agent's step is thrown so the job
 * is retried (the retry skips what is already overdue).
 */
export async function fireCallbackTimer(
  services: CallbackServices,
  job: Omit<CallbackTimerJob, 'fireAt'>,
): Promise<{ overdue: number }> {
  const due = await all<{ id: number }>(
    services.db.em(),
    `select id from beneficiary_callback
      where sample_id = ? and due_at = ? and tags @> '{open}' and not tags @> '{overdue}' order by id`,
    [job.sampleId, new Date(job.deadline)],
  );
  let overdue = 0;
  for (const { id } of due) {
    try {
      await transitionCallback(services, { callbackId: id, type: 'OVERDUE', payload: {}, actor: SYSTEM_ACTOR });
      overdue++;
    } catch (err) {
      if (!(err instanceof Conflict && err.code === 'notNow')) throw err;
    }
  }
  return { overdue };
}
