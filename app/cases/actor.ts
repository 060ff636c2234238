import type { Actor } from '../../machines/actor';

/** Timers and other automatic steps act as the system, recorded with no user id. */
export const SYSTEM_ACTOR: Actor = { userId: 0, role: 'system', departmentIds: [], gridIds: [] };
