import { DEV_SIP_SECRET } from '../../telephony/credentials';
import { DomainError } from '../domain/errors';
import { httpError } from '../http/errors.server';

// The demo city (the default start, DEMO unset) runs with development telephony settings; a real
// deployment sets DEMO=0 and then must bring its own secret, or it has no telephony at all. The
// development secret is in the source, so anyone could sign Kamailio's events or SIP credentials with it.

export const demoMode = () => process.env.DEMO !== '0';

/** The one place that decides the SIP shared secret: the configured one, the development one in the demo, else none. */
export function sipSecret(): string | null {
  return process.env.SIP_SHARED_SECRET || (demoMode() ? DEV_SIP_SECRET : null);
}

const OFF_MESSAGE = '电话系统未配置（缺少 SIP_SHARED_SECRET）';

/** Telephony is switched off: no secret outside the demo. */
export class TelephonyOff extends DomainError {
  constructor() {
    super(OFF_MESSAGE, 503);
  }
}

/** The secret, for an endpoint of live telephony; without one it answers 503 before anything else. */
export function requireSipSecret(): string {
  const secret = sipSecret();
  if (!secret) throw new TelephonyOff();
  return secret;
}

/** First line of every live-telephony route: switched off, it answers 503 before a session or body is looked at. */
export function requireTelephony(): void {
  if (!sipSecret()) throw httpError(new TelephonyOff());
}

/** What the server says at start about its telephony. */
export function telephonyStartLine(): string {
  if (process.env.SIP_SHARED_SECRET) return '[telephony] on (SIP_SHARED_SECRET set)';
  if (demoMode()) return '[telephony] on with the development secret (demo mode; set SIP_SHARED_SECRET in production)';
  return '[telephony] off: SIP_SHARED_SECRET is not set, every telephony endpoint answers 503';
}
