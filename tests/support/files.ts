import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

// Uploads for the tests of stored files (attachments, referral documents, recordings).

/** A valid 1×1 PNG. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
/** The PNG with a trailing byte, so that each test's file is distinct and content addressing does not share them. */
export const png = (tag: number) => new Uint8Array(Buffer.concat([PNG, Buffer.from([tag])]));
export const PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
export const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Every file below `dir`, sorted; none when it does not exist yet. */
export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath, d.name))
    .sort();
}
