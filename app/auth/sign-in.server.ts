import type { EntityManager } from '@mikro-orm/sql';
import { inTransaction, one } from '../db/sql.server';
import type { RequestClient } from '../http/client.server';
import { recordSecurityEvent } from '../security/security-log.server';
import { clearAccountFailures, countAccountFailure, isLocked } from './lockout.server';
import { returnAddressAttempt, takeAddressAttempt } from './address-throttle.server';
import { verifyPassword } from './password.server';
import { signInSettings } from './sign-in-settings.server';

// The first step of signing in: the password, behind the address throttle and the account lock. It only answers
// whether the password was accepted; starting the session (or asking for a second factor first) is the caller's.

export type SignInRefusal = 'invalid' | 'locked' | 'throttled';

export type PasswordCheck =
  | { ok: true; userId: number }
  | { ok: false; reason: SignInRefusal; /** With 'throttled'. */ retryAfterSeconds?: number };

export interface PasswordAttempt {
  username: string;
  password: string;
  client: RequestClient | null;
}

/** Verified against when the name is unknown, so the time taken does not tell which names exist. */
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

export async function checkPassword(
  em: EntityManager,
  { username, password, client }: PasswordAttempt,
  now = new Date(),
): Promise<PasswordCheck> {
  const s = signInSettings();
  const address = client?.ip ?? null;
  const refuse = async (reason: string, subjectId: number | null = null) =>
    recordSecurityEvent(em, { kind: 'signInFailed', subjectId, username, client, detail: { reason } }, now);

  if (address) {
    const attempt = await takeAddressAttempt(em, address, s, now);
    if (attempt.throttled) {
      await refuse('throttled');
      return { ok: false, reason: 'throttled', retryAfterSeconds: attempt.retryAfterSeconds };
    }
  }
  const user = await one<{ id: number; password_hash: string; active: boolean }>(
    em,
    'select id, password_hash, active from app_user where username = ?',
    [username],
  );
  // A locked account is refused before its password is looked at, so the answer says nothing about the password.
  const locked = await isLocked(em, username, s, now);
  const ok = !locked && (await verifyPassword(user?.password_hash ?? DUMMY_HASH, password)) && user?.active === true;
  if (ok) {
    await clearAccountFailures(em, username, s, now);
    if (address) await returnAddressAttempt(em, address);
    return { ok: true, userId: user!.id };
  }
  const reason = locked ? 'locked' : !user ? 'unknownUser' : !user.active ? 'inactive' : 'badPassword';
  const failure = await inTransaction(em, async (tx) => {
    const f = await countAccountFailure(tx, username, s, now);
    await recordSecurityEvent(
      tx,
      { kind: 'signInFailed', subjectId: user?.id ?? null, username, client, detail: { reason, failures: f.failures } },
      now,
    );
    if (f.lockedNow)
      await recordSecurityEvent(
        tx,
        {
          kind: 'lockout',
          subjectId: user?.id ?? null,
          username,
          client,
          detail: { failures: f.failures, windowMinutes: s.lockWindowMinutes, lockMinutes: s.lockMinutes },
        },
        now,
      );
    return f;
  });
  return { ok: false, reason: failure.locked ? 'locked' : 'invalid' };
}

/** What the sign-in page says for each refusal. */
export function refusalMessage(reason: SignInRefusal): string {
  if (reason === 'throttled') return '登录尝试过于频繁，请稍后再试';
  if (reason === 'locked')
    return signInSettings().lockMinutes > 0
      ? '账号已锁定：连续登录失败次数过多。请稍后再试，或联系管理员解锁'
      : '账号已锁定：连续登录失败次数过多。请联系管理员解锁';
  return '用户名或密码错误';
}
