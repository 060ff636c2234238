import { describe, expect, it } from 'vitest';
import { applyEvent } from '../../app/appeals/service.server';
import { createDraft } from '../../app/appeals/intake.server';
import { verifyAuditChains } from '../../app/appeals/audit.server';
import { Conflict, Forbidden, InvalidInput } from '../../app/domain/errors';
import { inTransaction, run } from '../../app/db/sql.server';
import { DB_KINDS } from '../support/env';
import { useTestServices } from '../support/services';
import { counts, jobCount, submitAppeal } from '../support/appeals';

describe.each(DB_KINDS)('appeal service on %s', (kind) => {
  const t = useTestServices(kind);
  const dept = (code: string) => t.ids.departments.get(code)!;

  it('runs the closed loop and records every step in a verifiable chain', async () => {
    const a = await submitAppeal(t.services, t.ids);
    expect((await counts(t.db, a.id)).phase).toBe('triage');
    expect(await jobCount(t.db, a.id)).toBe(2); // WARN and OVERDUE
    const step = async (user: string, type: string, payload: Record<string, unknown> = {}) => {
      const before = await counts(t.db, a.id);
      const r = await applyEvent(t.services, {
        appealId: a.id,
        expectedVersion: before.version,
        type,
        payload,
        actor: t.as(user),
      });
      return r.phase;
    };
    expect(
      await step('dispatcher', 'DISPATCH', { departmentId: dept('F02'), assistingDepartmentIds: [dept('F04')] }),
    ).toBe('dispatched');
    expect(await step('handler', 'ACCEPT')).toBe('handling.working');
    // The assisting unit has not answered: the lead replies with its reason (tests/integration/assisting-orders.test.ts).
    expect(
      await step('handler', 'REPLY', {
        result: '已清运并加密清运频次',
        resolved: true,
        assistOverride: '协办事项已电话确认',
      }),
    ).toBe('review');
    expect(await step('reviewer', 'APPROVE_REPLY')).toBe('callback.calling');
    expect(await jobCount(t.db, a.id)).toBe(3); // + CALLBACK_DUE
    expect(await step('reviewer', 'FEEDBACK', { satisfaction: 'satisfied', resolved: true })).toBe('closed');
    const c = await counts(t.db, a.id);
    expect(c.events).toBe(7);
    expect(c.assignments).toBe(2);
    expect(c.outbox).toBe(2); // received + replied
    const rows = await t.sql<{ type: string; from_phase: string; to_phase: string }>(
      'select type, from_phase, to_phase from appeal_event where appeal_id = ? order by seq',
      [a.id],
    );
    expect(rows.map((r) => r.type)).toEqual([
      'CREATE',
      'SUBMIT',
      'DISPATCH',
      'ACCEPT',
      'REPLY',
      'APPROVE_REPLY',
      'FEEDBACK',
    ]);
    expect(rows.at(-1)).toMatchObject({ from_phase: 'callback.calling', to_phase: 'closed' });
    const verified = await verifyAuditChains(t.em());
    expect(verified.broken).toEqual([]);
  });

  it('lets exactly one of 50 concurrent conflicting events win; the rest get 409', async () => {
    const a = await submitAppeal(t.services, t.ids);
    const before = await counts(t.db, a.id);
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        applyEvent(t.services, {
          appealId: a.id,
          expectedVersion: before.version,
          type: i % 2 ? 'DISPATCH' : 'SUPERVISE',
          payload: i % 2 ? { departmentId: dept('F02') } : { note: `督办 ${i}` },
          actor: t.as(i % 2 ? 'dispatcher' : 'supervisor'),
        }),
      ),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(49);
    for (const r of refused) {
      expect(r.reason).toBeInstanceOf(Conflict);
      expect((r.reason as Conflict).status).toBe(409);
    }
    const after = await counts(t.db, a.id);
    expect(after.events).toBe(before.events + 1);
    expect(after.version).toBe(before.version + 1);
  });

  it('leaves nothing behind when a step fails between writes', async () => {
    const draft = await createDraft(t.services, t.as('operator'), {
      type: 'complaint',
      categoryId: t.ids.categories.get('0201')!,
      callerPhone: '13800001234',
      title: '失败的提交',
      content: '提交过程中发生故障的诉求。',
    });
    const before = await counts(t.db, draft.id);
    const failing = {
      ...t.services,
      timers: {
        scheduleReferral: t.timers.scheduleReferral,
        scheduleCallback: t.timers.scheduleCallback,
        async schedule(em: Parameters<typeof t.timers.schedule>[0], jobs: Parameters<typeof t.timers.schedule>[1]) {
          await t.timers.schedule(em, jobs); // the WARN and OVERDUE jobs are inserted …
          await em.flush(); // … the appeal update, audit row and SMS row reach the database …
          throw new Error('disk full'); // … and then the step fails
        },
      },
    };
    await expect(
      applyEvent(failing, {
        appealId: draft.id,
        expectedVersion: draft.version,
        type: 'SUBMIT',
        actor: t.as('operator'),
      }),
    ).rejects.toThrow('disk full');
    expect(await counts(t.db, draft.id)).toEqual(before);
    expect(await jobCount(t.db, draft.id)).toBe(0);
    expect((await verifyAuditChains(t.em())).broken).toEqual([]);
  });

  it('refuses every invalid event and writes nothing', async () => {
    const a = await submitAppeal(t.services, t.ids);
    const before = await counts(t.db, a.id);
    const attempt = (type: string, payload: unknown, user: string, version = before.version) =>
      applyEvent(t.services, { appealId: a.id, expectedVersion: version, type, payload, actor: t.as(user) });
    await expect(attempt('TELEPORT', {}, 'dispatcher')).rejects.toBeInstanceOf(InvalidInput);
    await expect(attempt('DISPATCH', { departmentId: 'x' }, 'dispatcher')).rejects.toMatchObject({
      status: 400,
      fieldErrors: { departmentId: expect.any(Array) },
    });
    await expect(attempt('DISPATCH', { departmentId: dept('F02'), extra: 1 }, 'dispatcher')).rejects.toMatchObject({
      status: 400,
    });
    await expect(attempt('DISPATCH', { departmentId: 999999 }, 'dispatcher')).rejects.toMatchObject({ status: 400 });
    await expect(attempt('DISPATCH', { departmentId: dept('F02') }, 'operator')).rejects.toBeInstanceOf(Forbidden);
    await expect(attempt('ACCEPT', {}, 'handler')).rejects.toMatchObject({ status: 403 }); // not sent to his department
    await expect(attempt('APPROVE_REPLY', {}, 'reviewer')).rejects.toMatchObject({ status: 409, code: 'notNow' });
    await expect(
      attempt('DISPATCH', { departmentId: dept('F02') }, 'dispatcher', before.version - 1),
    ).rejects.toMatchObject({ status: 409, code: 'stale' });
    await expect(attempt('WARN', {}, 'supervisor')).rejects.toBeInstanceOf(Forbidden); // timer events are the system's
    expect(await counts(t.db, a.id)).toEqual(before);
    // a handler of another department cannot act even after dispatch
    const d = await applyEvent(t.services, {
      appealId: a.id,
      expectedVersion: before.version,
      type: 'DISPATCH',
      payload: { departmentId: dept('F02') },
      actor: t.as('dispatcher'),
    });
    await expect(attempt('ACCEPT', {}, 'handler2', d.version)).rejects.toMatchObject({ status: 403 });
  });

  it('computes deadlines in working days across the 2025 National Day holiday', async () => {
    const received = new Date('2025-09-30T02:00:00Z'); // Tue 10:00 in Beijing
    const svc = { ...t.services, now: () => received };
    const draft = await createDraft(svc, t.as('operator'), {
      type: 'complaint',
      categoryId: t.ids.categories.get('0201')!,
      title: '节前投诉',
      content: '国庆前一天的投诉内容。',
    });
    await applyEvent(svc, { appealId: draft.id, type: 'SUBMIT', actor: t.as('operator') });
    const [row] = await t.sql<{ due_at: Date; number: string }>('select due_at, number from appeal where id = ?', [
      draft.id,
    ]);
    // 7 working days: Oct 9, 10, 11 (adjusted Saturday), 13, 14, 15, 16 → end of Oct 16, Beijing time
    expect(new Date(row.due_at).toISOString()).toBe('2025-10-16T16:00:00.000Z');
    expect(row.number).toMatch(/^20250930-\d{6}$/);
  });

  it('moves the due date by working days when an extension is approved, and reschedules its timers', async () => {
    const received = new Date('2025-09-26T02:00:00Z'); // Fri 10:00 Beijing
    const svc = { ...t.services, now: () => received };
    const draft = await createDraft(svc, t.as('operator'), {
      type: 'complaint',
      categoryId: t.ids.categories.get('0201')!,
      title: '延期测试',
      content: '需要协调多个部门的投诉。',
    });
    const step = async (user: string, type: string, payload: Record<string, unknown> = {}) =>
      applyEvent(svc, { appealId: draft.id, type, payload, actor: t.as(user) });
    await step('operator', 'SUBMIT');
    await step('dispatcher', 'DISPATCH', { departmentId: dept('F02') });
    await step('handler', 'ACCEPT');
    await step('handler', 'REQUEST_EXTENSION', { days: 3, reason: '需要协调住建部门' });
    const jobs = await jobCount(t.db, draft.id);
    // the client cannot choose the new date; it is computed from the approved days
    const r = await step('supervisor', 'APPROVE_EXTENSION', { days: 3, newDueAt: '2030-01-01T00:00:00Z' });
    expect(r.phase).toBe('handling.working');
    const [row] = await t.sql<{ due_at: Date }>('select due_at from appeal where id = ?', [draft.id]);
    // 7 working days from Fri Sep 26: Sep 28 (adjusted Sunday), 29, 30, Oct 9, 10, 11 (adjusted Saturday), 13 → end of Oct 13;
    // + 3 working days: Oct 14, 15, 16 → end of Oct 16
    expect(new Date(row.due_at).toISOString()).toBe('2025-10-16T16:00:00.000Z');
    expect(await jobCount(t.db, draft.id)).toBe(jobs + 2); // new WARN and OVERDUE for the new date
  });

  it('gives unique readable numbers to concurrently created appeals', async () => {
    const drafts = await Promise.all(
      Array.from({ length: 20 }, () =>
        createDraft(t.services, t.as('operator'), {
          type: 'help',
          categoryId: t.ids.categories.get('0301')!,
          title: '停水求助',
          content: '小区突然停水，请尽快处理。',
          callerPhone: '13900001111',
        }),
      ),
    );
    const numbers = drafts.map((d) => d.number);
    expect(new Set(numbers).size).toBe(20);
    for (const n of numbers) expect(n).toMatch(/^\d{8}-\d{6}$/);
  });

  it('keeps the audit trail append-only and finds a tampered row', async () => {
    const a = await submitAppeal(t.services, t.ids);
    await expect(t.sql(`update appeal_event set payload = '{}' where appeal_id = ?`, [a.id])).rejects.toThrow(
      /append-only/,
    );
    expect((await verifyAuditChains(t.em())).broken).toEqual([]);
    // Someone with table-owner rights switches the guard off and edits history.
    await inTransaction(t.em(), async (tx) => {
      await run(tx, 'alter table appeal_event disable trigger appeal_event_no_update');
      await run(tx, `update appeal_event set actor_role = 'supervisor' where appeal_id = ? and seq = 2`, [a.id]);
      await run(tx, 'alter table appeal_event enable trigger appeal_event_no_update');
    });
    const { broken } = await verifyAuditChains(t.em());
    expect(broken).toHaveLength(1);
    expect(broken[0]).toMatchObject({ appealId: a.id, number: a.number, seq: 2 });
  });
});
