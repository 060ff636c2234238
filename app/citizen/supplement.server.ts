import { z } from 'zod';
import { applyEvent, type AppealServices } from '../appeals/service.server';
import { CITIZEN_ACTOR } from '../cases/actor';
import { one } from '../db/sql.server';
import { Conflict, TooManyRequests, parseInput } from '../domain/errors';
import { appealByToken } from './tracking.server';

// What a citizen does to his own appeal by its tracking link besides rating it: add information (补充材料) while
// it is open, and withdraw it (撤回) while it still waits for its first dispatch. Both are the appeal machine's
// steps by the citizen (SUPPLEMENT, WITHDRAW), with the version the page was read at, so a step by staff in
// between makes the citizen's stale and nothing is lost.

export const SUPPLEMENT_RULES = {
  /** Supplements one appeal takes in all. */
  perAppeal: 10,
  /** Supplements one phone may add in an hour, over all its appeals. */
  phonePerHour: 5,
} as const;

const version = z.coerce.number({ message: '页面已过期，请刷新后重试' }).int().positive('页面已过期，请刷新后重试');

export const supplementSchema = z
  .object({
    text: z.string({ message: '请填写补充内容' }).trim().min(5, '请至少写 5 个字').max(1000, '最多 1000 字'),
    version,
  })
  .strict();

export const withdrawalSchema = z
  .object({
    reason: z.string({ message: '请填写撤回原因' }).trim().min(1, '请填写撤回原因').max(200, '最多 200 字'),
    version,
  })
  .strict();

/** The citizen's words for a step refused because the appeal moved since the page was read. */
const STALE = '办理进度刚刚有了更新，您填写的内容没有提交：请刷新本页，确认后再提交';

/** The kernel's refusals in the citizen's words: `notNow` says why this step is no longer possible. */
async function asCitizen<T>(notNow: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    if (err instanceof Conflict && err.code === 'stale') throw new Conflict(STALE, 'stale');
    if (err instanceof Conflict && err.code === 'notNow') throw new Conflict(notNow, 'notNow');
    throw err;
  }
}

/** Adds the citizen's text to the appeal's trail (SUPPLEMENT), within the per-appeal and per-phone limits. */
export async function supplementWebAppeal(services: AppealServices, token: string, raw: unknown): Promise<void> {
  const input = parseInput(supplementSchema, raw);
  const em = services.db.em();
  const appeal = await appealByToken(em, token);
  const now = services.now?.() ?? new Date();
  const counts = await one<{ appeal: number; phone: number }>(
    em,
    `select (select count(*)::int from appeal_event where appeal_id = ? and type = 'SUPPLEMENT') as appeal,
            (select count(*)::int from appeal_event e join appeal a on a.id = e.appeal_id
              where e.type = 'SUPPLEMENT' and e.actor_role = 'citizen' and e.at > ?
                and a.caller_phone = (select caller_phone from appeal where id = ?)) as phone`,
    [appeal.id, new Date(now.getTime() - 3_600_000), appeal.id],
  );
  if ((counts?.appeal ?? 0) >= SUPPLEMENT_RULES.perAppeal)
    throw new TooManyRequests(`每件诉求最多补充 ${SUPPLEMENT_RULES.perAppeal} 次，如还有情况请拨打 12345 热线`);
  if ((counts?.phone ?? 0) >= SUPPLEMENT_RULES.phonePerHour) throw new TooManyRequests('补充过于频繁，请一小时后再试');
  // Two at once with one version: the second is stale, so the limit holds without a lock of its own.
  await asCitizen('该诉求已办结，不能再补充材料；如有新情况请重新反映', () =>
    applyEvent(services, {
      appealId: appeal.id,
      expectedVersion: input.version,
      type: 'SUPPLEMENT',
      actor: CITIZEN_ACTOR,
      payload: { text: input.text },
    }),
  );
}

/** Withdraws the appeal into void (WITHDRAW): the machine allows it only before anything was done with it. */
export async function withdrawWebAppeal(services: AppealServices, token: string, raw: unknown): Promise<void> {
  const input = parseInput(withdrawalSchema, raw);
  const appeal = await appealByToken(services.db.em(), token);
  await asCitizen('该诉求已转交办理，不能撤回；您可以补充材料，或拨打 12345 热线', () =>
    applyEvent(services, {
      appealId: appeal.id,
      expectedVersion: input.version,
      type: 'WITHDRAW',
      actor: CITIZEN_ACTOR,
      payload: { reason: input.reason },
    }),
  );
}
