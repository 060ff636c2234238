import type { PgBoss } from 'pg-boss';

/**
 * Runs `sweep` about every `seconds`, on one instance at a time, as a chain of delayed jobs: pg-boss cron is off here
 * (it would need every instance's clock), so each sweep first queues the next, one per time slot across every
 * instance, and a failing sweep never breaks the chain. The first sweep runs at start, for what piled up meanwhile.
 */
export async function sweepEvery(
  boss: PgBoss,
  queue: string,
  seconds: number,
  sweep: () => Promise<unknown>,
  { pollingIntervalSeconds }: { pollingIntervalSeconds: number },
): Promise<void> {
  if (!(await boss.getQueue(queue))) await boss.createQueue(queue);
  await boss.work(queue, { pollingIntervalSeconds }, async () => {
    await boss.send(queue, {}, { startAfter: seconds, singletonSeconds: seconds });
    await sweep();
  });
  // Its own singleton key: a slot holds one start and one successor, so the start's successor is not refused as a
  // duplicate of the start itself.
  await boss.send(queue, {}, { singletonKey: 'start', singletonSeconds: seconds });
}
