import type { EntityManager } from '@mikro-orm/sql';
import type { DraftChanges, DraftField } from '../../machines/appeal-events';
import { one } from '../db/sql.server';
import { InvalidInput } from '../domain/errors';

// The fields of a draft as an edit sees them: read from the appeal and its caller's record, written back as the
// appeal's columns by the EDIT_DRAFT step itself (the caller's record is upserted first, in the step's transaction).

/** What a draft holds now, field by field, as EDIT_DRAFT names them; the ID number stays sealed. */
export type DraftValues = { [F in DraftField]-?: NonNullable<DraftChanges[F]>['from'] } & {
  idNumberSealed: string | null;
};

/** The appeal column each field is stored in; the caller's name lives on the citizen record. */
const COLUMNS: Record<Exclude<DraftField, 'citizenName'>, string> = {
  type: 'type',
  urgency: 'urgency',
  categoryId: 'category_id',
  callerPhone: 'caller_phone',
  citizenId: 'citizen_id',
  title: 'title',
  content: 'content',
  address: 'address',
  gridId: 'grid_id',
  lat: 'lat',
  lng: 'lng',
  confidential: 'confidential',
  anonymous: 'anonymous',
};

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** The draft's fields now, with the tags that say whether it is still a draft; null when there is no such appeal. */
export async function draftValues(
  em: EntityManager,
  appealId: number,
): Promise<{ values: DraftValues; version: number; tags: string[]; createdById: number; number: string } | null> {
  const r = await one(
    em,
    `select a.type, a.urgency, a.category_id, a.caller_phone, a.citizen_id, z.name as citizen_name, a.title, a.content,
            a.address, a.grid_id, a.lat, a.lng, a.confidential, a.anonymous, z.id_number_sealed,
            a.version, a.tags, a.created_by_id, a.number
       from appeal a left join citizen z on z.id = a.citizen_id where a.id = ?`,
    [appealId],
  );
  if (!r) return null;
  return {
    values: {
      type: r.type,
      urgency: r.urgency,
      categoryId: r.category_id,
      callerPhone: r.caller_phone,
      citizenId: r.citizen_id,
      citizenName: r.citizen_name,
      title: r.title,
      content: r.content,
      address: r.address,
      gridId: r.grid_id,
      lat: num(r.lat),
      lng: num(r.lng),
      confidential: Boolean(r.confidential),
      anonymous: Boolean(r.anonymous),
      idNumberSealed: r.id_number_sealed,
    },
    version: r.version,
    tags: r.tags ?? [],
    createdById: r.created_by_id,
    number: r.number,
  };
}

/** The changes from what the draft holds to what the form says: only fields whose value differs. */
export function draftChanges(now: DraftValues, wanted: Omit<DraftValues, 'idNumberSealed'>): DraftChanges {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const field of Object.keys(wanted) as DraftField[]) {
    const from = now[field] ?? null;
    const to = wanted[field] ?? null;
    if (from !== to) changes[field] = { from, to };
  }
  return changes as DraftChanges;
}

/** The appeal columns an accepted EDIT_DRAFT writes. */
export function draftEditColumns(changes: DraftChanges): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(changes).flatMap(([field, c]) =>
      field in COLUMNS && c ? [[COLUMNS[field as keyof typeof COLUMNS], c.to]] : [],
    ),
  );
}

/**
 * Checks an edit against the draft as stored: each `from` is what the appeal holds (the audit keeps true old values,
 * whoever built the event), and a new category or grid exists.
 */
export async function validateDraftEdit(em: EntityManager, appealId: number, changes: DraftChanges): Promise<void> {
  const current = await draftValues(em, appealId);
  if (!current) throw new InvalidInput('诉求不存在', { appealId: ['unknown appeal'] });
  for (const [field, c] of Object.entries(changes)) {
    // The name is the caller record's, upserted just before this step: its old value cannot be read back here.
    if (field === 'citizenName' || !c) continue;
    if ((current.values[field as DraftField] ?? null) !== c.from)
      throw new InvalidInput('草稿已被修改，请刷新后重试', { [field]: ['does not match the stored value'] });
  }
  const category = changes.categoryId?.to;
  if (category && !(await one(em, 'select 1 as ok from category where id = ? and active', [category])))
    throw new InvalidInput('分类不存在', { categoryId: ['unknown category'] });
  const grid = changes.gridId?.to;
  if (grid && !(await one(em, 'select 1 as ok from grid where id = ?', [grid])))
    throw new InvalidInput('网格不存在', { gridId: ['unknown grid'] });
}
