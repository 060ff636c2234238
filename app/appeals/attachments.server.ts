import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Actor } from '../../machines/appeal-events';
import type { AttachmentStage } from '../../entities/attachment';
import { restoreAppealSnapshot } from '../../machines/appeal';
import type { Database } from '../db/orm.server';
import { all, inTransaction, jsonb, one } from '../db/sql.server';
import { DomainError, Forbidden, InvalidInput, NotFound } from '../domain/errors';
import { can } from '../domain/permissions';
import { canSeeAppeal } from './scope';
import { sha256Of, writeContentFile } from '../storage/content-file.server';

export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
const MAX_NAME_LENGTH = 200;


const startsWith = (bytes: Uint8Array, magic: number[], at = 0) => bytes.length >= at + magic.length && magic.every((b, i) => bytes[at + i] === b);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
const isZip = (b: Uint8Array) => startsWith(b, [0x50, 0x4b, 0x03, 0x04]);
const BINARY_MAGIC: ((b: Uint8Array) => boolean)[] = [
  (b) => startsWith(b, [0xff, 0xd8, 0xff]),
  (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47]),
  (b) => startsWith(b, ascii('RIFF')) && startsWith(b, ascii('WEBP'), 8),
  (b) => startsWith(b, ascii('%PDF')),
  isZip,
];

interface AllowedType {
  extensions: string[];
  /** The bytes must look like the declared type, so a renamed executable or a PDF called .png is refused. */
  matches: (bytes: Uint8Array) => boolean;
}

const ALLOWED: Record<string, AllowedType> = {
  'image/jpeg': { extensions: ['.jpg', '.jpeg'], matches: BINARY_MAGIC[0] },
  'image/png': { extensions: ['.png'], matches: BINARY_MAGIC[1] },
  'image/webp': { extensions: ['.webp'], matches: BINARY_MAGIC[2] },
  'application/pdf': { extensions: ['.pdf'], matches: BINARY_MAGIC[3] },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { extensions: ['.docx'], matches: isZip },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { extensions: ['.xlsx'], matches: isZip },
  // Plain text has no magic: refuse anything with NUL bytes or the signature of one of the binary types above.
  'text/plain': { extensions: ['.txt'], matches: (b) => !b.includes(0) && !BINARY_MAGIC.some((m) => m(b)) },
};

/** Browsers send an empty type or octet-stream for files they do not know; then the extension decides. */
function declaredType(type: string, fileName: string): string | null {
  const t = type.split(';')[0].trim().toLowerCase();
  if (t && t !== 'application/octet-stream') return t === 'image/jpg' ? 'image/jpeg' : t;
  const ext = path.extname(fileName).toLowerCase();
  return Object.entries(ALLOWED).find(([, a]) => a.extensions.includes(ext))?.[0] ?? null;
}

/** The last path segment without control or direction-override characters, at most 200 characters, extension kept. */
export function sanitizeFileName(raw: string): string {
  const base = raw.split(/[/\\]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').replace(/\s+/g, ' ').trim().replace(/^\.+/, '');
  const chars = [...clean];
  if (chars.length <= MAX_NAME_LENGTH) return clean;
  const ext = [...path.extname(clean)];
  if (ext.length >= 20) return chars.slice(0, MAX_NAME_LENGTH).join('');
  return chars.slice(0, MAX_NAME_LENGTH - ext.length).join('').trimEnd() + ext.join('');
}

function refuse(message: string): never {
  throw new InvalidInput(message, { file: [message] });
}

/** Read at call time so a test or a restart with another DATA_DIR finds its own files. */
function dataRoot(): string {
  return path.resolve(process.env.DATA_DIR ?? '.data');
}

function attachmentsRoot(): string {
  return path.join(dataRoot(), 'attachments');
}

/** Relative to the data folder, so the folder can be moved or restored from a backup. */
function storagePathOf(sha256: string): string {
  return path.posix.join('attachments', sha256.slice(0, 2), sha256);
}

/** A stored row must point inside the attachments folder, whatever the column says. */
function absoluteStoragePath(storagePath: string): string {
  const root = attachmentsRoot();
  const abs = path.resolve(dataRoot(), storagePath);
  if (!abs.startsWith(root + path.sep)) throw new StoredFileCorrupted();
  return abs;
}


/** The stored bytes no longer match their recorded hash or size (or are gone): never serve them. */
export class StoredFileCorrupted extends DomainError {
  constructor() {
    super('附件文件校验失败，已拒绝下载，请联系管理员', 500);
  }
}

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
    createdById: row.created_by_id, leadDepartmentId: row.lead_department_id, assignedGridId: row.assigned_grid_id, gridId: row.grid_id,
    departmentIds: row.department_ids ?? [], referralAgencyIds: snapshot.context.referralAgencyIds,
  });
}

export interface UploadedFile {
  name: string;
  type: string;
  bytes: Uint8Array;
}

/** Refuses an upload that `saveAttachment` would refuse, before anything is written (InvalidInput on `file`). */
export function checkUpload(file: UploadedFile): void {
  checkFile(file);
}

/** Checks size, type and content of an upload; returns the clean name and the type to store. */
export function checkFile(file: UploadedFile): { fileName: string; contentType: string } {
  if (file.bytes.byteLength < 1) refuse('文件为空');
  if (file.bytes.byteLength > MAX_ATTACHMENT_BYTES) refuse('文件不能超过 10 MB');
  const fileName = sanitizeFileName(file.name);
  if (!fileName) refuse('文件名无效');
  const contentType = declaredType(file.type, fileName);
  const allowed = contentType ? ALLOWED[contentType] : undefined;
  if (!contentType || !allowed) refuse('只能上传 JPG、PNG、WEBP 图片，PDF、Word、Excel 文档或纯文本文件');
  if (!allowed.extensions.includes(path.extname(fileName).toLowerCase())) refuse('文件扩展名与文件类型不符');
  if (!allowed.matches(file.bytes)) refuse('文件内容与文件类型不符');
  return { fileName, contentType };
}

async function storeBytes(sha256: string, bytes: Uint8Array): Promise<string> {
  const storagePath = storagePathOf(sha256);
  await writeContentFile(absoluteStoragePath(storagePath), bytes, sha256);
  return storagePath;
}

/**
 * Adds a file to an appeal the actor can see and that is still open. The appeal row is locked
 * for share while the row is inserted, so the appeal cannot close in between.
 */
export async function saveAttachment(
  db: Database, actor: Actor, appealId: number, file: UploadedFile, opts: { stage?: AttachmentStage } = {},
): Promise<{ id: number; sha256: string }> {
  if (!can(actor, 'appeal:attach')) throw new Forbidden('您无权上传附件');
  const em = db.em();
  return inTransaction(em, async (tx) => {
    const row = await one<ScopeRow>(tx, `select ${SCOPE_COLUMNS} from appeal a where a.id = ? for share of a`,
      [appealId]);
    if (!row) throw new NotFound('诉求不存在');
    if (!canSee(actor, row)) throw new Forbidden('您无权查看此诉求');
    if (row.closed) throw new Forbidden('诉求已办结，不能再上传附件');
    const { fileName, contentType } = checkFile(file);
    const sha256 = sha256Of(file.bytes);
    const storagePath = await storeBytes(sha256, file.bytes);
    const now = new Date();
    const [inserted] = await all<{ id: number }>(tx,
      `insert into attachment (appeal_id, file_name, content_type, size, sha256, storage_path, uploaded_by_id, stage, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id`,
      [appealId, fileName, contentType, file.bytes.byteLength, sha256, storagePath, actor.userId, opts.stage ?? null, now, now]);
    return { id: inserted.id, sha256 };
  });
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
  type FileRow = ScopeRow & { file_name: string; content_type: string; size: number; sha256: string; storage_path: string };
  const row = await one<FileRow>(db.em(),
    `select f.file_name, f.content_type, f.size, f.sha256, f.storage_path, ${SCOPE_COLUMNS}
       from attachment f join appeal a on a.id = f.appeal_id where f.id = ?`, [attachmentId]);
  if (!row) throw new NotFound('附件不存在');
  if (!canSee(actor, row)) throw new Forbidden('您无权查看此诉求的附件');
  const abs = absoluteStoragePath(row.storage_path);
  const info = await stat(abs).catch(() => null);
  if (!info?.isFile() || info.size !== row.size) {
    console.warn(`[attachments] stored file of attachment ${attachmentId} is missing or has the wrong size`);
    throw new StoredFileCorrupted();
  }
  const bytes = new Uint8Array(await readFile(abs));
  if (bytes.byteLength !== row.size || sha256Of(bytes) !== row.sha256) {
    console.warn(`[attachments] stored file of attachment ${attachmentId} does not match its sha256`);
    throw new StoredFileCorrupted();
  }
  return { fileName: row.file_name, contentType: row.content_type, size: row.size, path: abs, bytes };
}
