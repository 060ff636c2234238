import { describe, expect, it } from 'vitest';
import { applyEvent } from '../../app/appeals/service.server';
import { verifyAuditChains } from '../../app/appeals/audit.server';
import { inTransaction, jsonb, run, type Row } from '../../app/db/sql.server';
import { Conflict, Forbidden, InvalidInput, NotFound } from '../../app/domain/errors';
import {
  sendAppealEvent,
  sendReferralEvent,
  deliverReferralOutcome,
  fireReferralTimer,
} from '../../app/case-links/refer.server';
import { verifyReferralChains } from '../../app/referrals/audit.server';
import { getWorkCalendar } from '../../app/calendar/calendar.server';
import { addLegalDays } from '../../app/calendar/working-time';
import { supervisionBoard } from '../../app/supervision/board.server';
import type { Actor } from '../../machines/actor';
import { Migration20261202100000_adopt_referrals } from '../../entities/migrations/Migration20261202100000_adopt_referrals';
import { counts, submitAppeal } from '../support/appeals';
import { DB_KINDS } from '../support/env';
import { useTestServices } from '../support/services';

interface ReferralRowView {
  id: number;
  number: string;
  kind: string;
  phase: string;
  version: number;
  outcome: string | null;
  parent_id: number | null;
  next_due_at: Date | null;
  clock_state: string;
  snapshot: { context: Row };
}

describe.each(DB_KINDS)('referral service on %s', (kind) => {
  const t = useTestServices(kind);
  const { as, sql } = t;
  const agency = (code: string) => t.ids.departments.get(code)!;
  const referralsOf = async (appealId: number) =>
    (await sql<ReferralRowView>('select * from referral where appeal_id = ? order by id', [appealId])).map((r) => ({
      ...r,
      snapshot: jsonb<ReferralRowView['snapshot']>(r.snapshot),
    }));
  const eventsOf = async (referralId: number) =>
    (
      await sql<{ type: string }>('select type from referral_event where referral_id = ? order by seq', [referralId])
    ).map((r) => r.type);
  const appealEvents = async (appealId: number) =>
    (await sql<{ type: string }>('select type from appeal_event where appeal_id = ? order by seq', [appealId])).map(
      (r) => r.type,
    );

  async function refer(agencyCode: string) {
    const a = await submitAppeal(t.services, t.ids);
    const r = await sendAppealEvent(t.services, {
      appealId: a.id,
      expectedVersion: a.version,
      type: 'REFER',
      payload: { agencyId: agency(agencyCode), note: '邻里纠纷' },
      actor: as('dispatcher'),
    });
    expect(r.phase).toBe('referred');
    const [referral] = await referralsOf(a.id);
    return { appealId: a.id, referral };
  }
  const step = async (
    referralId: number,
    user: string | Actor,
    type: string,
    payload: Record<string, unknown> = {},
  ) => {
    const [row] = await sql<{ version: number }>('select version from referral where id = ?', [referralId]);
    return sendReferralEvent(t.services, {
      referralId,
      expectedVersion: row.version,
      type,
      payload,
      actor: typeof user === 'string' ? as(user) : user,
    });
  };

  async function mediateToAgreement(referralId: number) {
    await step(referralId, 'mediator', 'ACCEPT');
    await step(referralId, 'mediator', 'ADD_PARTY', { name: '张三', side: 'applicant', phone: '13800001111' });
    await step(referralId, 'mediator', 'ADD_PARTY', { name: '李四', side: 'respondent' });
    await step(referralId, 'mediator', 'SCHEDULE_SESSION', {
      scheduledAt: new Date(Date.now() - 3_600_000).toISOString(),
      place: '社区调解室',
    });
    await step(referralId, 'mediator', 'RECORD_SESSION', { no: 1, minutes: '双方陈述意见', attendeePartyIds: [1, 2] });
    return step(referralId, 'mediator', 'REACH_AGREEMENT', {
      text: '李四于十日内修复漏水管道并赔偿500元。',
      signedPartyIds: [1, 2],
    });
  }

  it("opens the case with the referral, in the appeal's transaction, with its first legal clock scheduled", async () => {
    const { appealId, referral } = await refer('R01');
    expect(referral).toMatchObject({ kind: 'mediation', phase: 'referred', clock_state: 'onTime', outcome: null });
    expect(referral.number).toMatch(/^TJ\d{10}$/);
    expect(referral.snapshot.context).toMatchObject({
      appealId,
      agencyId: agency('R01'),
      referredBy: as('dispatcher').userId,
    });
    expect(await eventsOf(referral.id)).toEqual(['REFER']);
    const [appeal] = await sql<{ snapshot: unknown }>('select snapshot from appeal where id = ?', [appealId]);
    const ctx = jsonb<{ context: unknown }>(appeal.snapshot).context;
    expect(ctx).toMatchObject({
      referralKind: 'mediation',
      referralId: referral.id,
      referralAgencyIds: [agency('R01')],
    });
    const jobs = await sql<{ n: number }>(
      `select count(*)::int as n from pgboss.job where name = 'referral-timer' and data->>'referralId' = ?`,
      [String(referral.id)],
    );
    expect(jobs[0].n).toBe(2); // warning and overdue of the acceptance clock
  });

  it('refuses a referral to a department that is not an agency, or of the wrong kind, and writes nothing', async () => {
    const a = await submitAppeal(t.services, t.ids);
    const before = await counts(t.db, a.id);
    await expect(
      sendAppealEvent(t.services, {
        appealId: a.id,
        expectedVersion: a.version,
        type: 'REFER',
        payload: { agencyId: agency('F02') },
        actor: as('dispatcher'),
      }),
    ).rejects.toBeInstanceOf(InvalidInput);
    await expect(
      sendAppealEvent(t.services, {
        appealId: a.id,
        expectedVersion: a.version,
        type: 'REFER',
        payload: { agencyId: agency('R01'), kind: 'legalAid' },
        actor: as('dispatcher'),
      }),
    ).rejects.toBeInstanceOf(InvalidInput);
    // A client cannot name the case itself.
    await sendAppealEvent(t.services, {
      appealId: a.id,
      expectedVersion: a.version,
      type: 'REFER',
      payload: { agencyId: agency('R02'), referralId: 1 },
      actor: as('dispatcher'),
    });
    const [r] = await referralsOf(a.id);
    expect(r.id).not.toBe(1);
    expect((await counts(t.db, a.id)).events).toBe(before.events + 1);
  });

  it('moves the appeal exactly once when a mediated agreement is judicially confirmed, even if the outcome is delivered twice', async () => {
    const { appealId, referral } = await refer('R01');
    const agreed = await mediateToAgreement(referral.id);
    expect(agreed.phase).toBe('agreed');
    expect((await counts(t.db, appealId)).phase).toBe('referred');
    await step(referral.id, 'mediator', 'REQUEST_CONFIRMATION', { court: '示范市东城区人民法院' });
    const version = (await referralsOf(appealId))[0].version;
    const confirmed = await sendReferralEvent(t.services, {
      referralId: referral.id,
      expectedVersion: version,
      type: 'CONFIRM',
      payload: { ruling: '(2026)示0101民特12号' },
      actor: as('mediator'),
    });
    expect(confirmed).toMatchObject({ phase: 'confirmed', appeal: 'moved' });
    const moved = await counts(t.db, appealId);
    expect(moved.phase).toBe('review');

    // The same outcome event again (a double click, a retried request): refused, nothing moves.
    await expect(
      sendReferralEvent(t.services, {
        referralId: referral.id,
        expectedVersion: version,
        type: 'CONFIRM',
        payload: { ruling: 'x' },
        actor: as('mediator'),
      }),
    ).rejects.toBeInstanceOf(Conflict);
    await expect(
      sendReferralEvent(t.services, {
        referralId: referral.id,
        type: 'CONFIRM',
        payload: { ruling: 'x' },
        actor: as('mediator'),
      }),
    ).rejects.toMatchObject({ code: 'notNow' });
    // The outcome delivered to the appeal a second (and third) time: the appeal no longer waits for it.
    expect(await deliverReferralOutcome(t.services, referral.id)).toBe('already');
    await Promise.all([
      deliverReferralOutcome(t.services, referral.id),
      deliverReferralOutcome(t.services, referral.id),
    ]);
    expect(await counts(t.db, appealId)).toEqual(moved);
    expect((await appealEvents(appealId)).filter((e) => e === 'REFERRAL_DONE')).toHaveLength(1);

    // The appeal goes on like any other: review, callback, closed.
    const v = () => counts(t.db, appealId).then((c) => c.version);
    await applyEvent(t.services, {
      appealId,
      expectedVersion: await v(),
      type: 'APPROVE_REPLY',
      actor: as('reviewer'),
    });
    const closed = await applyEvent(t.services, {
      appealId,
      expectedVersion: await v(),
      type: 'FEEDBACK',
      payload: { satisfaction: 'satisfied', resolved: true },
      actor: as('reviewer'),
    });
    expect(closed.phase).toBe('closed');
    expect(await eventsOf(referral.id)).toEqual([
      'REFER',
      'ACCEPT',
      'ADD_PARTY',
      'ADD_PARTY',
      'SCHEDULE_SESSION',
      'RECORD_SESSION',
      'REACH_AGREEMENT',
      'REQUEST_CONFIRMATION',
      'CONFIRM',
    ]);
    expect((await verifyReferralChains(t.em())).broken).toEqual([]);
    expect((await verifyAuditChains(t.em())).broken).toEqual([]);
  });

  it('lets exactly one of several concurrent outcome events win', async () => {
    const { appealId, referral } = await refer('R01');
    await mediateToAgreement(referral.id);
    const version = (await referralsOf(appealId))[0].version;
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) =>
        sendReferralEvent(t.services, {
          referralId: referral.id,
          expectedVersion: version,
          type: 'CONCLUDE',
          payload: { note: `结案 ${i}` },
          actor: as(i % 2 ? 'mediator' : 'mediator2'),
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((x) => x.status === 'rejected'))
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(Conflict);
    expect((await counts(t.db, appealId)).phase).toBe('review');
    expect((await appealEvents(appealId)).filter((e) => e === 'REFERRAL_DONE')).toHaveLength(1);
  });

  it("sends a refused referral back to the dispatcher's triage", async () => {
    const { appealId, referral } = await refer('R04');
    const r = await step(referral.id, 'counsellor', 'REFUSE', { reason: '不属于心理服务范围' });
    expect(r).toMatchObject({ phase: 'refused', appeal: 'moved' });
    expect((await counts(t.db, appealId)).phase).toBe('triage');
    const [row] = await referralsOf(appealId);
    expect(row).toMatchObject({ outcome: 'refused', clock_state: 'none', next_due_at: null });
  });

  it('hands a failed mediation on to legal aid: a linked case opens and the appeal keeps waiting, then answers once', async () => {
    const { appealId, referral } = await refer('R01');
    await step(referral.id, 'mediator', 'ACCEPT');
    const failed = await step(referral.id, 'mediator', 'FAIL', {
      reason: '被申请人拒绝调解',
      nextRoute: 'legalAid',
      referOnAgencyId: agency('R02'),
    });
    expect(failed).toMatchObject({ phase: 'failed', appeal: 'referredOn' });
    expect((await counts(t.db, appealId)).phase).toBe('referred');
    const [, child] = await referralsOf(appealId);
    expect(child).toMatchObject({ kind: 'legalAid', phase: 'applied', parent_id: referral.id });
    expect(await deliverReferralOutcome(t.services, referral.id)).toBe('already');
    expect(await referralsOf(appealId)).toHaveLength(2);

    await step(child.id, 'legalaid', 'ACCEPT');
    await step(child.id, 'legalaid', 'GRANT', { lawyerName: '王律师', lawyerFirm: '示范律师事务所' });
    const done = await step(child.id, 'legalaid', 'CONCLUDE', {
      result: '经律师代理诉讼，法院判决支持赔偿。',
      resolved: true,
    });
    expect(done).toMatchObject({ phase: 'concluded', appeal: 'moved' });
    expect((await counts(t.db, appealId)).phase).toBe('review');
    expect(await appealEvents(appealId)).toEqual(['CREATE', 'SUBMIT', 'REFER', 'REFER_ON', 'REFERRAL_DONE']);
  });

  it('refuses a failure handed to an agency of another kind, and writes nothing', async () => {
    const { referral } = await refer('R01');
    await step(referral.id, 'mediator', 'ACCEPT');
    const before = await eventsOf(referral.id);
    await expect(
      step(referral.id, 'mediator', 'FAIL', {
        reason: '调解不成',
        nextRoute: 'legalAid',
        referOnAgencyId: agency('R03'),
      }),
    ).rejects.toBeInstanceOf(InvalidInput);
    expect(await eventsOf(referral.id)).toEqual(before);
  });

  it('keeps each agency to its own cases', async () => {
    const { referral } = await refer('R01');
    await expect(step(referral.id, 'legalaid', 'ACCEPT')).rejects.toBeInstanceOf(NotFound);
    await expect(step(referral.id, 'handler', 'ACCEPT')).rejects.toBeInstanceOf(NotFound);
    await expect(step(referral.id, 'supervisor', 'ACCEPT')).rejects.toBeInstanceOf(Forbidden);
    await expect(step(referral.id, 'mediator', 'CLOCK_OVERDUE', { clock: 'accept' })).rejects.toBeInstanceOf(Forbidden);
    await expect(
      step(referral.id, 'mediator', 'REACH_AGREEMENT', { text: 'x', signedPartyIds: [1, 2] }),
    ).rejects.toMatchObject({ code: 'notNow' });
    await expect(step(referral.id, 'mediator', 'ADD_PARTY', { name: '' })).rejects.toBeInstanceOf(InvalidInput);
    expect(await eventsOf(referral.id)).toEqual(['REFER']);
  });

  it('runs legal clocks on durable timers: warned, overdue, and a stale timer changes nothing', async () => {
    const { referral } = await refer('R03');
    const deadline = referral.snapshot.context.clocks.acceptance.dueAt as string;
    expect(
      await fireReferralTimer(t.services, {
        referralId: referral.id,
        clock: 'acceptance',
        event: 'CLOCK_WARN',
        deadline: '2000-01-01T00:00:00.000Z',
      }),
    ).toBe('stale');
    expect(
      await fireReferralTimer(t.services, {
        referralId: referral.id,
        clock: 'acceptance',
        event: 'CLOCK_WARN',
        deadline,
      }),
    ).toBe('applied');
    expect(
      await fireReferralTimer(t.services, {
        referralId: referral.id,
        clock: 'acceptance',
        event: 'CLOCK_WARN',
        deadline,
      }),
    ).toBe('refused');
    expect(
      await fireReferralTimer(t.services, {
        referralId: referral.id,
        clock: 'acceptance',
        event: 'CLOCK_OVERDUE',
        deadline,
      }),
    ).toBe('applied');
    const [after] = await sql<{ clock_state: string }>('select clock_state from referral where id = ?', [referral.id]);
    expect(after.clock_state).toBe('overdue');
    // The duty supervisor sees it among the late referral cases.
    const board = await supervisionBoard(t.em(), as('supervisor'));
    expect(board.lateReferrals.find((r) => r.id === referral.id)).toMatchObject({
      kind: 'arbitration',
      clockState: 'overdue',
      phase: 'applied',
    });
    // Accepting late stops the acceptance clock and starts the 45-day award clock.
    const accepted = await step(referral.id, 'arbitrator', 'ACCEPT');
    expect(accepted.phase).toBe('accepted');
    const [acc] = await sql<{ clock_state: string; snapshot: unknown }>(
      'select clock_state, snapshot from referral where id = ?',
      [referral.id],
    );
    const clocks = jsonb<ReferralRowView['snapshot']>(acc.snapshot).context.clocks;
    expect(clocks.acceptance.state).toBe('stopped');
    expect(clocks.award.state).toBe('running');
    expect(acc.clock_state).toBe('onTime');
    expect(
      await fireReferralTimer(t.services, {
        referralId: referral.id,
        clock: 'acceptance',
        event: 'CLOCK_OVERDUE',
        deadline,
      }),
    ).toBe('stale');
    // An approved extension moves the award clock 15 days and schedules new timers for it.
    await step(referral.id, 'arbitrator', 'REQUEST_EXTENSION', { reason: '案情复杂，需补充证据' });
    await step(referral.id, 'arbitrator2', 'APPROVE_EXTENSION');
    const [ext] = await sql<{ snapshot: unknown }>('select snapshot from referral where id = ?', [referral.id]);
    const award = jsonb<ReferralRowView['snapshot']>(ext.snapshot).context.clocks.award;
    // 45 + 15 days from acceptance, the last day moved past a rest day or holiday: never 15 days from an already moved deadline.
    expect(award.dueAt).toBe(
      addLegalDays(await getWorkCalendar(t.em()), new Date(clocks.award.startedAt), 60).toISOString(),
    );
    expect(Date.parse(award.dueAt)).toBeGreaterThan(Date.parse(clocks.award.dueAt));
    const jobs = await sql<{ n: number }>(
      `select count(*)::int as n from pgboss.job where name = 'referral-timer' and data->>'referralId' = ? and data->>'clock' = 'award'`,
      [String(referral.id)],
    );
    expect(jobs[0].n).toBe(4);
  });
  it("keeps the case's audit trail append-only and finds a tampered row", async () => {
    const { referral } = await refer('R04');
    await step(referral.id, 'counsellor', 'ACCEPT');
    await expect(sql(`delete from referral_event where referral_id = ?`, [referral.id])).rejects.toThrow(/append-only/);
    expect((await verifyReferralChains(t.em())).broken).toEqual([]);
    await inTransaction(t.em(), async (tx) => {
      await run(tx, 'alter table referral_event disable trigger referral_event_no_update');
      await run(tx, `update referral_event set actor_role = 'supervisor' where referral_id = ? and seq = 2`, [
        referral.id,
      ]);
      await run(tx, 'alter table referral_event enable trigger referral_event_no_update');
    });
    const { broken } = await verifyReferralChains(t.em());
    expect(broken).toEqual([
      { referralId: referral.id, number: referral.number, seq: 2, reason: 'row content does not match its hash' },
    ]);
  });

  // The migration that opens the cases, run on this database as the migrator would: in one transaction.
  const adopt = (log: (line: string) => void = () => {}) =>
    t.db.em().transactional((tx) => {
      const migration = new Migration20261202100000_adopt_referrals(t.db.orm.em.getDriver() as never, t.db.orm.config);
      migration.setTransactionContext(tx.getTransactionContext()!);
      return migration.adopt(log);
    });
  // What such an appeal looks like: in 已转介 with a referral kind and no case.
  const referredBeforeCases = async (kind: string) => {
    const a = await submitAppeal(t.services, t.ids);
    await sql(
      `update appeal set phase = 'referred', version = version + 1,
                 snapshot = jsonb_set(jsonb_set(snapshot, '{value,phase}', '"referred"'), '{context,referralKind}', ?::jsonb) where id = ?`,
      [JSON.stringify(kind), a.id],
    );
    return a;
  };

  it('opens a case, once, for an appeal referred before referral cases existed, and the case answers it', async () => {
    const a = await referredBeforeCases('counselling');
    const before = await counts(t.db, a.id);
    expect(await adopt()).toBeGreaterThanOrEqual(1);
    expect(await adopt()).toBe(0);
    const [referral] = await referralsOf(a.id);
    expect(referral).toMatchObject({ kind: 'counselling', phase: 'referred' });
    expect(await counts(t.db, a.id)).toMatchObject({ phase: 'referred', events: before.events + 1 });
    expect((await appealEvents(a.id)).at(-1)).toBe('REFER_ON');
    const jobs = await sql<{ n: number }>(
      `select count(*)::int as n from pgboss.job where name = 'referral-timer' and data->>'referralId' = ?`,
      [String(referral.id)],
    );
    expect(jobs[0].n).toBe(2); // warning and overdue of the first clock
    await step(referral.id, 'counsellor', 'ACCEPT');
    const done = await step(referral.id, 'counsellor', 'CONCLUDE', { summary: '来访者未再联系', resolved: false });
    expect(done.appeal).toBe('moved');
    expect((await counts(t.db, a.id)).phase).toBe('review');
    expect((await verifyAuditChains(t.db.em())).broken).toEqual([]);
  });

  it('creates an agency to rename and staff when none of the kind is active, so every waiting appeal gets its case', async () => {
    await sql(`update department set active = false where referral_kind = 'arbitration'`);
    try {
      const a = await referredBeforeCases('arbitration');
      const b = await referredBeforeCases('arbitration');
      const lines: string[] = [];
      expect(await adopt((line) => lines.push(line))).toBe(2);
      const [agency] = await sql<{ id: number; name: string; code: string; referral_kind: string; active: boolean }>(
        `select id, name, code, referral_kind, active from department where referral_kind = 'arbitration' and active`,
      );
      expect(agency).toMatchObject({
        name: '劳动人事争议仲裁院（待设置）',
        referral_kind: 'arbitration',
        active: true,
      });
      expect(lines.some((l) => l.includes(agency.name) && l.includes('/admin/departments'))).toBe(true);
      for (const appeal of [a, b]) {
        const [referral] = await referralsOf(appeal.id);
        expect(referral).toMatchObject({ kind: 'arbitration', phase: 'applied' });
        expect(referral.snapshot.context.agencyId).toBe(agency.id);
        expect((await appealEvents(appeal.id)).at(-1)).toBe('REFER_ON');
      }
      expect(await adopt()).toBe(0);
      expect((await verifyAuditChains(t.db.em())).broken).toEqual([]);
    } finally {
      await sql(`update department set active = true where code = 'R03'`);
    }
  });
});
