import { createHash, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// The keys that protect personal data at rest (docs/decisions/016-personal-data-at-rest.md). The operator
// sets one root key, DATA_KEY; each use (sealing ID numbers, their blind index) gets its own key derived
// from it with HKDF, so one secret in the environment never serves two purposes. DATA_KEY_PREVIOUS lists
// retired root keys that still open what they sealed until scripts/rotate-data-key.ts has resealed it.

/** A root key and the short id stored beside every value it sealed. */
export interface DataKey {
  id: string;
  root: Buffer;
}

export interface DataKeyring {
  /** Seals every new value. */
  current: DataKey;
  /** Open older values only. */
  previous: DataKey[];
}

/** The settings the keys come from: process.env, or a test's own. */
type Env = Record<string, string | undefined>;

const KEY_HELP = 'a 32-byte key as 64 hex digits or base64 (e.g. `openssl rand -hex 32`)';

/** 32 bytes from 64 hex digits or base64 (43 characters and an optional `=`); anything else is refused. */
export function parseDataKey(text: string, name = 'DATA_KEY'): Buffer {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, 'hex');
  if (/^[A-Za-z0-9+/]{43}=?$/.test(t) || /^[A-Za-z0-9_-]{43}$/.test(t)) return Buffer.from(t, 'base64');
  throw new Error(`${name} must be ${KEY_HELP}`);
}

export function dataKey(root: Buffer): DataKey {
  // A fingerprint of the key, not the key: which key sealed a value, so a rotation knows what to reseal.
  const id = createHash('sha256').update(purposeKeyOf(root, 'key-id')).digest('hex').slice(0, 8);
  return { id, root };
}

function purposeKeyOf(root: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', root, Buffer.alloc(0), `hotline:${purpose}`, 32));
}

const derived = new Map<string, Buffer>();

/** The key `key` gives for one purpose ('id-number:seal', 'id-number:index'). */
export function purposeKey(key: DataKey, purpose: string): Buffer {
  const cacheKey = `${key.id}:${purpose}`;
  let k = derived.get(cacheKey);
  if (!k) derived.set(cacheKey, (k = purposeKeyOf(key.root, purpose)));
  return k;
}

/** Whether the process runs the demo city (DEMO unset), where a missing key may be made up on the spot. */
const demoMode = (env: Env) => env.DEMO !== '0';

/**
 * The keyring from the environment. Without DATA_KEY, a demo install keeps a generated key in its data
 * folder (as it does the session secret); a production install (DEMO=0) refuses to run.
 */
export function keyringFromEnv(env: Env = process.env): DataKeyring {
  const previous = (env.DATA_KEY_PREVIOUS ?? '')
    .split(',')
    .filter((k) => k.trim())
    .map((k) => dataKey(parseDataKey(k, 'DATA_KEY_PREVIOUS')));
  if (env.DATA_KEY) return { current: dataKey(parseDataKey(env.DATA_KEY)), previous };
  if (!demoMode(env)) throw new MissingDataKey();
  const file = path.resolve(env.DATA_DIR ?? '.data', 'data-key');
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    try {
      writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      // Another process made it first: use theirs.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return { current: dataKey(parseDataKey(readFileSync(file, 'utf8'), file)), previous };
}

export class MissingDataKey extends Error {
  constructor() {
    super(
      `DATA_KEY is not set. Outside the demo (DEMO=0) the key that encrypts ID numbers must come from the ` +
        `environment: set DATA_KEY to ${KEY_HELP}, and keep it safe: without it the stored ID numbers cannot be read.`,
    );
    this.name = 'MissingDataKey';
  }
}

let cached: { env: string; ring: DataKeyring } | null = null;

/** The process's keyring, read again only when the settings it comes from change. */
export function dataKeyring(env: Env = process.env): DataKeyring {
  const settings = [env.DATA_KEY, env.DATA_KEY_PREVIOUS, env.DEMO, env.DATA_DIR].join('\n');
  if (cached?.env !== settings) cached = { env: settings, ring: keyringFromEnv(env) };
  return cached.ring;
}
