import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import type { Actor } from '../../machines/actor';
import type { UserRole } from '../../entities/user';
import { inTransaction, one, run } from '../db/sql.server';
import { Forbidden, parseInput } from '../domain/errors';
import type { RequestClient } from '../http/client.server';
import { recordSecurityEvent } from '../security/security-log.server';

// Who must sign in with a second factor: admins and supervisors always (they see and change the most); every
// member of staff when an admin says so.

export const MFA_POLICIES = ['privileged', 'allStaff'] as const;
export type MfaPolicy = (typeof MFA_POLICIES)[number];

const SETTING = 'mfa.requiredFor';
const ALWAYS_REQUIRED: readonly UserRole[] = ['admin', 'supervisor'];

export async function mfaPolicy(em: EntityManager): Promise<MfaPolicy> {
  // `#>> '{}'`: the JSON string as text, the same from both drivers.
  const row = await one<{ value: string | null }>(em, `select value #>> '{}' as value from app_setting where key = ?`, [
    SETTING,
  ]);
  return row?.value === 'allStaff' ? 'allStaff' : 'privileged';
}

export async function mfaRequired(em: EntityManager, role: UserRole): Promise<boolean> {
  return ALWAYS_REQUIRED.includes(role) || (await mfaPolicy(em)) === 'allStaff';
}

const policyInput = z.object({ requiredFor: z.enum(MFA_POLICIES, { message: '请选择' }) });

export async function setMfaPolicy(
  em: EntityManager,
  actor: Actor,
  raw: unknown,
  client: RequestClient | null,
): Promise<void> {
  if (actor.role !== 'admin') throw new Forbidden('只有管理员可以修改此设置');
  const { requiredFor } = parseInput(policyInput, raw);
  await inTransaction(em, async (tx) => {
    const before = await mfaPolicy(tx);
    if (before === requiredFor) return;
    await run(
      tx,
      `insert into app_setting (key, value, updated_at, updated_by_id) values (?, ?::jsonb, ?, ?)
       on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at,
                                       updated_by_id = excluded.updated_by_id`,
      [SETTING, JSON.stringify(requiredFor), new Date(), actor.userId],
    );
    await recordSecurityEvent(tx, {
      kind: 'settingChanged',
      actorId: actor.userId,
      client,
      detail: { setting: SETTING, from: before, to: requiredFor },
    });
  });
}
