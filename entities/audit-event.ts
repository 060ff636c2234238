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

/** A trail is append-only in the database itself, not only by convention in code. */
export function appendOnly(table: string) {
  return [{
    name: `${table}_no_update`, timing: 'before' as const, events: ['update' as const, 'delete' as const], forEach: 'row' as const,
    body: `raise exception '${table} is append-only (% refused)', tg_op;`,
  }];
}
