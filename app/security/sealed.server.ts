import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { purposeKey, type DataKey, type DataKeyring } from './data-key.server';

// One sealed value in one text column: `v1.<key id>.<iv>.<tag>.<ciphertext>` (base64url parts).
// AES-256-GCM with a fresh 96-bit IV per value; the purpose is authenticated data, so a value sealed
// for one column does not open as another. The key id names the root key, for rotation.
const VERSION = 'v1';

/** Seals `plaintext` with the keyring's current key for `purpose`. */
export function seal(ring: DataKeyring, purpose: string, plaintext: string): string {
  const key = ring.current;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', purposeKey(key, `${purpose}:seal`), iv);
  cipher.setAAD(Buffer.from(purpose));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const parts = [iv, cipher.getAuthTag(), ciphertext].map((b) => b.toString('base64url'));
  return [VERSION, key.id, ...parts].join('.');
}

/** The key id a sealed value names, or null when it is not one. */
export function sealedKeyId(sealed: string): string | null {
  const parts = sealed.split('.');
  return parts.length === 5 && parts[0] === VERSION ? parts[1] : null;
}

/** Opens a sealed value with the key it names; a wrong key or any changed byte fails the GCM tag and throws. */
export function unseal(ring: DataKeyring, purpose: string, sealed: string): string {
  const id = sealedKeyId(sealed);
  if (!id) throw new Error('not a sealed value');
  const key = [ring.current, ...ring.previous].find((k) => k.id === id);
  if (!key) throw new Error(`sealed with key ${id}, which is not in DATA_KEY or DATA_KEY_PREVIOUS`);
  return unsealWith(key, purpose, sealed);
}

/** Opens a sealed value with one given key, whatever key id it names. */
export function unsealWith(key: DataKey, purpose: string, sealed: string): string {
  const [, , iv, tag, ciphertext] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
  const decipher = createDecipheriv('aes-256-gcm', purposeKey(key, `${purpose}:seal`), iv);
  decipher.setAAD(Buffer.from(purpose));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
}

/**
 * A blind index: HMAC-SHA256 of the value under its own derived key, so equal values can be found by an
 * indexed equality without decrypting anything, and the index reveals nothing without the key.
 */
export function blindIndex(key: DataKey, purpose: string, value: string): string {
  return createHmac('sha256', purposeKey(key, `${purpose}:index`))
    .update(value, 'utf8')
    .digest('hex');
}

/** The value's blind index under every key of the ring: what a lookup matches while a rotation is under way. */
export function blindIndexes(ring: DataKeyring, purpose: string, value: string): string[] {
  return [ring.current, ...ring.previous].map((k) => blindIndex(k, purpose, value));
}
