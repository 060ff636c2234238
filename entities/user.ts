import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { BaseSchema } from './base';
import { DepartmentSchema } from './department';
import { GridSchema } from './grid';

export const ROLES = [
  'operator',
  'dispatcher',
  'handler',
  'gridWorker',
  'mediator',
  'reviewer',
  'supervisor',
  'admin',
] as const;
export type UserRole = (typeof ROLES)[number];

export const UserSchema = defineEntity({
  name: 'User',
  tableName: 'app_user',
  extends: BaseSchema,
  properties: {
    username: p.string().length(64).unique(),
    passwordHash: p.string().length(255).hidden().lazy(),
    displayName: p.string().length(100),
    role: p.enum(ROLES),
    department: () => p.manyToOne(DepartmentSchema).nullable(),
    grids: () => p.manyToMany(GridSchema).pivotTable('grid_worker').owner(),
    phone: p.string().length(32).nullable(),
    active: p.boolean().default(true),
  },
});
export type User = InferEntity<typeof UserSchema>;
