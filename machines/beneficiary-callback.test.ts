import { describe, expect, it } from 'vitest';
import { getShortestPaths } from 'xstate/graph';
import type { Actor, Role } from './actor';
import {
  CALLBACK_EVENT_TYPES,
  CALLBACK_PHASES,
  acceptedCallbackEvents,
  applyCallbackEvent,
  callbackMachine,
  callbackPayloadSchemas,
  callbackPhaseOf,
  createCallbackSnapshot,
  isProblem,
  persistCallbackSnapshot,
  restoreCallbackSnapshot,
  type CallbackEvent,
  type CallbackEventType,
  type CallbackPhase,
  type CallbackSnapshot,
} from './beneficiary-callback';

const T0 = '2026-12-01T02:00:00.000Z';
const T1 = '2026-12-03T02:00:00.000Z';
const mk = (userId: number, role: Role): Actor => ({ userId, role, departmentIds: [], gridIds: [] });
const operator = mk(5, 'operator');
const supervisor = mk(7, 'supervisor');
const system = mk(0, 'system');
const OTHERS = (['dispatcher', 'handler', 'gridWorker', 'mediator', 'reviewer', 'admin'] as Role[]).map((r, i) =>
  mk(20 + i, r),
);
const INPUT = { recordId: 11, departmentId: 3, maxAttempts: 3, dueAt: T1 };

const ev = {
  ATTEMPT_FAILED: (actor: Actor = operator): CallbackEvent => ({
    type: 'ATTEMPT_FAILED',
    actor,
    at: T0,
    reason: 'noAnswer',
  }),
  RECORD_RESULT: (actor: Actor = operator, answers: Partial<CallbackEvent> = {}): CallbackEvent =>
    ({
      type: 'RECORD_RESULT',
      actor,
      at: T0,
      received: true,
      amountRight: true,
      onTime: true,
      satisfaction: 'satisfied',
      ...answers,
    }) as CallbackEvent,
  OVERDUE: (actor: Actor = system): CallbackEvent => ({ type: 'OVERDUE', actor, at: T0 }),
  CANCEL: (actor: Actor = supervisor): CallbackEvent => ({ type: 'CANCEL', actor, at: T0, reason: '号码为空号' }),
};

function step(s: CallbackSnapshot, e: CallbackEvent): CallbackSnapshot {
  const { accepted, next } = applyCallbackEvent(s, e);
  expect(accepted, `${e.type} in ${callbackPhaseOf(s)}`).toBe(true);
  return next;
}

/** A snapshot in each phase. */
function inPhase(phase: CallbackPhase): CallbackSnapshot {
  const s = createCallbackSnapshot(INPUT);
  switch (phase) {
    case 'awaitingCall.onTime':
      return s;
    case 'awaitingCall.overdue':
      return step(s, ev.OVERDUE());
    case 'confirmed':
      return step(s, ev.RECORD_RESULT());
    case 'problem':
      return step(s, ev.RECORD_RESULT(operator, { received: false } as Partial<CallbackEvent>));
    case 'unreachable':
      return step(step(step(s, ev.ATTEMPT_FAILED()), ev.ATTEMPT_FAILED()), ev.ATTEMPT_FAILED());
    case 'cancelled':
      return step(s, ev.CANCEL());
  }
}

// Which events each phase takes from its rightful sender: the whole event × state table.
const TABLE: Record<CallbackPhase, CallbackEventType[]> = {
  'awaitingCall.onTime': ['ATTEMPT_FAILED', 'RECORD_RESULT', 'OVERDUE', 'CANCEL'],
  'awaitingCall.overdue': ['ATTEMPT_FAILED', 'RECORD_RESULT', 'CANCEL'],
  confirmed: [],
  problem: [],
  unreachable: [],
  cancelled: [],
};
const RIGHTFUL: Record<CallbackEventType, Actor> = {
  ATTEMPT_FAILED: operator,
  RECORD_RESULT: operator,
  OVERDUE: system,
  CANCEL: supervisor,
};

describe('beneficiary callback machine', () => {
  it('starts awaiting a call, open and on time', () => {
    const s = createCallbackSnapshot(INPUT);
    expect(callbackPhaseOf(s)).toBe('awaitingCall.onTime');
    expect([...s.tags].sort()).toEqual(['awaitingCall', 'open']);
    expect(s.context).toMatchObject({ attempts: [], overdue: false, outcome: null, dueAt: T1 });
  });

  for (const phase of CALLBACK_PHASES) {
    for (const type of CALLBACK_EVENT_TYPES) {
      const expected = TABLE[phase].includes(type);
      it(`${type} in ${phase}: ${expected ? 'accepted' : 'refused'}`, () => {
        const s = inPhase(phase);
        const { accepted, next } = applyCallbackEvent(s, ev[type](RIGHTFUL[type]));
        expect(accepted).toBe(expected);
        if (!accepted) expect(next).toBe(s);
      });
    }
  }

  it('refuses each event from a role that may not send it', () => {
    const s = createCallbackSnapshot(INPUT);
    for (const type of CALLBACK_EVENT_TYPES) {
      for (const actor of [...OTHERS, operator, supervisor, system]) {
        const allowed =
          type === 'OVERDUE' ? actor === system : type === 'CANCEL' ? actor === supervisor : actor === operator;
        expect(applyCallbackEvent(s, ev[type](actor)).accepted, `${type} by ${actor.role}`).toBe(allowed);
      }
    }
  });

  it('counts failed attempts and ends unreachable at the configured number', () => {
    let s = createCallbackSnapshot({ ...INPUT, maxAttempts: 2 });
    s = step(s, ev.ATTEMPT_FAILED());
    expect(callbackPhaseOf(s)).toBe('awaitingCall.onTime');
    expect(s.context.attempts).toEqual([{ at: T0, by: operator.userId, reason: 'noAnswer' }]);
    s = step(s, ev.ATTEMPT_FAILED());
    expect(callbackPhaseOf(s)).toBe('unreachable');
    expect(s.context).toMatchObject({ outcome: 'unreachable', closedAt: T0 });
    expect(s.context.attempts).toHaveLength(2);
    expect(s.hasTag('closed')).toBe(true);
  });

  it('keeps an overdue callback overdue through failed attempts', () => {
    let s = step(createCallbackSnapshot(INPUT), ev.OVERDUE());
    s = step(s, ev.ATTEMPT_FAILED());
    expect(callbackPhaseOf(s)).toBe('awaitingCall.overdue');
    expect([...s.tags].sort()).toEqual(['awaitingCall', 'open', 'overdue']);
    expect(s.context.overdue).toBe(true);
  });

  it('records the answers: confirmed when all arrived as reported', () => {
    const s = step(createCallbackSnapshot(INPUT), ev.RECORD_RESULT());
    expect(callbackPhaseOf(s)).toBe('confirmed');
    expect(s.context).toMatchObject({
      outcome: 'confirmed',
      agentId: operator.userId,
      closedAt: T0,
      result: { received: true, amountRight: true, onTime: true, satisfaction: 'satisfied', problem: null },
    });
    expect(s.hasTag('opensComplaint')).toBe(false);
  });

  for (const answers of [
    { received: false },
    { amountRight: false },
    { onTime: false },
    { problem: '金额少了一百元' },
  ]) {
    it(`a problem when ${Object.keys(answers)[0]} says so, and the step opens a complaint`, () => {
      const s = step(createCallbackSnapshot(INPUT), ev.RECORD_RESULT(operator, answers as Partial<CallbackEvent>));
      expect(callbackPhaseOf(s)).toBe('problem');
      expect(s.context.outcome).toBe('problem');
      expect([...s.tags].sort()).toEqual(['closed', 'opensComplaint', 'reached']);
    });
  }

  it('isProblem names any answer that is not as reported', () => {
    const ok = { received: true, amountRight: true, onTime: true, problem: null };
    expect(isProblem(ok)).toBe(false);
    expect(isProblem({ ...ok, onTime: false })).toBe(true);
    expect(isProblem({ ...ok, problem: '态度差' })).toBe(true);
  });

  it('a supervisor cancels with a reason', () => {
    const s = step(createCallbackSnapshot(INPUT), ev.CANCEL());
    expect(s.context).toMatchObject({ outcome: 'cancelled', cancelReason: '号码为空号', closedAt: T0 });
  });

  it('parses payloads strictly', () => {
    expect(callbackPayloadSchemas.ATTEMPT_FAILED.safeParse({ reason: 'noAnswer' }).success).toBe(true);
    expect(callbackPayloadSchemas.ATTEMPT_FAILED.safeParse({ reason: 'bored' }).success).toBe(false);
    expect(callbackPayloadSchemas.RECORD_RESULT.safeParse({ received: true }).success).toBe(false);
    const full = { received: true, amountRight: true, onTime: true, satisfaction: 'satisfied' };
    expect(callbackPayloadSchemas.RECORD_RESULT.safeParse(full).success).toBe(true);
    expect(callbackPayloadSchemas.RECORD_RESULT.safeParse({ ...full, satisfaction: 'thrilled' }).success).toBe(false);
    expect(callbackPayloadSchemas.RECORD_RESULT.safeParse({ ...full, appealId: 3 }).success).toBe(false);
    expect(callbackPayloadSchemas.CANCEL.safeParse({ reason: '无' }).success).toBe(false);
    expect(callbackPayloadSchemas.OVERDUE.safeParse({ x: 1 }).success).toBe(false);
  });

  it('persists and restores every phase with its machine version', () => {
    for (const phase of CALLBACK_PHASES) {
      const s = inPhase(phase);
      const persisted = persistCallbackSnapshot(s);
      expect(persisted).toMatchObject({ machine: 'beneficiaryCallback', machineVersion: 1 });
      const back = restoreCallbackSnapshot(JSON.parse(JSON.stringify(persisted)));
      expect(callbackPhaseOf(back)).toBe(phase);
      expect([...back.tags].sort()).toEqual([...s.tags].sort());
      expect(back.context).toEqual(s.context);
    }
    expect(() =>
      restoreCallbackSnapshot({ ...persistCallbackSnapshot(inPhase('confirmed')), machineVersion: 9 }),
    ).toThrow();
  });

  it('reaches every phase, every open phase has a way out, and closed is final', () => {
    const paths = getShortestPaths(callbackMachine, {
      input: INPUT,
      // Attempts count up to the limit; the phase and how many attempts are what a path is about.
      serializeState: (state) => {
        const s = state as unknown as CallbackSnapshot;
        return `${callbackPhaseOf(s)}:${s.context.attempts.length}`;
      },
      events: [
        ev.ATTEMPT_FAILED(),
        ev.RECORD_RESULT(),
        ev.RECORD_RESULT(operator, { amountRight: false } as Partial<CallbackEvent>),
        ev.OVERDUE(),
        ev.CANCEL(),
      ],
    });
    const reached = new Set(paths.map((p) => callbackPhaseOf(p.state as never)));
    expect([...reached].sort()).toEqual([...CALLBACK_PHASES].sort());
    const unreachable = paths.find((p) => callbackPhaseOf(p.state as never) === 'unreachable')!;
    expect(unreachable.steps.filter((s) => s.event.type === 'ATTEMPT_FAILED')).toHaveLength(INPUT.maxAttempts);
    for (const phase of CALLBACK_PHASES) {
      const s = inPhase(phase);
      const open = s.hasTag('open');
      expect(open || s.hasTag('closed'), phase).toBe(true);
      expect([operator, supervisor, system].some((a) => acceptedCallbackEvents(s, a, T0).length > 0)).toBe(open);
      expect(s.status === 'done').toBe(!open);
    }
  });
});
