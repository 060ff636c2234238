import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { BaseSchema } from './base';
import { DepartmentSchema } from './department';
import { UserSchema } from './user';

export interface GeoJsonPolygon {
  type: 'Polygon';
  coordinates: number[][][];
}

// A grid (网格) is a patch of streets inside one community, owned by its grid workers.
export const GridSchema = defineEntity({
  name: 'Grid',
  tableName: 'grid',
  extends: BaseSchema,
  properties: {
    code: p.string().length(32).unique(),
    name: p.string().length(100),
    community: () => p.manyToOne(DepartmentSchema),
    polygon: p.json<GeoJsonPolygon>(),
    workers: () => p.manyToMany(UserSchema).mappedBy('grids'),
  },
});
export type Grid = InferEntity<typeof GridSchema>;
