import type { EntityManager } from '@mikro-orm/sql';
import type { Actor } from '../../machines/actor';
import { restoreAppealSnapshot } from '../../machines/appeal';
import { all, inTransaction, jsonb, one, run } from '../db/sql.server';
import { Forbidden, InvalidInput, NotFound } from '../domain/errors';
import type { RequestClient } from '../http/client.server';
import { recordSecurityEvent } from '../security/security-log.server';
import { openIdNumber } from '../security/id-number.server';
import { canSeeAppeal, canSeeComplainant } from './scope';

export type RevealField = 'callerPhone' | 'idNumber';

/**
 * Shows one unmasked contact field to someone allowed to see the complainant, and records who
 * looked and when, in the same transaction: no record, no number. The security audit gets the same look with
 * where it came from.
 */
export async function revealComplainant(
  em: EntityManager,
  actor: Actor,
  appealId: number,
  field: RevealField,
  client: RequestClient | null = null,
  now = new Date(),
): Promise<string> {
  if (field !== 'callerPhone' && field !== 'idNumber') throw new InvalidInput('无效的字段', { field: ['无效的字段'] });
  return inTransaction(em, async (tx) => {
    const a = await one(
      tx,
      `select a.created_by_id, a.lead_department_id, a.assigned_grid_id, a.grid_id, a.snapshot, a.confidential, a.anonymous, a.caller_phone, z.id_number_sealed,
              array(select distinct s.department_id from assignment s where s.appeal_id = a.id and s.department_id is not null) as department_ids
         from appeal a left join citizen z on z.id = a.citizen_id where a.id = ?`,
      [appealId],
    );
    if (!a) throw new NotFound('诉求不存在');
    const snapshot = restoreAppealSnapshot(jsonb(a.snapshot));
    const facts = {
      createdById: a.created_by_id,
      leadDepartmentId: a.lead_department_id,
      assignedGridId: a.assigned_grid_id,
      gridId: a.grid_id,
      departmentIds: a.department_ids ?? [],
      referralAgencyIds: snapshot.context.referralAgencyIds,
    };
    // Departments and grid workers work from masked numbers; the hotline's own roles may call back.
    const mayReveal = ['operator', 'dispatcher', 'reviewer', 'supervisor'].includes(actor.role);
    if (!mayReveal || !canSeeAppeal(actor, facts) || a.anonymous || !canSeeComplainant(actor, a.confidential))
      throw new Forbidden();
    const value = field === 'callerPhone' ? a.caller_phone : openIdNumber(a.id_number_sealed);
    if (!value) throw new NotFound('没有可显示的号码');
    await run(tx, 'insert into access_log (user_id, appeal_id, field, at) values (?, ?, ?, ?)', [
      actor.userId,
      appealId,
      field,
      now,
    ]);
    await recordSecurityEvent(tx, { kind: 'reveal', actorId: actor.userId, client, detail: { appealId, field } }, now);
    return value as string;
  });
}

export async function revealLog(
  em: EntityManager,
  actor: Actor,
  appealId: number,
): Promise<{ who: string; field: RevealField; at: Date }[]> {
  if (actor.role !== 'supervisor' && actor.role !== 'admin') return [];
  // Prints of a referral case's documents are listed on that case.
  return all<{ who: string; field: RevealField; at: Date }>(
    em,
    `select u.display_name as who, l.field, l.at from access_log l join app_user u on u.id = l.user_id where l.appeal_id = ? and l.referral_id is null order by l.id desc limit 50`,
    [appealId],
  );
}
