import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { BaseSchema } from './base';
import { CategorySchema } from './category';
import { DepartmentSchema } from './department';
import { GridSchema } from './grid';

// 派单目录: which unit leads (and which usually assist) an appeal of this category in this area, and from when
// to when. The area is a district or street (`areaDepartment`) or one grid, never both; dates are local
// calendar days, both inclusive, `validTo` open-ended when null. Matching lives in app/dispatch/catalogue.server.ts.
export const DispatchCatalogueEntrySchema = defineEntity({
  name: 'DispatchCatalogueEntry',
  tableName: 'dispatch_catalogue_entry',
  extends: BaseSchema,
  indexes: [{ name: 'dispatch_catalogue_entry_category_valid_index', properties: ['category', 'validFrom'] }],
  properties: {
    category: () => p.manyToOne(CategorySchema),
    areaDepartment: () => p.manyToOne(DepartmentSchema).nullable(),
    grid: () => p.manyToOne(GridSchema).nullable(),
    leadDepartment: () => p.manyToOne(DepartmentSchema),
    assistingDepartments: () => p.manyToMany(DepartmentSchema).pivotTable('dispatch_catalogue_assisting').owner(),
    validFrom: p.date(),
    validTo: p.date().nullable(),
    note: p.string().length(200).nullable(),
  },
});
export type DispatchCatalogueEntry = InferEntity<typeof DispatchCatalogueEntrySchema>;
