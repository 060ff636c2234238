import type { EntityManager } from '@mikro-orm/sql';
import { localDateTime } from '../calendar/working-time';
import { all, jsonb } from '../db/sql.server';
import type { AuditRow, AuditTrail } from './audit-chain';

/** One row of a case's audit trail as the detail pages read it; the kind's own columns under their row properties. */
export interface TrailEntry extends Pick<AuditRow, 'seq' | 'type' | 'at' | 'fromPhase' | 'toPhase' | 'payload'> {
  /** The user's name, or 系统 for the system's own steps. */
  actor: string;
  role: string;
  [extra: string]: unknown;
}

/** What every detail page shows of a trail row; a kind adds what it makes of the payload. */
export interface TimelineView {
  seq: number;
  type: string;
  /** Local time, as the page shows it. */
  at: string;
  actor: string;
  role: string;
  fromPhase: string | null;
  toPhase: string;
}

export function timelineView(e: TrailEntry): TimelineView {
  return {
    seq: e.seq,
    type: e.type,
    at: localDateTime(e.at),
    actor: e.actor,
    role: e.role,
    fromPhase: e.fromPhase,
    toPhase: e.toPhase,
  };
}

/** A case's audit trail, oldest first, with the names of the people who acted. */
export async function caseTimeline(em: EntityManager, trail: AuditTrail, caseId: number): Promise<TrailEntry[]> {
  const extra = Object.entries(trail.extra);
  const rows = await all(
    em,
    `select e.seq, e.type, e.at, e.actor_role, u.display_name, e.from_phase, e.to_phase, e.payload
            ${extra.map(([, col]) => `, e.${col}`).join('')}
       from ${trail.table} e left join app_user u on u.id = e.actor_id
      where e.${trail.key} = ? order by e.seq`,
    [caseId],
  );
  return rows.map((e) => ({
    seq: e.seq,
    type: e.type,
    at: new Date(e.at),
    // No account behind it: a citizen on the public site, or the system's own clocks.
    actor: e.display_name ?? (e.actor_role === 'citizen' ? '市民' : '系统'),
    role: e.actor_role,
    fromPhase: e.from_phase,
    toPhase: e.to_phase,
    payload: jsonb<Record<string, unknown> | null>(e.payload) ?? {},
    ...Object.fromEntries(extra.map(([prop, col]) => [prop, e[col]])),
  }));
}
