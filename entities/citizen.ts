import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { BaseSchema } from './base';

export const CitizenSchema = defineEntity({
  name: 'Citizen',
  tableName: 'citizen',
  extends: BaseSchema,
  properties: {
    phone: p.string().length(32).unique(),
    name: p.string().length(100).nullable(),
    idNumber: p.string().length(32).nullable(),
    address: p.string().length(255).nullable(),
  },
});
export type Citizen = InferEntity<typeof CitizenSchema>;
