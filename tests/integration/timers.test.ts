import { describe, expect, it } from 'vitest';
import { createDraft } from '../../app/appeals/intake.server';
import { applyEvent, type AppealServices } from '../../app/appeals/service.server';
import { sendAppealEvent } from '../../app/case-links/refer.server';
import { bossTimers, startBoss } from '../../app/jobs/timers.server';
import { startWorkers } from '../../app/jobs/workers.server';
import type { Database } from '../../app/db/orm.server';
import { all } from '../../app/db/sql.server';
import { DB_KINDS } from '../support/env';
import { useTestDatabase } from '../support/services';

const noSms = { send: async () => {} };

async function eventTypes(db: Database, appealId: number): Promise<string[]> {
  const rows = await all<{ type: string }>(db.em(), 'select type from appeal_event where appeal_id = ? order by seq', [
    appealId,
  ]);
  return rows.map((r) => r.type);
}

async function waitFor<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe.each(DB_KINDS)('durable timers on %s', (kind) => {
  const t = useTestDatabase(kind);

  it('fires a deadline that passed while the app was stopped exactly once after restart', async () => {
    // An emergency (2 clock hours) received 2 h minus 3 s ago: its warning is already due, its deadline 3 s away.
    let db = t.db;
    let boss = await startBoss(db);
    const receivedAt = new Date(Date.now() - 2 * 3600_000 + 3_000);
    const services: AppealServices = { db, timers: bossTimers(boss), now: () => receivedAt };
    const draft = await createDraft(services, t.as('operator'), {
      type: 'report',
      urgency: 'emergency',
      categoryId: t.ids.categories.get('0801')!,
      title: '燃气泄漏',
      content: '楼道里有明显的燃气味，请立即处理。',
    });
    await applyEvent(services, { appealId: draft.id, type: 'SUBMIT', actor: t.as('operator') });
    // The app stops before any worker ran …
    await boss.stop({ graceful: false });
    await db.close();
    await new Promise((r) => setTimeout(r, 4_000)); // … and the deadline passes while it is down.

    db = t.db = await t.reopen();
    boss = await startBoss(db);
    const live: AppealServices = { db, timers: bossTimers(boss) };
    await startWorkers(boss, live, noSms, { pollingSeconds: 0.5 });
    const types = await waitFor(
      () => eventTypes(db, draft.id),
      (seen) => seen.includes('OVERDUE'),
    );
    expect(types).toEqual(['CREATE', 'SUBMIT', 'WARN', 'OVERDUE']);
    await new Promise((r) => setTimeout(r, 2_000)); // more polling cycles change nothing
    expect(await eventTypes(db, draft.id)).toEqual(['CREATE', 'SUBMIT', 'WARN', 'OVERDUE']);
    const [row] = await t.sql<{ sla: string }>('select sla from appeal where id = ?', [draft.id]);
    expect(row.sla).toBe('overdue');
    await boss.stop({ graceful: false });
  });

  // PGlite is one process by design (see the data-folder lock), so only PostgreSQL has two instances.
  if (kind === 'postgres')
    it('fires once with two app instances working the same queue', async () => {
      const second = await t.reopen(); // a second "instance": its own pool and its own pg-boss
      const bossA = await startBoss(t.db);
      const bossB = await startBoss(second);
      const receivedAt = new Date(Date.now() - 2 * 3600_000 + 1_500);
      const a: AppealServices = { db: t.db, timers: bossTimers(bossA), now: () => receivedAt };
      const drafts = [];
      for (let i = 0; i < 5; i++) {
        const d = await createDraft(a, t.as('operator'), {
          type: 'report',
          urgency: 'emergency',
          categoryId: t.ids.categories.get('0801')!,
          title: `安全隐患${i}`,
          content: '消防通道被堵，请尽快处理。',
        });
        await applyEvent(a, { appealId: d.id, type: 'SUBMIT', actor: t.as('operator') });
        drafts.push(d.id);
      }
      await startWorkers(bossA, { db: t.db, timers: bossTimers(bossA) }, noSms, { pollingSeconds: 0.5 });
      await startWorkers(bossB, { db: second, timers: bossTimers(bossB) }, noSms, { pollingSeconds: 0.5 });
      for (const id of drafts) {
        const types = await waitFor(
          () => eventTypes(t.db, id),
          (seen) => seen.includes('OVERDUE'),
        );
        expect(types.filter((type) => type === 'WARN')).toHaveLength(1);
        expect(types.filter((type) => type === 'OVERDUE')).toHaveLength(1);
      }
      await new Promise((r) => setTimeout(r, 1_500));
      for (const id of drafts)
        expect((await eventTypes(t.db, id)).filter((type) => type === 'WARN' || type === 'OVERDUE')).toHaveLength(2);
      await bossA.stop({ graceful: false });
      await bossB.stop({ graceful: false });
      await second.close();
    });

  it('ignores a timer whose deadline has moved since it was scheduled', async () => {
    const { fireTimer } = await import('../../app/jobs/workers.server');
    const boss = await startBoss(t.db);
    const services: AppealServices = { db: t.db, timers: bossTimers(boss) };
    const d = await createDraft(services, t.as('operator'), {
      type: 'complaint',
      categoryId: t.ids.categories.get('0201')!,
      title: '噪声',
      content: '夜间施工噪声扰民。',
    });
    await applyEvent(services, { appealId: d.id, type: 'SUBMIT', actor: t.as('operator') });
    expect(await fireTimer(services, { appealId: d.id, event: 'WARN', deadline: '2020-01-01T00:00:00.000Z' })).toBe(
      'stale',
    );
    const [row] = await t.sql<{ due_at: Date }>('select due_at from appeal where id = ?', [d.id]);
    expect(
      await fireTimer(services, { appealId: d.id, event: 'WARN', deadline: new Date(row.due_at).toISOString() }),
    ).toBe('applied');
    expect(
      await fireTimer(services, { appealId: d.id, event: 'WARN', deadline: new Date(row.due_at).toISOString() }),
    ).toBe('refused');
    await boss.stop({ graceful: false });
  });
  it("runs a referral case's legal clock on the same durable queue: warned, then overdue, once", async () => {
    // Referred to labour arbitration eight days ago: the 5-day acceptance period has run out.
    const boss = await startBoss(t.db);
    const referredAt = new Date(Date.now() - 8 * 86400_000);
    const past: AppealServices = { db: t.db, timers: bossTimers(boss), now: () => referredAt };
    const d = await createDraft(past, t.as('operator'), {
      type: 'complaint',
      categoryId: t.ids.categories.get('0601')!,
      title: '拖欠工资',
      content: '公司拖欠三个月工资，申请劳动仲裁。',
    });
    await applyEvent(past, { appealId: d.id, type: 'SUBMIT', actor: t.as('operator') });
    await sendAppealEvent(past, {
      appealId: d.id,
      type: 'REFER',
      payload: { agencyId: t.ids.departments.get('R03')! },
      actor: t.as('dispatcher'),
    });
    const [{ id }] = await t.sql<{ id: number }>('select id from referral where appeal_id = ?', [d.id]);
    await startWorkers(boss, { db: t.db, timers: bossTimers(boss) }, noSms, { pollingSeconds: 0.5 });
    const types = async () =>
      (await t.sql<{ type: string }>('select type from referral_event where referral_id = ? order by seq', [id])).map(
        (r) => r.type,
      );
    expect(await waitFor(types, (seen) => seen.includes('CLOCK_OVERDUE'))).toEqual([
      'REFER',
      'CLOCK_WARN',
      'CLOCK_OVERDUE',
    ]);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await types()).toEqual(['REFER', 'CLOCK_WARN', 'CLOCK_OVERDUE']);
    const [row] = await t.sql<{ clock_state: string; phase: string }>(
      'select clock_state, phase from referral where id = ?',
      [id],
    );
    expect(row).toEqual({ clock_state: 'overdue', phase: 'applied' });
    await boss.stop({ graceful: false });
  });
});
