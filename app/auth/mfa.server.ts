import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/sql';
import type { UserRole } from '../../entities/user';
import { all, inTransaction, one, run } from '../db/sql.server';
import { InvalidInput } from '../domain/errors';
import type { RequestClient } from '../http/client.server';
import { recordSecurityEvent } from '../security/security-log.server';
import { dataKeyring } from '../security/data-key.server';
import { seal, unseal } from '../security/sealed.server';
import { mfaRequired } from './mfa-policy.server';
import { DEMO_TOTP_SECRET, acceptedStep, newTotpSecret, otpauthUri, qrSvg } from './totp.server';

// A user's second factor: enrolment of a TOTP authenticator (confirmed by a current code before it counts),
// ten one-time recovery codes, and the check of either at sign-in.

const RECOVERY_CODES = 10;
const RECOVERY_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

const demoMode = () => process.env.DEMO !== '0';
/** The purpose TOTP secrets are sealed for, under the data key (app/security/sealed.server.ts). */
const TOTP_SECRET = 'user_totp.secret';

interface TotpRow {
  secret: string | null;
  demo: boolean;
  confirmed_at: Date | string | null;
  last_step: number | string | null;
}

/** The secret behind a row; a demo row is the published demo secret and only in demo mode. */
function secretOf(row: TotpRow): string | null {
  if (row.demo) return demoMode() ? DEMO_TOTP_SECRET : null;
  return row.secret ? unseal(dataKeyring(), TOTP_SECRET, row.secret) : null;
}

function totpRow(em: EntityManager, userId: number, lock = false) {
  return one<TotpRow>(
    em,
    `select secret, demo, confirmed_at, last_step from user_totp where user_id = ?${lock ? ' for update' : ''}`,
    [userId],
  );
}

const enabled = (row: TotpRow | undefined): boolean => Boolean(row?.confirmed_at) && (!row!.demo || demoMode());

/** Whether the user signs in with a TOTP code after the password. */
export async function hasTotp(em: EntityManager, userId: number): Promise<boolean> {
  return enabled(await totpRow(em, userId));
}

export interface MfaStatus {
  enabled: boolean;
  /** Enrolled with the published demo secret. */
  demo: boolean;
  required: boolean;
  recoveryCodesLeft: number;
}

export async function mfaStatus(em: EntityManager, user: { id: number; role: UserRole }): Promise<MfaStatus> {
  const row = await totpRow(em, user.id);
  const left = await one<{ n: number }>(
    em,
    'select count(*)::int as n from mfa_recovery_code where user_id = ? and used_at is null',
    [user.id],
  );
  return {
    enabled: enabled(row),
    demo: enabled(row) && row!.demo,
    required: await mfaRequired(em, user.role),
    recoveryCodesLeft: left?.n ?? 0,
  };
}

export interface EnrolmentSetup {
  secret: string;
  uri: string;
  /** The otpauth URI as an SVG QR code. */
  qrSvg: string;
}

/**
 * The secret being enrolled: made on first view and kept (sealed, unconfirmed) until a code confirms it, so a
 * reload shows the same QR code. A confirmed enrolment is never replaced here.
 */
export async function enrolmentSetup(
  em: EntityManager,
  user: { id: number; username: string },
): Promise<EnrolmentSetup | null> {
  const existing = await totpRow(em, user.id);
  if (enabled(existing)) return null;
  let secret = existing && !existing.confirmed_at && !existing.demo ? secretOf(existing) : null;
  if (!secret) {
    secret = newTotpSecret();
    // A confirmed demo row outside demo mode counts as none and is replaced; a confirmed real one never is.
    await run(
      em,
      `insert into user_totp (user_id, secret, demo, confirmed_at, last_step, created_at) values (?, ?, false, null, null, ?)
       on conflict (user_id) do update set secret = excluded.secret, demo = false, confirmed_at = null,
         last_step = null, created_at = excluded.created_at
       where user_totp.confirmed_at is null or user_totp.demo`,
      [user.id, seal(dataKeyring(), TOTP_SECRET, secret), new Date()],
    );
    const row = await totpRow(em, user.id);
    if (!row || enabled(row)) return null;
    secret = secretOf(row)!;
  }
  const uri = otpauthUri(user.username, secret);
  return { secret, uri, qrSvg: await qrSvg(uri) };
}

function normaliseCode(raw: unknown): string {
  return typeof raw === 'string' ? raw.replace(/[\s-]/g, '').toLowerCase().slice(0, 32) : '';
}

const hashCode = (code: string) => createHash('sha256').update(code).digest('hex');

function newRecoveryCode(): string {
  const bytes = randomBytes(10);
  const chars = [...bytes].map((b) => RECOVERY_ALPHABET[b & 31]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

const wrongCode = () =>
  new InvalidInput('验证码不正确', { code: ['验证码不正确或已过期，请输入验证器上当前的 6 位数字'] });

/** Switches TOTP on once a current code proves the authenticator has the secret; returns the recovery codes. */
export async function confirmEnrolment(
  em: EntityManager,
  user: { id: number; username: string },
  rawCode: unknown,
  client: RequestClient | null,
): Promise<string[]> {
  const code = normaliseCode(rawCode);
  if (!/^\d{6}$/.test(code)) throw new InvalidInput('请输入 6 位验证码', { code: ['请输入 6 位验证码'] });
  const codes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
  await inTransaction(em, async (tx) => {
    const row = await totpRow(tx, user.id, true);
    if (!row || enabled(row) || row.demo) throw new InvalidInput('请刷新页面后重新设置', {});
    const step = await acceptedStep(secretOf(row)!, code, null);
    if (step === null) throw wrongCode();
    const now = new Date();
    await run(tx, 'update user_totp set confirmed_at = ?, last_step = ? where user_id = ?', [now, step, user.id]);
    await run(tx, 'delete from mfa_recovery_code where user_id = ?', [user.id]);
    for (const c of codes)
      await run(tx, 'insert into mfa_recovery_code (user_id, code_hash, used_at, created_at) values (?, ?, null, ?)', [
        user.id,
        hashCode(normaliseCode(c)),
        now,
      ]);
    await recordSecurityEvent(tx, { kind: 'mfaEnrolled', actorId: user.id, subjectId: user.id, client });
  });
  return codes;
}

/** Removes a user's authenticator, recovery codes and pending sign-ins; whether there was an authenticator. */
export async function removeMfa(tx: EntityManager, userId: number): Promise<boolean> {
  const removed = await run(tx, 'delete from user_totp where user_id = ?', [userId]);
  await run(tx, 'delete from mfa_recovery_code where user_id = ?', [userId]);
  await run(tx, 'delete from mfa_challenge where user_id = ?', [userId]);
  return removed > 0;
}

/** A user for whom two factors are optional turns them off, proving it with a current code. */
export async function disableMfa(
  em: EntityManager,
  user: { id: number; role: UserRole },
  rawCode: unknown,
  client: RequestClient | null,
): Promise<void> {
  if (await mfaRequired(em, user.role)) throw new InvalidInput('您的账号必须使用双因素认证', {});
  await inTransaction(em, async (tx) => {
    if ((await checkSecondFactor(tx, user.id, rawCode, client)) === null) throw wrongCode();
    await removeMfa(tx, user.id);
    await recordSecurityEvent(tx, {
      kind: 'mfaReset',
      actorId: user.id,
      subjectId: user.id,
      client,
      detail: { by: 'self' },
    });
  });
}

/**
 * Checks a second factor: a current TOTP code not used before (its step is kept, so it is good once), or an
 * unused recovery code (then spent). Call it in the transaction that acts on the answer.
 */
export async function checkSecondFactor(
  tx: EntityManager,
  userId: number,
  rawCode: unknown,
  client: RequestClient | null,
): Promise<'totp' | 'recovery' | null> {
  const code = normaliseCode(rawCode);
  if (/^\d{6}$/.test(code)) {
    const row = await totpRow(tx, userId, true);
    if (!row || !enabled(row)) return null;
    const last = row.last_step === null ? null : Number(row.last_step);
    const step = await acceptedStep(secretOf(row)!, code, last);
    if (step === null) return null;
    // Guarded as well as locked: of two requests with the same code, one wins.
    const taken = await run(
      tx,
      'update user_totp set last_step = ? where user_id = ? and (last_step is null or last_step < ?)',
      [step, userId, step],
    );
    return taken === 1 ? 'totp' : null;
  }
  if (code.length !== 10 || ![...code].every((c) => RECOVERY_ALPHABET.includes(c))) return null;
  const spent = await all<{ id: number }>(
    tx,
    'update mfa_recovery_code set used_at = ? where user_id = ? and code_hash = ? and used_at is null returning id',
    [new Date(), userId, hashCode(code)],
  );
  if (spent.length !== 1) return null;
  const left = await one<{ n: number }>(
    tx,
    'select count(*)::int as n from mfa_recovery_code where user_id = ? and used_at is null',
    [userId],
  );
  await recordSecurityEvent(tx, {
    kind: 'recoveryCodeUsed',
    actorId: userId,
    subjectId: userId,
    client,
    detail: { left: left?.n ?? 0 },
  });
  return 'recovery';
}
