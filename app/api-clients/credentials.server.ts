import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/sql';
import { all, run } from '../db/sql.server';
import { dataKeyring, type DataKeyring } from '../security/data-key.server';
import { seal, sealedKeyId, unseal } from '../security/sealed.server';

// A client's two credentials. The API key (`hk_<prefix>_<secret>`) says who calls; only its SHA-256 is stored, and
// the prefix finds the row. The signing secret (`hs_…`) signs what the client sends (inbound events) and what it
// receives (webhooks); the server must compute HMACs with it, so it is stored sealed with the data key.
const SECRET_PURPOSE = 'api_client.signing_secret';

export interface IssuedCredentials {
  apiKey: string;
  keyPrefix: string;
  keyHash: string;
  signingSecret: string;
  signingSecretSealed: string;
}

export const hashApiKey = (apiKey: string) => createHash('sha256').update(apiKey, 'utf8').digest('hex');

export function issueCredentials(ring: DataKeyring = dataKeyring()): IssuedCredentials {
  const keyPrefix = randomBytes(6).toString('hex');
  const apiKey = `hk_${keyPrefix}_${randomBytes(32).toString('base64url')}`;
  const signingSecret = `hs_${randomBytes(32).toString('base64url')}`;
  return {
    apiKey,
    keyPrefix,
    keyHash: hashApiKey(apiKey),
    signingSecret,
    signingSecretSealed: seal(ring, SECRET_PURPOSE, signingSecret),
  };
}

/** The prefix of a key as clients send it, or null for anything that is not one of ours. */
export function keyPrefixOf(apiKey: string): string | null {
  const m = /^hk_([0-9a-f]{12})_[A-Za-z0-9_-]{43}$/.exec(apiKey);
  return m ? m[1] : null;
}

/** Whether the key matches the stored hash, in constant time. */
export function keyMatches(apiKey: string, keyHash: string): boolean {
  const a = Buffer.from(hashApiKey(apiKey), 'hex');
  const b = Buffer.from(keyHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

export const openSigningSecret = (sealed: string, ring: DataKeyring = dataKeyring()) =>
  unseal(ring, SECRET_PURPOSE, sealed);

/**
 * After a new DATA_KEY: reseals every client's signing secret the current key did not seal. Guarded by the old
 * value, so a rotation of the client's key meanwhile wins. Returns how many were resealed.
 */
export async function resealSigningSecrets(em: EntityManager, ring: DataKeyring = dataKeyring()): Promise<number> {
  const rows = await all<{ id: number; signing_secret_sealed: string }>(
    em,
    'select id, signing_secret_sealed from api_client where signing_secret_sealed not like ? order by id',
    [`v1.${ring.current.id}.%`],
  );
  let done = 0;
  for (const r of rows) {
    const sealed = seal(ring, SECRET_PURPOSE, unseal(ring, SECRET_PURPOSE, r.signing_secret_sealed));
    done += await run(
      em,
      'update api_client set signing_secret_sealed = ? where id = ? and signing_secret_sealed = ?',
      [sealed, r.id, r.signing_secret_sealed],
    );
  }
  return done;
}

/** How many signing secrets each key id holds: what a rotation still has to do. */
export async function signingSecretKeyUse(em: EntityManager): Promise<Record<string, number>> {
  const use: Record<string, number> = {};
  for (const r of await all<{ signing_secret_sealed: string }>(em, 'select signing_secret_sealed from api_client')) {
    const id = sealedKeyId(r.signing_secret_sealed) ?? 'unknown';
    use[id] = (use[id] ?? 0) + 1;
  }
  return use;
}
