import type { AppLoadContext } from '@remix-run/node';
import { describe, expect, it } from 'vitest';
import { setUserActive, updateUser } from '../../app/admin/users.server';
import { revealComplainant } from '../../app/appeals/reveal.server';
import { startSession } from '../../app/auth/session.server';
import { checkPassword } from '../../app/auth/sign-in.server';
import { exportGrids } from '../../app/grids/grids.server';
import { exportReport } from '../../app/reports/export.server';
import { listSecurityEvents } from '../../app/security/security-audit.server';
import { loader as auditLoader } from '../../app/routes/admin.security';
import { DB_KINDS } from '../support/env';
import { useTestServices } from '../support/services';
import { submitAppeal } from '../support/appeals';

// The cookie secret, so the session module does not create one in .data.
process.env.SESSION_SECRET ??= 'security-audit-test-secret-0123456789abcdef';

const client = { ip: '192.0.2.44', userAgent: 'audit test', secure: false };

describe.each(DB_KINDS)('the security audit on %s', (kind) => {
  const t = useTestServices(kind);
  const latest = async (kind: string) =>
    (
      await t.sql<{ actor_id: number; subject_id: number | null; ip: string; user_agent: string; detail: unknown }>(
        'select actor_id, subject_id, ip, user_agent, detail from security_event where kind = ? order by id desc limit 1',
        [kind],
      )
    )[0];

  it('records a number reveal with who and where from, beside the access log', async () => {
    const a = await submitAppeal(t.services, t.ids);
    const reviewer = t.as('reviewer');
    await revealComplainant(t.em(), reviewer, a.id, 'callerPhone', client);
    expect(await latest('reveal')).toMatchObject({
      actor_id: reviewer.userId,
      ip: client.ip,
      user_agent: client.userAgent,
      detail: { appealId: a.id, field: 'callerPhone' },
    });
  });

  it('records report and grid exports', async () => {
    const supervisor = t.as('supervisor');
    await exportReport(t.em(), supervisor, new URLSearchParams({ period: 'month' }), 'xlsx', client);
    expect(await latest('export')).toMatchObject({
      actor_id: supervisor.userId,
      ip: client.ip,
      detail: { what: 'report', format: 'xlsx', query: { period: 'month' } },
    });
    const admin = t.as('admin');
    await exportGrids(t.em(), admin, client);
    expect(await latest('export')).toMatchObject({ actor_id: admin.userId, detail: { what: 'grids' } });
  });

  it('records a role change and other account changes with before and after', async () => {
    const admin = t.as('admin');
    const user = t.ids.users.get('reviewer')!;
    const [before] = await t.sql<{ display_name: string }>('select display_name from app_user where id = ?', [user.id]);
    await updateUser(
      t.em(),
      admin,
      user.id,
      { displayName: before.display_name, role: 'supervisor', departmentId: '', gridIds: [] },
      client,
    );
    expect(await latest('roleChanged')).toMatchObject({
      actor_id: admin.userId,
      subject_id: user.id,
      ip: client.ip,
      detail: { before: { role: 'reviewer' }, after: { role: 'supervisor' } },
    });
    await updateUser(t.em(), admin, user.id, {
      displayName: before.display_name,
      role: 'reviewer',
      departmentId: '',
      gridIds: [],
    });
    await setUserActive(t.em(), admin, user.id, false, client);
    expect(await latest('userChanged')).toMatchObject({
      subject_id: user.id,
      detail: { before: { active: true }, after: { active: false } },
    });
    await setUserActive(t.em(), admin, user.id, true, client);
    // A refused change records nothing.
    const count = async () => (await t.sql<{ n: number }>('select count(*)::int as n from security_event'))[0].n;
    const n = await count();
    await expect(
      updateUser(t.em(), admin, user.id, { displayName: 'x', role: 'reviewer', gridIds: [] }),
    ).rejects.toBeTruthy();
    expect(await count()).toBe(n);
  });

  it('refuses to update or delete a recorded event', async () => {
    await checkPassword(t.em(), { username: 'nobody-at-all', password: 'x', client });
    const [row] = await t.sql<{ id: number }>('select id from security_event order by id desc limit 1');
    await expect(t.sql("update security_event set kind = 'signIn' where id = ?", [row.id])).rejects.toThrow(
      /append-only/,
    );
    await expect(t.sql('delete from security_event where id = ?', [row.id])).rejects.toThrow(/append-only/);
  });

  it('lists events for admins with filters and pages, and refuses everyone else', async () => {
    const admin = t.as('admin');
    await checkPassword(t.em(), { username: 'audit-typo', password: 'x', client: { ...client, ip: '192.0.2.99' } });
    const failed = await listSecurityEvents(t.em(), admin, { kind: 'signInFailed', user: 'audit-typo' });
    expect(failed.rows).toHaveLength(1);
    expect(failed.rows[0]).toMatchObject({ kind: 'signInFailed', username: 'audit-typo', ip: '192.0.2.99' });
    expect((await listSecurityEvents(t.em(), admin, { ip: '192.0.2.99' })).rows).toHaveLength(1);
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    expect((await listSecurityEvents(t.em(), admin, { ip: '192.0.2.99', from: today, to: today })).rows).toHaveLength(
      1,
    );
    expect((await listSecurityEvents(t.em(), admin, { ip: '192.0.2.99', to: '2020-01-01' })).rows).toHaveLength(0);
    // Actor filter: the admin's own changes.
    const mine = await listSecurityEvents(t.em(), admin, { user: 'admin', kind: 'roleChanged' });
    expect(mine.rows.every((r) => r.kind === 'roleChanged')).toBe(true);
    // Paging: 50 a page, newest first.
    for (let i = 0; i < 51; i++)
      await checkPassword(t.em(), { username: 'pager', password: 'x', client: { ...client, ip: null } });
    const first = await listSecurityEvents(t.em(), admin, { user: 'pager', kind: 'signInFailed' });
    expect(first).toMatchObject({ page: 1, more: true });
    expect(first.rows).toHaveLength(50);
    const second = await listSecurityEvents(t.em(), admin, { user: 'pager', kind: 'signInFailed', page: '2' });
    expect(second).toMatchObject({ page: 2, more: false });
    expect(second.rows).toHaveLength(1);
    expect(second.rows[0].id).toBeLessThan(first.rows.at(-1)!.id);

    await expect(listSecurityEvents(t.em(), t.as('supervisor'), {})).rejects.toMatchObject({ status: 403 });
    const context = { runtime: { db: t.db } } as unknown as AppLoadContext;
    const as = async (username: string) => {
      const cookie = (await startSession(t.em(), t.ids.users.get(username)!.id)).split(';')[0];
      return new Request('http://localhost/admin/security?kind=signInFailed', { headers: { Cookie: cookie } });
    };
    const page = await auditLoader({ request: await as('admin'), context, params: {} });
    expect(page.rows.length).toBeGreaterThan(0);
    expect(page.rows.every((r) => r.kind === 'signInFailed')).toBe(true);
    const refused = await auditLoader({ request: await as('supervisor'), context, params: {} }).catch((e) => e);
    expect(refused).toBeInstanceOf(Response);
    expect((refused as Response).status).toBe(403);
  });
});
