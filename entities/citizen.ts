import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { BaseSchema } from './base';

export const CitizenSchema = defineEntity({
  name: 'Citizen',
  tableName: 'citizen',
  extends: BaseSchema,
  properties: {
    phone: p.string().length(32).unique(),
    name: p.string().length(100).nullable(),
    /** The ID number sealed with AES-256-GCM (app/security/id-number.server.ts); never stored in clear. */
    idNumberSealed: p.text().nullable(),
    /** HMAC of the normalised ID number under its own key: finds a citizen by exact number without decrypting. */
    idNumberIndex: p.string().length(64).nullable().index(),
    address: p.string().length(255).nullable(),
  },
});
export type Citizen = InferEntity<typeof CitizenSchema>;
