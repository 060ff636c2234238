import type { Actor } from '../../machines/actor';
import { inDepartments, isCityDesk } from '../cases/scope';

/** The columns that decide who may see a beneficiary callback. */
export interface CallbackScopeFacts {
  departmentId: number;
}

/**
 * The hotline's own desks and its callback agents (operators) follow every callback; a lead department's staff
 * see the callbacks about the benefits they paid; nobody else sees a beneficiary's answers.
 */
export function canSeeCallback(actor: Actor, facts: CallbackScopeFacts): boolean {
  return (
    isCityDesk(actor) ||
    actor.role === 'operator' ||
    (actor.role === 'handler' && inDepartments(actor, [facts.departmentId]))
  );
}
