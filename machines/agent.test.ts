import { describe, expect, it } from 'vitest';
import { SimulatedClock, createActor, getNextSnapshot } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { agentMachine, inQueue, type AgentCall, type AgentEvent } from './agent';

const call: AgentCall = { callId: 'c1@example', direction: 'inbound', from: '13800001111', to: '12345' };
const outbound: AgentCall = { callId: 'o1@example', direction: 'outbound', from: 'agent3', to: '13800001111' };
const at = '2026-11-23T08:00:00.000Z';

function start(events: AgentEvent[], afterCallSeconds = 30) {
  const clock = new SimulatedClock();
  const actor = createActor(agentMachine, { input: { afterCallSeconds }, clock }).start();
  for (const e of events) actor.send(e);
  return { actor, clock };
}

const value = (events: AgentEvent[]) => start(events).actor.getSnapshot().value;

const signedIn: AgentEvent[] = [{ type: 'START' }, { type: 'REGISTERED' }];
const ready: AgentEvent[] = [...signedIn, { type: 'GO_READY' }];
const ringing: AgentEvent[] = [...ready, { type: 'INCOMING', call }];
const talking: AgentEvent[] = [...ringing, { type: 'ANSWER' }, { type: 'ESTABLISHED', at }];
const wrapping: AgentEvent[] = [...talking, { type: 'ENDED', reason: 'hangup' }];

describe('agent machine: every transition', () => {
  // [name, events, expected state]
  const table: [string, AgentEvent[], unknown][] = [
    ['starts offline', [], 'offline'],
    ['START → registering', [{ type: 'START' }], 'registering'],
    ['registering + REGISTERED → not ready (signed in)', signedIn, 'notReady'],
    [
      'registering + CONNECTION_LOST → reconnecting',
      [{ type: 'START' }, { type: 'CONNECTION_LOST', unreachable: true }],
      'reconnecting',
    ],
    ['not ready + GO_READY → ready', ready, 'ready'],
    ['ready + GO_NOT_READY → not ready', [...ready, { type: 'GO_NOT_READY', reason: 'meal' }], 'notReady'],
    [
      'not ready + GO_NOT_READY changes the reason only',
      [...signedIn, { type: 'GO_NOT_READY', reason: 'training' }],
      'notReady',
    ],
    ['ready + INCOMING → ringing', ringing, 'ringing'],
    ['not ready + INCOMING (direct call) → ringing', [...signedIn, { type: 'INCOMING', call }], 'ringing'],
    ['ringing + ANSWER → answering', [...ringing, { type: 'ANSWER' }], 'answering'],
    ['answering + ESTABLISHED → in call', talking, { inCall: { hold: 'off', mute: 'off' } }],
    [
      'ringing + ESTABLISHED (answered elsewhere in the page) → in call',
      [...ringing, { type: 'ESTABLISHED', at }],
      { inCall: { hold: 'off', mute: 'off' } },
    ],
    ['ringing + REJECT → rejecting', [...ringing, { type: 'REJECT' }], 'rejecting'],
    [
      'rejecting + ENDED → back to ready',
      [...ringing, { type: 'REJECT' }, { type: 'ENDED', reason: 'rejected' }],
      'ready',
    ],
    ['ringing + ENDED (caller hung up) → back to ready', [...ringing, { type: 'ENDED', reason: 'cancelled' }], 'ready'],
    [
      'ringing + ENDED (answered elsewhere) → back to ready',
      [...ringing, { type: 'ENDED', reason: 'elsewhere' }],
      'ready',
    ],
    [
      'answering + ENDED → back to ready',
      [...ringing, { type: 'ANSWER' }, { type: 'ENDED', reason: 'failed' }],
      'ready',
    ],
    [
      'not ready + direct call cancelled → not ready',
      [...signedIn, { type: 'INCOMING', call }, { type: 'ENDED', reason: 'cancelled' }],
      'notReady',
    ],
    ['in call + HOLD → held', [...talking, { type: 'HOLD' }], { inCall: { hold: 'on', mute: 'off' } }],
    [
      'held + UNHOLD → not held',
      [...talking, { type: 'HOLD' }, { type: 'UNHOLD' }],
      { inCall: { hold: 'off', mute: 'off' } },
    ],
    ['in call + MUTE → muted', [...talking, { type: 'MUTE' }], { inCall: { hold: 'off', mute: 'on' } }],
    [
      'muted + UNMUTE → not muted',
      [...talking, { type: 'MUTE' }, { type: 'UNMUTE' }],
      { inCall: { hold: 'off', mute: 'off' } },
    ],
    [
      'held and muted together',
      [...talking, { type: 'MUTE' }, { type: 'HOLD' }],
      { inCall: { hold: 'on', mute: 'on' } },
    ],
    ['in call + ENDED → after-call work', wrapping, 'afterCallWork'],
    [
      'in call + TRANSFERRED → after-call work',
      [...talking, { type: 'TRANSFERRED', target: '12319' }],
      'afterCallWork',
    ],
    ['after-call work + APPEAL_SAVED → ready', [...wrapping, { type: 'APPEAL_SAVED' }], 'ready'],
    [
      'after-call work + GO_NOT_READY → not ready',
      [...wrapping, { type: 'GO_NOT_READY', reason: 'break' }],
      'notReady',
    ],
    ['after-call work + GO_READY → ready', [...wrapping, { type: 'GO_READY' }], 'ready'],
    ['after-call work + INCOMING (direct) → ringing', [...wrapping, { type: 'INCOMING', call }], 'ringing'],
    ['after-call work + DIAL → dialing', [...wrapping, { type: 'DIAL', call: outbound }], 'dialing'],
    ['ready + DIAL → dialing', [...ready, { type: 'DIAL', call: outbound }], 'dialing'],
    ['not ready + DIAL → dialing', [...signedIn, { type: 'DIAL', call: outbound }], 'dialing'],
    [
      'dialing + ESTABLISHED → in call',
      [...signedIn, { type: 'DIAL', call: outbound }, { type: 'ESTABLISHED', at }],
      { inCall: { hold: 'off', mute: 'off' } },
    ],
    [
      'dialing + ENDED (no answer) → back to not ready',
      [...signedIn, { type: 'DIAL', call: outbound }, { type: 'ENDED', reason: 'rejected' }],
      'notReady',
    ],
    ['ready + CONNECTION_LOST → reconnecting', [...ready, { type: 'CONNECTION_LOST' }], 'reconnecting'],
    ['not ready + CONNECTION_LOST → reconnecting', [...signedIn, { type: 'CONNECTION_LOST' }], 'reconnecting'],
    ['ringing + CONNECTION_LOST → reconnecting', [...ringing, { type: 'CONNECTION_LOST' }], 'reconnecting'],
    [
      'answering + CONNECTION_LOST → reconnecting',
      [...ringing, { type: 'ANSWER' }, { type: 'CONNECTION_LOST' }],
      'reconnecting',
    ],
    [
      'rejecting + CONNECTION_LOST → reconnecting',
      [...ringing, { type: 'REJECT' }, { type: 'CONNECTION_LOST' }],
      'reconnecting',
    ],
    [
      'dialing + CONNECTION_LOST → reconnecting',
      [...ready, { type: 'DIAL', call: outbound }, { type: 'CONNECTION_LOST' }],
      'reconnecting',
    ],
    ['in call + CONNECTION_LOST → reconnecting', [...talking, { type: 'CONNECTION_LOST' }], 'reconnecting'],
    ['after-call work + CONNECTION_LOST → reconnecting', [...wrapping, { type: 'CONNECTION_LOST' }], 'reconnecting'],
    [
      'reconnecting + REGISTERED → back to ready',
      [...ready, { type: 'CONNECTION_LOST' }, { type: 'REGISTERED' }],
      'ready',
    ],
    [
      'reconnecting + REGISTERED → back to not ready',
      [...signedIn, { type: 'CONNECTION_LOST' }, { type: 'REGISTERED' }],
      'notReady',
    ],
    [
      'reconnecting + GO_NOT_READY then REGISTERED → not ready',
      [...ready, { type: 'CONNECTION_LOST' }, { type: 'GO_NOT_READY', reason: 'break' }, { type: 'REGISTERED' }],
      'notReady',
    ],
    [
      'reconnecting + GO_READY then REGISTERED → ready',
      [...signedIn, { type: 'CONNECTION_LOST' }, { type: 'GO_READY' }, { type: 'REGISTERED' }],
      'ready',
    ],
    ['STOP from a call → offline', [...talking, { type: 'STOP' }], 'offline'],
    ['STOP from ready → offline', [...ready, { type: 'STOP' }], 'offline'],
  ];
  it.each(table)('%s', (_name, events, expected) => {
    expect(value(events)).toEqual(expected);
  });

  it('ignores events that make no sense in a state', () => {
    expect(value([...signedIn, { type: 'ANSWER' }])).toBe('notReady');
    expect(value([...ready, { type: 'HOLD' }])).toBe('ready');
    expect(value([{ type: 'GO_READY' }])).toBe('offline');
    expect(value([...wrapping, { type: 'HOLD' }])).toBe('afterCallWork');
  });
});

describe('agent machine: context', () => {
  it('keeps the call while ringing and in the call, and the wrap-up call during after-call work', () => {
    const { actor } = start(talking);
    expect(actor.getSnapshot().context.call).toEqual({ ...call, answeredAt: at });
    actor.send({ type: 'ENDED', reason: 'hangup' });
    const s = actor.getSnapshot();
    expect(s.context.call).toBeNull();
    expect(s.context.wrapUpCall?.callId).toBe(call.callId);
    actor.send({ type: 'APPEAL_SAVED' });
    expect(actor.getSnapshot().context.wrapUpCall).toBeNull();
  });

  it('remembers the not-ready reason and the end reason', () => {
    const { actor } = start([...ready, { type: 'GO_NOT_READY', reason: 'meal' }]);
    expect(actor.getSnapshot().context.notReadyReason).toBe('meal');
    const r = start([...ringing, { type: 'ENDED', reason: 'cancelled' }]).actor.getSnapshot().context;
    expect(r.lastEnd).toBe('cancelled');
    expect(r.call).toBeNull();
  });

  it('says when the SIP server is unreachable, and forgets it once registered', () => {
    const { actor } = start([{ type: 'START' }, { type: 'CONNECTION_LOST', unreachable: true }]);
    expect(actor.getSnapshot().context.unreachable).toBe(true);
    actor.send({ type: 'REGISTERED' });
    expect(actor.getSnapshot().context.unreachable).toBe(false);
  });

  it('is in the 12345 queue only when ready', () => {
    const states: [AgentEvent[], boolean][] = [
      [signedIn, false],
      [ready, true],
      [ringing, false],
      [talking, false],
      [wrapping, false],
    ];
    for (const [events, expected] of states) expect(inQueue(start(events).actor.getSnapshot())).toBe(expected);
  });
});

describe('agent machine: the after-call work timer', () => {
  it('ends after the configured seconds and returns to the queue', () => {
    const { actor, clock } = start(wrapping, 30);
    clock.increment(29_999);
    expect(actor.getSnapshot().value).toBe('afterCallWork');
    clock.increment(1);
    expect(actor.getSnapshot().value).toBe('ready');
  });

  it('returns to not ready when the agent had left the queue before the call', () => {
    const { actor, clock } = start(
      [...signedIn, { type: 'INCOMING', call }, { type: 'ESTABLISHED', at }, { type: 'ENDED', reason: 'hangup' }],
      10,
    );
    clock.increment(10_000);
    expect(actor.getSnapshot().value).toBe('notReady');
  });

  it('a saved appeal cancels the timer', () => {
    const { actor, clock } = start(wrapping, 30);
    actor.send({ type: 'APPEAL_SAVED' });
    actor.send({ type: 'GO_NOT_READY', reason: 'break' });
    clock.increment(60_000);
    expect(actor.getSnapshot().value).toBe('notReady');
  });

  it('takes the timer from settings, and zero means no wrap-up time', () => {
    const { actor, clock } = start(wrapping, 0);
    clock.increment(0);
    expect(actor.getSnapshot().value).toBe('ready');
  });
});

describe('agent machine: reachability', () => {
  it('every state can be reached from offline', () => {
    const reached = new Set(
      getShortestPaths(agentMachine, {
        events: [
          { type: 'START' },
          { type: 'REGISTERED' },
          { type: 'CONNECTION_LOST' },
          { type: 'GO_READY' },
          { type: 'GO_NOT_READY', reason: 'break' },
          { type: 'INCOMING', call },
          { type: 'DIAL', call: outbound },
          { type: 'ANSWER' },
          { type: 'REJECT' },
          { type: 'ESTABLISHED', at },
          { type: 'ENDED', reason: 'hangup' },
          { type: 'TRANSFERRED', target: '12319' },
          { type: 'HOLD' },
          { type: 'MUTE' },
          { type: 'APPEAL_SAVED' },
        ],
        input: { afterCallSeconds: 30 },
      } as never).map((p) => JSON.stringify(p.state.value)),
    );
    for (const s of [
      'offline',
      'registering',
      'reconnecting',
      'ready',
      'notReady',
      'ringing',
      'answering',
      'rejecting',
      'dialing',
      'afterCallWork',
    ]) {
      expect(reached.has(JSON.stringify(s)), s).toBe(true);
    }
    expect(reached.has(JSON.stringify({ inCall: { hold: 'on', mute: 'on' } }))).toBe(true);
  });

  it('getNextSnapshot is pure: the same snapshot and event give the same state', () => {
    const s = start(ringing).actor.getSnapshot();
    const a = getNextSnapshot(agentMachine, s, { type: 'ANSWER' });
    const b = getNextSnapshot(agentMachine, s, { type: 'ANSWER' });
    expect(a.value).toEqual(b.value);
    expect(s.value).toBe('ringing');
  });
});
