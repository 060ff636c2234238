import type { EntityManager } from '@mikro-orm/sql';
import { issueSipCredentials } from '../../telephony/credentials';
import type { Actor } from '../../machines/actor';
import { DEFAULT_AFTER_CALL_SECONDS } from '../../machines/agent';
import { z } from 'zod';
import { all } from '../db/sql.server';
import { Forbidden, InvalidInput, NotFound, fieldErrorsOf } from '../domain/errors';
import { demoMode, requireSipSecret } from './sip-secret.server';

/** Who has a softphone: operators take 12345 calls; reviewers only dial callbacks. */
const SOFTPHONE_ROLES = new Set(['operator', 'reviewer']);
export const HOTLINE_QUEUE = '12345';

export interface TransferTarget {
  name: string;
  number: string;
}

/** What the softphone bar works with; `enabled: false` is how it reads the 503 of telephony switched off. */
export type SoftphoneSettings =
  | { enabled: false; reason: string }
  | {
      enabled: true;
      wsUrl: string;
      domain: string;
      sipUser: string;
      displayName: string;
      queueAor: string | null;
      afterCallSeconds: number;
      credentials: { username: string; password: string; expiresAt: string };
      transferTargets: TransferTarget[];
    };

export function sipUserOf(userId: number): string {
  return `agent${userId}`;
}

/** A department's hotline as a SIP user: its digits. */
export function dialable(number: string): string {
  return number.replace(/\D/g, '');
}

function afterCallSeconds(): number {
  const n = Number(process.env.HOTLINE_AFTER_CALL_SECONDS);
  return Number.isFinite(n) && n >= 0 && n <= 3600 ? Math.round(n) : DEFAULT_AFTER_CALL_SECONDS;
}

/**
 * Everything the softphone needs for this signed-in agent, with credentials valid one hour (telephony off: TelephonyOff). The page
 * asks again before they expire and on every reconnect; nothing is kept in the browser's storage.
 */
export async function softphoneSettings(
  em: EntityManager,
  actor: Actor & { displayName?: string },
  now = new Date(),
): Promise<SoftphoneSettings> {
  if (!SOFTPHONE_ROLES.has(actor.role)) throw new Forbidden();
  const secret = requireSipSecret();
  const sipUser = sipUserOf(actor.userId);
  const creds = issueSipCredentials({ sipUser, secret, now });
  const departments = await all<{ name: string; hotline: string }>(
    em,
    `select name, hotline from department where hotline <> '' and hotline <> ? order by code`,
    [HOTLINE_QUEUE],
  );
  return {
    enabled: true,
    wsUrl: process.env.SIP_WS_URL ?? 'ws://127.0.0.1:8088',
    domain: process.env.SIP_DOMAIN ?? '127.0.0.1',
    sipUser,
    displayName: actor.displayName ?? sipUser,
    queueAor: actor.role === 'operator' ? HOTLINE_QUEUE : null,
    afterCallSeconds: afterCallSeconds(),
    credentials: { username: creds.username, password: creds.password, expiresAt: creds.expiresAt.toISOString() },
    transferTargets: departments
      .map((d) => ({ name: d.name, number: dialable(d.hotline) }))
      .filter((d) => d.number.length >= 3),
  };
}

/** The citizen demo phone is for demos and tests: on in the demo city unless HOTLINE_DEMO_PHONE=0, off in production. */
export function demoPhoneEnabled(): boolean {
  if (process.env.HOTLINE_DEMO_PHONE === '0') return false;
  return process.env.HOTLINE_DEMO_PHONE === '1' || demoMode();
}

const demoPhoneForm = z.object({
  phone: z
    .string()
    .trim()
    .regex(/^\d{5,15}$/, '请输入 5–15 位数字的电话号码'),
});

/** Credentials for the citizen demo phone: any number may ring the hotline, in demos and tests only. */
export function citizenPhoneSettings(raw: unknown, now = new Date()) {
  if (!demoPhoneEnabled()) throw new NotFound();
  const parsed = demoPhoneForm.safeParse(raw);
  if (!parsed.success) throw new InvalidInput('请检查电话号码', fieldErrorsOf(parsed.error.issues));
  const secret = requireSipSecret();
  const creds = issueSipCredentials({ sipUser: parsed.data.phone, secret, now });
  return {
    wsUrl: process.env.SIP_WS_URL ?? 'ws://127.0.0.1:8088',
    domain: process.env.SIP_DOMAIN ?? '127.0.0.1',
    sipUser: parsed.data.phone,
    hotline: HOTLINE_QUEUE,
    credentials: { username: creds.username, password: creds.password, expiresAt: creds.expiresAt.toISOString() },
  };
}
export type CitizenPhoneSettings = ReturnType<typeof citizenPhoneSettings>;
