import type { SessionUser } from '../../app/auth/session.server';
import type { TestDatabase } from './services';

/** The signed-in demo user as the routes hand it to the domain, for calling a loader's function directly. */
export function sessionUser(t: Pick<TestDatabase, 'as'>, username: string): SessionUser {
  const actor = t.as(username);
  return {
    id: actor.userId,
    username,
    displayName: username,
    role: actor.role as SessionUser['role'],
    departmentId: actor.departmentIds[0] ?? null,
    departmentName: null,
    gridIds: actor.gridIds,
    actor,
  };
}
