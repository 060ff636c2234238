import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { BaseSchema } from './base';
import { DepartmentSchema } from './department';

export type LimitUnit = 'clockHours' | 'workingHours' | 'workingDays';
export interface TimeLimitSpec {
  amount: number;
  unit: LimitUnit;
}
/** Time limits of one category: handling by urgency, plus accept and callback windows. */
export interface CategoryLimits {
  emergency: TimeLimitSpec;
  urgent: TimeLimitSpec;
  normal: TimeLimitSpec;
  accept: TimeLimitSpec;
  callback: TimeLimitSpec;
}

export const CategorySchema = defineEntity({
  name: 'Category',
  tableName: 'category',
  extends: BaseSchema,
  properties: {
    code: p.string().length(32).unique(),
    name: p.string().length(100),
    parent: () => p.manyToOne(CategorySchema).nullable(),
    defaultDepartment: () => p.manyToOne(DepartmentSchema).nullable(),
    limits: p.json<CategoryLimits>(),
    active: p.boolean().default(true),
  },
});
export type Category = InferEntity<typeof CategorySchema>;
