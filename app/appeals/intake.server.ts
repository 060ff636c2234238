import { z } from 'zod';
import type { Actor } from '../../machines/actor';
import { createAppealSnapshot } from '../../machines/appeal';
import { APPEAL_SOURCES, APPEAL_TYPES, URGENCIES } from '../../entities/appeal';
import type { EntityManager } from '@mikro-orm/sql';
import { openCase } from '../cases/transition.server';
import { inTransaction, one } from '../db/sql.server';
import { isUniqueViolation } from '../db/unique-violation.server';
import { Conflict, Forbidden, InvalidInput, NotFound, fieldErrorsOf } from '../domain/errors';
import { maskedIdNumber, normaliseIdNumber, openIdNumber, sealIdNumber } from '../security/id-number.server';
import { draftChanges, draftValues, type DraftValues } from './draft-fields.server';
import { appealCounterCte, formatAppealNumber } from './numbering.server';
import { appealKind, applyEvent, type AppealServices } from './service.server';

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

const CREATORS = new Set(['operator', 'dispatcher', 'gridWorker', 'citizen', 'client']);

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
    return await insertDraft(services.db.em(), actor, input, now);
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

/**
 * A draft recorded inside another step's transaction (a beneficiary callback's problem opens a complaint): the same
 * checks and rows as `createDraft`, committed or rolled back with that step.
 */
export async function createDraftIn(
  tx: EntityManager,
  actor: Actor,
  raw: unknown,
  now: Date,
): Promise<{ id: number; number: string; version: number }> {
  if (!CREATORS.has(actor.role)) throw new Forbidden();
  const parsed = draftInputSchema.safeParse(raw);
  if (!parsed.success) throw new InvalidInput('输入有误', fieldErrorsOf(parsed.error.issues));
  return insertDraft(tx, actor, parsed.data, now);
}

async function insertDraft(em: EntityManager, actor: Actor, input: z.output<typeof draftInputSchema>, now: Date) {
  return inTransaction(em, async (tx) => {
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
        created_by_id: actor.userId || null,
        request_key: input.requestKey ?? null,
      },
    });
    return { id, number, version: 1 };
  });
}

/** What a draft's edit may change: everything recorded at intake but where it came from and the form's key. */
const draftEditSchema = draftInputSchema.omit({ source: true, requestKey: true });
export type DraftEditInput = z.input<typeof draftEditSchema>;

/** A saved draft as the intake form shows it again; the ID number only masked, it stays sealed. */
export interface EditableDraft {
  id: number;
  number: string;
  version: number;
  values: Omit<DraftValues, 'idNumberSealed' | 'citizenId'>;
  /** The caller's stored ID number, masked; left empty in the form it is kept. */
  idNumberMasked: string;
}

async function ownDraft(em: EntityManager, actor: Actor, appealId: number) {
  if (!CREATORS.has(actor.role)) throw new Forbidden();
  const current = await draftValues(em, appealId);
  if (!current) throw new NotFound('诉求不存在');
  // The machine lets only the creator edit (EDIT_DRAFT's guard); saying so here gives the clear refusal.
  if (current.createdById !== actor.userId) throw new Forbidden('只有登记人可以修改此草稿');
  return current;
}

/** The draft for the intake form, or null when it has been submitted or discarded since (its page shows it). */
export async function editableDraft(em: EntityManager, actor: Actor, appealId: number): Promise<EditableDraft | null> {
  const current = await ownDraft(em, actor, appealId);
  if (!current.tags.includes('draft')) return null;
  const { idNumberSealed, citizenId: _citizen, ...values } = current.values;
  return {
    id: appealId,
    number: current.number,
    version: current.version,
    values,
    idNumberMasked: maskedIdNumber(idNumberSealed),
  };
}

/**
 * Saves the intake form over a draft as one audited, version-guarded EDIT_DRAFT step (the changed fields with old and
 * new values). The caller's record is upserted in the same transaction, as at intake. A form that says exactly what
 * the draft holds changes nothing, whatever version it saw: nothing of anyone's is lost. Otherwise the form must have
 * seen the current version, or the step is refused as stale.
 */
export async function editDraft(
  services: AppealServices,
  actor: Actor,
  appealId: number,
  expectedVersion: number,
  raw: unknown,
): Promise<{ version: number; number: string; edited: boolean }> {
  if (!CREATORS.has(actor.role)) throw new Forbidden();
  const parsed = draftEditSchema.safeParse(raw);
  if (!parsed.success) throw new InvalidInput('输入有误', fieldErrorsOf(parsed.error.issues));
  const input = parsed.data;
  return inTransaction(services.db.em(), async (tx) => {
    const current = await ownDraft(tx, actor, appealId);
    const was = current.values;
    const same = { version: current.version, number: current.number, edited: false };
    const appealFields = {
      type: input.type,
      urgency: input.urgency,
      categoryId: input.categoryId,
      callerPhone: input.callerPhone ?? null,
      title: input.title,
      content: input.content,
      address: input.address ?? null,
      gridId: input.gridId ?? null,
      lat: input.lat ?? null,
      lng: input.lng ?? null,
      confidential: input.confidential,
      anonymous: input.anonymous,
    };
    if (!current.tags.includes('draft')) {
      // Submitted since: a repeat of the submit that did it is fine, anything else would be lost.
      const repeat = draftChanges(was, { ...appealFields, citizenId: was.citizenId, citizenName: was.citizenName });
      if (Object.keys(repeat).length) throw new Conflict('该诉求已提交，不能再按草稿修改', 'notNow');
      return same;
    }
    const withCitizen = Boolean(input.callerPhone && !input.anonymous);
    const samePhone = input.callerPhone === (was.callerPhone ?? undefined);
    const storedId = samePhone ? openIdNumber(was.idNumberSealed) : null;
    const idNumberChanged = withCitizen && Boolean(input.idNumber) && input.idNumber !== storedId;
    let citizen: { id: number | null; name: string | null } = { id: null, name: null };
    if (withCitizen) {
      const keep = was.citizenId !== null && samePhone && !idNumberChanged;
      citizen =
        keep && (input.citizenName === undefined || input.citizenName === was.citizenName)
          ? { id: was.citizenId, name: was.citizenName }
          : await upsertCitizen(
              tx,
              input.callerPhone!,
              input.citizenName,
              idNumberChanged ? input.idNumber : undefined,
            );
    }
    const changes = draftChanges(was, { ...appealFields, citizenId: citizen.id, citizenName: citizen.name });
    if (!Object.keys(changes).length && !idNumberChanged) return same;
    const r = await applyEvent(
      services,
      {
        appealId,
        expectedVersion,
        type: 'EDIT_DRAFT',
        payload: { changes, ...(idNumberChanged ? { idNumberChanged: true } : {}) },
        actor,
      },
      { tx },
    );
    return { version: r.version, number: current.number, edited: true };
  });
}

/** The caller's record by phone, as intake keeps it: a blank name or ID number keeps the stored one. */
async function upsertCitizen(tx: EntityManager, phone: string, name: string | undefined, idNumber: string | undefined) {
  const now = new Date();
  const sealed = sealIdNumber(idNumber ?? null);
  const row = await one<{ id: number; name: string | null }>(
    tx,
    `insert into citizen (phone, name, id_number_sealed, id_number_index, created_at, updated_at) values (?, ?, ?, ?, ?, ?)
     on conflict (phone) do update set name = coalesce(excluded.name, citizen.name),
       id_number_sealed = coalesce(excluded.id_number_sealed, citizen.id_number_sealed),
       id_number_index = coalesce(excluded.id_number_index, citizen.id_number_index),
       updated_at = excluded.updated_at returning id, name`,
    [phone, name ?? null, sealed.sealed, sealed.index, now, now],
  );
  return row!;
}
