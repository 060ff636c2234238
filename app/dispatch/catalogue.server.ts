import type { EntityManager } from '@mikro-orm/sql';
import { localDateOf } from '../calendar/working-time';
import { jsonb, one } from '../db/sql.server';
import { dispatchable } from './units.server';

// 派单目录 matching (decision 021): the one place that says where an appeal of a category in a place goes.
// Dispatch preselects from it and shows its reason; automatic routing is to call the same function.
//
// Precedence: an entry for the appeal's own category beats one for its parent category; among entries of
// the same category, grid beats street beats district; then the entry valid from the latest day, then the
// newest. Only entries valid on the day (local, both ends inclusive) and leading to a unit that may still
// lead count; assisting units that may no longer assist are left out.

export type AreaLevel = 'grid' | 'street' | 'district';

export interface CatalogueMatch {
  entryId: number;
  lead: { id: number; name: string };
  assisting: { id: number; name: string }[];
  /** The entry's category code (the appeal's, or its parent's) and area, for the reason shown: "0401 × 向阳街道". */
  categoryCode: string;
  area: string;
  level: AreaLevel;
  /** False when the entry is for the parent category. */
  exactCategory: boolean;
}

export interface CataloguePlace {
  categoryId: number;
  /** The grid the appeal lies in; its community's ancestors are the street and district. */
  gridId: number | null;
}

/** The catalogue entry that decides this category in this place on this day, or null. */
export async function matchCatalogue(
  em: EntityManager,
  place: CataloguePlace,
  on = new Date(),
): Promise<CatalogueMatch | null> {
  if (place.gridId === null) return null;
  const day = localDateOf(on);
  const r = await one<{
    id: number;
    lead_id: number;
    lead_name: string;
    category_code: string;
    category_rank: number;
    area: string;
    level: AreaLevel;
    assisting: unknown;
  }>(
    em,
    `with place as (
       select g.id as grid_id, m.path from grid g join department m on m.id = g.community_id where g.id = ?
     ), cat as (
       select id, 0 as category_rank from category where id = ?
       union all select parent_id, 1 from category where id = ? and parent_id is not null
     )
     select e.id, d.id as lead_id, d.name as lead_name, c.code as category_code, cat.category_rank,
            coalesce(g.name, ad.name) as area,
            case when e.grid_id is not null then 'grid' when ad.kind = 'street' then 'street' else 'district' end as level,
            coalesce((select json_agg(json_build_object('id', x.id, 'name', x.name) order by x.code)
                        from dispatch_catalogue_assisting s join department x on x.id = s.department_id
                        left join department xp on xp.id = x.parent_id
                       where s.dispatch_catalogue_entry_id = e.id and x.id <> d.id
                         and ${dispatchable('x', 'xp')}), '[]') as assisting
       from dispatch_catalogue_entry e
       join cat on cat.id = e.category_id
       join category c on c.id = e.category_id
       join department d on d.id = e.lead_department_id
       left join department p on p.id = d.parent_id
       left join grid g on g.id = e.grid_id
       left join department ad on ad.id = e.area_department_id
       cross join place
      where ${dispatchable()}
        and e.valid_from <= ?::date and (e.valid_to is null or e.valid_to >= ?::date)
        and (e.grid_id = place.grid_id
             or (e.area_department_id is not null and place.path like ('%/' || e.area_department_id || '/%')))
      order by cat.category_rank,
               case when e.grid_id is not null then 3 when ad.kind = 'street' then 2 else 1 end desc,
               e.valid_from desc, e.id desc
      limit 1`,
    [place.gridId, place.categoryId, place.categoryId, day, day],
  );
  if (!r) return null;
  return {
    entryId: r.id,
    lead: { id: r.lead_id, name: r.lead_name },
    assisting: jsonb<{ id: number; name: string }[]>(r.assisting),
    categoryCode: r.category_code,
    area: r.area,
    level: r.level,
    exactCategory: r.category_rank === 0,
  };
}
