import type { EntityManager } from '@mikro-orm/sql';
import { all } from '../db/sql.server';

// Which departments an appeal can be dispatched to (主办 or 协办): the administrative units below the city
// and the city's bureaus. Referral agencies take their cases through REFER; a bureau's sub-units (科室/中队)
// get their work from the bureau (SUB_DISPATCH), not from the dispatch desk.

/** SQL: the department row `d`, joined with its parent row `p`, may lead or assist an appeal. */
export function dispatchable(d = 'd', p = 'p'): string {
  return `(${d}.active and ${d}.kind in ('district', 'street', 'community', 'functional')
    and ${d}.referral_kind is null and (${p}.kind is null or ${p}.kind <> 'functional'))`;
}

/** How the picker groups the units: by level of the administrative tree, the bureaus apart. */
export const UNIT_GROUPS = ['district', 'street', 'community', 'functional'] as const;
export type UnitGroup = (typeof UNIT_GROUPS)[number];

export interface DispatchUnit {
  id: number;
  code: string;
  name: string;
  group: UnitGroup;
  /** The district of a street, the street of a community: tells 向阳社区 of one street from another's. */
  parent: string | null;
}

/** Every unit the dispatch desk may choose, grouped and in code order inside each group. */
export async function dispatchUnits(em: EntityManager): Promise<DispatchUnit[]> {
  const rows = await all<{ id: number; code: string; name: string; kind: UnitGroup; parent: string | null }>(
    em,
    `select d.id, d.code, d.name, d.kind, case when p.kind = 'city' then null else p.name end as parent
       from department d left join department p on p.id = d.parent_id
      where ${dispatchable()}
      order by array_position(array['district', 'street', 'community', 'functional'], d.kind::text), d.code`,
  );
  return rows.map((r) => ({ id: r.id, code: r.code, name: r.name, group: r.kind, parent: r.parent }));
}

/** The ids among `ids` that may lead or assist an appeal. */
export async function dispatchableIds(em: EntityManager, ids: number[]): Promise<number[]> {
  if (!ids.length) return [];
  const rows = await all<{ id: number }>(
    em,
    `select d.id from department d left join department p on p.id = d.parent_id where d.id in (?) and ${dispatchable()}`,
    [ids],
  );
  return rows.map((r) => r.id);
}
