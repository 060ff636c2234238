import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';

// TOTP as authenticator apps know it (RFC 6238: SHA-1, 6 digits, 30 s), with one step of clock drift either way.

export const TOTP_ISSUER = '12345 热线';
const PERIOD = 30;

export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

export function otpauthUri(username: string, secret: string): string {
  return generateURI({ issuer: TOTP_ISSUER, label: username, secret });
}

/** The QR code as an SVG drawn on the server: the page needs no script to show it. */
export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

/**
 * The time step a code is good for, or null: within ±1 step of now and later than `afterStep`, so that a code
 * accepted once is refused the second time.
 */
export async function acceptedStep(
  secret: string,
  code: string,
  afterStep: number | null,
  now = Date.now(),
): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(now / 1000),
    epochTolerance: PERIOD,
    ...(afterStep === null ? {} : { afterTimeStep: afterStep }),
  });
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}

/**
 * The demo city's admin and supervisor are enrolled with this published secret, so that everyone trying the
 * demo can add it to an authenticator app. It counts only in demo mode (DEMO unset); with DEMO=0 a demo
 * enrolment is as good as none and those accounts must enrol afresh.
 */
export const DEMO_TOTP_SECRET = 'HOTLINE2DEMO3TOTP4SECRET5KEY6FOR';
