import type { EntityManager } from '@mikro-orm/sql';
import type { SecurityEventKind } from '../../entities/security-event';
import { run } from '../db/sql.server';
import type { RequestClient } from '../http/client.server';

export interface SecurityEventInput {
  kind: SecurityEventKind;
  /** Who acted; null when nobody is signed in. */
  actorId?: number | null;
  /** The account the event is about. */
  subjectId?: number | null;
  /** The name as typed (failed sign-ins). */
  username?: string | null;
  client?: Pick<RequestClient, 'ip' | 'userAgent'> | null;
  detail?: Record<string, unknown>;
}

/**
 * Appends one row to the security audit. Call it with the transaction of the change it records, so the
 * change and its record stand or fall together.
 */
export async function recordSecurityEvent(em: EntityManager, e: SecurityEventInput, now = new Date()): Promise<void> {
  await run(
    em,
    `insert into security_event (at, kind, actor_id, subject_id, username, ip, user_agent, detail)
     values (?, ?, ?, ?, ?, ?, ?, ?::jsonb)`,
    [
      now,
      e.kind,
      e.actorId ?? null,
      e.subjectId ?? null,
      e.username?.slice(0, 64) ?? null,
      e.client?.ip ?? null,
      e.client?.userAgent ?? null,
      JSON.stringify(e.detail ?? {}),
    ],
  );
}
