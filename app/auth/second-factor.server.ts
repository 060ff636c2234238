import { randomBytes } from 'node:crypto';
import { createCookie, redirect } from '@remix-run/node';
import type { EntityManager } from '@mikro-orm/sql';
import type { UserRole } from '../../entities/user';
import { inTransaction, one, run } from '../db/sql.server';
import { landingPath } from '../domain/landing';
import type { RequestClient } from '../http/client.server';
import { recordSecurityEvent } from '../security/security-log.server';
import { checkSecondFactor, hasTotp } from './mfa.server';
import { mfaRequired } from './mfa-policy.server';
import { endSession, startSession, type SessionUser } from './session.server';

// The step between an accepted password and a session. A user with TOTP gets a pending sign-in: a row in
// mfa_challenge (five minutes, five tries, bound to the user) named by a random id in a cookie sent only to the
// second step's page, so nothing else can take it for a session. A user who must use two factors and has none
// gets a session that is good only for enrolment (requireUser sends it there).

export const SECOND_STEP_PATH = '/login/mfa';
const ENROLMENT_PATH = '/account/mfa';
const CHALLENGE_MINUTES = 5;
export const MAX_ATTEMPTS = 5;

const cookieOptions = {
  httpOnly: true,
  sameSite: 'lax' as const,
  path: SECOND_STEP_PATH,
  maxAge: CHALLENGE_MINUTES * 60,
};
const plainCookie = createCookie('__mfa', cookieOptions);
// Over HTTPS the prefix makes the browser refuse the cookie unless it is Secure.
const secureCookie = createCookie('__Secure-mfa', { ...cookieOptions, secure: true });
const cookieFor = (client: RequestClient) =>
  client.secure || process.env.COOKIE_SECURE === '1' ? secureCookie : plainCookie;

async function challengeIdOf(request: Request): Promise<string | null> {
  const header = request.headers.get('Cookie');
  for (const c of [secureCookie, plainCookie]) {
    const value = await c.parse(header);
    if (typeof value === 'string' && /^[0-9a-f]{64}$/.test(value)) return value;
  }
  return null;
}

async function clearChallengeCookie(client: RequestClient): Promise<string> {
  return cookieFor(client).serialize('', { maxAge: 0 });
}

/**
 * After the password: a redirect that carries the session, the pending second step, or the enrolment session,
 * as the user's second factor and the policy say. Each of them ends where the user lands (`landingPath`).
 */
export async function continueSignIn(
  em: EntityManager,
  userId: number,
  requested: string,
  client: RequestClient,
): Promise<Response> {
  const user = await one<{ role: UserRole }>(em, 'select role from app_user where id = ?', [userId]);
  const redirectTo = user ? landingPath(user, requested) : requested;
  if (await hasTotp(em, userId)) {
    const id = randomBytes(32).toString('hex');
    const now = new Date();
    await run(em, 'delete from mfa_challenge where expires_at <= ?', [now]);
    await run(
      em,
      'insert into mfa_challenge (id, user_id, redirect_to, attempts, created_at, expires_at) values (?, ?, ?, 0, ?, ?)',
      [id, userId, redirectTo.slice(0, 2000), now, new Date(now.getTime() + CHALLENGE_MINUTES * 60_000)],
    );
    return redirect(SECOND_STEP_PATH, { headers: { 'Set-Cookie': await cookieFor(client).serialize(id) } });
  }
  if (user && (await mfaRequired(em, user.role))) {
    const cookie = await startSession(em, userId, client, { mfaPendingEnrolment: true });
    return redirect(`${ENROLMENT_PATH}?redirectTo=${encodeURIComponent(redirectTo)}`, {
      headers: { 'Set-Cookie': cookie },
    });
  }
  return redirect(redirectTo, { headers: { 'Set-Cookie': await startSession(em, userId, client) } });
}

/** Who is halfway through signing in on this browser, if anyone. */
export async function pendingSignIn(em: EntityManager, request: Request): Promise<{ displayName: string } | null> {
  const id = await challengeIdOf(request);
  if (!id) return null;
  const row = await one<{ display_name: string }>(
    em,
    `select u.display_name from mfa_challenge c join app_user u on u.id = c.user_id
      where c.id = ? and c.expires_at > ? and c.attempts < ? and u.active`,
    [id, new Date(), MAX_ATTEMPTS],
  );
  return row ? { displayName: row.display_name } : null;
}

class ChallengeTaken extends Error {}

export type SecondStepOutcome =
  | { kind: 'signedIn'; redirectTo: string; headers: Headers }
  | { kind: 'wrong'; attemptsLeft: number }
  | { kind: 'ended'; headers: Headers };

/** The code of the second step: a session when it is right, one try fewer when not, the end after the fifth. */
export async function answerSecondStep(
  em: EntityManager,
  request: Request,
  code: unknown,
  client: RequestClient,
): Promise<SecondStepOutcome> {
  const ended = async (): Promise<SecondStepOutcome> => ({
    kind: 'ended',
    headers: new Headers({ 'Set-Cookie': await clearChallengeCookie(client) }),
  });
  const id = await challengeIdOf(request);
  if (!id) return ended();
  // The try is counted before the code is checked, in one statement: parallel guesses cannot exceed five.
  const claimed = await one<{ user_id: number; attempts: number; redirect_to: string }>(
    em,
    `update mfa_challenge c set attempts = attempts + 1 from app_user u
      where c.id = ? and u.id = c.user_id and u.active and c.expires_at > ? and c.attempts < ?
      returning c.user_id, c.attempts, c.redirect_to`,
    [id, new Date(), MAX_ATTEMPTS],
  );
  if (!claimed) {
    await run(em, 'delete from mfa_challenge where id = ?', [id]);
    return ended();
  }
  const userId = claimed.user_id;
  const session = await inTransaction(em, async (tx) => {
    if ((await checkSecondFactor(tx, userId, code, client)) === null) return null;
    // Taken once: of two right answers at the same moment, one gets the session (and the other spends nothing).
    if (!(await run(tx, 'delete from mfa_challenge where id = ?', [id]))) throw new ChallengeTaken();
    return startSession(tx, userId, client);
  }).catch((err: unknown) => {
    if (err instanceof ChallengeTaken) return 'taken' as const;
    throw err;
  });
  if (session === 'taken') return ended();
  if (session) {
    const headers = new Headers();
    headers.append('Set-Cookie', session);
    headers.append('Set-Cookie', await clearChallengeCookie(client));
    return { kind: 'signedIn', redirectTo: claimed.redirect_to, headers };
  }
  const last = claimed.attempts >= MAX_ATTEMPTS;
  await inTransaction(em, async (tx) => {
    if (last) await run(tx, 'delete from mfa_challenge where id = ?', [id]);
    await recordSecurityEvent(tx, {
      kind: 'mfaFailed',
      actorId: null,
      subjectId: userId,
      client,
      detail: { attempt: claimed.attempts, ended: last },
    });
  });
  return last ? ended() : { kind: 'wrong', attemptsLeft: MAX_ATTEMPTS - claimed.attempts };
}

/**
 * After enrolment, a session that was good only for enrolment is replaced by a full one (a new id: the privilege
 * changed). Returns the new cookie, or null when the session already was a full one.
 */
export async function finishEnrolment(
  em: EntityManager,
  request: Request,
  user: SessionUser,
  client: RequestClient,
): Promise<string | null> {
  if (!user.mfaPendingEnrolment) return null;
  await endSession(em, request, client);
  return startSession(em, user.id, client);
}
