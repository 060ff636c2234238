import type { EntityManager } from '@mikro-orm/sql';
import type { Classification } from '../../machines/appeal-events';
import { localDateTime } from '../calendar/working-time';
import { all } from '../db/sql.server';
import type { TrailEntry } from '../cases/timeline.server';

// How a RECLASSIFY reads in the timeline: each corrected field with its old and new value.

export type ReclassificationField = 'category' | 'appealType' | 'urgency' | 'address' | 'grid' | 'dueAt';

export interface ReclassificationChange {
  field: ReclassificationField;
  from: string | null;
  to: string | null;
}

export interface ReclassificationNames {
  categories: Map<number, string>;
  grids: Map<number, string>;
}

type Payload = Classification & { from: Classification; previousDueAt: string | null; dueAt: string };

/** The names of the categories and grids the trail's reclassifications mention, in two queries at most. */
export async function reclassificationNames(em: EntityManager, events: TrailEntry[]): Promise<ReclassificationNames> {
  const payloads = events.filter((e) => e.type === 'RECLASSIFY').map((e) => e.payload as unknown as Payload);
  const categoryIds = [...new Set(payloads.flatMap((p) => [p.categoryId, p.from?.categoryId]))].filter(
    Number.isInteger,
  );
  const gridIds = [...new Set(payloads.flatMap((p) => [p.gridId, p.from?.gridId]))].filter(Number.isInteger);
  const named = async (table: 'category' | 'grid', ids: unknown[]) =>
    new Map(
      ids.length
        ? (
            await all<{ id: number; label: string }>(
              em,
              `select id, code || ' ' || name as label from ${table} where id in (?)`,
              [ids],
            )
          ).map((r) => [r.id, r.label])
        : [],
    );
  return { categories: await named('category', categoryIds), grids: await named('grid', gridIds) };
}

/** The fields a reclassification changed, in form order, the new deadline last. */
export function reclassificationChanges(
  payload: Record<string, unknown>,
  names: ReclassificationNames,
): ReclassificationChange[] {
  const p = payload as unknown as Payload;
  if (!p.from) return [];
  const id = (map: Map<number, string>, v: number | null) => (v === null ? null : (map.get(v) ?? String(v)));
  const pairs: [ReclassificationField, string | null, string | null][] = [
    ['category', id(names.categories, p.from.categoryId), id(names.categories, p.categoryId)],
    ['appealType', p.from.appealType, p.appealType],
    ['urgency', p.from.urgency, p.urgency],
    ['address', p.from.address, p.address],
    ['grid', id(names.grids, p.from.gridId), id(names.grids, p.gridId)],
    [
      'dueAt',
      p.previousDueAt ? localDateTime(new Date(p.previousDueAt)) : null,
      p.dueAt ? localDateTime(new Date(p.dueAt)) : null,
    ],
  ];
  return pairs.filter(([, from, to]) => from !== to).map(([field, from, to]) => ({ field, from, to }));
}
