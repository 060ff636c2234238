import { z } from 'zod';
import type { Actor } from '../../machines/actor';
import { createAppealSnapshot } from '../../machines/appeal';
import { APPEAL_SOURCES, APPEAL_TYPES, URGENCIES } from '../../entities/appeal';
import { openCase } from '../cases/transition.server';
import { inTransaction, one } from '../db/sql.server';
import { isUniqueViolation } from '../db/unique-violation.server';
import { Forbidden, InvalidInput, fieldErrorsOf } from '../domain/errors';
import { normaliseIdNumber, sealIdNumber } from '../security/id-number.server';
import { appealCounterCte, formatAppealNumber } from './numbering.server';
import { appealKind, type AppealServices } from './service.server';

const phone = z
  .string()
  .trim()
  .regex(/^(1\d{10}|0\d{2,3}-?\d{7,8}|\d{3,12})$/, '电话号码格式不正确');

/** A resident ID number: 18 characters (the last may be X) or the old 15 digits, in any spelling people type. */
export const idNumberSchema = z
  .string()
  .transform(normaliseIdNumber)
  .pipe(z.string().regex(/^(\d{17}[\dX]|\d{15})$/, '身份证号应为 18 位（末位可为 X）或 15 位数字'));

export const draftInputSchema = z
  .object({
    source: z.enum(APPEAL_SOURCES).default('hotline'),
    type: z.enum(APPEAL_TYPES),
    urgency: z.enum(URGENCIES).default('normal'),
    categoryId: z.number().int().positive(),
    callerPhone: phone.optional(),
    citizenName: z.string().trim().min(1).max(100).optional(),
    idNumber: idNumberSchema.optional(),
    title: z.string().trim().min(2, '标题至少 2 个字').max(200),
    content: z.string().trim().min(5, '内容至少 5 个字').max(8000),
    address: z.string().trim().max(255).optional(),
    gridId: z.number().int().positive().optional(),
    lat: z.number().min(-90).max(90).optional(),
    lng: z.number().min(-180).max(180).optional(),
    confidential: z.boolean().default(false),
    anonymous: z.boolean().default(false),
    /** One per rendered intake form: a repeated submit returns the appeal it already created. */
    requestKey: z
      .string()
      .regex(/^[A-Za-z0-9_-]{16,64}$/)
      .optional(),
  })
  .strict();
export type DraftInput = z.input<typeof draftInputSchema>;

const CREATORS = new Set(['operator', 'dispatcher', 'gridWorker']);

/** Records a new appeal as a draft (the operator is still on the call); its audit trail starts here. */
export async function createDraft(
  services: AppealServices,
  actor: Actor,
  raw: unknown,
): Promise<{ id: number; number: string; version: number }> {
  if (!CREATORS.has(actor.role)) throw new Forbidden();
  const parsed = draftInputSchema.safeParse(raw);
  if (!parsed.success) throw new InvalidInput('输入有误', fieldErrorsOf(parsed.error.issues));
  const input = parsed.data;
  if (actor.role === 'gridWorker' && input.gridId && !actor.gridIds.includes(input.gridId))
    throw new Forbidden('只能上报本人网格内的事项');
  const now = services.now?.() ?? new Date();
  if (input.requestKey) {
    const existing = await byRequestKey(services, input.requestKey);
    if (existing) return existing;
  }

  try {
    return await insertDraft(services, actor, input, now);
  } catch (err) {
    // Two submits of one form raced past the check above: the unique key lets exactly one in.
    if (input.requestKey && isUniqueViolation(err, 'appeal_request_key_unique')) {
      const existing = await byRequestKey(services, input.requestKey);
      if (existing) return existing;
    }
    throw err;
  }
}

async function byRequestKey(services: AppealServices, key: string) {
  return (
    (await one<{ id: number; number: string; version: number }>(
      services.db.em(),
      'select id, number, version from appeal where request_key = ?',
      [key],
    )) ?? null
  );
}

async function insertDraft(
  services: AppealServices,
  actor: Actor,
  input: z.output<typeof draftInputSchema>,
  now: Date,
) {
  return inTransaction(services.db.em(), async (tx) => {
    // One round trip: references checked, the daily number drawn, the caller's record upserted and the
    // id taken first (the first audit hash covers it).
    const counter = appealCounterCte(now);
    const withCitizen = Boolean(input.callerPhone && !input.anonymous);
    // The ID number is stored sealed with its blind index (never in clear); a form without one keeps the stored one.
    const idNumber = sealIdNumber(withCitizen ? input.idNumber : null);
    const citizenCte = `, citizen as (insert into citizen (phone, name, id_number_sealed, id_number_index, created_at, updated_at)
         values (?, ?, ?, ?, ?, ?)
         on conflict (phone) do update set name = coalesce(excluded.name, citizen.name),
           id_number_sealed = coalesce(excluded.id_number_sealed, citizen.id_number_sealed),
           id_number_index = coalesce(excluded.id_number_index, citizen.id_number_index),
           updated_at = excluded.updated_at returning id)`;
    const refs = (await one<{
      category: number | null;
      grid: number | null;
      id: number;
      last: number;
      citizen: number | null;
    }>(
      tx,
      `with ${counter.sql}${withCitizen ? citizenCte : ''}
       select (select id from category where id = ? and active) as category, (select id from grid where id = ?) as grid,
              nextval(pg_get_serial_sequence('appeal', 'id'))::int as id, (select last from counter) as last,
              ${withCitizen ? '(select id from citizen)' : 'null'} as citizen`,
      [
        ...counter.params,
        ...(withCitizen
          ? [input.callerPhone, input.citizenName ?? null, idNumber.sealed, idNumber.index, now, now]
          : []),
        input.categoryId,
        input.gridId ?? 0,
      ],
    ))!;
    if (!refs.category) throw new InvalidInput('分类不存在', { categoryId: ['unknown category'] });
    if (input.gridId && !refs.grid) throw new InvalidInput('网格不存在', { gridId: ['unknown grid'] });
    const { id, citizen: citizenId } = refs;
    const number = formatAppealNumber(counter.day, refs.last);
    await openCase(tx, appealKind, {
      id,
      row: {},
      snapshot: createAppealSnapshot({ createdBy: actor.userId, source: input.source }),
      type: 'CREATE',
      payload: { number, source: input.source },
      actor,
      at: now,
      columns: {
        number,
        source: input.source,
        type: input.type,
        urgency: input.urgency,
        category_id: input.categoryId,
        citizen_id: citizenId,
        caller_phone: input.callerPhone ?? null,
        title: input.title,
        content: input.content,
        address: input.address ?? null,
        grid_id: input.gridId ?? null,
        lat: input.lat ?? null,
        lng: input.lng ?? null,
        confidential: input.confidential,
        anonymous: input.anonymous,
        created_by_id: actor.userId,
        request_key: input.requestKey ?? null,
      },
    });
    return { id, number, version: 1 };
  });
}
