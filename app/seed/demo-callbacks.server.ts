import type { AppealServices } from '../appeals/service.server';
import { drawSample } from '../beneficiary-callbacks/sample.server';
import { sendCallbackEvent } from '../case-links/callback-complaint.server';
import { all, one } from '../db/sql.server';
import { actorFor, type ReferenceIds } from './demo-city.server';

// The demo's callbacks: the fully reported period (the month before last) drawn with a fixed seed, a handful worked
// by the operator (confirmed, one problem with its complaint appeal, one unreachable after the attempts), the rest
// waiting in the queue.

export const DEMO_CALLBACK_SEED = 'demo-2026';

/** Draws and works the demo sample once; how many callbacks were drawn (0 when there already is a draw). */
export async function seedDemoCallbacks(
  services: AppealServices,
  ids: ReferenceIds,
  now = new Date(),
): Promise<number> {
  const em = services.db.em();
  const period = await one<{ id: number }>(
    em,
    `select p.id from policy_period p
      where exists (select 1 from policy_record r where r.period_id = p.id)
        and not exists (select 1 from callback_sample)
      order by p.starts_on limit 1`,
  );
  if (!period) return 0;
  const supervisor = actorFor(ids, 'supervisor');
  const operator = actorFor(ids, 'operator');
  const draw = await drawSample(
    em,
    supervisor,
    { periodId: period.id, share: 0.1, minimum: 2, seed: DEMO_CALLBACK_SEED },
    { timers: services.timers, now },
  );
  const drawn = await all<{ id: number }>(em, 'select id from beneficiary_callback where sample_id = ? order by id', [
    draw.sampleId,
  ]);
  const step = (id: number, type: string, payload: Record<string, unknown>) =>
    sendCallbackEvent({ ...services, now: () => now }, { callbackId: id, type, payload, actor: operator });
  const [a, b, c, d, e] = drawn.map((r) => r.id);
  const confirmed = { received: true, amountRight: true, onTime: true, satisfaction: 'satisfied' };
  if (a) await step(a, 'RECORD_RESULT', confirmed);
  if (b) await step(b, 'RECORD_RESULT', { ...confirmed, satisfaction: 'basicallySatisfied' });
  if (c)
    await step(c, 'RECORD_RESULT', {
      received: true,
      amountRight: false,
      onTime: true,
      satisfaction: 'dissatisfied',
      problem: '实际到账金额比通知的少三百元，询问街道未得到答复',
    });
  if (d) for (const reason of ['noAnswer', 'busy', 'noAnswer']) await step(d, 'ATTEMPT_FAILED', { reason });
  if (e) await step(e, 'ATTEMPT_FAILED', { reason: 'noAnswer' });
  return draw.drawn;
}
