import type { EntityManager } from '@mikro-orm/sql';
import { restoreAppealSnapshot } from '../../machines/appeal';
import type { Actor } from '../../machines/actor';
import { canSeeAppeal, canSeeComplainant, type AppealScopeFacts } from '../appeals/scope';
import { all, jsonb, one, type Row } from '../db/sql.server';

// Calls show their appeals and play their recordings to whoever may see those appeals: the same
// facts and rules as the appeal page (detail.server.ts), read here for one appeal or a call's appeals.

const APPEAL_SCOPE_COLUMNS = `a.id, a.created_by_id, a.lead_department_id, a.assigned_grid_id, a.grid_id, a.snapshot,
  a.confidential, a.anonymous,
  array(select distinct s.department_id from assignment s
         where s.appeal_id = a.id and s.department_id is not null) as department_ids`;

function scopeFacts(row: Row): AppealScopeFacts {
  return {
    createdById: row.created_by_id,
    leadDepartmentId: row.lead_department_id,
    assignedGridId: row.assigned_grid_id,
    gridId: row.grid_id,
    departmentIds: row.department_ids ?? [],
    referralAgencyIds: restoreAppealSnapshot(jsonb(row.snapshot)).context.referralAgencyIds,
  };
}

export interface AppealVisibility {
  /** The viewer may see the appeal. */
  appeal: boolean;
  /** The viewer may see who complained (not anonymous, and not confidential to him). */
  citizen: boolean;
}

/** What the viewer may see of one appeal; undefined when there is no such appeal. */
export async function appealVisibility(
  em: EntityManager,
  actor: Actor,
  appealId: number,
): Promise<AppealVisibility | undefined> {
  const a = await one(em, `select ${APPEAL_SCOPE_COLUMNS} from appeal a where a.id = ?`, [appealId]);
  if (!a) return undefined;
  return {
    appeal: canSeeAppeal(actor, scopeFacts(a)),
    citizen: !a.anonymous && canSeeComplainant(actor, a.confidential),
  };
}

/** Whether the viewer may see at least one of the appeals linked to a call (by its row id). */
export async function seesALinkedAppeal(em: EntityManager, actor: Actor, callRowId: number): Promise<boolean> {
  const appeals = await all(
    em,
    `select ${APPEAL_SCOPE_COLUMNS} from appeal a join call_appeal ca on ca.appeal_id = a.id where ca.call_id = ?`,
    [callRowId],
  );
  return appeals.some((a) => canSeeAppeal(actor, scopeFacts(a)));
}
