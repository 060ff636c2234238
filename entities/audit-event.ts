import { defineEntity, p } from '@mikro-orm/core';
import { UserSchema } from './user';

// The columns of every case kind's audit trail: one row per accepted event, hash-chained per case
// (app/cases/audit-chain.ts). A kind's trail adds the case it belongs to and any columns of its own.
export const AuditEventSchema = defineEntity({
  name: 'AuditEvent',
  abstract: true,
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    seq: p.integer(),
    type: p.string().length(32),
    actor: () => p.manyToOne(UserSchema).nullable(),
    actorRole: p.string().length(16),
    at: p.datetime(),
    fromPhase: p.string().length(40).nullable(),
    toPhase: p.string().length(40),
    payload: p.json<Record<string, unknown>>(),
    prevHash: p.string().length(64),
    hash: p.string().length(64),
  },
});

/**
 * A kind's trail table: the shared columns, one row per sequence number of a case, and append-only
 * in the database itself, not only by convention in code.
 */
export function auditTrail<const C extends string>(tableName: string, caseProperty: C) {
  return {
    tableName,
    extends: AuditEventSchema,
    uniques: [{ properties: [caseProperty, 'seq' as const] }],
    triggers: [
      {
        name: `${tableName}_no_update`,
        timing: 'before' as const,
        events: ['update' as const, 'delete' as const],
        forEach: 'row' as const,
        body: `raise exception '${tableName} is append-only (% refused)', tg_op;`,
      },
    ],
  };
}
