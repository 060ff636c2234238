import { createHash, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/sql';
import { sipEventsToken } from '../../telephony/credentials';
import { DomainError } from '../domain/errors';
import { recordCallEvent, type CallState } from './call-events.server';
import { requireSipSecret } from './sip-secret.server';

// Kamailio reports `offered` and `unanswered` with a bearer token derived from the SIP shared secret
// (docs/decisions/008-telephony.md, "Kamailio → app events"); nobody else may speak for the SIP side.

/** A Kamailio report without the shared token. */
export class SipUnauthorized extends DomainError {
  constructor() {
    super('未授权', 401);
  }
}

function sameSecret(a: string, b: string): boolean {
  // Hashing first gives equal lengths, so the comparison leaks neither content nor length.
  const h = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(h(a), h(b));
}

/** Verifies Kamailio's bearer token (telephony off: TelephonyOff, whatever the token), then records its `offered` or `unanswered` report. */
export async function sipEvent(
  em: EntityManager,
  authHeader: string | null,
  raw: unknown,
  now = new Date(),
): Promise<CallState> {
  const secret = requireSipSecret();
  const m = /^Bearer\s+(\S+)$/i.exec(authHeader ?? '');
  if (!m || !sameSecret(m[1], sipEventsToken(secret))) throw new SipUnauthorized();
  return recordCallEvent(em, { kind: 'sip' }, raw, now);
}
