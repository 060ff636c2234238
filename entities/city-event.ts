import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { ApiClientSchema } from './api-client';
import { AppealSchema } from './appeal';
import { BaseSchema } from './base';
import { CategorySchema } from './category';
import { DepartmentSchema } from './department';

// Events other city systems send (the city brain's scenes: 道路秩序, 河湖巡查, 车辆监管 …), each turned into one
// appeal. The admin maps each client's (scene, type code) to a category; an unmapped or inactive type is refused.
export const CityEventTypeSchema = defineEntity({
  name: 'CityEventType',
  tableName: 'city_event_type',
  extends: BaseSchema,
  uniques: [{ properties: ['client', 'scene', 'code'] }],
  properties: {
    client: () => p.manyToOne(ApiClientSchema),
    /** The client's scene, as it names it: `road-order`, `river-patrol`. */
    scene: p.string().length(40),
    /** The client's own event type code within the scene. */
    code: p.string().length(40),
    name: p.string().length(100),
    category: () => p.manyToOne(CategorySchema),
    active: p.boolean().default(true),
    version: p.integer().default(1),
  },
});
export type CityEventType = InferEntity<typeof CityEventTypeSchema>;

export const CITY_EVENT_ROUTES = ['catalogue', 'triage'] as const;
export type CityEventRoute = (typeof CITY_EVENT_ROUTES)[number];

export interface CityEventMedia {
  url: string;
  kind: 'photo' | 'video';
}

// One row per (client, eventId): the idempotency key. It is claimed in the transaction that files the appeal, so
// concurrent copies of one event wait on the unique index and then find the appeal the first one filed.
export const CityEventSchema = defineEntity({
  name: 'CityEvent',
  tableName: 'city_event',
  uniques: [{ properties: ['client', 'eventId'] }],
  indexes: [{ properties: ['receivedAt'] }, { properties: ['appeal'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    client: () => p.manyToOne(ApiClientSchema),
    eventId: p.string().length(100),
    /** SHA-256 of the event as parsed: a repeat must say the same thing. */
    bodyHash: p.string().length(64),
    scene: p.string().length(40),
    typeCode: p.string().length(40),
    appeal: () => p.manyToOne(AppealSchema).nullable(),
    routed: p.enum(CITY_EVENT_ROUTES),
    /** The lead unit the 派单目录 sent it to. */
    department: () => p.manyToOne(DepartmentSchema).nullable(),
    /** Links to the client's photos and videos; the files stay with the client. */
    media: p.json<CityEventMedia[]>(),
    /** The device or camera that saw it. */
    reporter: p.string().length(100).nullable(),
    occurredAt: p.datetime(),
    receivedAt: p.datetime(),
  },
});
export type CityEvent = InferEntity<typeof CityEventSchema>;

// Signatures seen within the timestamp window: the same signed request sent again is refused. A row may be removed
// once it has expired, since a request that old is refused by its timestamp anyway.
export const CityEventSignatureSchema = defineEntity({
  name: 'CityEventSignature',
  tableName: 'city_event_signature',
  indexes: [{ properties: ['expiresAt'] }],
  properties: {
    signature: p.string().length(64).primary(),
    client: () => p.manyToOne(ApiClientSchema),
    expiresAt: p.datetime(),
  },
});
export type CityEventSignature = InferEntity<typeof CityEventSignatureSchema>;
