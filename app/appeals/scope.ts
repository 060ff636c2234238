import type { Actor } from '../../machines/appeal-events';

/** The columns that decide who may see an appeal. */
export interface AppealScopeFacts {
  createdById: number;
  leadDepartmentId: number | null;
  assignedGridId: number | null;
  gridId: number | null;
  /** Every department the appeal was ever sent to, including assisting ones. */
  departmentIds: number[];
  /** Every agency (mediation, legal aid, arbitration, counselling) the appeal was ever referred to. */
  referralAgencyIds: number[];
}

/**
 * Deny by default. City-wide roles (operators, dispatchers, reviewers, supervisors, admins)
 * see every appeal; a department sees what was sent to it; a grid worker his grids; the staff of a
 * referral agency the appeals referred to it.
 */
export function canSeeAppeal(actor: Actor, facts: AppealScopeFacts): boolean {
  switch (actor.role) {
    case 'operator':
    case 'dispatcher':
    case 'reviewer':
    case 'supervisor':
    case 'admin':
    case 'system':
      return true;
    case 'handler':
      return facts.departmentIds.some((d) => actor.departmentIds.includes(d));
    case 'gridWorker':
      return [facts.assignedGridId, facts.gridId].some((g) => g !== null && actor.gridIds.includes(g)) || facts.createdById === actor.userId;
    case 'mediator':
      return facts.referralAgencyIds.some((a) => actor.departmentIds.includes(a));
    default:
      return false;
  }
}

/** Departments never see a confidential complainant's identity. */
export function canSeeComplainant(actor: Actor, confidential: boolean): boolean {
  if (!confidential) return true;
  return ['operator', 'dispatcher', 'reviewer', 'supervisor', 'admin'].includes(actor.role);
}
