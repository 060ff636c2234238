import { describe, expect, it } from 'vitest';
import { verifyCallbackChains } from '../../app/beneficiary-callbacks/audit.server';
import { drawSample, type DrawInput } from '../../app/beneficiary-callbacks/sample.server';
import { fireCallbackTimer } from '../../app/beneficiary-callbacks/timers.server';
import { sendCallbackEvent } from '../../app/case-links/callback-complaint.server';
import { inTransaction } from '../../app/db/sql.server';
import { Conflict, Forbidden, InvalidInput, NotFound } from '../../app/domain/errors';
import { DB_KINDS } from '../support/env';
import { useTestServices } from '../support/services';

// Beneficiary callbacks on the kernel: a period's draw (stratified, seeded, reproducible, once), the callbacks
// worked through the machine (confirmed, a problem opening its complaint appeal in the same transaction, unreachable
// after the attempts), the draw's timer making the waiting ones overdue, and who may see and work them.

const NOW = new Date('2026-12-02T10:00:00+08:00');

class RolledBack extends Error {}

describe.each(DB_KINDS)('beneficiary callbacks on %s', (kind) => {
  const t = useTestServices(kind);
  const services = () => ({ ...t.services, now: () => NOW });
  let periodId = 0;

  /** A period with records and no draw yet. */
  async function undrawnPeriod(): Promise<number> {
    const [p] = await t.sql<{ id: number }>(
      `select p.id from policy_period p
        where exists (select 1 from policy_record r where r.period_id = p.id)
          and not exists (select 1 from callback_sample s where s.period_id = p.id)
        order by (select count(*) from policy_record r where r.period_id = p.id) desc limit 1`,
    );
    return p.id;
  }

  /** The records a draw picks, in a transaction rolled back after, so the period stays undrawn. */
  async function trialDraw(input: Omit<DrawInput, 'periodId'>): Promise<number[]> {
    let picked: number[] = [];
    await inTransaction(t.em(), async (tx) => {
      const r = await drawSample(tx, t.as('supervisor'), { periodId, ...input }, { timers: t.timers, now: NOW });
      const rows = await tx
        .getConnection()
        .execute<{ record_id: number }[]>(
          'select record_id from beneficiary_callback where sample_id = ? order by record_id',
          [r.sampleId],
          'all',
          tx.getTransactionContext(),
        );
      picked = rows.map((x) => x.record_id);
      throw new RolledBack();
    }).catch((err) => {
      if (!(err instanceof RolledBack)) throw err;
    });
    return picked;
  }

  it('draws the same sample with the same seed and another with another seed', async () => {
    periodId = await undrawnPeriod();
    const a = await trialDraw({ share: 0.2, minimum: 1, seed: 'alpha' });
    const again = await trialDraw({ share: 0.2, minimum: 1, seed: 'alpha' });
    const other = await trialDraw({ share: 0.2, minimum: 1, seed: 'beta' });
    expect(a.length).toBeGreaterThan(0);
    expect(again).toEqual(a);
    expect(other).toHaveLength(a.length);
    expect(other).not.toEqual(a);
    expect(await t.sql('select 1 from callback_sample where period_id = ?', [periodId])).toHaveLength(0);
  });

  it('draws each policy × lead department stratum by share with a minimum, with trail and one timer', async () => {
    const r = await drawSample(
      t.em(),
      t.as('supervisor'),
      { periodId, share: 0.3, minimum: 2, seed: 'demo-1' },
      { timers: t.timers, now: NOW },
    );
    const strata = await t.sql<{ policy_id: number; department_id: number; size: number; drawn: number }>(
      `select r.policy_id, p.lead_department_id as department_id, count(*)::int as size, count(b.id)::int as drawn
         from policy_record r join policy p on p.id = r.policy_id
         left join beneficiary_callback b on b.record_id = r.id
        where r.period_id = ? group by 1, 2`,
      [periodId],
    );
    expect(strata.length).toBeGreaterThan(1);
    for (const s of strata)
      expect(s.drawn, `policy ${s.policy_id}`).toBe(Math.min(s.size, Math.max(2, Math.ceil(0.3 * s.size))));
    expect(r.drawn).toBe(strata.reduce((n, s) => n + s.drawn, 0));
    const [sample] = await t.sql<{ drawn_count: number; seed: string; share: string | number }>(
      'select drawn_count, seed, share from callback_sample where id = ?',
      [r.sampleId],
    );
    expect(sample).toMatchObject({ drawn_count: r.drawn, seed: 'demo-1' });
    expect(Number(sample.share)).toBe(0.3);
    const rows = await t.sql<{ tags: string[]; phase: string; department_id: number; lead: number; phone: string }>(
      `select b.tags, b.phase, b.department_id, p.lead_department_id as lead, b.phone = r.phone as phone
         from beneficiary_callback b join policy p on p.id = b.policy_id join policy_record r on r.id = b.record_id
        where b.sample_id = ?`,
      [r.sampleId],
    );
    for (const row of rows) {
      expect([...row.tags].sort()).toEqual(['awaitingCall', 'open']);
      expect(row.department_id).toBe(row.lead);
      expect(row.phone).toBe(true);
    }
    const chains = await verifyCallbackChains(t.em());
    expect(chains.broken).toEqual([]);
    expect(chains.events).toBeGreaterThanOrEqual(r.drawn);
    const jobs = await t.sql<{ data: { sampleId: number } }>(
      `select data from pgboss.job where name = 'callback-timer' and (data->>'sampleId')::int = ?`,
      [r.sampleId],
    );
    expect(jobs).toHaveLength(1);
  });

  it('refuses a second draw of the period, and a draw by an operator', async () => {
    const again = drawSample(t.em(), t.as('supervisor'), { periodId, share: 0.1, minimum: 1, seed: 'x' });
    await expect(again).rejects.toBeInstanceOf(Conflict);
    await expect(
      drawSample(t.em(), t.as('operator'), { periodId, share: 0.1, minimum: 1, seed: 'x' }),
    ).rejects.toBeInstanceOf(Forbidden);
    await expect(
      drawSample(t.em(), t.as('supervisor'), { periodId, share: 0, minimum: 1, seed: 'x' }),
    ).rejects.toBeInstanceOf(InvalidInput);
  });

  async function openCallbacks(n: number) {
    return t.sql<{ id: number; version: number; record_id: number; policy_id: number; department_id: number }>(
      `select id, version, record_id, policy_id, department_id from beneficiary_callback
        where period_id = ? and tags @> '{open}' order by id limit ?`,
      [periodId, n],
    );
  }

  it('records a confirmed result into the columns', async () => {
    const [c] = await openCallbacks(1);
    const r = await sendCallbackEvent(services(), {
      callbackId: c.id,
      expectedVersion: c.version,
      type: 'RECORD_RESULT',
      payload: { received: true, amountRight: true, onTime: true, satisfaction: 'satisfied' },
      actor: t.as('operator'),
    });
    expect(r.appeal).toBeNull();
    const [row] = await t.sql('select * from beneficiary_callback where id = ?', [c.id]);
    expect(row).toMatchObject({
      outcome: 'confirmed',
      received: true,
      amount_right: true,
      on_time: true,
      satisfaction: 'satisfied',
      appeal_id: null,
      assigned_to_id: t.as('operator').userId,
    });
    expect(row.closed_at).not.toBeNull();
    expect(row.tags).toContain('closed');
  });

  it('a problem opens a submitted complaint appeal linked to the record, in the callback’s transaction', async () => {
    const [c, d] = await openCallbacks(2);
    const problem = {
      received: true,
      amountRight: false,
      onTime: true,
      satisfaction: 'dissatisfied',
      problem: '少发了两百元',
    };
    // Without the policies' category the appeal cannot open: the callback's step is refused with it.
    await t.sql(`update category set active = false where code = '10'`);
    await expect(
      sendCallbackEvent(services(), {
        callbackId: d.id,
        type: 'RECORD_RESULT',
        payload: problem,
        actor: t.as('operator'),
      }),
    ).rejects.toBeInstanceOf(InvalidInput);
    await t.sql(`update category set active = true where code = '10'`);
    const [untouched] = await t.sql('select version, outcome, appeal_id from beneficiary_callback where id = ?', [
      d.id,
    ]);
    expect(untouched).toMatchObject({ version: d.version, outcome: null, appeal_id: null });

    const r = await sendCallbackEvent(services(), {
      callbackId: c.id,
      expectedVersion: c.version,
      type: 'RECORD_RESULT',
      payload: problem,
      actor: t.as('operator'),
    });
    expect(r.appeal).not.toBeNull();
    const [appeal] = await t.sql<{
      type: string;
      source: string;
      tags: string[];
      content: string;
      caller_phone: string;
    }>('select type, source, tags, content, caller_phone from appeal where id = ?', [r.appeal!.id]);
    expect(appeal).toMatchObject({ type: 'complaint', source: 'hotline' });
    expect(appeal.tags).toContain('awaitingDispatch');
    expect(appeal.content).toContain('少发了两百元');
    expect(appeal.content).toContain('金额是否相符：否');
    const [link] = await t.sql('select policy_id, record_id, reason from appeal_policy where appeal_id = ?', [
      r.appeal!.id,
    ]);
    expect(link).toMatchObject({ policy_id: c.policy_id, record_id: c.record_id, reason: 'complaint' });
    const [row] = await t.sql('select outcome, appeal_id, amount_right from beneficiary_callback where id = ?', [c.id]);
    expect(row).toMatchObject({ outcome: 'problem', appeal_id: r.appeal!.id, amount_right: false });
  });

  it('ends unreachable after the configured attempts', async () => {
    const [c] = await openCallbacks(1);
    for (let i = 0; i < 3; i++) {
      await sendCallbackEvent(services(), {
        callbackId: c.id,
        type: 'ATTEMPT_FAILED',
        payload: { reason: i === 1 ? 'busy' : 'noAnswer' },
        actor: t.as('operator'),
      });
    }
    const [row] = await t.sql('select outcome, attempts, tags from beneficiary_callback where id = ?', [c.id]);
    expect(row).toMatchObject({ outcome: 'unreachable', attempts: 3 });
    await expect(
      sendCallbackEvent(services(), {
        callbackId: c.id,
        type: 'ATTEMPT_FAILED',
        payload: { reason: 'noAnswer' },
        actor: t.as('operator'),
      }),
    ).rejects.toBeInstanceOf(Conflict);
  });

  it('keeps callbacks to the hotline and the lead department, and the work to operators', async () => {
    const [c] = await openCallbacks(1);
    const [other] = await t.sql<{ username: string }>(
      `select u.username from app_user u where u.role = 'handler' and u.department_id <> ? order by u.id limit 1`,
      [c.department_id],
    );
    const attempt = (username: string, type = 'ATTEMPT_FAILED', payload: unknown = { reason: 'noAnswer' }) =>
      sendCallbackEvent(services(), { callbackId: c.id, type, payload, actor: t.as(username) });
    await expect(attempt(other.username)).rejects.toBeInstanceOf(NotFound);
    await expect(attempt('supervisor')).rejects.toBeInstanceOf(Forbidden);
    await expect(attempt('operator', 'CANCEL', { reason: '号码错误' })).rejects.toBeInstanceOf(Forbidden);
    await expect(attempt('operator', 'OVERDUE', {})).rejects.toBeInstanceOf(Forbidden);
    const r = await attempt('supervisor', 'CANCEL', { reason: '受益人要求不再来电' });
    expect(r.phase).toBe('cancelled');
  });

  it('the draw’s timer makes the callbacks still waiting overdue, through the kernel', async () => {
    const [job] = await t.sql<{ data: { sampleId: number; deadline: string } }>(
      `select data from pgboss.job where name = 'callback-timer' order by created_on desc limit 1`,
    );
    const waiting = await t.sql<{ n: number }>(
      `select count(*)::int as n from beneficiary_callback where sample_id = ? and tags @> '{open}'`,
      [job.data.sampleId],
    );
    const r = await fireCallbackTimer(services(), {
      sampleId: job.data.sampleId,
      event: 'OVERDUE',
      deadline: job.data.deadline,
    });
    expect(r.overdue).toBe(waiting[0].n);
    const rows = await t.sql<{ tags: string[]; phase: string }>(
      `select tags, phase from beneficiary_callback where sample_id = ? and tags @> '{open}'`,
      [job.data.sampleId],
    );
    for (const row of rows) expect(row.tags).toContain('overdue');
    // A second firing (a retry) changes nothing.
    expect((await fireCallbackTimer(services(), { ...job.data, event: 'OVERDUE' })).overdue).toBe(0);
    const events = await t.sql<{ n: number }>(
      `select count(*)::int as n from beneficiary_callback_event e join beneficiary_callback b on b.id = e.callback_id
        where b.sample_id = ? and e.type = 'OVERDUE' and e.actor_role = 'system'`,
      [job.data.sampleId],
    );
    expect(events[0].n).toBe(waiting[0].n);
    expect((await verifyCallbackChains(t.em())).broken).toEqual([]);
  });
});
