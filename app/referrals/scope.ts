import type { Actor } from '../../machines/actor';
import { inDepartments, isCityDesk } from '../cases/scope';

/** The columns that decide who may see a referral case. */
export interface ReferralScopeFacts {
  agencyId: number;
}

/**
 * The city's own desks follow every referral; an agency's staff see the cases sent to their
 * agency; nobody else sees the parties, sessions or minutes of a dispute.
 */
export function canSeeReferral(actor: Actor, facts: ReferralScopeFacts): boolean {
  return isCityDesk(actor) || (actor.role === 'mediator' && inDepartments(actor, [facts.agencyId]));
}

/** Only the agency's own staff add documents to a case. */
export function canAddReferralDocument(actor: Actor, facts: ReferralScopeFacts): boolean {
  return actor.role === 'mediator' && inDepartments(actor, [facts.agencyId]);
}

/**
 * Who prints a case's legal documents, which name the parties in full: the agency's own staff, and the
 * supervisor who answers for the hotline. The other city desks follow the case from its page, masked.
 */
export function canPrintReferralDocument(actor: Actor, facts: ReferralScopeFacts): boolean {
  return actor.role === 'supervisor' || (actor.role === 'mediator' && inDepartments(actor, [facts.agencyId]));
}
