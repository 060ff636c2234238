import type { Actor } from '../../machines/actor';
import type { AttachmentRef } from '../../machines/appeal-events';
import type { EntityManager } from '@mikro-orm/sql';
import type { AttachmentStage } from '../../entities/attachment';
import { restoreAppealSnapshot } from '../../machines/appeal';
import type { Database } from '../db/orm.server';
import { all, inTransaction, jsonb, one } from '../db/sql.server';
import { Forbidden, NotFound } from '../domain/errors';
import { can } from '../domain/permissions';
import { canSeeAppeal } from './scope';
import { checkFile, readStoredFile, storeFile, type UploadedFile } from '../storage/stored-file.server';

const FOLDER = 'attachments';

interface ScopeRow {
  created_by_id: number;
  lead_department_id: number | null;
  assigned_grid_id: number | null;
  grid_id: number | null;
  department_ids: number[] | null;
  snapshot: unknown;
  /** The appeal is closed (finished, merged or void): its files are final. */
  closed: boolean;
}

// The same facts the appeal page checks (detail.server.ts), so whoever sees the appeal sees its files.
const SCOPE_COLUMNS = `a.created_by_id, a.lead_department_id, a.assigned_grid_id, a.grid_id, a.snapshot,
  a.tags @> '{closed}' as closed,
  array(select distinct s.department_id from assignment s where s.appeal_id = a.id and s.department_id is not null) as department_ids`;

function canSee(actor: Actor, row: ScopeRow): boolean {
  const snapshot = restoreAppealSnapshot(jsonb(row.snapshot));
  return canSeeAppeal(actor, {
    createdById: row.created_by_id,
    leadDepartmentId: row.lead_department_id,
    assignedGridId: row.assigned_grid_id,
    gridId: row.grid_id,
    departmentIds: row.department_ids ?? [],
    referralAgencyIds: snapshot.context.referralAgencyIds,
  });
}

/** Refuses an upload that `saveAttachment` would refuse, before anything is written (InvalidInput on `file`). */
export function checkUpload(file: UploadedFile): void {
  checkFile(file);
}

/**
 * Adds a file to an appeal the actor can see and that is still open. The appeal row is locked
 * for share while the row is inserted, so the appeal cannot close in between.
 */
export async function saveAttachment(
  db: Pick<Database, 'em'>,
  actor: Actor,
  appealId: number,
  file: UploadedFile,
  opts: { stage?: AttachmentStage } = {},
): Promise<{ id: number; sha256: string }> {
  if (!can(actor, 'appeal:attach')) throw new Forbidden('您无权上传附件');
  return inTransaction(db.em(), async (tx) => {
    const row = await one<ScopeRow>(tx, `select ${SCOPE_COLUMNS} from appeal a where a.id = ? for share of a`, [
      appealId,
    ]);
    if (!row) throw new NotFound('诉求不存在');
    if (!canSee(actor, row)) throw new Forbidden('您无权查看此诉求');
    if (row.closed) throw new Forbidden('诉求已办结，不能再上传附件');
    const { id, sha256 } = await insertAttachment(tx, actor, appealId, file, opts.stage ?? null, new Date());
    return { id, sha256 };
  });
}

/** Stores the bytes (content-addressed, so a rolled-back step leaves at most an unreferenced file) and adds the row. */
async function insertAttachment(
  tx: EntityManager,
  actor: Actor,
  appealId: number,
  file: UploadedFile,
  stage: AttachmentStage | null,
  now: Date,
): Promise<AttachmentRef> {
  const { fileName, contentType } = checkFile(file);
  const { sha256, storagePath } = await storeFile(FOLDER, file.bytes);
  const size = file.bytes.byteLength;
  const [inserted] = await all<{ id: number }>(
    tx,
    `insert into attachment (appeal_id, file_name, content_type, size, sha256, storage_path, uploaded_by_id, stage, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id`,
    // A citizen (user id 0) is no staff account: the row has no uploader.
    [appealId, fileName, contentType, size, sha256, storagePath, actor.userId || null, stage, now, now],
  );
  return { id: inserted.id, fileName, size, sha256 };
}

/**
 * The files of a step (a reply, an assisting opinion), added inside the step's transaction after the kernel has
 * checked scope, role and version: the step's audit row names them, and a refused step leaves no row behind.
 */
export async function addStepFiles(
  tx: EntityManager,
  actor: Actor,
  appealId: number,
  files: UploadedFile[],
  now: Date,
): Promise<AttachmentRef[]> {
  for (const f of files) checkFile(f);
  const refs: AttachmentRef[] = [];
  for (const f of files) refs.push(await insertAttachment(tx, actor, appealId, f, null, now));
  return refs;
}

export interface OpenedAttachment {
  fileName: string;
  contentType: string;
  size: number;
  path: string;
  /** The verified bytes; serve these rather than re-reading `path`, which could change after the check. */
  bytes: Uint8Array;
}

/** A file of an appeal the actor can see, checked against its recorded hash and size before it is handed out. */
export async function openAttachment(db: Database, actor: Actor, attachmentId: number): Promise<OpenedAttachment> {
  type FileRow = ScopeRow & {
    file_name: string;
    content_type: string;
    size: number;
    sha256: string;
    storage_path: string;
  };
  const row = await one<FileRow>(
    db.em(),
    `select f.file_name, f.content_type, f.size, f.sha256, f.storage_path, ${SCOPE_COLUMNS}
       from attachment f join appeal a on a.id = f.appeal_id where f.id = ?`,
    [attachmentId],
  );
  if (!row) throw new NotFound('附件不存在');
  if (!canSee(actor, row)) throw new Forbidden('您无权查看此诉求的附件');
  const { path, bytes } = await readStoredFile(
    FOLDER,
    { storagePath: row.storage_path, size: row.size, sha256: row.sha256 },
    `[attachments] stored file of attachment ${attachmentId}`,
  );
  return { fileName: row.file_name, contentType: row.content_type, size: row.size, path, bytes };
}
