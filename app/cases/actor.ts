import type { Actor } from '../../machines/actor';

/** Timers and other automatic steps act as the system, recorded with no user id. */
export const SYSTEM_ACTOR: Actor = { userId: 0, role: 'system', departmentIds: [], gridIds: [] };

/** A citizen on the public site: recorded with no user id; his phone, proved by an SMS code, is on the case. */
export const CITIZEN_ACTOR: Actor = { userId: 0, role: 'citizen', departmentIds: [], gridIds: [] };
