import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { DomainError, InvalidInput } from '../domain/errors';
import { sha256Of, writeContentFile } from './content-file.server';

// Files people upload to a case (appeal attachments, referral case documents): checked the same
// way, stored content-addressed under a folder of DATA_DIR, and verified before they are served.

export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
const MAX_NAME_LENGTH = 200;

const startsWith = (bytes: Uint8Array, magic: number[], at = 0) =>
  bytes.length >= at + magic.length && magic.every((b, i) => bytes[at + i] === b);
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
  const clean = base
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '');
  const chars = [...clean];
  if (chars.length <= MAX_NAME_LENGTH) return clean;
  const ext = [...path.extname(clean)];
  if (ext.length >= 20) return chars.slice(0, MAX_NAME_LENGTH).join('');
  return (
    chars
      .slice(0, MAX_NAME_LENGTH - ext.length)
      .join('')
      .trimEnd() + ext.join('')
  );
}

function refuse(message: string): never {
  throw new InvalidInput(message, { file: [message] });
}

export interface UploadedFile {
  name: string;
  type: string;
  bytes: Uint8Array;
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

/** The stored bytes no longer match their recorded hash or size (or are gone): never serve them. */
export class StoredFileCorrupted extends DomainError {
  constructor() {
    super('附件文件校验失败，已拒绝下载，请联系管理员', 500);
  }
}

/** Read at call time so a test or a restart with another DATA_DIR finds its own files. */
function dataRoot(): string {
  return path.resolve(process.env.DATA_DIR ?? '.data');
}

/** A stored row must point inside its folder, whatever the column says. */
function absolutePath(folder: string, storagePath: string): string {
  const root = path.join(dataRoot(), folder);
  const abs = path.resolve(dataRoot(), storagePath);
  if (!abs.startsWith(root + path.sep)) throw new StoredFileCorrupted();
  return abs;
}

/** Stores the bytes once under `folder`; the path is relative to the data folder, so the folder can be moved or restored. */
export async function storeFile(folder: string, bytes: Uint8Array): Promise<{ sha256: string; storagePath: string }> {
  const sha256 = sha256Of(bytes);
  const storagePath = path.posix.join(folder, sha256.slice(0, 2), sha256);
  await writeContentFile(absolutePath(folder, storagePath), bytes, sha256);
  return { sha256, storagePath };
}

/** A stored file's bytes, checked against its recorded size and hash; `label` names it in the warning. */
export async function readStoredFile(
  folder: string,
  f: { storagePath: string; size: number; sha256: string },
  label: string,
): Promise<{ path: string; bytes: Uint8Array }> {
  const abs = absolutePath(folder, f.storagePath);
  const info = await stat(abs).catch(() => null);
  if (!info?.isFile() || info.size !== f.size) {
    console.warn(`${label} is missing or has the wrong size`);
    throw new StoredFileCorrupted();
  }
  const bytes = new Uint8Array(await readFile(abs));
  if (bytes.byteLength !== f.size || sha256Of(bytes) !== f.sha256) {
    console.warn(`${label} does not match its sha256`);
    throw new StoredFileCorrupted();
  }
  return { path: abs, bytes };
}
