import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { MultiPolygon, Polygon } from 'geojson';
import { BaseSchema } from './base';
import { DepartmentSchema } from './department';
import { UserSchema } from './user';

/** A grid's outline in WGS 84 lng/lat: one or more parts, holes allowed (checked by app/grids/geometry.ts). */
export type GridGeometry = Polygon | MultiPolygon;

// A grid (网格) is a patch of streets inside one community, owned by its grid workers.
export const GridSchema = defineEntity({
  name: 'Grid',
  tableName: 'grid',
  extends: BaseSchema,
  properties: {
    code: p.string().length(32).unique(),
    name: p.string().length(100),
    community: () => p.manyToOne(DepartmentSchema),
    polygon: p.json<GridGeometry>(),
    workers: () => p.manyToMany(UserSchema).mappedBy('grids'),
  },
});
export type Grid = InferEntity<typeof GridSchema>;
