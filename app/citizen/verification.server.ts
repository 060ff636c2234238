import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import { CODE_PURPOSES, type CodePurpose } from '../../entities/citizen-web';
import { queueSmsIn } from '../appeals/sms-templates.server';
import { sessionSecret } from '../auth/session.server';
import { all, inTransaction, one, run } from '../db/sql.server';
import { InvalidInput, TooManyRequests, parseInput } from '../domain/errors';
import { refuseBlockedPhone } from './blocked-numbers.server';

// SMS codes (短信验证码) that prove the phone on the public site is the citizen's: six digits, five minutes, five
// tries, one code per phone a minute, and a cap per phone a day and per address an hour. The limits are counted
// in PostgreSQL under a per-phone lock, so they hold across instances; the code itself is kept only as an HMAC.

export const CODE_RULES = {
  ttlMs: 5 * 60_000,
  maxTries: 5,
  /** A phone gets one code a minute. */
  phoneGapMs: 60_000,
  phonePerDay: 10,
  addressPerHour: 20,
} as const;

/** A mainland mobile number, the only kind an SMS code can reach. */
export const mobilePhone = z
  .string({ message: '请填写手机号' })
  .trim()
  .regex(/^1[3-9]\d{9}$/, '请填写 11 位手机号');

export const codeField = z
  .string({ message: '请填写短信验证码' })
  .trim()
  .regex(/^\d{6}$/, '验证码为 6 位数字');

const requestSchema = z.object({ phone: mobilePhone, purpose: z.enum(CODE_PURPOSES) }).strict();

const hashOf = (phone: string, purpose: CodePurpose, code: string) =>
  createHmac('sha256', sessionSecret()).update(`citizen-code:${purpose}:${phone}:${code}`).digest('hex');

/** What the code is for, as the message says it. */
const PURPOSE_TEXT: Record<CodePurpose, string> = { submit: '提交诉求', track: '查询本人诉求' };

/**
 * Sends a code to the phone (through the SMS outbox, in the same transaction as the code's row), unless a limit is
 * reached. `address` is where the request came from; unknown addresses share one limit.
 */
export async function requestCode(
  em: EntityManager,
  raw: unknown,
  address: string | null,
  now = new Date(),
): Promise<{ phone: string; expiresAt: Date }> {
  const { phone, purpose } = parseInput(requestSchema, raw);
  const from = address ?? 'unknown';
  await refuseBlockedPhone(em, phone, 'code', address, now);
  return inTransaction(em, async (tx) => {
    // Two requests for one phone at once: the second waits and then sees the first's row.
    await one(tx, 'select pg_advisory_xact_lock(hashtext(?))', [`citizen-code:${phone}`]);
    const [counts] = await all<{ last: Date | string | null; day: number; address: number }>(
      tx,
      `select (select max(created_at) from citizen_code where phone = ?) as last,
              (select count(*)::int from citizen_code where phone = ? and created_at > ?) as day,
              (select count(*)::int from citizen_code where client_address = ? and created_at > ?) as address`,
      [phone, phone, new Date(now.getTime() - 86_400_000), from, new Date(now.getTime() - 3_600_000)],
    );
    const wait = counts.last ? new Date(counts.last).getTime() + CODE_RULES.phoneGapMs - now.getTime() : 0;
    if (wait > 0) throw new TooManyRequests(`验证码已发送，请 ${Math.ceil(wait / 1000)} 秒后再试`);
    if (counts.day >= CODE_RULES.phonePerDay)
      throw new TooManyRequests('该号码今天获取验证码的次数已达上限，请明天再试');
    if (counts.address >= CODE_RULES.addressPerHour) throw new TooManyRequests('获取验证码过于频繁，请一小时后再试');
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const expiresAt = new Date(now.getTime() + CODE_RULES.ttlMs);
    await run(
      tx,
      `insert into citizen_code (phone, purpose, code_hash, expires_at, client_address, created_at)
       values (?, ?, ?, ?, ?, ?)`,
      [phone, purpose, hashOf(phone, purpose, code), expiresAt, from.slice(0, 64), now],
    );
    await queueSmsIn(
      tx,
      { appealId: null, phone, code: 'verification', values: { code, purpose: PURPOSE_TEXT[purpose] } },
      now,
    );
    return { phone, expiresAt };
  });
}

/** A code that matched, not yet spent: the step it proves spends it in its own transaction (`spendCode`). */
export interface VerifiedCode {
  id: number;
  phone: string;
}

const refusal = (field: string, message: string) => new InvalidInput(message, { [field]: [message] });

/**
 * Checks `code` against the phone's latest unspent code for the purpose. A wrong code counts a try, and at the fifth
 * the code is spent; an expired one must be asked for again. The field error names `field`.
 */
export async function verifyCode(
  em: EntityManager,
  input: { phone: string; purpose: CodePurpose; code: string; field?: string },
  now = new Date(),
): Promise<VerifiedCode> {
  const field = input.field ?? 'code';
  const outcome = await inTransaction(em, async (tx) => {
    const latest = await one<{ id: number; code_hash: string; tries: number; expires_at: Date | string }>(
      tx,
      `select id, code_hash, tries, expires_at from citizen_code
        where phone = ? and purpose = ? and used_at is null order by created_at desc, id desc limit 1 for update`,
      [input.phone, input.purpose],
    );
    if (!latest || latest.tries >= CODE_RULES.maxTries) return '请先获取短信验证码';
    if (new Date(latest.expires_at).getTime() <= now.getTime()) return '验证码已过期，请重新获取';
    const expected = Buffer.from(latest.code_hash, 'hex');
    const given = Buffer.from(hashOf(input.phone, input.purpose, input.code), 'hex');
    if (timingSafeEqual(expected, given)) return { id: latest.id, phone: input.phone };
    // The try is committed with this transaction, whatever the step that asked does next.
    await run(tx, 'update citizen_code set tries = tries + 1 where id = ?', [latest.id]);
    const left = CODE_RULES.maxTries - latest.tries - 1;
    return left > 0 ? `验证码不正确，还可尝试 ${left} 次` : '验证码错误次数过多，请重新获取';
  });
  if (typeof outcome === 'string') throw refusal(field, outcome);
  return outcome;
}

/** Spends a verified code in the step's transaction; a code spent meanwhile (a second submit) is refused. */
export async function spendCode(tx: EntityManager, code: VerifiedCode, now: Date, field = 'code'): Promise<void> {
  const spent = await all(tx, 'update citizen_code set used_at = ? where id = ? and used_at is null returning id', [
    now,
    code.id,
  ]);
  if (!spent.length) throw refusal(field, '验证码已使用，请重新获取');
}
