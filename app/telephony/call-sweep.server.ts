import type { EntityManager } from '@mikro-orm/sql';
import { all } from '../db/sql.server';
import { recordCallEvent } from './call-events.server';

// A softphone that crashed or lost its network never reports the end of its call; the sweeper
// closes such calls with a `closed` event so they do not stay "in progress" for ever.

export const CALL_SWEEP_QUEUE = 'call-sweep';

const RINGING_STALE_MS = 3 * 60_000;
const ANSWERED_STALE_MS = 4 * 3600_000;

/** Closes calls that never reported an end: ringing for over 3 minutes, or answered over 4 hours ago. */
export async function sweepStaleCalls(em: EntityManager, now = new Date()): Promise<number> {
  const stale = await all<{ call_id: string }>(
    em,
    `select call_id from call where end_at is null
        and ((answer_at is null and ring_at < ?) or answer_at < ?)
      order by id limit 500`,
    [new Date(now.getTime() - RINGING_STALE_MS), new Date(now.getTime() - ANSWERED_STALE_MS)],
  );
  for (const { call_id } of stale) {
    const closed = { callId: call_id, kind: 'closed', at: now.toISOString(), reason: 'stale' };
    await recordCallEvent(em, { kind: 'system' }, closed, now);
  }
  return stale.length;
}
