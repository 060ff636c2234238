import type { EntityManager } from '@mikro-orm/sql';
import { restoreAppealSnapshot } from '../../machines/appeal';
import type { AppealEvent } from '../../machines/appeal-events';
import { CITIZEN_ACTOR } from '../cases/actor';
import { localDateTime } from '../calendar/working-time';
import { all, jsonb, one } from '../db/sql.server';
import { NotFound } from '../domain/errors';
import { trackingTokenHash } from './submission.server';

// What a tracking link shows: the citizen-facing steps of one appeal (received, sent to a department, answered
// with the approved answer, called back, closed), never internal notes, staff names or anyone else's data. The
// token is the only key: a wrong or guessed one finds nothing, and says no more than that.

export type PublicStatus = 'received' | 'handling' | 'answered' | 'closed' | 'merged' | 'void' | 'withdrawn';

const STATUS_OF: Record<string, PublicStatus> = {
  draft: 'received',
  triage: 'received',
  dispatched: 'handling',
  returnRequested: 'handling',
  'handling.working': 'handling',
  'handling.extensionPending': 'handling',
  referred: 'handling',
  review: 'handling',
  verification: 'handling',
  replied: 'answered',
  'callback.calling': 'answered',
  'callback.dissatisfied': 'handling',
  closed: 'closed',
  merged: 'merged',
  void: 'void',
};

export type PublicStepKind =
  | 'received'
  | 'dispatched'
  | 'answered'
  | 'feedback'
  | 'redo'
  | 'reopened'
  | 'closed'
  | 'merged'
  | 'supplemented'
  | 'withdrawn';

export interface PublicStep {
  kind: PublicStepKind;
  at: string;
  /** The department it went to, for `dispatched`. */
  department?: string;
  /** The approved answer, for `answered`. */
  answer?: string;
  satisfaction?: string;
  /** For `feedback`: the citizen's own rating on the site, not a callback. */
  byCitizen?: boolean;
  /** The citizen's own words: what he added (`supplemented`) or why he withdrew (`withdrawn`). */
  text?: string;
}

export interface TrackedAppeal {
  number: string;
  category: string;
  content: string;
  submittedAt: string | null;
  status: PublicStatus;
  steps: PublicStep[];
  /** Answered and waiting for the citizen's word: the page offers the rating. */
  mayRate: boolean;
  /** Still waiting for its first dispatch: the page offers the withdrawal (撤回). */
  mayWithdraw: boolean;
  /** Open: the page offers to add information (补充材料). */
  maySupplement: boolean;
  /** The version read with the link: the page's steps are sent with it, so a change in between makes them stale. */
  version: number;
}

const STEP_OF: Record<string, PublicStepKind> = {
  SUBMIT: 'received',
  DISPATCH: 'dispatched',
  HAND_TO_POLICY_LEAD: 'dispatched',
  APPROVE_REPLY: 'answered',
  VERIFY_APPROVE: 'answered',
  RESOLVE_ON_SPOT: 'answered',
  FEEDBACK: 'feedback',
  REDO: 'redo',
  REOPEN: 'reopened',
  SUPERVISOR_CLOSE: 'closed',
  MERGE_INTO: 'merged',
  SUPPLEMENT: 'supplemented',
  WITHDRAW: 'withdrawn',
};

/** What the public view reads of an appeal, however the citizen reached it (a tracking link, "my appeals"). */
export interface PublicAppealRow {
  id: number;
  version: number;
  number: string;
  category: string;
  content: string;
  submitted_at: Date | string | null;
  phase: string;
  /** Waiting for the citizen's word on the answer (the callback). */
  needs_citizen: boolean;
  snapshot: unknown;
}

/** The columns of a PublicAppealRow, for a statement over `appeal a` joined to its `category c`. */
export const PUBLIC_APPEAL_COLUMNS = `a.id, a.version, a.number, c.name as category, a.content, a.submitted_at, a.phase,
            a.tags @> '{needsCitizen}' as needs_citizen, a.snapshot`;

/** The status a citizen reads for a phase. */
export const publicStatusOf = (phase: string): PublicStatus => STATUS_OF[phase] ?? 'handling';

/** The appeal a tracking link names, or NotFound with the same words for a wrong, guessed or malformed one. */
export async function appealByToken(em: EntityManager, token: string): Promise<PublicAppealRow> {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) throw new NotFound('链接无效或已失效');
  const appeal = await one<PublicAppealRow>(
    em,
    `select ${PUBLIC_APPEAL_COLUMNS}
       from appeal_tracking t join appeal a on a.id = t.appeal_id join category c on c.id = a.category_id
      where t.token_hash = ?`,
    [trackingTokenHash(token)],
  );
  if (!appeal) throw new NotFound('链接无效或已失效');
  return appeal;
}

export async function trackAppeal(em: EntityManager, token: string): Promise<TrackedAppeal> {
  return publicAppealView(em, await appealByToken(em, token));
}

/**
 * The one public view of an appeal: its citizen-facing steps from the audit trail and nothing else of it. The caller
 * has decided the citizen may see this appeal (its link, or its phone proved by a code).
 */
export async function publicAppealView(em: EntityManager, appeal: PublicAppealRow): Promise<TrackedAppeal> {
  const events = await all<{
    seq: number;
    type: string;
    at: Date | string;
    actor_role: string;
    payload: Record<string, unknown>;
  }>(
    em,
    `select seq, type, at, actor_role, payload from appeal_event
      where appeal_id = ? and type in (?) order by seq`,
    [appeal.id, [...Object.keys(STEP_OF), 'REPLY', 'SELF_HANDLE']],
  );
  const departmentIds = events
    .map((e) => (e.type === 'DISPATCH' || e.type === 'HAND_TO_POLICY_LEAD' ? Number(e.payload.departmentId) : 0))
    .filter((id) => id > 0);
  const departments = new Map(
    (
      await all<{ id: number; name: string }>(em, 'select id, name from department where id in (?)', [
        departmentIds.length ? departmentIds : [0],
      ])
    ).map((d) => [d.id, d.name]),
  );
  const steps: PublicStep[] = [];
  let lastReply: string | undefined;
  for (const e of events) {
    // A reply is the department's until the hotline approves it: shown with the approval, never before.
    if (e.type === 'REPLY' || e.type === 'SELF_HANDLE') {
      lastReply = String(e.payload.result ?? '');
      continue;
    }
    const kind = STEP_OF[e.type];
    const at = localDateTime(new Date(e.at));
    if (kind === 'dispatched')
      steps.push({ kind, at, department: departments.get(Number(e.payload.departmentId)) ?? '承办单位' });
    else if (kind === 'answered')
      steps.push({ kind, at, answer: e.type === 'RESOLVE_ON_SPOT' ? String(e.payload.answer ?? '') : lastReply });
    else if (kind === 'feedback')
      steps.push({
        kind,
        at,
        satisfaction: String(e.payload.satisfaction ?? ''),
        byCitizen: e.actor_role === 'citizen',
      });
    // Only the citizen's own words: a supplement or withdrawal by anyone else is not his (the machine allows none).
    else if ((kind === 'supplemented' || kind === 'withdrawn') && e.actor_role === 'citizen')
      steps.push({ kind, at, text: String(e.payload.text ?? e.payload.reason ?? '') });
    else if (kind !== 'supplemented' && kind !== 'withdrawn') steps.push({ kind, at });
  }
  // What the citizen may do now is the machine's to say, asked with his own actor.
  const snapshot = restoreAppealSnapshot(jsonb(appeal.snapshot));
  const citizenMay = (e: Omit<AppealEvent, 'actor' | 'at'>) =>
    snapshot.can({ ...e, actor: CITIZEN_ACTOR, at: new Date().toISOString() } as AppealEvent);
  const withdrawn = steps.some((s) => s.kind === 'withdrawn');
  return {
    number: appeal.number,
    category: appeal.category,
    content: appeal.content,
    submittedAt: appeal.submitted_at ? localDateTime(new Date(appeal.submitted_at)) : null,
    status: withdrawn ? 'withdrawn' : publicStatusOf(appeal.phase),
    steps,
    mayRate: appeal.needs_citizen,
    mayWithdraw: citizenMay({ type: 'WITHDRAW', reason: 'reason' } as Omit<AppealEvent, 'actor' | 'at'>),
    maySupplement: citizenMay({ type: 'SUPPLEMENT', text: 'more information' } as Omit<AppealEvent, 'actor' | 'at'>),
    version: appeal.version,
  };
}
