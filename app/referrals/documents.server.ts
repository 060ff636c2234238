import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { EntityManager } from '@mikro-orm/sql';
import type { Actor } from '../../machines/appeal-events';
import { REFERRAL_DOCUMENT_KINDS } from '../../entities/referral';
import { StoredFileCorrupted, checkFile } from '../appeals/attachments.server';
import type { Database } from '../db/orm.server';
import { Conflict, Forbidden, InvalidInput, NotFound } from '../domain/errors';
import { sha256Of, writeContentFile } from '../storage/content-file.server';
import { canAddReferralDocument, canSeeReferral } from './scope';

// Files kept with a referral case (evidence, IDs, signed agreements, court rulings). Uploads are
// checked exactly like appeal attachments (size, type by extension and magic bytes, clean name) and
// stored content-addressed under DATA_DIR/referral-documents.

export type ReferralDocumentKind = (typeof REFERRAL_DOCUMENT_KINDS)[number];

const FOLDER = 'referral-documents';

/** Read at call time so a test or a restart with another DATA_DIR finds its own files. */
function dataRoot(): string {
  return path.resolve(process.env.DATA_DIR ?? '.data');
}

/** Relative to the data folder, so the folder can be moved or restored from a backup. */
function storagePathOf(sha256: string): string {
  return path.posix.join(FOLDER, sha256.slice(0, 2), sha256);
}

/** A stored row must point inside the documents folder, whatever the column says. */
function absoluteStoragePath(storagePath: string): string {
  const root = path.join(dataRoot(), FOLDER);
  const abs = path.resolve(dataRoot(), storagePath);
  if (!abs.startsWith(root + path.sep)) throw new StoredFileCorrupted();
  return abs;
}

function parseKind(kind: unknown): ReferralDocumentKind {
  if (typeof kind === 'string' && (REFERRAL_DOCUMENT_KINDS as readonly string[]).includes(kind)) return kind as ReferralDocumentKind;
  throw new InvalidInput('请选择材料类别', { kind: ['请选择材料类别'] });
}

/**
 * Adds a file to a referral case of the actor's own agency while the case is open. The referral row
 * is locked for share while the row is inserted, so the case cannot close in between.
 */
export async function uploadReferralDocument(
  db: Database, actor: Actor, referralId: number, input: { kind: unknown; file: File },
): Promise<{ id: number; sha256: string }> {
  const bytes = new Uint8Array(await input.file.arrayBuffer());
  return db.em().transactional(async (tx: EntityManager) => {
    const conn = tx.getConnection();
    const trx = tx.getTransactionContext();
    const [row] = await conn.execute<{ agency_id: number; closed_at: Date | string | null }[]>(
      'select agency_id, closed_at from referral where id = ? for share', [referralId], 'all', trx);
    if (!row) throw new NotFound('转介案件不存在');
    if (!canAddReferralDocument(actor, { agencyId: row.agency_id })) throw new Forbidden('只有承办机构的工作人员可以上传案件材料');
    if (row.closed_at !== null) throw new Conflict('案件已结案，不能再上传材料', 'notNow');
    const kind = parseKind(input.kind);
    const { fileName, contentType } = checkFile({ name: input.file.name, type: input.file.type, bytes });
    const sha256 = sha256Of(bytes);
    const storagePath = storagePathOf(sha256);
    await writeContentFile(absoluteStoragePath(storagePath), bytes, sha256);
    const now = new Date();
    const [inserted] = await conn.execute<{ id: number }[]>(
      `insert into referral_document (referral_id, kind, file_name, content_type, size, sha256, storage_path, uploaded_by_id, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id`,
      [referralId, kind, fileName, contentType, bytes.byteLength, sha256, storagePath, actor.userId, now, now], 'all', trx);
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
export async function listReferralDocuments(db: Database, referralId: number): Promise<ReferralDocumentItem[]> {
  const rows = await db.em().getConnection().execute<{
    id: number; kind: ReferralDocumentKind; file_name: string; content_type: string; size: number; display_name: string | null; created_at: Date | string;
  }[]>(
    `select d.id, d.kind, d.file_name, d.content_type, d.size, u.display_name, d.created_at
       from referral_document d left join app_user u on u.id = d.uploaded_by_id
      where d.referral_id = ? order by d.created_at, d.id`, [referralId]);
  return rows.map((r) => ({
    id: r.id, kind: r.kind, fileName: r.file_name, contentType: r.content_type, size: r.size,
    uploadedByName: r.display_name ?? '', createdAt: new Date(r.created_at).toISOString(),
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
export async function readReferralDocument(db: Database, actor: Actor, documentId: number): Promise<OpenedReferralDocument> {
  const [row] = await db.em().getConnection().execute<{
    referral_id: number; agency_id: number; kind: ReferralDocumentKind; file_name: string; content_type: string; size: number; sha256: string; storage_path: string;
  }[]>(
    `select d.referral_id, r.agency_id, d.kind, d.file_name, d.content_type, d.size, d.sha256, d.storage_path
       from referral_document d join referral r on r.id = d.referral_id where d.id = ?`, [documentId]);
  if (!row || !canSeeReferral(actor, { agencyId: row.agency_id })) throw new NotFound('材料不存在');
  const abs = absoluteStoragePath(row.storage_path);
  const info = await stat(abs).catch(() => null);
  if (!info?.isFile() || info.size !== row.size) {
    console.warn(`[referral-documents] stored file of document ${documentId} is missing or has the wrong size`);
    throw new StoredFileCorrupted();
  }
  const bytes = new Uint8Array(await readFile(abs));
  if (bytes.byteLength !== row.size || sha256Of(bytes) !== row.sha256) {
    console.warn(`[referral-documents] stored file of document ${documentId} does not match its sha256`);
    throw new StoredFileCorrupted();
  }
  return { referralId: row.referral_id, kind: row.kind, fileName: row.file_name, contentType: row.content_type, size: row.size, bytes };
}
