import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { EntityManager } from '@mikro-orm/sql';
import type { Actor } from '../../machines/actor';
import { inTransaction, one, run } from '../db/sql.server';
import { Conflict, DomainError, Forbidden, InvalidInput, NotFound } from '../domain/errors';
import { sha256Of, writeContentFile } from '../storage/content-file.server';
import { seesALinkedAppeal } from './appeal-scope.server';

// Call recordings: uploaded by the call's agent after hang-up, stored content-addressed, and served
// only after their bytes were checked against the hash recorded with the call.

export const MAX_RECORDING_BYTES = 50 * 1024 * 1024;

const RECORDING_TYPES: Record<string, { ext: string; matches: (b: Uint8Array) => boolean }> = {
  'audio/webm': {
    ext: '.webm',
    matches: (b) => b.length >= 4 && b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3,
  },
  'audio/ogg': {
    ext: '.ogg',
    matches: (b) => b.length >= 4 && b[0] === 0x4f && b[1] === 0x67 && b[2] === 0x67 && b[3] === 0x53,
  },
};
const CONTENT_TYPE_OF_EXT: Record<string, string> = { '.webm': 'audio/webm', '.ogg': 'audio/ogg' };

/** Where a call's recording plays (the route that serves `openRecording`). */
export const recordingUrl = (callId: string) => `/telephony/calls/${encodeURIComponent(callId)}/recording`;

/** The data folder, read at call time so a test or a restart with another DATA_DIR finds its own files. */
export function dataDirFromEnv(): string {
  return path.resolve(process.env.DATA_DIR ?? '.data');
}

function refuseFile(message: string, field = 'file'): never {
  throw new InvalidInput(message, { [field]: [message] });
}

/** A stored reference must point inside the recordings folder, whatever the column says. */
function recordingPath(dataDir: string, ref: string): string {
  const root = path.resolve(dataDir, 'recordings');
  const abs = path.resolve(dataDir, ref);
  if (!abs.startsWith(root + path.sep)) throw new RecordingCorrupted();
  return abs;
}

/** The stored recording no longer matches its hash (or is gone): never serve it. */
export class RecordingCorrupted extends DomainError {
  constructor() {
    super('录音文件校验失败，已拒绝播放，请联系管理员', 500);
  }
}

/**
 * Stores the recording the call's agent uploads after hang-up, content-addressed under
 * `DATA_DIR/recordings/<sha256>.webm`; the hash the browser computed must match the bytes.
 * The same file again is a no-op; a different file for a call that has one is refused.
 */
export async function saveRecording(
  em: EntityManager,
  dataDir: string,
  actor: Actor,
  callId: string,
  file: File,
  sha256FromBrowser: string,
): Promise<{ sha256: string; ref: string }> {
  const claimed = String(sha256FromBrowser ?? '')
    .trim()
    .toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(claimed)) refuseFile('缺少录音文件的 SHA-256 校验值', 'sha256');
  if (file.size < 1) refuseFile('录音文件为空');
  if (file.size > MAX_RECORDING_BYTES) refuseFile('录音文件不能超过 50 MB');
  const type = file.type.split(';')[0].trim().toLowerCase();
  const allowed = RECORDING_TYPES[type];
  if (!allowed) refuseFile('录音只能是 audio/webm 或 audio/ogg');
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (!allowed.matches(bytes)) refuseFile('文件内容与录音格式不符');
  const sha256 = sha256Of(bytes);
  if (sha256 !== claimed) refuseFile('录音文件校验值不一致，上传可能不完整，请重新上传', 'sha256');
  const ref = path.posix.join('recordings', `${sha256}${allowed.ext}`);

  return inTransaction(em, async (tx) => {
    const call = await one<{ id: number; agent_id: number | null; recording_sha256: string | null }>(
      tx,
      'select id, agent_id, recording_sha256 from call where call_id = ? for update',
      [callId],
    );
    if (!call) throw new NotFound('通话不存在');
    if (call.agent_id !== actor.userId) throw new Forbidden('只有接听或拨出此通话的话务员可以上传录音');
    if (call.recording_sha256 === sha256) return { sha256, ref };
    if (call.recording_sha256) throw new Conflict('此通话已有录音', 'duplicate');
    await writeContentFile(recordingPath(dataDir, ref), bytes, sha256);
    await run(tx, 'update call set recording_ref = ?, recording_sha256 = ?, updated_at = ? where id = ?', [
      ref,
      sha256,
      new Date(),
      call.id,
    ]);
    return { sha256, ref };
  });
}

export interface OpenedRecording {
  contentType: string;
  size: number;
  sha256: string;
  /** The verified bytes; serve these rather than re-reading the file. */
  bytes: Uint8Array;
}

/**
 * A call's recording for playback, checked against its hash. May play it: the call's agent,
 * supervisors, and whoever may see an appeal linked to the call.
 */
export async function openRecording(
  em: EntityManager,
  dataDir: string,
  actor: Actor,
  callId: string,
): Promise<OpenedRecording> {
  type RecordingRow = { id: number; agent_id: number | null; recording_ref: string | null; recording_sha256: string };
  const call = await one<RecordingRow>(
    em,
    'select id, agent_id, recording_ref, recording_sha256 from call where call_id = ?',
    [callId],
  );
  if (!call) throw new NotFound('通话不存在');
  const allowed =
    call.agent_id === actor.userId || actor.role === 'supervisor' || (await seesALinkedAppeal(em, actor, call.id));
  if (!allowed) throw new Forbidden('您无权收听此通话录音');
  if (!call.recording_ref) throw new NotFound('此通话没有录音');
  const abs = recordingPath(dataDir, call.recording_ref);
  const info = await stat(abs).catch(() => null);
  if (!info?.isFile()) {
    console.warn(`[calls] recording of call ${call.id} is missing`);
    throw new RecordingCorrupted();
  }
  const bytes = new Uint8Array(await readFile(abs));
  if (sha256Of(bytes) !== call.recording_sha256) {
    console.warn(`[calls] recording of call ${call.id} does not match its sha256`);
    throw new RecordingCorrupted();
  }
  const contentType = CONTENT_TYPE_OF_EXT[path.extname(abs)] ?? 'application/octet-stream';
  return { contentType, size: bytes.byteLength, sha256: call.recording_sha256, bytes };
}
