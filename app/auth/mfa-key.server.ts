import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// TOTP secrets are stored sealed (AES-256-GCM): a copy of the database alone does not let anyone mint codes.
// The key: MFA_KEY (32 bytes as 64 hex digits or base64); else derived (HKDF-SHA256) from DATA_KEY or
// SESSION_SECRET; else, in demo mode only, generated once into the data folder like the session secret.

const FORMAT = 'v1';
let cached: Buffer | null = null;

function parseKey(raw: string): Buffer {
  const text = raw.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) throw new Error('MFA_KEY must be 32 bytes: 64 hex digits or base64');
  return key;
}

function derive(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'hotline', 'totp-secret-key', 32));
}

function mfaKey(): Buffer {
  if (cached) return cached;
  if (process.env.MFA_KEY) cached = parseKey(process.env.MFA_KEY);
  else if (process.env.DATA_KEY || process.env.SESSION_SECRET)
    cached = derive((process.env.DATA_KEY || process.env.SESSION_SECRET)!);
  else if (process.env.DEMO !== '0') {
    const file = path.resolve(process.env.DATA_DIR ?? '.data', 'mfa-key');
    if (!existsSync(file)) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
    }
    cached = parseKey(readFileSync(file, 'utf8'));
  } else throw new Error('two-factor sign-in needs MFA_KEY (or DATA_KEY / SESSION_SECRET) outside demo mode');
  return cached;
}

/** For tests: read the key settings again. */
export function resetMfaKey() {
  cached = null;
}

/** `v1.<iv>.<tag>.<ciphertext>`, base64url parts. */
export function seal(plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', mfaKey(), iv);
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [FORMAT, iv, cipher.getAuthTag(), data]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

export function unseal(sealed: string): string {
  const [format, iv, tag, data] = sealed.split('.');
  if (format !== FORMAT || !iv || !tag || data === undefined) throw new Error('unreadable sealed secret');
  const decipher = createDecipheriv('aes-256-gcm', mfaKey(), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}
