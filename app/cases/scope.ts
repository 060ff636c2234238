import type { Actor, Role } from '../../machines/actor';

// What every kind's scope rule is made of. Deny by default: a rule says who sees a case, and
// anyone it does not name sees nothing.

/** The city's own desks (dispatch, review, supervision, admin) and the system follow every case. */
const CITY_DESKS: readonly Role[] = ['dispatcher', 'reviewer', 'supervisor', 'admin', 'system'];

export function isCityDesk(actor: Actor): boolean {
  return CITY_DESKS.includes(actor.role);
}

/** A member of one of these departments or agencies. */
export function inDepartments(actor: Actor, departmentIds: readonly number[]): boolean {
  return departmentIds.some((d) => actor.departmentIds.includes(d));
}

/** Responsible for one of these grids (nulls are no grid). */
export function inGrids(actor: Actor, gridIds: readonly (number | null)[]): boolean {
  return gridIds.some((g) => g !== null && actor.gridIds.includes(g));
}
