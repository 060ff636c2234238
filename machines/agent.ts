import { assign, setup, type SnapshotFrom } from 'xstate';

/**
 * The hotline agent's own state, beside the softphone: whether he takes calls from the 12345 queue,
 * the call he is on, and the after-call work that follows. Pure: the softphone bar sends the
 * softphone's reports in and performs the effects the state asks for (join or leave the queue).
 */

export const NOT_READY_REASONS = ['signedIn', 'break', 'meal', 'training', 'meeting', 'paperwork'] as const;
export type NotReadyReason = (typeof NOT_READY_REASONS)[number];
export type EndReason = 'hangup' | 'cancelled' | 'rejected' | 'elsewhere' | 'failed' | 'busy';

export interface AgentCall {
  callId: string;
  direction: 'inbound' | 'outbound';
  from: string;
  to: string;
  answeredAt?: string | null;
}

export interface AgentContext {
  /** Where the agent goes back to after a call: the queue or his not-ready reason. */
  availability: 'ready' | 'notReady';
  notReadyReason: NotReadyReason;
  call: AgentCall | null;
  /** The call whose after-call work is running, kept so its appeal can be linked. */
  wrapUpCall: AgentCall | null;
  afterCallSeconds: number;
  /** The SIP server could not be reached at all; manual intake goes on. */
  unreachable: boolean;
  lastEnd: EndReason | null;
}

export type AgentEvent =
  | { type: 'START' }
  | { type: 'REGISTERED' }
  | { type: 'CONNECTION_LOST'; unreachable?: boolean }
  | { type: 'GO_READY' }
  | { type: 'GO_NOT_READY'; reason: NotReadyReason }
  | { type: 'INCOMING'; call: AgentCall }
  | { type: 'DIAL'; call: AgentCall }
  | { type: 'ANSWER' }
  | { type: 'REJECT' }
  | { type: 'ESTABLISHED'; at: string }
  | { type: 'ENDED'; reason: EndReason }
  | { type: 'TRANSFERRED'; target: string }
  | { type: 'HOLD' }
  | { type: 'UNHOLD' }
  | { type: 'MUTE' }
  | { type: 'UNMUTE' }
  | { type: 'APPEAL_SAVED' }
  | { type: 'STOP' };

export interface AgentInput {
  afterCallSeconds?: number;
}

export const DEFAULT_AFTER_CALL_SECONDS = 60;

const backToAvailability = [
  { guard: ({ context }: { context: AgentContext }) => context.availability === 'ready', target: '#agent.ready' },
  { target: '#agent.notReady' },
] as const;

export const agentMachine = setup({
  types: { context: {} as AgentContext, events: {} as AgentEvent, input: {} as AgentInput },
  delays: {
    afterCallWork: ({ context }) => context.afterCallSeconds * 1000,
  },
  actions: {
    keepCall: assign({
      call: ({ event }: { event: AgentEvent }) => ('call' in event ? event.call : null),
      lastEnd: null,
    }),
    markAnswered: assign({
      call: ({ context, event }: { context: AgentContext; event: AgentEvent }) =>
        context.call && { ...context.call, answeredAt: event.type === 'ESTABLISHED' ? event.at : null },
    }),
    wrapUp: assign({ wrapUpCall: ({ context }) => context.call, call: null }),
    forgetCall: assign({
      call: null,
      lastEnd: ({ event }) => (event.type === 'ENDED' ? event.reason : null),
    }),
    endedReason: assign({
      lastEnd: ({ event }) => (event.type === 'ENDED' ? event.reason : event.type === 'TRANSFERRED' ? 'hangup' : null),
    }),
    dropCalls: assign({ call: null, wrapUpCall: null }),
  },
}).createMachine({
  id: 'agent',
  initial: 'offline',
  context: ({ input }) => ({
    availability: 'notReady',
    notReadyReason: 'signedIn',
    call: null,
    wrapUpCall: null,
    afterCallSeconds: Math.max(0, Math.round(input?.afterCallSeconds ?? DEFAULT_AFTER_CALL_SECONDS)),
    unreachable: false,
    lastEnd: null,
  }),
  on: {
    STOP: { target: '.offline', actions: 'dropCalls' },
  },
  states: {
    offline: {
      on: { START: 'registering' },
    },
    registering: {
      on: {
        REGISTERED: { target: 'notReady', actions: assign({ unreachable: false }) },
        CONNECTION_LOST: {
          target: 'reconnecting',
          actions: assign({ unreachable: ({ event }) => event.unreachable ?? true }),
        },
      },
    },
    reconnecting: {
      on: {
        // Back where he was: a reconnect never puts an agent into the queue he had left.
        REGISTERED: { target: 'registered', actions: assign({ unreachable: false }) },
        CONNECTION_LOST: { actions: assign({ unreachable: ({ event }) => event.unreachable ?? false }) },
        GO_READY: { actions: assign({ availability: 'ready' }) },
        GO_NOT_READY: { actions: assign({ availability: 'notReady', notReadyReason: ({ event }) => event.reason }) },
      },
    },
    // A transient state that sends a re-registered agent back to his availability.
    registered: {
      always: backToAvailability,
    },
    ready: {
      entry: assign({ availability: 'ready' }),
      on: {
        GO_NOT_READY: { target: 'notReady', actions: assign({ notReadyReason: ({ event }) => event.reason }) },
        INCOMING: { target: 'ringing', actions: 'keepCall' },
        DIAL: { target: 'dialing', actions: 'keepCall' },
        CONNECTION_LOST: {
          target: 'reconnecting',
          actions: assign({ unreachable: ({ event }) => event.unreachable ?? false }),
        },
      },
    },
    notReady: {
      entry: assign({ availability: 'notReady' }),
      on: {
        GO_READY: 'ready',
        GO_NOT_READY: { actions: assign({ notReadyReason: ({ event }) => event.reason }) },
        // Direct calls (a transfer to this agent) still ring when he is out of the queue.
        INCOMING: { target: 'ringing', actions: 'keepCall' },
        DIAL: { target: 'dialing', actions: 'keepCall' },
        CONNECTION_LOST: {
          target: 'reconnecting',
          actions: assign({ unreachable: ({ event }) => event.unreachable ?? false }),
        },
      },
    },
    ringing: {
      on: {
        // ANSWER and REJECT are the agent's clicks; the softphone reports what came of them.
        ANSWER: { target: 'answering' },
        REJECT: { target: 'rejecting' },
        ESTABLISHED: { target: 'inCall', actions: 'markAnswered' },
        ENDED: { target: 'settled', actions: 'forgetCall' },
        CONNECTION_LOST: { target: 'reconnecting', actions: ['dropCalls', assign({ unreachable: false })] },
      },
    },
    answering: {
      on: {
        ESTABLISHED: { target: 'inCall', actions: 'markAnswered' },
        ENDED: { target: 'settled', actions: 'forgetCall' },
        CONNECTION_LOST: { target: 'reconnecting', actions: ['dropCalls', assign({ unreachable: false })] },
      },
    },
    rejecting: {
      on: {
        ENDED: { target: 'settled', actions: 'forgetCall' },
        CONNECTION_LOST: { target: 'reconnecting', actions: ['dropCalls', assign({ unreachable: false })] },
      },
    },
    dialing: {
      on: {
        ESTABLISHED: { target: 'inCall', actions: 'markAnswered' },
        ENDED: { target: 'settled', actions: 'forgetCall' },
        CONNECTION_LOST: { target: 'reconnecting', actions: ['dropCalls', assign({ unreachable: false })] },
      },
    },
    // A call that never connected: back to the queue or the not-ready reason at once.
    settled: {
      always: backToAvailability,
    },
    inCall: {
      type: 'parallel',
      on: {
        ENDED: { target: 'afterCallWork', actions: ['endedReason', 'wrapUp'] },
        TRANSFERRED: { target: 'afterCallWork', actions: ['endedReason', 'wrapUp'] },
        CONNECTION_LOST: { target: 'reconnecting', actions: ['wrapUp', assign({ unreachable: false })] },
      },
      states: {
        hold: {
          initial: 'off',
          states: {
            off: { on: { HOLD: 'on' } },
            on: { on: { UNHOLD: 'off' } },
          },
        },
        mute: {
          initial: 'off',
          states: {
            off: { on: { MUTE: 'on' } },
            on: { on: { UNMUTE: 'off' } },
          },
        },
      },
    },
    // 话后处理: time to finish the appeal; ends when it is saved, when the timer runs out, or by choice.
    afterCallWork: {
      after: { afterCallWork: { target: 'wrappedUp' } },
      on: {
        APPEAL_SAVED: 'wrappedUp',
        GO_READY: { target: 'wrappedUp', actions: assign({ availability: 'ready' }) },
        GO_NOT_READY: {
          target: 'wrappedUp',
          actions: assign({ availability: 'notReady', notReadyReason: ({ event }) => event.reason }),
        },
        INCOMING: { target: 'ringing', actions: 'keepCall' },
        DIAL: { target: 'dialing', actions: 'keepCall' },
        CONNECTION_LOST: {
          target: 'reconnecting',
          actions: assign({ unreachable: ({ event }) => event.unreachable ?? false }),
        },
      },
    },
    wrappedUp: {
      entry: assign({ wrapUpCall: null }),
      always: backToAvailability,
    },
  },
});

/** Whether the agent's contact should be registered under the 12345 queue now. */
export function inQueue(state: SnapshotFrom<typeof agentMachine>): boolean {
  return state.matches('ready');
}
