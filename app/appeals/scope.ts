import type { Actor } from '../../machines/actor';
import { inDepartments, inGrids, isCityDesk } from '../cases/scope';

/** The columns that decide who may see an appeal. */
export interface AppealScopeFacts {
  /** Null for what a citizen filed on the public site. */
  createdById: number | null;
  leadDepartmentId: number | null;
  assignedGridId: number | null;
  gridId: number | null;
  /** Every department the appeal was ever sent to, including assisting ones. */
  departmentIds: number[];
  /** Every agency (mediation, legal aid, arbitration, counselling) the appeal was ever referred to. */
  referralAgencyIds: number[];
}

/**
 * City-wide roles (operators and the city's desks) see every appeal; a department sees what was
 * sent to it; a grid worker his grids; the staff of a referral agency the appeals referred to it.
 */
export function canSeeAppeal(actor: Actor, facts: AppealScopeFacts): boolean {
  if (actor.role === 'operator' || isCityDesk(actor)) return true;
  switch (actor.role) {
    case 'handler':
      return inDepartments(actor, facts.departmentIds);
    case 'gridWorker':
      return inGrids(actor, [facts.assignedGridId, facts.gridId]) || facts.createdById === actor.userId;
    case 'mediator':
      return inDepartments(actor, facts.referralAgencyIds);
    case 'citizen':
      // Only what was filed on the public site; which one, app/citizen/ decides from the code or link he holds.
      return facts.createdById === null;
    case 'client':
      // Only what no staff member recorded; the interfaces decide which from the client on the row.
      return facts.createdById === null;
    default:
      return false;
  }
}

/** Departments never see a confidential complainant's identity. */
export function canSeeComplainant(actor: Actor, confidential: boolean): boolean {
  if (!confidential) return true;
  return actor.role === 'operator' || (isCityDesk(actor) && actor.role !== 'system');
}
