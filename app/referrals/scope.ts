import type { Actor } from '../../machines/appeal-events';

/** The columns that decide who may see a referral case. */
export interface ReferralScopeFacts {
  agencyId: number;
}

/**
 * Deny by default. The city's own desks (dispatch, review, supervision, admin) follow every
 * referral; an agency's staff see the cases sent to their agency; nobody else sees the parties,
 * sessions or minutes of a dispute.
 */
export function canSeeReferral(actor: Actor, facts: ReferralScopeFacts): boolean {
  switch (actor.role) {
    case 'dispatcher':
    case 'reviewer':
    case 'supervisor':
    case 'admin':
    case 'system':
      return true;
    case 'mediator':
      return actor.departmentIds.includes(facts.agencyId);
    default:
      return false;
  }
}

/** Only the agency's own staff add documents to a case. */
export function canAddReferralDocument(actor: Actor, facts: ReferralScopeFacts): boolean {
  return actor.role === 'mediator' && actor.departmentIds.includes(facts.agencyId);
}
