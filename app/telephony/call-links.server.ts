import type { EntityManager } from '@mikro-orm/sql';
import type { Actor } from '../../machines/actor';
import { localDateTime } from '../calendar/working-time';
import { maskPhone } from '../cases/masking';
import { all, inTransaction, one } from '../db/sql.server';
import { Forbidden, InvalidInput, NotFound } from '../domain/errors';
import { appealVisibility } from './appeal-scope.server';
import { can } from '../domain/permissions';
import { callIdField } from './call-events.server';
import { recordingUrl } from './recordings.server';

// A call is linked to the appeals taken or followed up in it: by the intake form that saves an
// appeal for the call in progress, or by a callback dialled from the appeal's page.

/** Links a call to an appeal (insert-if-absent: a retried submit never duplicates the link). */
export async function linkCallToAppeal(
  em: EntityManager,
  input: { callId: string; appealId: number; actor: Actor },
): Promise<{ linked: boolean }> {
  const { actor } = input;
  const callId = callIdField.safeParse(input.callId);
  if (!callId.success) throw new InvalidInput('通话标识无效', { callId: ['通话标识无效'] });
  if (!can(actor, 'calls:answer') && !can(actor, 'calls:link-any')) throw new Forbidden('您无权关联通话');
  return inTransaction(em, async (tx) => {
    const call = await one<{ id: number; took: boolean }>(
      tx,
      `select c.id, exists (select 1 from call_event e
                             where e.call_id = c.id and e.agent_id = ? and e.kind in ('answered', 'dialing')) as took
         from call c where c.call_id = ?`,
      [actor.userId, callId.data],
    );
    if (!call) throw new InvalidInput('通话不存在', { callId: ['通话不存在'] });
    if (!call.took && !can(actor, 'calls:link-any')) throw new Forbidden('只能关联您接听或拨出的通话');
    const appeal = await one(tx, 'select id from appeal where id = ?', [input.appealId]);
    if (!appeal) throw new InvalidInput('诉求不存在', { appealId: ['诉求不存在'] });
    const inserted = await all(
      tx,
      'insert into call_appeal (call_id, appeal_id) values (?, ?) on conflict do nothing returning call_id',
      [call.id, input.appealId],
    );
    return { linked: inserted.length > 0 };
  });
}

export interface AppealCallView {
  callId: string;
  direction: string;
  from: string;
  to: string;
  ringAt: string | null;
  answerAt: string | null;
  endAt: string | null;
  disposition: string | null;
  waitSeconds: number | null;
  talkSeconds: number | null;
  hasRecording: boolean;
  recordingUrl: string | null;
}

const localOrNull = (d: Date | string | null) => (d ? localDateTime(new Date(d)) : null);

/**
 * The calls linked to an appeal, for its page. The citizen's number is masked like the
 * complainant's phone, and hidden where the viewer may not see the complainant.
 */
export async function callsForAppeal(em: EntityManager, actor: Actor, appealId: number): Promise<AppealCallView[]> {
  const sees = await appealVisibility(em, actor, appealId);
  if (!sees) throw new NotFound('诉求不存在');
  if (!sees.appeal) throw new Forbidden('您无权查看此诉求');
  const citizen = (n: string) => (sees.citizen ? maskPhone(n) : '（保密）');
  const rows = await all(
    em,
    `select c.call_id, c.direction, c.from_number, c.to_number, c.ring_at, c.answer_at, c.end_at, c.disposition,
            c.wait_seconds, c.talk_seconds, c.recording_ref
       from call c join call_appeal ca on ca.call_id = c.id
      where ca.appeal_id = ? order by c.ring_at nulls last, c.id`,
    [appealId],
  );
  return rows.map((c) => ({
    callId: c.call_id,
    direction: c.direction,
    from: c.direction === 'inbound' ? citizen(c.from_number) : c.from_number,
    to: c.direction === 'outbound' ? citizen(c.to_number) : c.to_number,
    ringAt: localOrNull(c.ring_at),
    answerAt: localOrNull(c.answer_at),
    endAt: localOrNull(c.end_at),
    disposition: c.disposition,
    waitSeconds: c.wait_seconds,
    talkSeconds: c.talk_seconds,
    hasRecording: Boolean(c.recording_ref),
    // Whoever sees the appeal may play the recordings of its calls (openRecording checks the same).
    recordingUrl: c.recording_ref ? recordingUrl(c.call_id) : null,
  }));
}
