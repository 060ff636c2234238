import type { EntityManager } from '@mikro-orm/sql';
import type { GridGeometry } from '../../entities/grid';
import type { Actor } from '../../machines/actor';
import { localDateTime } from '../calendar/working-time';
import { all, jsonb } from '../db/sql.server';
import { Forbidden } from '../domain/errors';

const OPEN = `a.tags @> '{open}'`;
const GRID_VIEW_ROLES = new Set(['supervisor', 'dispatcher']);
const DAY_MS = 24 * 3600_000;
// The grid an appeal belongs to: where it was sent if it was sent to a grid, else where it happened.
const GRID_OF = 'coalesce(a.assigned_grid_id, a.grid_id)';

export interface GridPeriod {
  /** Window for "closed recently", patrol reports and the self-handled share. */
  days?: number;
  now?: Date;
}

export interface GridOverviewRow {
  id: number;
  code: string;
  name: string;
  community: string;
  street: string | null;
  workers: string[];
  polygon: GridGeometry;
  open: number;
  overdue: number;
  warned: number;
  closedRecently: number;
  patrolReports: number;
  patrolClosed: number;
  selfHandled: number;
  /** selfHandled / patrolClosed, or null when no patrol report was closed in the period. */
  selfHandledShare: number | null;
}

export interface GridOverview {
  grids: GridOverviewRow[];
  days: number;
  refreshedAt: string;
}

export interface GridAppeal {
  id: number;
  number: string;
  title: string;
  phase: string;
  sla: string;
  dueAt: string | null;
  lat: number | null;
  lng: number | null;
}

function assertRole(actor: Actor) {
  if (!GRID_VIEW_ROLES.has(actor.role)) throw new Forbidden();
}

/**
 * Per grid: its place in the administrative tree, its workers and its load. One statement, every
 * grid listed even when nothing happened there.
 *
 * - patrol reports: appeals with `source = 'patrol'` (filed by a grid worker on patrol) created in the
 *   period, drafts and discarded ones left out;
 * - self-handled: patrol reports closed in the period that never went to a department, i.e. no
 *   `DISPATCH` or `SUB_DISPATCH` in their audit trail (the grid handled them itself, by assignment
 *   to the grid or an answer on the spot). The audit trail is used rather than
 *   `lead_department_id`, which is cleared when an appeal goes back to triage.
 */
export async function gridOverview(em: EntityManager, actor: Actor, period: GridPeriod = {}): Promise<GridOverview> {
  assertRole(actor);
  const days = period.days ?? 30;
  const now = period.now ?? new Date();
  const since = new Date(now.getTime() - days * DAY_MS);
  const patrolClosed = `a.source = 'patrol' and a.tags @> '{finished}' and a.closed_at >= ?`;
  const rows = await all(
    em,
    `with load as (
       select ${GRID_OF} as grid_id,
              count(*) filter (where ${OPEN})::int as open,
              count(*) filter (where ${OPEN} and a.sla = 'overdue')::int as overdue,
              count(*) filter (where ${OPEN} and a.sla = 'warned')::int as warned,
              count(*) filter (where a.tags @> '{finished}' and a.closed_at >= ?)::int as closed_recently,
              count(*) filter (where a.source = 'patrol' and a.tags @> '{submitted}' and a.created_at >= ?)::int as patrol,
              count(*) filter (where ${patrolClosed})::int as patrol_closed,
              count(*) filter (where ${patrolClosed} and not exists (
                select 1 from appeal_event e where e.appeal_id = a.id and e.type in ('DISPATCH', 'SUB_DISPATCH')))::int as self_handled
         from appeal a where ${GRID_OF} is not null group by 1
     ), workers as (
       select gw.grid_id, array_agg(u.display_name order by u.display_name) as names
         from grid_worker gw join app_user u on u.id = gw.user_id group by gw.grid_id
     )
     select g.id, g.code, g.name, g.polygon, m.name as community, s.name as street, w.names as workers,
            l.open, l.overdue, l.warned, l.closed_recently, l.patrol, l.patrol_closed, l.self_handled
       from grid g join department m on m.id = g.community_id left join department s on s.id = m.parent_id
       left join workers w on w.grid_id = g.id left join load l on l.grid_id = g.id
      order by g.code`,
    [since, since, since, since],
  );
  return {
    days,
    refreshedAt: localDateTime(now),
    grids: rows.map((r): GridOverviewRow => {
      const closed = r.patrol_closed ?? 0;
      const self = r.self_handled ?? 0;
      return {
        id: r.id,
        code: r.code,
        name: r.name,
        community: r.community,
        street: r.street ?? null,
        workers: r.workers ?? [],
        polygon: jsonb<GridGeometry>(r.polygon),
        open: r.open ?? 0,
        overdue: r.overdue ?? 0,
        warned: r.warned ?? 0,
        closedRecently: r.closed_recently ?? 0,
        patrolReports: r.patrol ?? 0,
        patrolClosed: closed,
        selfHandled: self,
        selfHandledShare: closed ? self / closed : null,
      };
    }),
  };
}

/** A grid's open appeals, most urgent deadline first. */
export async function gridOpenAppeals(
  em: EntityManager,
  actor: Actor,
  gridId: number,
  limit = 20,
): Promise<GridAppeal[]> {
  assertRole(actor);
  const rows = await all(
    em,
    `select a.id, a.number, a.title, a.phase, a.sla, a.due_at, a.lat, a.lng from appeal a
      where ${GRID_OF} = ? and ${OPEN} order by a.due_at asc nulls last, a.id limit ?`,
    [gridId, limit],
  );
  return rows.map((r) => ({
    id: r.id,
    number: r.number,
    title: r.title,
    phase: r.phase,
    sla: r.sla,
    dueAt: r.due_at ? localDateTime(new Date(r.due_at)) : null,
    lat: r.lat ?? null,
    lng: r.lng ?? null,
  }));
}
