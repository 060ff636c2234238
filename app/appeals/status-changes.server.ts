import { randomUUID } from 'node:crypto';
import type { SideWrite } from '../cases/transition.server';
import type { AppealSnapshot } from '../../machines/appeal';

// Every step of a submitted appeal is a change that subscribed city systems are told about (status webhooks): one
// row per subscription in the `webhook_delivery` outbox, written by the step's own guarded statement, so a refused
// or rolled-back step tells nobody. Its payload is the public side of the appeal only: the number, open or closed,
// the public wording of where it stands, the department answering; never the caller, the content or staff names.

/** What a subscriber reads of where an appeal stands, in the citizens' wording, asked of the machine's tags. */
export function publicStanding(snapshot: Pick<AppealSnapshot, 'hasTag'>, type: string): string {
  if (type === 'WITHDRAW') return '已撤回';
  if (snapshot.hasTag('closed')) {
    if (snapshot.hasTag('finished')) return '已办结';
    return snapshot.hasTag('submitted') ? '已并入同类诉求' : '已撤销';
  }
  if (snapshot.hasTag('inCallback') && !snapshot.hasTag('dissatisfied')) return '已答复';
  if (snapshot.hasTag('awaitingDispatch') || snapshot.hasTag('draft')) return '已受理';
  return '办理中';
}

/** A short public note on what the step did; null for steps that change nothing a citizen would read. */
const NOTES: Record<string, string> = {
  SUBMIT: '诉求已受理',
  SELF_HANDLE: '诉求已受理',
  DISPATCH: '已转交承办单位办理',
  SUB_DISPATCH: '已转交下级单位办理',
  HAND_TO_POLICY_LEAD: '已转交政策牵头部门办理',
  ACCEPT: '承办单位已签收',
  APPROVE_REPLY: '承办单位已答复',
  VERIFY_APPROVE: '承办单位已答复',
  RESOLVE_ON_SPOT: '已当场答复',
  FEEDBACK: '已回访',
  REDO: '重新办理',
  REOPEN: '重新受理',
  SUPERVISOR_CLOSE: '已办结',
  MERGE_INTO: '已并入同类诉求一并办理',
  WITHDRAW: '已撤回',
};

export interface StatusChange {
  number: string;
  type: string;
  /** The appeal's audit sequence of this step: the order subscribers must see. */
  sequence: number;
  next: Pick<AppealSnapshot, 'hasTag'>;
  leadDepartmentId: number | null;
  at: Date;
}

/**
 * The step's rows in the webhook outbox: one per live subscription that covers the appeal (its client filed it, or
 * it asked for all appeals and may), only if the guarded update of the appeal (`changed`) happened.
 */
export function queueStatusChange(change: StatusChange): SideWrite | null {
  if (!change.next.hasTag('submitted')) return null;
  const eventId = randomUUID();
  const payload = {
    eventId,
    type: 'appeal.changed',
    occurredAt: change.at.toISOString(),
    sequence: change.sequence,
    request: {
      service_request_id: change.number,
      status: change.next.hasTag('closed') ? 'closed' : 'open',
      phase: publicStanding(change.next, change.type),
      status_notes: NOTES[change.type] ?? null,
      agency_responsible: null,
      updated_datetime: change.at.toISOString(),
    },
  };
  return {
    sql: `insert into webhook_delivery
            (created_at, updated_at, subscription_id, appeal_id, event_id, sequence, payload, status, attempts,
             next_attempt_at)
          select ?, ?, s.id, a.id, ?, ?,
                 jsonb_set(?::jsonb, '{request,agency_responsible}',
                           coalesce(to_jsonb((select d.name from department d where d.id = ?)), 'null'::jsonb)),
                 'pending', 0, ?
            from changed c
            join appeal a on a.id = c.id
            join webhook_subscription s on s.deleted_at is null
            join api_client k on k.id = s.client_id and k.revoked_at is null
           where (s.scope = 'own' and s.client_id = a.api_client_id)
              or (s.scope = 'all' and k.operations @> '{webhooks:all}')`,
    params: [
      change.at,
      change.at,
      eventId,
      change.sequence,
      JSON.stringify(payload),
      change.leadDepartmentId,
      change.at,
    ],
  };
}
