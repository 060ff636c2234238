import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { UserSchema } from './user';

// The blocked-numbers list (恶意来电/骚扰号码名单) the supervisor keeps. A phone on it cannot use the public site, and
// the operator's screen pop warns of it; calls are still answered. An entry is lifted, never deleted, so the list
// keeps who blocked whom, why and until when. Phones are kept as the rest of the house keeps them (appeal.caller_phone,
// citizen.phone): digits only, in clear.
export const BlockedNumberSchema = defineEntity({
  name: 'BlockedNumber',
  tableName: 'blocked_number',
  indexes: [{ properties: ['phone', 'liftedAt'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    phone: p.string().length(32),
    reason: p.string().length(200),
    addedBy: () => p.manyToOne(UserSchema),
    addedAt: p.datetime(),
    /** When the block ends by itself; none: until lifted. */
    until: p.datetime().nullable(),
    liftedBy: () => p.manyToOne(UserSchema).nullable(),
    liftedAt: p.datetime().nullable(),
  },
});
export type BlockedNumber = InferEntity<typeof BlockedNumberSchema>;
