import { z } from 'zod';

// Who sends an event to any case machine: a user in a role with his departments and grids, or the system.

export const ROLES = [
  'operator',
  'dispatcher',
  'handler',
  'gridWorker',
  'mediator',
  'reviewer',
  'supervisor',
  'admin',
  // A citizen on the public site: no staff account, known by the phone his SMS code proved.
  'citizen',
  // Another city system through the interfaces (Open311, inbound events): its registered client is on the case.
  'client',
  'system',
] as const;
export type Role = (typeof ROLES)[number];
export const roleSchema = z.enum(ROLES);

export interface Actor {
  userId: number;
  role: Role;
  departmentIds: number[];
  gridIds: number[];
}
const idSchema = z.number().int().positive();
export const actorSchema = z
  .object({
    userId: idSchema,
    role: roleSchema,
    departmentIds: z.array(idSchema),
    gridIds: z.array(idSchema),
  })
  .strict();
