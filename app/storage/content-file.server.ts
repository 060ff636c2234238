import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const sha256Of = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * Writes a content-addressed file: the same bytes are stored once, and a partial write never becomes
 * visible under the final name (a temporary file is renamed into place).
 */
export async function writeContentFile(target: string, bytes: Uint8Array, sha256: string): Promise<void> {
  const existing = await readFile(target).catch(() => null);
  if (existing && sha256Of(existing) === sha256) return;
  await mkdir(path.dirname(target), { recursive: true });
  const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temp, bytes, { flag: 'wx', mode: 0o640 });
    await rename(temp, target);
  } catch (err) {
    await unlink(temp).catch(() => {});
    throw err;
  }
}
