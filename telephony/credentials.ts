// Short-lived SIP credentials for Kamailio's auth_ephemeral (docs/decisions/008-telephony.md).
// username = "<expiry unix seconds>:<sip user>", password = base64(HMAC-SHA1(secret, username)).
import { createHash, createHmac } from 'node:crypto';

/** Used when SIP_SHARED_SECRET is unset (development only); same constant as scripts/sip-server.mjs. */
export const DEV_SIP_SECRET = 'dev-only-sip-secret-change-me';

export interface SipCredentials {
  username: string;
  password: string;
  expiresAt: Date;
}

export function issueSipCredentials({
  sipUser,
  secret,
  ttlSeconds = 3600,
  now = new Date(),
}: {
  sipUser: string;
  secret: string;
  ttlSeconds?: number;
  now?: Date;
}): SipCredentials {
  if (!sipUser || sipUser.includes(':')) throw new Error(`invalid SIP user: ${JSON.stringify(sipUser)}`);
  if (!secret) throw new Error('SIP shared secret is empty');
  const expiry = Math.floor(now.getTime() / 1000) + Math.floor(ttlSeconds);
  const username = `${expiry}:${sipUser}`;
  const password = createHmac('sha1', secret).update(username).digest('base64');
  return { username, password, expiresAt: new Date(expiry * 1000) };
}

/** Bearer token Kamailio sends with its events: hex(sha256("sip-events:" + secret)). */
export function sipEventsToken(secret: string): string {
  return createHash('sha256').update(`sip-events:${secret}`).digest('hex');
}
