import type { EntityManager } from '@mikro-orm/sql';
import type { Actor } from '../../machines/actor';
import { REFERRAL_DOCUMENT_KINDS } from '../../entities/referral';
import type { Database } from '../db/orm.server';
import { all, inTransaction, one } from '../db/sql.server';
import { Conflict, Forbidden, InvalidInput, NotFound } from '../domain/errors';
import { checkFile, readStoredFile, storeFile } from '../storage/stored-file.server';
import { canAddReferralDocument, canSeeReferral } from './scope';

// Files kept with a referral case (evidence, IDs, signed agreements, court rulings). Uploads are
// checked exactly like appeal attachments (size, type by extension and magic bytes, clean name) and
// stored content-addressed under DATA_DIR/referral-documents.

export type ReferralDocumentKind = (typeof REFERRAL_DOCUMENT_KINDS)[number];

const FOLDER = 'referral-documents';

function parseKind(kind: unknown): ReferralDocumentKind {
  if (typeof kind === 'string' && (REFERRAL_DOCUMENT_KINDS as readonly string[]).includes(kind))
    return kind as ReferralDocumentKind;
  throw new InvalidInput('请选择材料类别', { kind: ['请选择材料类别'] });
}

/**
 * Adds a file to a referral case of the actor's own agency while the case is open. The referral row
 * is locked for share while the row is inserted, so the case cannot close in between.
 */
export async function uploadReferralDocument(
  db: Database,
  actor: Actor,
  referralId: number,
  input: { kind: unknown; file: File },
): Promise<{ id: number; sha256: string }> {
  const bytes = new Uint8Array(await input.file.arrayBuffer());
  return inTransaction(db.em(), async (tx: EntityManager) => {
    const row = await one<{ agency_id: number; closed_at: Date | string | null }>(
      tx,
      'select agency_id, closed_at from referral where id = ? for share',
      [referralId],
    );
    if (!row) throw new NotFound('转介案件不存在');
    if (!canAddReferralDocument(actor, { agencyId: row.agency_id }))
      throw new Forbidden('只有承办机构的工作人员可以上传案件材料');
    if (row.closed_at !== null) throw new Conflict('案件已结案，不能再上传材料', 'notNow');
    const kind = parseKind(input.kind);
    const { fileName, contentType } = checkFile({ name: input.file.name, type: input.file.type, bytes });
    const { sha256, storagePath } = await storeFile(FOLDER, bytes);
    const now = new Date();
    const inserted = (await one<{ id: number }>(
      tx,
      `insert into referral_document (referral_id, kind, file_name, content_type, size, sha256, storage_path, uploaded_by_id, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id`,
      [referralId, kind, fileName, contentType, bytes.byteLength, sha256, storagePath, actor.userId, now, now],
    ))!;
    return { id: inserted.id, sha256 };
  });
}

export interface ReferralDocumentItem {
  id: number;
  kind: ReferralDocumentKind;
  fileName: string;
  contentType: string;
  size: number;
  uploadedByName: string;
  /** ISO instant. */
  createdAt: string;
}

/** The documents of a case, oldest first. The caller has already checked that the actor may see the case. */
export async function listReferralDocuments(
  db: Pick<Database, 'em'>,
  referralId: number,
): Promise<ReferralDocumentItem[]> {
  const rows = await all<{
    id: number;
    kind: ReferralDocumentKind;
    file_name: string;
    content_type: string;
    size: number;
    display_name: string | null;
    created_at: Date | string;
  }>(
    db.em(),
    `select d.id, d.kind, d.file_name, d.content_type, d.size, u.display_name, d.created_at
       from referral_document d left join app_user u on u.id = d.uploaded_by_id
      where d.referral_id = ? order by d.created_at, d.id`,
    [referralId],
  );
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    fileName: r.file_name,
    contentType: r.content_type,
    size: r.size,
    uploadedByName: r.display_name ?? '',
    createdAt: new Date(r.created_at).toISOString(),
  }));
}

export interface OpenedReferralDocument {
  referralId: number;
  kind: ReferralDocumentKind;
  fileName: string;
  contentType: string;
  size: number;
  /** The verified bytes. */
  bytes: Uint8Array;
}

/**
 * A document of a case the actor can see, checked against its recorded hash and size before it is
 * handed out. A case the actor cannot see answers as if the document did not exist.
 */
export async function readReferralDocument(
  db: Database,
  actor: Actor,
  documentId: number,
): Promise<OpenedReferralDocument> {
  const row = await one<{
    referral_id: number;
    agency_id: number;
    kind: ReferralDocumentKind;
    file_name: string;
    content_type: string;
    size: number;
    sha256: string;
    storage_path: string;
  }>(
    db.em(),
    `select d.referral_id, r.agency_id, d.kind, d.file_name, d.content_type, d.size, d.sha256, d.storage_path
       from referral_document d join referral r on r.id = d.referral_id where d.id = ?`,
    [documentId],
  );
  if (!row || !canSeeReferral(actor, { agencyId: row.agency_id })) throw new NotFound('材料不存在');
  const { bytes } = await readStoredFile(
    FOLDER,
    { storagePath: row.storage_path, size: row.size, sha256: row.sha256 },
    `[referral-documents] stored file of document ${documentId}`,
  );
  return {
    referralId: row.referral_id,
    kind: row.kind,
    fileName: row.file_name,
    contentType: row.content_type,
    size: row.size,
    bytes,
  };
}
