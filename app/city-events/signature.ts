import { createHmac, timingSafeEqual } from 'node:crypto';

// How a client signs an event: HMAC-SHA256 with its signing secret over "<unix seconds>.<the body's bytes>", sent as
// `X-Signature: sha256=<hex>` beside `X-Timestamp`. The timestamp is inside the signature, so an old request cannot
// be sent again with a new time; within the window, a signature is accepted once.

/** How far a request's timestamp may be from the server's clock, either way. */
export const SIGNATURE_WINDOW_SECONDS = 300;

export function signEvent(secret: string, timestamp: string, raw: Uint8Array | string): string {
  const mac = createHmac('sha256', secret);
  mac.update(`${timestamp}.`, 'utf8');
  mac.update(typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw);
  return mac.digest('hex');
}

export type SignatureProblem = 'missing' | 'malformed' | 'stale' | 'mismatch';

/** The signature's hex when it is good and fresh, else what is wrong with it. */
export function checkSignature(
  secret: string,
  headers: { timestamp: string | null; signature: string | null },
  raw: Uint8Array,
  now: Date,
): { ok: true; hex: string } | { ok: false; problem: SignatureProblem } {
  if (!headers.timestamp || !headers.signature) return { ok: false, problem: 'missing' };
  const sent = /^sha256=([0-9a-f]{64})$/i.exec(headers.signature.trim());
  if (!sent || !/^\d{1,12}$/.test(headers.timestamp)) return { ok: false, problem: 'malformed' };
  if (Math.abs(now.getTime() / 1000 - Number(headers.timestamp)) > SIGNATURE_WINDOW_SECONDS)
    return { ok: false, problem: 'stale' };
  const expected = Buffer.from(signEvent(secret, headers.timestamp, raw), 'hex');
  const given = Buffer.from(sent[1].toLowerCase(), 'hex');
  if (!timingSafeEqual(expected, given)) return { ok: false, problem: 'mismatch' };
  return { ok: true, hex: sent[1].toLowerCase() };
}
