import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import type { AppealEventType } from '../../machines/appeal-events';
import type { Actor } from '../../machines/actor';
import { actionOptions } from '../appeals/actions.server';
import { saveAttachment } from '../appeals/attachments.server';
import type { UploadedFile } from '../storage/stored-file.server';
import { appealDetail, type AppealDetail } from '../appeals/detail.server';
import { maskPhone } from '../cases/masking';
import { applyEvent, type AppealServices, type EventResult } from '../appeals/service.server';
import type { Database } from '../db/orm.server';
import { all } from '../db/sql.server';
import { getWorkCalendar } from '../calendar/calendar.server';
import { localDateTime, remainingTime, type LimitUnit } from '../calendar/working-time';
import { Forbidden, InvalidInput, fieldErrorsOf } from '../domain/errors';

/** What a grid worker does on site; everything else stays on the full appeal page. */
export const FIELD_EVENTS = ['ACCEPT', 'RETURN', 'FIELD_UPDATE', 'REPLY'] as const satisfies readonly AppealEventType[];
export type FieldEvent = (typeof FIELD_EVENTS)[number];

/** Photos per submit: a phone camera burst, not a folder. */
export const MAX_PHOTOS = 6;

function requireGridWorker(actor: Actor) {
  if (actor.role !== 'gridWorker') throw new Forbidden('外勤页面仅供网格员使用');
}

export interface FieldCard {
  id: number;
  number: string;
  title: string;
  address: string | null;
  caller: string;
  phase: string;
  sla: string;
  urgency: string;
  dueLabel: string | null;
  remaining: string | null;
  overdue: boolean;
}

/** The open appeals sent to the worker's grids (waiting to be accepted or in hand), most pressing deadline first. */
export async function fieldWorklist(em: EntityManager, actor: Actor, now = new Date()): Promise<FieldCard[]> {
  requireGridWorker(actor);
  const rows = await all(
    em,
    `select a.id, a.number, a.title, a.address, a.caller_phone, a.confidential, a.anonymous, a.phase, a.sla, a.urgency, a.due_at,
            c.limits -> a.urgency ->> 'unit' as limit_unit
       from appeal a join category c on c.id = a.category_id
      where a.assigned_grid_id in (?) and a.tags @> '{needsAssignee}'
      order by a.due_at asc nulls last, a.id asc`,
    [actor.gridIds.length ? actor.gridIds : [-1]],
  );
  const cal = await getWorkCalendar(em);
  return rows.map((r) => {
    const remaining = r.due_at
      ? remainingTime(cal, now, new Date(r.due_at), (r.limit_unit ?? 'workingDays') as LimitUnit)
      : null;
    return {
      id: r.id,
      number: r.number,
      title: r.title,
      address: r.address,
      phase: r.phase,
      sla: r.sla,
      urgency: r.urgency,
      // Grid workers never see a confidential caller, and in lists only a masked number.
      caller: r.anonymous ? '（匿名）' : r.confidential ? '（保密）' : maskPhone(r.caller_phone) || '—',
      dueLabel: r.due_at ? localDateTime(new Date(r.due_at)) : null,
      remaining: remaining?.label ?? null,
      overdue: r.sla === 'overdue' || (remaining !== null && remaining.minutes < 0),
    };
  });
}

export interface FieldAppeal {
  appeal: Pick<
    AppealDetail,
    | 'id'
    | 'number'
    | 'version'
    | 'title'
    | 'content'
    | 'urgency'
    | 'category'
    | 'address'
    | 'grid'
    | 'phase'
    | 'sla'
    | 'deadlines'
    | 'confidential'
  >;
  caller: string;
  /** The field actions the machine accepts from this worker now, in the order a visit goes. */
  actions: FieldEvent[];
  images: { id: number; fileName: string }[];
  mayUpload: boolean;
  /** The latest on-site records, newest first. */
  updates: { seq: number; at: string; actor: string; text: string | null }[];
}

/** One appeal as the phone shows it; out of the worker's scope is 403 (the appeal page's own check). */
export async function fieldAppeal(
  em: EntityManager,
  actor: Actor,
  appealId: number,
  now = new Date(),
): Promise<FieldAppeal> {
  requireGridWorker(actor);
  const a = await appealDetail(em, actor, appealId, now);
  const options = await actionOptions(em, actor, appealId, now);
  return {
    appeal: {
      id: a.id,
      number: a.number,
      version: a.version,
      title: a.title,
      content: a.content,
      urgency: a.urgency,
      category: a.category,
      address: a.address,
      grid: a.grid,
      phase: a.phase,
      sla: a.sla,
      deadlines: a.deadlines,
      confidential: a.confidential,
    },
    caller: a.complainant
      ? `${a.complainant.name ?? ''} ${a.complainant.phone}`.trim()
      : a.anonymous
        ? '（匿名）'
        : '（保密）',
    actions: FIELD_EVENTS.filter((t) => options.types.includes(t)),
    images: a.attachments
      .filter((f) => f.contentType.startsWith('image/'))
      .map((f) => ({ id: f.id, fileName: f.fileName })),
    // The appeal page has already checked the scope, and a closed appeal takes no more photos.
    mayUpload: a.mayAttach,
    updates: a.timeline
      .filter((e) => e.type === 'FIELD_UPDATE')
      .reverse()
      .slice(0, 5)
      .map((e) => ({ seq: e.seq, at: e.at, actor: e.actor, text: e.text })),
  };
}

const required = (max: number, tooLong: string) =>
  z.string({ message: '此项为必填' }).trim().min(1, '此项为必填').max(max, tooLong);
/** An empty coordinate means "no check-in"; anything else must be a number in range. */
const coordinate = (min: number, max: number) =>
  z.preprocess(
    (v) => (v === '' || v == null ? undefined : Number(v)),
    z.number({ message: '坐标无效' }).min(min, '坐标无效').max(max, '坐标无效').optional(),
  );

const FIELD_FORMS = {
  ACCEPT: z.object({}),
  RETURN: z.object({ reason: required(1000, '理由最多 1000 个字') }),
  FIELD_UPDATE: z
    .object({ text: required(4000, '内容最多 4000 个字'), lat: coordinate(-90, 90), lng: coordinate(-180, 180) })
    .refine((p) => (p.lat === undefined) === (p.lng === undefined), {
      message: '定位不完整，请重新打卡',
      path: ['lat'],
    }),
  REPLY: z.object({
    result: required(4000, '内容最多 4000 个字'),
    resolved: z.enum(['yes', 'no'], { message: '请选择是否解决' }).transform((v) => v === 'yes'),
  }),
} satisfies Record<FieldEvent, z.ZodType>;

const envelope = z.object({
  intent: z.enum(FIELD_EVENTS, { message: '无效的操作' }),
  version: z.coerce.number({ message: '无效的版本' }).int().positive(),
});

export type FieldIntent = z.infer<typeof envelope>;

/** Which action and version a submitted field form is about; a bad envelope is one message, not field errors. */
export function parseFieldIntent(form: FormData): FieldIntent {
  const parsed = envelope.safeParse({ intent: form.get('intent'), version: form.get('version') });
  if (!parsed.success) throw new InvalidInput('无效的操作');
  return parsed.data;
}

/**
 * Applies one field form through the one write path: the form is checked here with messages for the
 * phone, the event's own schema, the machine and the version check run again in `applyEvent`.
 */
export async function performFieldAction(
  services: AppealServices,
  actor: Actor,
  appealId: number,
  intent: FieldIntent,
  form: FormData,
): Promise<EventResult> {
  requireGridWorker(actor);
  const fields = Object.fromEntries(
    [...form.entries()].filter(([k, v]) => k !== 'intent' && k !== 'version' && typeof v === 'string'),
  );
  const parsed = FIELD_FORMS[intent.intent].safeParse(fields);
  if (!parsed.success) throw new InvalidInput('输入有误', fieldErrorsOf(parsed.error.issues));
  return applyEvent(services, {
    appealId,
    expectedVersion: intent.version,
    type: intent.intent,
    payload: parsed.data,
    actor,
  });
}

/** Photos from the phone's camera: images only, each stored through the attachments domain (scope and content checks). */
export async function saveFieldPhotos(
  db: Database,
  actor: Actor,
  appealId: number,
  files: UploadedFile[],
): Promise<{ ids: number[] }> {
  requireGridWorker(actor);
  if (!files.length) throw new InvalidInput('请选择或拍摄照片', { file: ['请选择或拍摄照片'] });
  if (files.length > MAX_PHOTOS) throw new InvalidInput('一次最多上传 6 张照片', { file: ['一次最多上传 6 张照片'] });
  const notImage = files.find(
    (f) => !/\.(jpe?g|png|webp)$/i.test(f.name) || !(f.type === '' || f.type.startsWith('image/')),
  );
  if (notImage) throw new InvalidInput('只能上传 JPG、PNG、WEBP 照片', { file: ['只能上传 JPG、PNG、WEBP 照片'] });
  const ids: number[] = [];
  for (const file of files) ids.push((await saveAttachment(db, actor, appealId, file)).id);
  return { ids };
}
