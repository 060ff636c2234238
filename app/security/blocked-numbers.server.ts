import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import type { Actor } from '../../machines/actor';
import { isValidLocalDate, localDateOf, localDateStart, localDateTime } from '../calendar/working-time';
import { maskPhone } from '../cases/masking';
import { all, inTransaction, one } from '../db/sql.server';
import { Conflict, Forbidden, InvalidInput, NotFound, parseInput } from '../domain/errors';
import { can } from '../domain/permissions';
import type { RequestClient } from '../http/client.server';
import { recordSecurityEvent } from './security-log.server';

// The blocked-numbers list (恶意来电/骚扰号码名单) the supervisor keeps: a phone on it cannot use the public site and
// the operator's screen pop warns of it. Entries are lifted, never deleted; adding and lifting are security events.

/** One spelling per phone: the digits only, as the caller's number arrives and appeals keep it. */
export const normalisePhone = (raw: string) => raw.normalize('NFKC').replace(/[\s-]+/g, '');

const phoneField = z
  .string({ message: '请填写号码' })
  .transform(normalisePhone)
  .pipe(z.string().regex(/^(1[3-9]\d{9}|0\d{9,11}|\d{3,12})$/, '请填写手机号或带区号的固定电话'));

const addSchema = z
  .object({
    phone: phoneField,
    reason: z
      .string({ message: '请填写原因' })
      .trim()
      .min(2, '请写明原因，如反复辱骂话务员')
      .max(200, '原因最多 200 字'),
    until: z
      .string()
      .trim()
      .optional()
      .transform((v) => v || undefined)
      .refine((v) => v === undefined || isValidLocalDate(v), '请选择有效日期'),
  })
  .strict();
export type BlockedNumberInput = z.input<typeof addSchema>;

const liftSchema = z.object({ id: z.coerce.number().int().positive() }).strict();

/** What the list and the screen pop show of an entry: the phone masked, never in full. */
export interface BlockedEntry {
  id: number;
  phone: string;
  reason: string;
  addedBy: string;
  addedAt: string;
  /** The last local day of the block; null: until lifted. */
  until: string | null;
  liftedBy: string | null;
  liftedAt: string | null;
  active: boolean;
}

const ACTIVE = 'b.lifted_at is null and (b.until is null or b.until > ?)';

/** The entry that blocks the phone now, if any (the newest when there are several). */
export async function activeBlock(
  em: EntityManager,
  rawPhone: string,
  now = new Date(),
): Promise<{ id: number; reason: string; until: Date | null } | null> {
  const row = await one<{ id: number; reason: string; until: Date | string | null }>(
    em,
    `select b.id, b.reason, b.until from blocked_number b where b.phone = ? and ${ACTIVE} order by b.added_at desc limit 1`,
    [normalisePhone(rawPhone), now],
  );
  return row ? { id: row.id, reason: row.reason, until: row.until ? new Date(row.until) : null } : null;
}

const keeper = (actor: Actor) => {
  if (!can(actor, 'blocked-numbers:keep')) throw new Forbidden();
};

/** The last local day of a block, whose `until` is stored as the start of the next local day. */
export const lastDay = (until: Date) => localDateOf(new Date(until.getTime() - 1));

/** The list, blocks in force first, then the ended ones (newest first), 200 at most. */
export async function blockedNumbers(em: EntityManager, actor: Actor, now = new Date()): Promise<BlockedEntry[]> {
  keeper(actor);
  const rows = await all<{
    id: number;
    phone: string;
    reason: string;
    added_by: string;
    added_at: Date | string;
    until: Date | string | null;
    lifted_by: string | null;
    lifted_at: Date | string | null;
    active: boolean;
  }>(
    em,
    `select b.id, b.phone, b.reason, a.display_name as added_by, b.added_at, b.until,
            l.display_name as lifted_by, b.lifted_at, (${ACTIVE}) as active
       from blocked_number b join app_user a on a.id = b.added_by_id left join app_user l on l.id = b.lifted_by_id
      order by (${ACTIVE}) desc, b.added_at desc, b.id desc limit 200`,
    [now, now],
  );
  return rows.map((r) => ({
    id: r.id,
    phone: maskPhone(r.phone),
    reason: r.reason,
    addedBy: r.added_by,
    addedAt: localDateTime(new Date(r.added_at)),
    until: r.until ? lastDay(new Date(r.until)) : null,
    liftedBy: r.lifted_by,
    liftedAt: r.lifted_at ? localDateTime(new Date(r.lifted_at)) : null,
    active: Boolean(r.active),
  }));
}

/**
 * Puts a phone on the list, with the reason and, if given, the last day of the block (it ends at that day's local
 * midnight). A phone already blocked is refused; two supervisors adding it at once add it once.
 */
export async function blockNumber(
  em: EntityManager,
  actor: Actor,
  raw: unknown,
  client: RequestClient | null = null,
  now = new Date(),
): Promise<{ id: number }> {
  keeper(actor);
  const input = parseInput(addSchema, raw);
  const until = input.until ? localDateStart(input.until, 1) : null;
  if (until && until.getTime() <= now.getTime())
    throw new InvalidInput('请检查填写的内容', { until: ['截止日期不能早于今天'] });
  return inTransaction(em, async (tx) => {
    await one(tx, 'select pg_advisory_xact_lock(hashtext(?))', [`blocked-number:${input.phone}`]);
    if (await activeBlock(tx, input.phone, now)) throw new Conflict('该号码已在名单中', 'duplicate');
    const row = await one<{ id: number }>(
      tx,
      `insert into blocked_number (phone, reason, added_by_id, added_at, until) values (?, ?, ?, ?, ?) returning id`,
      [input.phone, input.reason, actor.userId, now, until],
    );
    await recordSecurityEvent(
      tx,
      {
        kind: 'settingChanged',
        actorId: actor.userId,
        client,
        detail: {
          setting: 'blockedNumber',
          change: 'added',
          entryId: row!.id,
          phone: maskPhone(input.phone),
          reason: input.reason,
          until: input.until ?? null,
        },
      },
      now,
    );
    return { id: row!.id };
  });
}

/** Lifts an entry that is still in force; one lifted (or ended) meanwhile is refused as stale. */
export async function liftBlock(
  em: EntityManager,
  actor: Actor,
  raw: unknown,
  client: RequestClient | null = null,
  now = new Date(),
): Promise<void> {
  keeper(actor);
  const { id } = parseInput(liftSchema, raw);
  await inTransaction(em, async (tx) => {
    const lifted = await one<{ phone: string }>(
      tx,
      `update blocked_number b set lifted_by_id = ?, lifted_at = ? where b.id = ? and ${ACTIVE} returning b.phone`,
      [actor.userId, now, id, now],
    );
    if (!lifted) {
      const exists = await one(tx, 'select 1 from blocked_number where id = ?', [id]);
      if (!exists) throw new NotFound('没有这条记录');
      throw new Conflict('该号码已解除或已到期', 'stale');
    }
    await recordSecurityEvent(
      tx,
      {
        kind: 'settingChanged',
        actorId: actor.userId,
        client,
        detail: { setting: 'blockedNumber', change: 'lifted', entryId: id, phone: maskPhone(lifted.phone) },
      },
      now,
    );
  });
}
