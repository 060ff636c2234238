import { describe, expect, it } from 'vitest';
import { DomainError, Forbidden, InvalidInput } from '../../app/domain/errors';
import { recordCallEvent } from '../../app/telephony/call-events.server';
import { callsForAppeal, linkCallToAppeal } from '../../app/telephony/call-links.server';
import { callForAgent, listCalls } from '../../app/telephony/call-queries.server';
import { sweepStaleCalls } from '../../app/telephony/call-sweep.server';
import { SipUnauthorized, sipEvent } from '../../app/telephony/sip-events.server';
import { sipSecret } from '../../app/telephony/sip-secret.server';
import { sipEventsToken } from '../../telephony/credentials';
import { DB_KINDS } from '../support/env';
import { useTestServices } from '../support/services';
import { submitAppeal } from '../support/appeals';

const NOW = new Date();
const at = (seconds: number) => new Date(NOW.getTime() - 3600_000 + seconds * 1000).toISOString();

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((x, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [x, ...rest]),
  );
}

// A small seeded generator, so a failing order can be reproduced.
function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

const DERIVED = `direction, from_number, to_number, agent_id, citizen_id, ring_at, answer_at, end_at, disposition, wait_seconds, talk_seconds,
  transfer_target, needs_callback, callback_done_at, callback_call_id`;

describe.each(DB_KINDS)('call events on %s', (kind) => {
  const t = useTestServices(kind);
  let seq = 0;
  const userId = (u: string) => t.ids.users.get(u)!.id;
  const newCallId = (tag: string) => `${tag}-${kind}-${++seq}-${Math.random().toString(36).slice(2)}@127.0.0.1`;
  const agent = (u: string, body: Record<string, unknown>) =>
    recordCallEvent(t.em(), { kind: 'agent', userId: userId(u) }, body, NOW);
  const sip = (body: Record<string, unknown>) => recordCallEvent(t.em(), { kind: 'sip' }, body, NOW);
  const callRow = async (callId: string) => {
    const [row] = await t.sql(`select ${DERIVED} from call where call_id = ?`, [callId]);
    return row;
  };
  const eventCount = async (callId: string) => {
    const [row] = await t.sql<{ n: number }>(
      'select count(*)::int as n from call_event e join call c on c.id = e.call_id where c.call_id = ?',
      [callId],
    );
    return row.n;
  };
  const totals = async () => {
    const [row] = await t.sql<{ calls: number; events: number }>(
      'select (select count(*)::int from call) as calls, (select count(*)::int from call_event) as events',
    );
    return row;
  };

  type Step = () => Promise<unknown>;
  const answeredCall = (callId: string, from: string): Step[] => {
    const inbound = { callId, direction: 'inbound', from, to: '12345' };
    return [
      () => sip({ event: 'offered', callId, from, to: '12345', at: at(0) }),
      () => agent('operator', { ...inbound, kind: 'ringing', at: at(1) }),
      () => agent('operator', { ...inbound, kind: 'answered', at: at(6) }),
      () => agent('operator', { ...inbound, kind: 'ended', reason: 'hangup', at: at(66) }),
    ];
  };

  it('gives the same call row for every order of the events, with duplicates', async () => {
    const from = '13800009001';
    const reference = newCallId('ordered');
    for (const step of answeredCall(reference, from)) await step();
    const expected = await callRow(reference);
    expect(expected).toMatchObject({
      direction: 'inbound',
      from_number: from,
      to_number: '12345',
      agent_id: userId('operator'),
      disposition: 'answered',
      wait_seconds: 6,
      talk_seconds: 60,
      needs_callback: false,
      transfer_target: null,
    });
    expect(new Date(expected.ring_at).toISOString()).toBe(at(0));
    expect(new Date(expected.answer_at).toISOString()).toBe(at(6));
    expect(new Date(expected.end_at).toISOString()).toBe(at(66));

    const random = rng(12345);
    const orders = permutations([0, 1, 2, 3]);
    expect(orders).toHaveLength(24);
    for (const order of orders) {
      const callId = newCallId('perm');
      const steps = answeredCall(callId, from);
      const sequence = [...order];
      // Each order also gets up to four duplicates of random events at random places.
      const extra = 1 + Math.floor(random() * 4);
      for (let i = 0; i < extra; i++)
        sequence.splice(Math.floor(random() * (sequence.length + 1)), 0, Math.floor(random() * 4));
      for (const i of sequence) await steps[i]();
      expect(await callRow(callId), `order ${sequence.join(',')}`).toEqual(expected);
      expect(await eventCount(callId)).toBe(4);
    }
  });

  it('ignores an answer reported after the call ended', async () => {
    const callId = newCallId('late');
    const inbound = { callId, direction: 'inbound', from: '13800009002', to: '12345' };
    await agent('operator', { ...inbound, kind: 'ringing', at: at(0) });
    await agent('operator', { ...inbound, kind: 'ended', reason: 'cancelled', at: at(10) });
    const state = await agent('operator', { ...inbound, kind: 'answered', at: at(12) });
    expect(state.disposition).toBe('abandoned');
    expect(await callRow(callId)).toMatchObject({
      agent_id: null,
      answer_at: null,
      disposition: 'abandoned',
      needs_callback: true,
      wait_seconds: 10,
      talk_seconds: null,
    });
  });

  it('lets the first agent to answer have the call when the others were told "elsewhere"', async () => {
    const callId = newCallId('fork');
    const inbound = { callId, direction: 'inbound', from: '13800009003', to: '12345' };
    await sip({ event: 'offered', callId, from: inbound.from, to: '12345', at: at(0) });
    await agent('operator', { ...inbound, kind: 'ringing', at: at(1) });
    await agent('reviewer', { ...inbound, kind: 'ringing', at: at(1) });
    await agent('reviewer', { ...inbound, kind: 'ended', reason: 'elsewhere', at: at(4) });
    await agent('operator', { ...inbound, kind: 'answered', at: at(4) });
    await agent('operator', { ...inbound, kind: 'ended', reason: 'hangup', at: at(100) });
    expect(await callRow(callId)).toMatchObject({
      agent_id: userId('operator'),
      disposition: 'answered',
      wait_seconds: 4,
      talk_seconds: 96,
      needs_callback: false,
    });
    // The two agents' ringing at the same instant are two events, not a duplicate.
    expect(await eventCount(callId)).toBe(6);
  });

  it('marks a caller who hung up while ringing as abandoned and due a callback', async () => {
    const callId = newCallId('cancel');
    const inbound = { callId, direction: 'inbound', from: '13800009004', to: '12345' };
    await sip({ event: 'offered', callId, from: inbound.from, to: '12345', at: at(0) });
    await agent('operator', { ...inbound, kind: 'ringing', at: at(0) });
    await agent('operator', { ...inbound, kind: 'ended', reason: 'cancelled', at: at(15) });
    await sip({ event: 'unanswered', callId, from: inbound.from, to: '12345', code: 487, at: at(15) });
    expect(await callRow(callId)).toMatchObject({
      agent_id: null,
      disposition: 'abandoned',
      needs_callback: true,
      wait_seconds: 15,
    });
  });

  it('marks a call no agent could take as missed and due a callback', async () => {
    const callId = newCallId('nobody');
    const from = '13800009005';
    await sip({ event: 'offered', callId, from, to: '12345', at: at(0) });
    await sip({ event: 'unanswered', callId, from, to: '12345', code: 480, at: at(30) });
    expect(await callRow(callId)).toMatchObject({
      direction: 'inbound',
      agent_id: null,
      disposition: 'missed',
      needs_callback: true,
      wait_seconds: 30,
      talk_seconds: null,
    });
    const queue = await listCalls(t.em(), t.as('reviewer'), { callbackQueue: '1', phone: from });
    expect(queue.items.map((c) => c.callId)).toEqual([callId]);
    expect(queue.items[0]).toMatchObject({ dial: from, from: '138****9005', disposition: 'missed' });
  });

  it('records a transfer by the answering agent', async () => {
    const callId = newCallId('xfer');
    const inbound = { callId, direction: 'inbound', from: '13800009006', to: '12345' };
    await agent('operator', { ...inbound, kind: 'ringing', at: at(0) });
    await agent('operator', { ...inbound, kind: 'answered', at: at(3) });
    await agent('operator', { ...inbound, kind: 'transferred', target: '0571-87000102', at: at(40) });
    await agent('operator', { ...inbound, kind: 'ended', reason: 'hangup', at: at(41) });
    expect(await callRow(callId)).toMatchObject({
      disposition: 'transferred',
      transfer_target: '0571-87000102',
      talk_seconds: 37,
      agent_id: userId('operator'),
    });
  });

  it('links an outbound call dialled from an appeal, and a callback that connects clears the flag', async () => {
    const appeal = await submitAppeal(t.services, t.ids);
    const citizen = '13800009007';
    const missed = newCallId('missed');
    await sip({ event: 'offered', callId: missed, from: citizen, to: '12345', at: at(0) });
    await sip({ event: 'unanswered', callId: missed, from: citizen, to: '12345', code: 480, at: at(20) });
    expect((await callRow(missed)).needs_callback).toBe(true);

    // A callback attempt nobody picks up changes nothing.
    const failed = newCallId('failed');
    const out1 = { callId: failed, direction: 'outbound', from: '12345', to: citizen };
    await agent('reviewer', { ...out1, kind: 'dialing', appealId: appeal.id, at: at(100) });
    await agent('reviewer', { ...out1, kind: 'ended', reason: 'busy', at: at(110) });
    expect(await callRow(failed)).toMatchObject({
      direction: 'outbound',
      disposition: 'failed',
      agent_id: userId('reviewer'),
      needs_callback: false,
    });
    expect((await callRow(missed)).needs_callback).toBe(true);

    const back = newCallId('back');
    const out2 = { callId: back, direction: 'outbound', from: '12345', to: citizen };
    await agent('reviewer', { ...out2, kind: 'dialing', appealId: appeal.id, at: at(200) });
    await agent('reviewer', { ...out2, kind: 'dialing', appealId: appeal.id, at: at(200) });
    await agent('reviewer', { ...out2, kind: 'answered', at: at(210) });
    await agent('reviewer', { ...out2, kind: 'ended', reason: 'hangup', at: at(270) });
    expect(await callRow(back)).toMatchObject({
      disposition: 'answered',
      wait_seconds: 10,
      talk_seconds: 60,
      agent_id: userId('reviewer'),
    });
    const cleared = await callRow(missed);
    expect(cleared).toMatchObject({ needs_callback: false, callback_call_id: back, disposition: 'missed' });
    expect(new Date(cleared.callback_done_at).toISOString()).toBe(at(210));

    const links = await t.sql<{ number: string }>(
      `select a.number from call_appeal ca join call c on c.id = ca.call_id join appeal a on a.id = ca.appeal_id where c.call_id in (?) order by c.id`,
      [[failed, back]],
    );
    expect(links.map((l) => l.number)).toEqual([appeal.number, appeal.number]);
    const view = await callForAgent(t.em(), t.as('reviewer'), back);
    expect(view).toMatchObject({
      callId: back,
      disposition: 'answered',
      appeals: [{ id: appeal.id, number: appeal.number }],
    });
    const onPage = await callsForAppeal(t.em(), t.as('operator'), appeal.id);
    expect(onPage.map((c) => [c.callId, c.to, c.disposition])).toEqual([
      [failed, '138****9007', 'failed'],
      [back, '138****9007', 'answered'],
    ]);
    await expect(callsForAppeal(t.em(), t.as('handler2'), appeal.id)).rejects.toBeInstanceOf(Forbidden);
  });

  it('links a call to an appeal once, and only for the agent who took it', async () => {
    const appeal = await submitAppeal(t.services, t.ids);
    const callId = newCallId('link');
    const inbound = { callId, direction: 'inbound', from: '13800009008', to: '12345' };
    await agent('operator', { ...inbound, kind: 'ringing', at: at(0) });
    await agent('operator', { ...inbound, kind: 'answered', at: at(2) });
    expect(await linkCallToAppeal(t.em(), { callId, appealId: appeal.id, actor: t.as('operator') })).toEqual({
      linked: true,
    });
    expect(await linkCallToAppeal(t.em(), { callId, appealId: appeal.id, actor: t.as('operator') })).toEqual({
      linked: false,
    });
    await expect(
      linkCallToAppeal(t.em(), { callId, appealId: appeal.id, actor: t.as('reviewer') }),
    ).rejects.toBeInstanceOf(Forbidden);
    await expect(
      linkCallToAppeal(t.em(), { callId, appealId: appeal.id, actor: t.as('handler') }),
    ).rejects.toBeInstanceOf(Forbidden);
    await expect(
      linkCallToAppeal(t.em(), { callId: 'unknown@x', appealId: appeal.id, actor: t.as('operator') }),
    ).rejects.toBeInstanceOf(InvalidInput);
    await expect(
      linkCallToAppeal(t.em(), { callId, appealId: 999_999, actor: t.as('operator') }),
    ).rejects.toBeInstanceOf(InvalidInput);
    const [{ n }] = await t.sql<{ n: number }>(
      'select count(*)::int as n from call_appeal ca join call c on c.id = ca.call_id where c.call_id = ?',
      [callId],
    );
    expect(n).toBe(1);
  });

  it('closes a call left ringing over 3 minutes and one answered over 4 hours ago', async () => {
    const now = new Date(NOW.getTime() + 5 * 3600_000);
    const ringing = newCallId('stale-ring');
    const talking = newCallId('stale-talk');
    const fresh = newCallId('fresh');
    const mk = (callId: string, from: string) => ({ callId, direction: 'inbound', from, to: '12345' });
    await recordCallEvent(
      t.em(),
      { kind: 'agent', userId: userId('operator') },
      { ...mk(ringing, '13800009009'), kind: 'ringing', at: new Date(now.getTime() - 4 * 60_000).toISOString() },
      now,
    );
    await recordCallEvent(
      t.em(),
      { kind: 'agent', userId: userId('operator') },
      { ...mk(talking, '13800009010'), kind: 'answered', at: new Date(now.getTime() - 4.5 * 3600_000).toISOString() },
      now,
    );
    await recordCallEvent(
      t.em(),
      { kind: 'agent', userId: userId('operator') },
      { ...mk(fresh, '13800009011'), kind: 'ringing', at: new Date(now.getTime() - 60_000).toISOString() },
      now,
    );
    await sweepStaleCalls(t.em(), now);
    expect(await callRow(ringing)).toMatchObject({ disposition: 'missed', needs_callback: true, wait_seconds: 240 });
    expect(await callRow(talking)).toMatchObject({
      disposition: 'answered',
      needs_callback: false,
      talk_seconds: 4.5 * 3600,
    });
    expect(new Date((await callRow(talking)).end_at).toISOString()).toBe(now.toISOString());
    expect(await callRow(fresh)).toMatchObject({ disposition: null, end_at: null });
    // A second sweep finds nothing left to close.
    expect(await sweepStaleCalls(t.em(), now)).toBe(0);
  });

  it('refuses invalid bodies with field errors and writes nothing', async () => {
    const before = await totals();
    const ok = {
      callId: newCallId('bad'),
      kind: 'ringing',
      at: at(0),
      direction: 'inbound',
      from: '13800009012',
      to: '12345',
    };
    const bad: [Record<string, unknown> | unknown, string][] = [
      [{ ...ok, kind: 'exploded' }, 'kind'],
      [{ ...ok, callId: '' }, 'callId'],
      [{ ...ok, callId: 'has space' }, 'callId'],
      [{ ...ok, at: 'yesterday' }, 'at'],
      [{ ...ok, at: new Date(NOW.getTime() + 3600_000).toISOString() }, 'at'],
      [{ ...ok, direction: 'sideways' }, 'direction'],
      [{ ...ok, from: '<script>' }, 'from'],
      [{ ...ok, kind: 'ended' }, 'reason'],
      [{ ...ok, kind: 'ended', reason: 'bored' }, 'reason'],
      [{ ...ok, appealId: 1 }, 'appealId'],
      [{ ...ok, kind: 'dialing', direction: 'outbound', appealId: 999_999 }, 'appealId'],
      [{ ...ok, kind: 'dialing' }, 'direction'],
      [null, '_form'],
      ['ringing', '_form'],
    ];
    for (const [body, field] of bad) {
      const err = await recordCallEvent(t.em(), { kind: 'agent', userId: userId('operator') }, body, NOW).catch(
        (e) => e,
      );
      expect(err, JSON.stringify(body)).toBeInstanceOf(InvalidInput);
      expect(Object.keys((err as InvalidInput).fieldErrors), JSON.stringify(body)).toContain(field);
    }
    const sipErr = await sip({ event: 'hangup', callId: 'x', from: '1', to: '2' }).catch((e) => e);
    expect(sipErr).toBeInstanceOf(InvalidInput);
    expect(await totals()).toEqual(before);
  });

  it('keeps one event row when the same event is posted 20 times at once', async () => {
    const callId = newCallId('burst');
    const body = { callId, kind: 'ringing', at: at(0), direction: 'inbound', from: '13800009013', to: '12345' };
    const results = await Promise.all(Array.from({ length: 20 }, () => agent('operator', body)));
    expect(results.filter((r) => r.recorded)).toHaveLength(1);
    expect(await eventCount(callId)).toBe(1);
    const [{ n }] = await t.sql<{ n: number }>('select count(*)::int as n from call where call_id = ?', [callId]);
    expect(n).toBe(1);
  });

  it('accepts Kamailio reports only with the shared token', async () => {
    const callId = newCallId('sip');
    const body = { event: 'offered', callId, from: '13800009014', to: '12345' };
    const token = sipEventsToken(sipSecret()!);
    for (const header of [null, '', 'Bearer wrong', `Basic ${token}`, `Bearer ${token}x`]) {
      const err = await sipEvent(t.em(), header, body, NOW).catch((e) => e);
      expect(err, String(header)).toBeInstanceOf(SipUnauthorized);
      expect((err as DomainError).status).toBe(401);
    }
    expect(await callRow(callId)).toBeUndefined();
    const state = await sipEvent(t.em(), `Bearer ${token}`, body, NOW);
    expect(state).toMatchObject({ callId, direction: 'inbound', disposition: null, recorded: true });
  });

  it('shows the call list to the hotline and supervisors, not to departments', async () => {
    const list = await listCalls(t.em(), t.as('supervisor'), { direction: 'outbound' });
    expect(list.items.length).toBeGreaterThan(0);
    expect(list.items.every((c) => c.direction === 'outbound')).toBe(true);
    for (const role of ['handler', 'gridworker', 'mediator']) {
      await expect(listCalls(t.em(), t.as(role), {})).rejects.toBeInstanceOf(Forbidden);
    }
    const err = await listCalls(t.em(), t.as('operator'), { from: '2026-13-01' }).catch((e) => e);
    expect(Object.keys((err as InvalidInput).fieldErrors)).toEqual(['from']);
  });
});
