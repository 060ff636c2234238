import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import type { Actor } from '../../machines/actor';
import { all, inTransaction, one } from '../db/sql.server';
import { Conflict, Forbidden, InvalidInput, NotFound, parseInput } from '../domain/errors';
import { can } from '../domain/permissions';
import type { RequestClient } from '../http/client.server';
import { recordSecurityEvent } from '../security/security-log.server';

// The admin's table of inbound event types (事件类型映射): for each client, which of its (scene, type code) pairs
// become appeals of which category. A type is deactivated, never deleted: the events filed under it keep their
// meaning. Every change is a security event with the row before and after, as other settings are.

export interface EventTypeRow {
  id: number;
  clientId: number;
  client: string;
  scene: string;
  code: string;
  name: string;
  categoryId: number;
  category: string;
  active: boolean;
  version: number;
}

export interface EventTypeOptions {
  clients: { id: number; name: string }[];
  categories: { id: number; label: string; depth: number }[];
}

function requireKeeper(actor: Actor) {
  if (!can(actor, 'admin:event-types')) throw new Forbidden('只有管理员可以维护事件类型');
}

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

export const eventTypeInput = z
  .object({
    clientId: z.preprocess(blank, z.coerce.number({ message: '请选择接口客户端' }).int().positive('请选择接口客户端')),
    scene: z.preprocess(
      blank,
      z
        .string({ message: '请填写场景代码' })
        .trim()
        .regex(/^[a-z0-9][a-z0-9._-]{0,39}$/, '场景代码为小写字母、数字和 . _ -，最多 40 个字符'),
    ),
    code: z.preprocess(
      blank,
      z
        .string({ message: '请填写事件类型代码' })
        .trim()
        .regex(/^[A-Za-z0-9._-]{1,40}$/, '类型代码为字母、数字和 . _ -，最多 40 个字符'),
    ),
    name: z.preprocess(
      blank,
      z.string({ message: '请填写名称' }).trim().min(2, '名称至少 2 个字').max(100, '名称最多 100 字'),
    ),
    categoryId: z.preprocess(blank, z.coerce.number({ message: '请选择分类' }).int().positive('请选择分类')),
  })
  .strict();

const versioned = z.object({
  id: z.coerce.number().int().positive(),
  version: z.coerce.number().int().positive(),
});

const SELECT = `select t.id, t.client_id, k.name as client, t.scene, t.code, t.name, t.category_id,
       c.code || ' ' || c.name as category, t.active, t.version
  from city_event_type t join api_client k on k.id = t.client_id join category c on c.id = t.category_id`;

interface Raw {
  id: number;
  client_id: number;
  client: string;
  scene: string;
  code: string;
  name: string;
  category_id: number;
  category: string;
  active: boolean;
  version: number;
}

const rowOf = (r: Raw): EventTypeRow => ({
  id: r.id,
  clientId: r.client_id,
  client: r.client,
  scene: r.scene,
  code: r.code,
  name: r.name,
  categoryId: r.category_id,
  category: r.category,
  active: r.active,
  version: r.version,
});

/** Every type, active ones first, by client, scene and code; and the form's choices. */
export async function eventTypesPage(
  em: EntityManager,
  actor: Actor,
): Promise<{ types: EventTypeRow[]; options: EventTypeOptions }> {
  requireKeeper(actor);
  const [types, clients, categories] = await Promise.all([
    all<Raw>(em, `${SELECT} order by t.active desc, k.name, t.scene, t.code`),
    all<{ id: number; name: string }>(
      em,
      `select id, name from api_client where revoked_at is null and 'events:write' = any(operations) order by name`,
    ),
    all<{ id: number; code: string; name: string; parent_id: number | null }>(
      em,
      'select id, code, name, parent_id from category where active order by code',
    ),
  ]);
  return {
    types: types.map(rowOf),
    options: {
      clients,
      categories: categories.map((c) => ({ id: c.id, label: `${c.code} ${c.name}`, depth: c.parent_id ? 1 : 0 })),
    },
  };
}

const refused = (field: string, message: string) => new InvalidInput('请检查填写的内容', { [field]: [message] });

async function checkReferences(tx: EntityManager, f: z.output<typeof eventTypeInput>, id: number | null) {
  const client = await one<{ ok: boolean }>(
    tx,
    `select (revoked_at is null and 'events:write' = any(operations)) as ok from api_client where id = ?`,
    [f.clientId],
  );
  if (!client?.ok) throw refused('clientId', '该客户端不存在、已停用或无事件上报权限');
  const c = await one<{ active: boolean }>(tx, 'select active from category where id = ?', [f.categoryId]);
  if (!c?.active) throw refused('categoryId', '分类不存在或已停用');
  const taken = await one(
    tx,
    'select 1 from city_event_type where client_id = ? and scene = ? and code = ? and id <> ?',
    [f.clientId, f.scene, f.code, id ?? 0],
  );
  if (taken) throw refused('code', '该客户端的这个场景已有此类型代码');
}

const audit = (
  tx: EntityManager,
  actor: Actor,
  client: RequestClient | null,
  change: 'created' | 'updated' | 'deactivated' | 'activated',
  before: EventTypeRow | null,
  after: EventTypeRow | null,
  now: Date,
) =>
  recordSecurityEvent(
    tx,
    {
      kind: 'settingChanged',
      actorId: actor.userId,
      client,
      detail: { setting: 'cityEventType', change, typeId: (after ?? before)?.id, before, after },
    },
    now,
  );

const typeOf = async (tx: EntityManager, id: number) => {
  const r = await one<Raw>(tx, `${SELECT} where t.id = ?`, [id]);
  return r ? rowOf(r) : null;
};

export async function createEventType(
  em: EntityManager,
  actor: Actor,
  raw: unknown,
  client: RequestClient | null = null,
  now = new Date(),
): Promise<{ id: number }> {
  requireKeeper(actor);
  const f = parseInput(eventTypeInput, raw);
  return inTransaction(em, async (tx) => {
    await checkReferences(tx, f, null);
    const row = await one<{ id: number }>(
      tx,
      `insert into city_event_type (client_id, scene, code, name, category_id, active, version, created_at, updated_at)
       values (?, ?, ?, ?, ?, true, 1, ?, ?) on conflict (client_id, scene, code) do nothing returning id`,
      [f.clientId, f.scene, f.code, f.name, f.categoryId, now, now],
    );
    if (!row) throw refused('code', '该客户端的这个场景已有此类型代码');
    await audit(tx, actor, client, 'created', null, await typeOf(tx, row.id), now);
    return { id: row.id };
  });
}

async function guardedChange(
  em: EntityManager,
  actor: Actor,
  raw: unknown,
  change: 'updated' | 'deactivated' | 'activated',
  client: RequestClient | null,
  now: Date,
): Promise<void> {
  requireKeeper(actor);
  const { id, version } = parseInput(versioned, raw);
  const { id: _id, version: _version, ...fields } = (raw ?? {}) as Record<string, unknown>;
  const f = change === 'updated' ? parseInput(eventTypeInput, fields) : null;
  await inTransaction(em, async (tx) => {
    const before = await typeOf(tx, id);
    if (!before) throw new NotFound('事件类型不存在');
    if (f) await checkReferences(tx, f, id);
    const set = f
      ? {
          sql: 'client_id = ?, scene = ?, code = ?, name = ?, category_id = ?',
          params: [f.clientId, f.scene, f.code, f.name, f.categoryId],
        }
      : { sql: 'active = ?', params: [change === 'activated'] };
    const row = await one(
      tx,
      `update city_event_type set ${set.sql}, version = version + 1, updated_at = ? where id = ? and version = ? returning id`,
      [...set.params, now, id, version],
    );
    if (!row) throw new Conflict('该事件类型已被他人修改，请刷新后再试', 'stale');
    await audit(tx, actor, client, change, before, await typeOf(tx, id), now);
  });
}

/** Corrects a type's mapping (its client, scene, code, name or category), version-guarded. */
export const updateEventType = (
  em: EntityManager,
  actor: Actor,
  raw: unknown,
  client: RequestClient | null = null,
  now = new Date(),
) => guardedChange(em, actor, raw, 'updated', client, now);

/** Stops (or starts again) filing events of this type: a stopped type is answered 422. */
export const setEventTypeActive = (
  em: EntityManager,
  actor: Actor,
  raw: unknown,
  active: boolean,
  client: RequestClient | null = null,
  now = new Date(),
) => guardedChange(em, actor, raw, active ? 'activated' : 'deactivated', client, now);
