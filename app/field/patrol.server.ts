import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import type { Actor } from '../../machines/actor';
import { checkUpload, saveAttachment } from '../appeals/attachments.server';
import type { UploadedFile } from '../storage/stored-file.server';
import { createDraft } from '../appeals/intake.server';
import { applyEvent, type AppealServices } from '../appeals/service.server';
import { localDateTime } from '../calendar/working-time';
import { all, one } from '../db/sql.server';
import { Conflict, Forbidden, InvalidInput, fieldErrorsOf } from '../domain/errors';
import { sha256Of } from '../storage/content-file.server';
import { gridAddresses, gridForPoint } from '../grids/grids.server';
import { MAX_PHOTOS } from './field.server';

/** What the patrol page sends; the route turns the multipart body into this, files as bytes. */
export interface PatrolForm {
  intent: unknown;
  categoryId: unknown;
  title: unknown;
  content: unknown;
  lat: unknown;
  lng: unknown;
  /** Begun from the grid on the phone (`PatrolPageData.grids`), finished by the worker: building, door. */
  address?: unknown;
  result?: unknown;
  requestKey: unknown;
  before: UploadedFile[];
  after: UploadedFile[];
}

export const PATROL_INTENTS = ['dispatch', 'selfHandle'] as const;
export type PatrolIntent = (typeof PATROL_INTENTS)[number];

const coordinate = (min: number, max: number) =>
  z.preprocess(
    (v) => (v === '' || v == null ? undefined : Number(v)),
    z.number({ message: '请先定位' }).min(min, '坐标无效').max(max, '坐标无效'),
  );

const patrolSchema = z
  .object({
    intent: z.enum(PATROL_INTENTS, { message: '无效的操作' }),
    categoryId: z.coerce.number({ message: '请选择分类' }).int().positive('请选择分类'),
    title: z.string({ message: '此项为必填' }).trim().min(2, '标题至少 2 个字').max(200, '标题最多 200 个字'),
    content: z.string({ message: '此项为必填' }).trim().min(5, '描述至少 5 个字').max(8000, '描述最多 8000 个字'),
    lat: coordinate(-90, 90),
    lng: coordinate(-180, 180),
    address: z.string().trim().max(255, '地址最多 255 个字').optional(),
    result: z.string().trim().max(4000, '处置结果最多 4000 个字').optional(),
    /** Generated once per draft on the phone, so a retry after a lost connection files one report. */
    requestKey: z.string({ message: '缺少请求标识' }).regex(/^[A-Za-z0-9_-]{16,64}$/, '请求标识无效'),
  })
  .superRefine((p, ctx) => {
    if (p.intent === 'selfHandle' && !p.result)
      ctx.addIssue({ code: 'custom', path: ['result'], message: '请填写处置结果' });
  });

function checkPhotos(files: UploadedFile[], field: 'before' | 'after', errors: Record<string, string[]>) {
  const fail = (m: string) => {
    (errors[field] ??= []).push(m);
  };
  if (!files.length) return fail(field === 'before' ? '请拍摄或选择现场照片' : '请拍摄或选择处置后照片');
  if (files.length > MAX_PHOTOS) return fail(`最多 ${MAX_PHOTOS} 张照片`);
  if (files.some((f) => !/\.(jpe?g|png|webp)$/i.test(f.name) || !(f.type === '' || f.type.startsWith('image/'))))
    fail('只能上传 JPG、PNG、WEBP 照片');
}

export interface PatrolResult {
  id: number;
  number: string;
  /** True when this requestKey had already filed the report (a retry): nothing new was written. */
  repeated: boolean;
}

/** A report filed (or begun) with a request key; `draft` while it has not been sent on yet. */
interface KeyedReport {
  id: number;
  number: string;
  version: number;
  draft: boolean;
  createdBy: number;
}

async function byRequestKey(em: EntityManager, key: string): Promise<KeyedReport | null> {
  const row = await one<{ id: number; number: string; version: number; draft: boolean; created_by_id: number }>(
    em,
    `select id, number, version, tags @> '{draft}' as draft, created_by_id from appeal where request_key = ?`,
    [key],
  );
  return row
    ? { id: row.id, number: row.number, version: row.version, draft: row.draft, createdBy: row.created_by_id }
    : null;
}

const validKey = (k: unknown): k is string => typeof k === 'string' && /^[A-Za-z0-9_-]{16,64}$/.test(k);

/**
 * A grid worker's patrol report (巡查上报): a draft in his own grid with its "before" photos, then
 * either SUBMIT (to the dispatcher's triage) or SELF_HANDLE with the "after" photos (to verification).
 * Everything that can be refused is checked before anything is written. The steps commit one by one
 * (on PGlite they share no connection, so one enclosing transaction would wait on itself); the
 * requestKey makes them resumable instead: a retry returns a filed report as it is, and finishes
 * one an earlier attempt left as a draft, storing only the photos it does not have yet.
 */
export async function createPatrolReport(
  services: AppealServices,
  actor: Actor,
  form: PatrolForm,
): Promise<PatrolResult> {
  if (actor.role !== 'gridWorker') throw new Forbidden('巡查上报仅供网格员使用');
  const em = services.db.em();
  const parsed = patrolSchema.safeParse(form);
  const errors: Record<string, string[]> = parsed.success ? {} : fieldErrorsOf(parsed.error.issues);
  const earlier = validKey(form.requestKey) ? await byRequestKey(em, form.requestKey) : null;
  if (earlier && earlier.createdBy !== actor.userId) throw new Forbidden('请求标识已被使用');
  if (earlier && !earlier.draft) return { id: earlier.id, number: earlier.number, repeated: true };
  checkPhotos(form.before, 'before', errors);
  if (parsed.success && parsed.data.intent === 'selfHandle') checkPhotos(form.after, 'after', errors);
  if (!parsed.success || Object.keys(errors).length) throw new InvalidInput('输入有误', errors);
  const input = parsed.data;

  const grid = await gridForPoint(em, { lat: input.lat, lng: input.lng });
  if (!grid || !actor.gridIds.includes(grid.id)) {
    const message = grid ? `该位置属于${grid.name}，不在您负责的网格内` : '该位置不在任何网格内';
    throw new InvalidInput(message, { location: [message] });
  }
  const photos = [
    ...form.before.map((f) => ({ f, stage: 'before' as const })),
    ...(input.intent === 'selfHandle' ? form.after.map((f) => ({ f, stage: 'after' as const })) : []),
  ];
  for (const { f, stage } of photos) {
    try {
      checkUpload(f);
    } catch (err) {
      if (err instanceof InvalidInput) throw new InvalidInput(err.message, { [stage]: [`${f.name}: ${err.message}`] });
      throw err;
    }
  }

  // An address left empty is the grid's own: a report always says where it is.
  const address = input.address || (await gridAddresses(em, [grid.id])).get(grid.id);
  const draft =
    earlier ??
    (await createDraft(services, actor, {
      source: 'patrol',
      type: 'report',
      categoryId: input.categoryId,
      title: input.title,
      content: input.content,
      gridId: grid.id,
      address,
      lat: input.lat,
      lng: input.lng,
      requestKey: input.requestKey,
    }));
  const stored = await storedPhotos(em, draft.id);
  for (const { f, stage } of photos) {
    const key = `${stage}:${sha256Of(f.bytes)}`;
    if (stored.has(key)) continue;
    await saveAttachment(services.db, actor, draft.id, f, { stage });
    stored.add(key);
  }
  const event =
    input.intent === 'selfHandle'
      ? { type: 'SELF_HANDLE', payload: { result: input.result, gridId: grid.id } }
      : { type: 'SUBMIT', payload: {} };
  try {
    await applyEvent(services, { appealId: draft.id, expectedVersion: draft.version, ...event, actor });
  } catch (err) {
    // A concurrent send of the same draft filed it first.
    const now = await byRequestKey(em, input.requestKey);
    if (err instanceof Conflict && now && !now.draft) return { id: now.id, number: now.number, repeated: true };
    throw err;
  }
  return { id: draft.id, number: draft.number, repeated: false };
}

/** `stage:sha256` of the photos a report already has, so a resumed submission does not store them twice. */
async function storedPhotos(em: EntityManager, appealId: number): Promise<Set<string>> {
  const rows = await all<{ stage: string | null; sha256: string }>(
    em,
    'select stage, sha256 from attachment where appeal_id = ?',
    [appealId],
  );
  return new Set(rows.map((r) => `${r.stage}:${r.sha256}`));
}

export interface PatrolPageData {
  categories: { id: number; name: string }[];
  /** The worker's grids with the address each begins, to prefill the report's address once it is located. */
  grids: { id: number; address: string }[];
  /** The worker's own patrol reports, newest first (本人巡查上报). */
  mine: { id: number; number: string; title: string; phase: string; createdAt: string }[];
}

/** The category choices and the worker's recent patrol reports for the patrol page. */
export async function patrolPage(em: EntityManager, actor: Actor): Promise<PatrolPageData> {
  if (actor.role !== 'gridWorker') throw new Forbidden('巡查上报仅供网格员使用');
  // Leaf categories only: a report is filed under what it is, not under a heading.
  const categories = await all<{ id: number; name: string }>(
    em,
    `select c.id, c.name from category c where c.active and not exists (select 1 from category k where k.parent_id = c.id) order by c.code`,
  );
  const mine = await all<{ id: number; number: string; title: string; phase: string; created_at: Date | string }>(
    em,
    `select id, number, title, phase, created_at from appeal where source = 'patrol' and created_by_id = ? order by created_at desc, id desc limit 20`,
    [actor.userId],
  );
  const addresses = await gridAddresses(em, actor.gridIds);
  return {
    categories,
    grids: actor.gridIds.flatMap((id) => (addresses.has(id) ? [{ id, address: addresses.get(id)! }] : [])),
    mine: mine.map((r) => ({
      id: r.id,
      number: r.number,
      title: r.title,
      phase: r.phase,
      createdAt: localDateTime(new Date(r.created_at)),
    })),
  };
}
