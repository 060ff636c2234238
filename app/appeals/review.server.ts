import type { EntityManager } from '@mikro-orm/sql';
import type { Actor } from '../../machines/actor';
import { redoTargets, type AppealSnapshot } from '../../machines/appeal';
import type { AppealEventType, RedoTarget } from '../../machines/appeal-events';
import { localDateTime } from '../calendar/working-time';
import { all, jsonb, one } from '../db/sql.server';

// What the reviewer decides on, beside the buttons that decide it: the answer under review (审核/核查)
// and where a redo (重办) may go.

/** The answer that is being reviewed or verified, as the review forms show it. */
export interface ReplyUnderReview {
  /** REPLY, RESOLVE_ON_SPOT, SELF_HANDLE or REFERRAL_DONE: how the answer came. */
  type: string;
  text: string | null;
  resolved: boolean | null;
  /** Referral outcome (resolved / unresolved) when a referral case answered. */
  outcome: string | null;
  by: string;
  /** The replier's unit (department or grid), when known. */
  unit: string | null;
  /** Local time. */
  at: string;
  attachments: { id: number; fileName: string; size: number; contentType: string }[];
}

const ANSWERS = ['REPLY', 'RESOLVE_ON_SPOT', 'SELF_HANDLE', 'REFERRAL_DONE'];
// A redo starts a new round: files from before it belong to the answer that was sent back.
const ROUND_ENDS = ['REJECT_REPLY', 'REDO', 'VERIFY_REJECT'];
const REVIEW_EVENTS: AppealEventType[] = ['APPROVE_REPLY', 'REJECT_REPLY', 'VERIFY_APPROVE', 'VERIFY_REJECT'];
const REDO_EVENTS = ['REJECT_REPLY', 'REDO', 'VERIFY_REJECT'] as const;

/** Where each redo event the user may send now may go, as the machine's guards decide. */
export function redoChoices(
  snapshot: AppealSnapshot,
  actor: Actor,
  types: AppealEventType[],
  now: Date,
): Partial<Record<(typeof REDO_EVENTS)[number], RedoTarget[]>> {
  return Object.fromEntries(
    REDO_EVENTS.filter((t) => types.includes(t)).map((t) => [t, redoTargets(snapshot, actor, t, now.toISOString())]),
  );
}

/**
 * The latest answer of the appeal with its files, when the user is about to review or verify it. The files
 * are those its author added since the last redo (an answer's evidence is uploaded while handling it).
 */
export async function replyUnderReview(
  em: EntityManager,
  appealId: number,
  types: AppealEventType[],
): Promise<ReplyUnderReview | null> {
  if (!types.some((t) => REVIEW_EVENTS.includes(t))) return null;
  const answer = await one<{
    seq: number;
    type: string;
    at: Date | string;
    payload: unknown;
    actor_id: number | null;
    display_name: string | null;
    unit: string | null;
  }>(
    em,
    `select e.seq, e.type, e.at, e.payload, e.actor_id, u.display_name,
            coalesce(d.name, (select g.name from grid g where g.id = a.assigned_grid_id)) as unit
       from appeal_event e join appeal a on a.id = e.appeal_id
       left join app_user u on u.id = e.actor_id left join department d on d.id = u.department_id
      where e.appeal_id = ? and e.type in (${ANSWERS.map(() => '?').join(', ')})
      order by e.seq desc limit 1`,
    [appealId, ...ANSWERS],
  );
  if (!answer) return null;
  const payload = jsonb<Record<string, unknown> | null>(answer.payload) ?? {};
  const text = [payload.result, payload.answer, payload.note].find((v): v is string => typeof v === 'string');
  const roundStart = await one<{ at: Date | string }>(
    em,
    `select at from appeal_event where appeal_id = ? and seq < ? and type in (${ROUND_ENDS.map(() => '?').join(', ')})
      order by seq desc limit 1`,
    [appealId, answer.seq, ...ROUND_ENDS],
  );
  const files = answer.actor_id
    ? await all<{ id: number; file_name: string; size: number; content_type: string }>(
        em,
        `select id, file_name, size, content_type from attachment
          where appeal_id = ? and uploaded_by_id = ? and (?::timestamptz is null or created_at > ?::timestamptz)
          order by id`,
        [appealId, answer.actor_id, roundStart?.at ?? null, roundStart?.at ?? null],
      )
    : [];
  return {
    type: answer.type,
    text: text ?? null,
    resolved: typeof payload.resolved === 'boolean' ? payload.resolved : null,
    outcome: typeof payload.outcome === 'string' ? payload.outcome : null,
    by: answer.display_name ?? '系统',
    unit: answer.unit,
    at: localDateTime(new Date(answer.at)),
    attachments: files.map((f) => ({ id: f.id, fileName: f.file_name, size: f.size, contentType: f.content_type })),
  };
}
