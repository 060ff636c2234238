import type { EntityManager } from '@mikro-orm/sql';
import type { Actor } from '../../machines/actor';
import {
  applyCallbackEvent,
  callbackEventRoles,
  callbackPayloadSchemas,
  callbackPhaseOf,
  CALLBACK_EVENT_TYPES,
  CALLBACK_MACHINE_VERSION,
  persistCallbackSnapshot,
  restoreCallbackSnapshot,
  type CallbackEvent,
  type CallbackSnapshot,
} from '../../machines/beneficiary-callback';
import { transition, type CaseKind, type CaseServices, type Step, type StepLink } from '../cases/transition.server';
import { NotFound } from '../domain/errors';
import type { Timers } from '../jobs/timers.server';
import { CALLBACK_TRAIL } from './audit.server';
import { loadCallback, type CallbackRow } from './callback-store.server';
import { canSeeCallback } from './scope';

// Beneficiary callbacks on the case kernel: the callback machine, the hotline's scope, the answers mirrored into
// columns the queue and the evaluation read. The due-time timer is the draw's (sample.server.ts): all of a draw's
// callbacks share one due time.

export interface CallbackServices extends CaseServices {
  timers: Timers;
}

export interface CallbackCommand {
  callbackId: number;
  /** The version the agent was looking at; omitted by the timer, which re-reads first. */
  expectedVersion?: number;
  type: string;
  payload?: unknown;
  actor: Actor;
}

export type CallbackStep = Step<CallbackRow, CallbackSnapshot, CallbackServices>;
export type CallbackLink<T> = StepLink<CallbackRow, CallbackSnapshot, T, CallbackServices>;

export const callbackKind: CaseKind<CallbackRow, CallbackSnapshot, CallbackServices> = {
  trail: CALLBACK_TRAIL,
  staleMessage: '该回访已被他人更新，请刷新后重试',
  notFoundMessage: '回访不存在',
  load: loadCallback,
  restore: (row) => restoreCallbackSnapshot(row.snapshot),
  events: () => ({ types: CALLBACK_EVENT_TYPES, roles: callbackEventRoles, schemas: callbackPayloadSchemas }),
  canSee: (actor, row) => canSeeCallback(actor, { departmentId: row.departmentId }),
  hidden: () => new NotFound('回访不存在'),
  serverFields: [],
  apply: (snapshot, event) => applyCallbackEvent(snapshot, event as unknown as CallbackEvent),
  notYours: () => null,
  persist: (snapshot) => ({ snapshot: persistCallbackSnapshot(snapshot), machineVersion: CALLBACK_MACHINE_VERSION }),
  phaseOf: callbackPhaseOf,
  mirror: (next) => {
    const c = next.context;
    return {
      outcome: c.outcome,
      received: c.result?.received ?? null,
      amount_right: c.result?.amountRight ?? null,
      on_time: c.result?.onTime ?? null,
      satisfaction: c.result?.satisfaction ?? null,
      attempts: c.attempts.length,
      assigned_to_id: c.agentId,
      closed_at: c.closedAt ? new Date(c.closedAt) : null,
    };
  },
};

/** Whether this step ended the callback with a problem: the step that opens the complaint appeal. */
export function opensComplaint(step: CallbackStep): boolean {
  return !step.before.hasTag('opensComplaint') && step.next.hasTag('opensComplaint');
}

/**
 * The single way a callback changes: the kernel's guarded transition with the callback machine. A link adds what
 * another kind must write with the step (a problem opens a complaint appeal).
 */
export async function transitionCallback<T>(
  services: CallbackServices,
  cmd: CallbackCommand,
  opts: { tx?: EntityManager; link?: CallbackLink<T> } = {},
) {
  const r = await transition(callbackKind, services, { ...cmd, caseId: cmd.callbackId }, opts);
  return { callbackId: r.id, version: r.version, phase: r.phase, seq: r.seq, linked: r.linked };
}
