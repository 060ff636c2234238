import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { BaseSchema } from './base';
import { AppealSchema } from './appeal';
import { DepartmentSchema } from './department';
import { GridSchema } from './grid';

// `done`: an assisting unit gave its opinion; `waived`: the lead replied without it (its reason is audited).
export const ASSIGNMENT_STATUSES = ['active', 'returned', 'superseded', 'done', 'waived'] as const;

// Who an appeal was sent to: the lead unit, assisting units, and each level of sub-dispatch.
export const AssignmentSchema = defineEntity({
  name: 'Assignment',
  tableName: 'assignment',
  extends: BaseSchema,
  // The orders a department assists on (协办) that are still running: the second part of its queues.
  indexes: [
    {
      name: 'assignment_assisting_active_index',
      properties: ['department', 'appeal'],
      where: `"role" = 'assisting' and "status" = 'active'`,
    },
  ],
  properties: {
    appeal: () => p.manyToOne(AppealSchema).index(),
    department: () => p.manyToOne(DepartmentSchema).nullable().index(),
    grid: () => p.manyToOne(GridSchema).nullable(),
    role: p.enum(['lead', 'assisting'] as const),
    level: p.integer(),
    acceptDueAt: p.datetime().nullable(),
    acceptedAt: p.datetime().nullable(),
    /** An assisting unit's opinion deadline (mirrored from the appeal's snapshot). */
    dueAt: p.datetime().nullable(),
    /** When an assisting unit gave its opinion. */
    answeredAt: p.datetime().nullable(),
    status: p.enum(ASSIGNMENT_STATUSES).default('active'),
  },
});
export type Assignment = InferEntity<typeof AssignmentSchema>;
