import type { EntityManager } from '@mikro-orm/sql';
import type { LimitUnit } from '../calendar/working-time';
import { all, jsonb } from '../db/sql.server';

// Names for list rows, kept for a minute: categories, departments and grids change in admin, rarely. Lists then read
// appeal columns only, so their statements plan and run in a fraction of a millisecond however large the history.
const TTL_MS = 60_000;

export interface ListLabels {
  categories: Map<number, { name: string; units: Record<string, LimitUnit> }>;
  departments: Map<number, string>;
  grids: Map<number, string>;
}

let cache: { at: number; labels: ListLabels } | null = null;

/** The labels, reloaded when older than a minute or when one of the given ids is not known yet (just created). */
export async function listLabels(
  em: EntityManager,
  need: { categories?: Iterable<number>; departments?: Iterable<number | null>; grids?: Iterable<number | null> } = {},
): Promise<ListLabels> {
  if (cache && Date.now() - cache.at < TTL_MS && knows(cache.labels, need)) return cache.labels;
  const [categories, departments, grids] = [
    await all<{ id: number; name: string; limits: unknown }>(em, 'select id, name, limits from category'),
    await all<{ id: number; name: string }>(em, 'select id, name from department'),
    await all<{ id: number; name: string }>(em, 'select id, name from grid'),
  ];
  const labels: ListLabels = {
    categories: new Map(
      categories.map((r) => {
        const limits = jsonb<Record<string, { unit?: LimitUnit }> | null>(r.limits);
        const units = Object.fromEntries(Object.entries(limits ?? {}).map(([k, v]) => [k, v?.unit ?? 'workingDays']));
        return [r.id, { name: r.name, units }] as const;
      }),
    ),
    departments: new Map(departments.map((d) => [d.id, d.name])),
    grids: new Map(grids.map((g) => [g.id, g.name])),
  };
  cache = { at: Date.now(), labels };
  return labels;
}

function knows(l: ListLabels, need: Parameters<typeof listLabels>[1] & object): boolean {
  const has = (m: Map<number, unknown>, ids: Iterable<number | null> = []) => {
    for (const id of ids) if (id !== null && !m.has(id)) return false;
    return true;
  };
  return has(l.categories, need.categories) && has(l.departments, need.departments) && has(l.grids, need.grids);
}

/** Drops the cache at once (admin edits in this process, tests that rename things). */
export function forgetListLabels(): void {
  cache = null;
}
