import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import type { Actor } from '../../machines/actor';
import { localDateOf, localDateStart, localDateTime } from '../calendar/working-time';
import { all, jsonb } from '../db/sql.server';
import { Forbidden, InvalidInput, fieldErrorsOf } from '../domain/errors';
import { can } from '../domain/permissions';

// What the supervisors see of the inbound events: each scene's events per local day over the last 30 days, how they
// were routed (by the 派单目录, into triage) per client and scene, the refused calls per client (a refused event has
// no row, only its call in the log), and the latest events with their appeals.

export const OVERVIEW_DAYS = 30;
const OFFSET = "interval '8 hours'"; // Asia/Shanghai, fixed UTC+08:00, as the reports count days

export interface SceneRouting {
  clientId: number;
  client: string;
  scene: string;
  catalogue: number;
  triage: number;
}

export interface LatestEvent {
  eventId: string;
  client: string;
  scene: string;
  type: string;
  typeName: string | null;
  receivedAt: string;
  routed: 'catalogue' | 'triage';
  department: string | null;
  appealId: number;
  appealNumber: string;
  title: string;
}

export interface CityEventsOverview {
  days: string[];
  /** Per scene, its count on each of `days`. */
  volume: { scene: string; values: number[] }[];
  routing: SceneRouting[];
  refusedByClient: { clientId: number; client: string; refused: number }[];
  latest: LatestEvent[];
  filter: { scene: string | null; clientId: number | null };
  scenes: string[];
  clients: { id: number; name: string }[];
}

const filterQuery = z.object({
  scene: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,39}$/, '场景代码无效')
    .optional()
    .catch(undefined),
  client: z.coerce.number().int().positive().optional().catch(undefined),
});

export async function cityEventsOverview(
  em: EntityManager,
  actor: Actor,
  raw: Record<string, string>,
  now = new Date(),
): Promise<CityEventsOverview> {
  if (!can(actor, 'city-events:read')) throw new Forbidden();
  const parsed = filterQuery.safeParse(raw);
  if (!parsed.success) throw new InvalidInput('筛选条件无效', fieldErrorsOf(parsed.error.issues));
  const scene = parsed.data.scene ?? null;
  const clientId = parsed.data.client ?? null;
  const today = localDateOf(now);
  const from = localDateStart(today, -(OVERVIEW_DAYS - 1));
  const days = Array.from({ length: OVERVIEW_DAYS }, (_, i) =>
    localDateOf(localDateStart(today, i - OVERVIEW_DAYS + 1)),
  );
  const [daily, routing, refused, latest, clients] = await Promise.all([
    all<{ scene: string; day: string; n: number }>(
      em,
      `select scene, to_char((received_at at time zone 'UTC') + ${OFFSET}, 'YYYY-MM-DD') as day, count(*)::int as n
         from city_event where received_at >= ? group by 1, 2`,
      [from],
    ),
    all<{ client_id: number; client: string; scene: string; catalogue: number; triage: number }>(
      em,
      `select e.client_id, k.name as client, e.scene,
              count(*) filter (where e.routed = 'catalogue')::int as catalogue,
              count(*) filter (where e.routed = 'triage')::int as triage
         from city_event e join api_client k on k.id = e.client_id
        where e.received_at >= ? group by 1, 2, 3 order by 2, 3`,
      [from],
    ),
    all<{ client_id: number; client: string; refused: number }>(
      em,
      `select c.client_id, k.name as client, count(*)::int as refused
         from api_call c join api_client k on k.id = c.client_id
        where c.operation = 'events:write' and c.status >= 400 and c.at >= ? group by 1, 2 order by 2`,
      [from],
    ),
    all<{
      event_id: string;
      client: string;
      scene: string;
      type_code: string;
      type_name: string | null;
      received_at: Date | string;
      routed: 'catalogue' | 'triage';
      department: string | null;
      appeal_id: number;
      number: string;
      title: string;
    }>(
      em,
      `select e.event_id, k.name as client, e.scene, e.type_code, t.name as type_name, e.received_at, e.routed,
              d.name as department, a.id as appeal_id, a.number, a.title
         from city_event e join api_client k on k.id = e.client_id join appeal a on a.id = e.appeal_id
         left join department d on d.id = e.department_id
         left join city_event_type t on t.client_id = e.client_id and t.scene = e.scene and t.code = e.type_code
        where (?::text is null or e.scene = ?) and (?::int is null or e.client_id = ?)
        order by e.received_at desc, e.id desc limit 50`,
      [scene, scene, clientId, clientId],
    ),
    all<{ id: number; name: string }>(
      em,
      `select id, name from api_client where id in (select distinct client_id from city_event) order by name`,
    ),
  ]);
  const scenes = [...new Set(daily.map((d) => d.scene).concat(routing.map((r) => r.scene)))].sort();
  const index = new Map(days.map((d, i) => [d, i]));
  const volume = scenes.map((s) => {
    const values = days.map(() => 0);
    for (const d of daily) if (d.scene === s && index.has(d.day)) values[index.get(d.day)!] += d.n;
    return { scene: s, values };
  });
  return {
    days,
    volume,
    routing: routing.map((r) => ({
      clientId: r.client_id,
      client: r.client,
      scene: r.scene,
      catalogue: r.catalogue,
      triage: r.triage,
    })),
    refusedByClient: refused.map((r) => ({ clientId: r.client_id, client: r.client, refused: r.refused })),
    latest: latest.map((r) => ({
      eventId: r.event_id,
      client: r.client,
      scene: r.scene,
      type: r.type_code,
      typeName: r.type_name,
      receivedAt: localDateTime(new Date(r.received_at)),
      routed: r.routed,
      department: r.department,
      appealId: r.appeal_id,
      appealNumber: r.number,
      title: r.title,
    })),
    filter: { scene, clientId },
    scenes,
    clients,
  };
}

/** The links an inbound event's appeal shows: the client's photos and videos, as sent. */
export async function eventMediaOf(
  em: EntityManager,
  appealId: number,
): Promise<{ client: string; eventId: string; media: { url: string; kind: 'photo' | 'video' }[] } | null> {
  const [r] = await all<{ client: string; event_id: string; media: unknown }>(
    em,
    `select k.name as client, e.event_id, e.media from city_event e join api_client k on k.id = e.client_id
      where e.appeal_id = ?`,
    [appealId],
  );
  if (!r) return null;
  const media = jsonb<{ url: string; kind: 'photo' | 'video' }[]>(r.media);
  return { client: r.client, eventId: r.event_id, media };
}
