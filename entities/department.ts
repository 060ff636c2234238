import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { BaseSchema } from './base';
import { REFERRAL_KINDS } from '../machines/appeal-events';

// A section (科室/中队) is a unit inside a bureau: the bureau sends it orders one level down (二级派单).
export const DEPARTMENT_KINDS = ['city', 'district', 'street', 'community', 'functional', 'section'] as const;
export type DepartmentKind = (typeof DEPARTMENT_KINDS)[number];

// Administrative tree (city → district → street → community) plus functional bureaus and their sections.
// `path` holds the ancestor ids ("/1/4/9/") so subtree queries are one LIKE.
export const DepartmentSchema = defineEntity({
  name: 'Department',
  tableName: 'department',
  extends: BaseSchema,
  properties: {
    code: p.string().length(32).unique(),
    name: p.string().length(100),
    kind: p.enum(DEPARTMENT_KINDS),
    parent: () => p.manyToOne(DepartmentSchema).nullable(),
    path: p.string().length(255).index(),
    hotline: p.string().length(32),
    active: p.boolean().default(true),
    // Set on a referral agency (调解委员会, 法律援助中心, 仲裁院, 心理服务中心): the cases it takes.
    referralKind: p.enum(REFERRAL_KINDS).nullable(),
  },
});
export type Department = InferEntity<typeof DepartmentSchema>;
