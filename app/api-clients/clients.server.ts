import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import { API_OPERATIONS } from '../../entities/api-client';
import { inTransaction, one, textArray } from '../db/sql.server';
import { Conflict, InvalidInput, NotFound, parseInput } from '../domain/errors';
import type { RequestClient } from '../http/client.server';
import { recordSecurityEvent } from '../security/security-log.server';
import { addressAllowed } from './authenticate.server';
import { issueCredentials } from './credentials.server';

// The admin's register of interface clients: each a city system with its granted operations, rate limit and
// optional address allow-list. The key and signing secret are shown once, when issued (registration or rotation);
// revoking keeps the row. Every change is a security event in the same transaction.

const allowEntry = z
  .string()
  .trim()
  .refine((v) => {
    try {
      return addressAllowed([v], v.split('/')[0]);
    } catch {
      return false;
    }
  }, '不是有效的 IP 地址或网段');

export const clientFieldsSchema = z
  .object({
    name: z.string({ message: '请填写名称' }).trim().min(2, '名称至少 2 个字').max(100, '名称最多 100 字'),
    contact: z.string({ message: '请填写联系人' }).trim().min(2, '请填写联系人和电话').max(200),
    operations: z.array(z.enum(API_OPERATIONS, '没有这项接口权限')).min(1, '至少选一项接口权限'),
    rateLimitPerMinute: z.coerce
      .number('请填写每分钟次数')
      .int('请填写整数')
      .min(1, '每分钟至少 1 次')
      .max(100_000, '每分钟最多 100000 次')
      .default(600),
    ipAllowList: z.array(allowEntry).max(50, '最多 50 条地址').default([]),
  })
  .strict();
export type ClientFields = z.input<typeof clientFieldsSchema>;

export interface Issued {
  id: number;
  /** Shown once: only its hash is kept. */
  apiKey: string;
  /** Shown once with the key; kept sealed to sign and check messages. */
  signingSecret: string;
}

type ByWhom = { userId: number; client?: RequestClient | null };

export async function registerClient(em: EntityManager, by: ByWhom, raw: unknown, now = new Date()): Promise<Issued> {
  const f = parseInput(clientFieldsSchema, raw);
  const c = issueCredentials();
  return inTransaction(em, async (tx) => {
    const taken = await one(tx, 'select 1 from api_client where lower(name) = lower(?)', [f.name]);
    if (taken) throw new InvalidInput('已有同名客户端', { name: ['已有同名客户端'] });
    const row = await one<{ id: number }>(
      tx,
      `insert into api_client (name, contact, operations, key_prefix, key_hash, signing_secret_sealed,
         rate_limit_per_minute, ip_allow_list, key_rotated_at, version, created_at, updated_at)
       values (?, ?, ?::text[], ?, ?, ?, ?, ?::text[], ?, 1, ?, ?) returning id`,
      [
        f.name,
        f.contact,
        textArray(f.operations),
        c.keyPrefix,
        c.keyHash,
        c.signingSecretSealed,
        f.rateLimitPerMinute,
        textArray(f.ipAllowList),
        now,
        now,
        now,
      ],
    );
    await recordSecurityEvent(
      tx,
      {
        kind: 'apiClientChanged',
        actorId: by.userId,
        client: by.client,
        detail: { clientId: row!.id, act: 'register' },
      },
      now,
    );
    return { id: row!.id, apiKey: c.apiKey, signingSecret: c.signingSecret };
  });
}

const versioned = z.object({ id: z.coerce.number().int().positive(), version: z.coerce.number().int().positive() });

/** Changes what a client may do and from where; its key and secret stay. Refused when someone changed it first. */
export async function updateClient(em: EntityManager, by: ByWhom, raw: unknown, now = new Date()): Promise<void> {
  const { id, version } = parseInput(versioned, pick(raw, ['id', 'version']));
  const f = parseInput(clientFieldsSchema, omit(raw, ['id', 'version']));
  await inTransaction(em, async (tx) => {
    const before = await one<Record<string, unknown>>(
      tx,
      `select name, contact, operations, rate_limit_per_minute as "rateLimitPerMinute", ip_allow_list as "ipAllowList"
         from api_client where id = ?`,
      [id],
    );
    if (!before) throw new NotFound();
    const taken = await one(tx, 'select 1 from api_client where lower(name) = lower(?) and id <> ?', [f.name, id]);
    if (taken) throw new InvalidInput('已有同名客户端', { name: ['已有同名客户端'] });
    const row = await one<{ id: number }>(
      tx,
      `update api_client set name = ?, contact = ?, operations = ?::text[], rate_limit_per_minute = ?,
         ip_allow_list = ?::text[], version = version + 1, updated_at = ?
       where id = ? and version = ? and revoked_at is null returning id`,
      [f.name, f.contact, textArray(f.operations), f.rateLimitPerMinute, textArray(f.ipAllowList), now, id, version],
    );
    if (!row) await refuseStale(tx, id);
    const after: Record<string, unknown> = { ...f };
    const changed = Object.keys(after).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
    await recordSecurityEvent(
      tx,
      {
        kind: 'apiClientChanged',
        actorId: by.userId,
        client: by.client,
        detail: {
          clientId: id,
          act: 'update',
          before: Object.fromEntries(changed.map((k) => [k, before[k]])),
          after: Object.fromEntries(changed.map((k) => [k, after[k]])),
        },
      },
      now,
    );
  });
}

const asRecord = (raw: unknown): Record<string, unknown> =>
  raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
const pick = (raw: unknown, keys: string[]) =>
  Object.fromEntries(Object.entries(asRecord(raw)).filter(([k]) => keys.includes(k)));
const omit = (raw: unknown, keys: string[]) =>
  Object.fromEntries(Object.entries(asRecord(raw)).filter(([k]) => !keys.includes(k)));

/** New key and secret; the old ones stop working at once. */
export async function rotateClientKey(em: EntityManager, by: ByWhom, raw: unknown, now = new Date()): Promise<Issued> {
  const { id, version } = parseInput(versioned, raw);
  const c = issueCredentials();
  return inTransaction(em, async (tx) => {
    const row = await one<{ id: number }>(
      tx,
      `update api_client set key_prefix = ?, key_hash = ?, signing_secret_sealed = ?, key_rotated_at = ?,
         version = version + 1, updated_at = ?
       where id = ? and version = ? and revoked_at is null returning id`,
      [c.keyPrefix, c.keyHash, c.signingSecretSealed, now, now, id, version],
    );
    if (!row) await refuseStale(tx, id);
    await recordSecurityEvent(
      tx,
      { kind: 'apiClientChanged', actorId: by.userId, client: by.client, detail: { clientId: id, act: 'rotate' } },
      now,
    );
    return { id, apiKey: c.apiKey, signingSecret: c.signingSecret };
  });
}

export async function revokeClient(em: EntityManager, by: ByWhom, raw: unknown, now = new Date()): Promise<void> {
  const { id, version } = parseInput(versioned, raw);
  await inTransaction(em, async (tx) => {
    const row = await one<{ id: number }>(
      tx,
      `update api_client set revoked_at = ?, version = version + 1, updated_at = ?
       where id = ? and version = ? and revoked_at is null returning id`,
      [now, now, id, version],
    );
    if (!row) await refuseStale(tx, id);
    await recordSecurityEvent(
      tx,
      { kind: 'apiClientChanged', actorId: by.userId, client: by.client, detail: { clientId: id, act: 'revoke' } },
      now,
    );
  });
}

async function refuseStale(tx: EntityManager, id: number): Promise<never> {
  const row = await one<{ revoked_at: Date | null }>(tx, 'select revoked_at from api_client where id = ?', [id]);
  if (!row) throw new NotFound();
  if (row.revoked_at) throw new Conflict('该客户端已停用', 'notNow');
  throw new Conflict('该客户端已被他人修改，请刷新后再试', 'stale');
}

/** The register form's fields as the domain takes them: operations ticked, the allow-list one entry a line. */
export function clientFormValues(form: FormData): Record<string, unknown> {
  const text = (k: string) => {
    const v = form.get(k);
    return typeof v === 'string' ? v : undefined;
  };
  const values: Record<string, unknown> = {
    name: text('name'),
    contact: text('contact'),
    operations: form.getAll('operations').filter((v) => typeof v === 'string'),
    ipAllowList: (text('ipAllowList') ?? '')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean),
  };
  const rate = text('rateLimitPerMinute')?.trim();
  if (rate) values.rateLimitPerMinute = rate;
  for (const k of ['id', 'version']) if (text(k) !== undefined) values[k] = text(k);
  return values;
}
