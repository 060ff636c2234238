import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  endSession,
  forgetUserSessions,
  sessionUser,
  setSessionCacheMs,
  startSession,
} from '../../app/auth/session.server';
import { DB_KINDS } from '../support/env';
import { useTestDatabase } from '../support/services';

// The cookie secret, so the session module does not create one in .data.
process.env.SESSION_SECRET ??= 'session-cache-test-secret-0123456789abcdef';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(DB_KINDS)('the session lookup cache on %s', (kind) => {
  const t = useTestDatabase(kind);
  afterAll(() => setSessionCacheMs(null));
  beforeEach(() => setSessionCacheMs(null));

  const userId = (username: string) => t.ids.users.get(username)!.id;
  /** Signs the user in and returns a request carrying the session cookie. */
  const signIn = async (username: string) => {
    const setCookie = await startSession(t.em(), userId(username));
    return new Request('http://localhost/telephony/screenpop', { headers: { Cookie: setCookie.split(';')[0] } });
  };

  it('serves the same session from the cache within the TTL, without asking the database', async () => {
    setSessionCacheMs(60_000);
    const req = await signIn('operator');
    const first = await sessionUser(t.em(), req);
    expect(first).toMatchObject({ username: 'operator', role: 'operator' });
    const original = first!.displayName;
    try {
      await t.sql('update app_user set display_name = ? where id = ?', ['改名后', userId('operator')]);
      // Even with its row gone the session is still known: the database was not asked.
      await t.sql('delete from user_session where user_id = ?', [userId('operator')]);
      const second = await sessionUser(t.em(), req);
      expect(second).toEqual(first);
      // Each caller gets its own copy.
      second!.actor.gridIds.push(999);
      expect((await sessionUser(t.em(), req))!.actor.gridIds).not.toContain(999);
      // A new session of the same user is looked up afresh and sees the change.
      expect(await sessionUser(t.em(), await signIn('operator'))).toMatchObject({ displayName: '改名后' });
    } finally {
      await t.sql('update app_user set display_name = ? where id = ?', [original, userId('operator')]);
    }
  });

  it('forgets the session at logout at once', async () => {
    setSessionCacheMs(60_000);
    const req = await signIn('dispatcher');
    const other = await signIn('dispatcher');
    expect(await sessionUser(t.em(), req)).toMatchObject({ username: 'dispatcher' });
    expect(await sessionUser(t.em(), other)).toMatchObject({ username: 'dispatcher' });
    expect(await endSession(t.em(), req)).toMatch(/^__session=;/);
    expect(await sessionUser(t.em(), req)).toBeNull();
    // Only that session ended.
    expect(await sessionUser(t.em(), other)).toMatchObject({ username: 'dispatcher' });
  });

  it('refuses a deactivated user once the TTL has passed', async () => {
    setSessionCacheMs(800);
    const req = await signIn('reviewer');
    expect(await sessionUser(t.em(), req)).toMatchObject({ username: 'reviewer' });
    try {
      await t.sql('update app_user set active = false where id = ?', [userId('reviewer')]);
      // Within the TTL the cached session still stands: the documented price of the cache.
      expect(await sessionUser(t.em(), req)).toMatchObject({ username: 'reviewer' });
      await sleep(900);
      expect(await sessionUser(t.em(), req)).toBeNull();
      // forgetUserSessions takes effect at once.
      await t.sql('update app_user set active = true where id = ?', [userId('reviewer')]);
      expect(await sessionUser(t.em(), req)).toMatchObject({ username: 'reviewer' });
      await t.sql('update app_user set active = false where id = ?', [userId('reviewer')]);
      forgetUserSessions(userId('reviewer'));
      expect(await sessionUser(t.em(), req)).toBeNull();
    } finally {
      await t.sql('update app_user set active = true where id = ?', [userId('reviewer')]);
    }
  });

  it('never keeps a session past its expiry', async () => {
    setSessionCacheMs(60_000);
    const req = await signIn('supervisor');
    await t.sql('update user_session set expires_at = ? where user_id = ?', [
      new Date(Date.now() + 800),
      userId('supervisor'),
    ]);
    expect(await sessionUser(t.em(), req)).toMatchObject({ username: 'supervisor' });
    await sleep(900);
    expect(await sessionUser(t.em(), req)).toBeNull();
  });

  it.each([
    ['setSessionCacheMs(0)', () => setSessionCacheMs(0)],
    [
      'SESSION_CACHE_MS=0',
      () => {
        process.env.SESSION_CACHE_MS = '0';
        setSessionCacheMs(null);
      },
    ],
  ])('with a TTL of 0 (%s) every lookup asks the database', async (_label, configure) => {
    try {
      configure();
      const req = await signIn('operator');
      expect(await sessionUser(t.em(), req)).toMatchObject({ username: 'operator' });
      await t.sql('update app_user set active = false where id = ?', [userId('operator')]);
      expect(await sessionUser(t.em(), req)).toBeNull();
      await t.sql('update app_user set active = true where id = ?', [userId('operator')]);
      expect(await sessionUser(t.em(), req)).toMatchObject({ username: 'operator' });
      await endSession(t.em(), req);
      expect(await sessionUser(t.em(), req)).toBeNull();
    } finally {
      delete process.env.SESSION_CACHE_MS;
      await t.sql('update app_user set active = true where id = ?', [userId('operator')]);
    }
  });
});
