import type { EntityManager } from '@mikro-orm/sql';
import type { CallbackContext } from '../../machines/beneficiary-callback';
import { createDraftIn } from '../appeals/intake.server';
import { applyEvent, type AppealServices } from '../appeals/service.server';
import {
  opensComplaint,
  transitionCallback,
  type CallbackCommand,
  type CallbackLink,
} from '../beneficiary-callbacks/service.server';
import { one, run } from '../db/sql.server';

// Beneficiary callbacks and appeals meet here: a callback that finds a problem (not received, wrong amount, late, or
// a complaint in the beneficiary's words) opens a complaint appeal about the policy's delivery, linked to the record
// (appeal_policy) and to the callback, in the callback's own transaction. The appeal is submitted to the dispatch
// desk, which sends it to the policy's lead department as any complaint.

/** Where a policy complaint is filed in the category tree: 政策咨询, the policies' own branch. */
export const POLICY_COMPLAINT_CATEGORY = '10';

export interface CallbackStepResult {
  callbackId: number;
  version: number;
  phase: string;
  /** The complaint the step opened, if it found a problem. */
  appeal: { id: number; number: string } | null;
}

const YES_NO = (v: boolean) => (v ? '是' : '否');
const SATISFACTION: Record<string, string> = {
  satisfied: '满意',
  basicallySatisfied: '基本满意',
  dissatisfied: '不满意',
};

interface RecordFacts {
  name: string;
  phone: string;
  amount: string;
  paid_on: string;
  policy_id: number;
  policy_number: string;
  policy_title: string;
  department_name: string;
  period_label: string;
  category_id: number | null;
}

async function recordFacts(tx: EntityManager, callbackId: number): Promise<RecordFacts> {
  return (await one<RecordFacts>(
    tx,
    `select r.name, r.phone, r.amount::text as amount, to_char(r.paid_on, 'YYYY-MM-DD') as paid_on, p.id as policy_id,
            p.number as policy_number, p.title as policy_title, d.name as department_name, pp.label as period_label,
            (select id from category where code = ? and active) as category_id
       from beneficiary_callback b
       join policy_record r on r.id = b.record_id
       join policy p on p.id = b.policy_id
       join department d on d.id = b.department_id
       join policy_period pp on pp.id = b.period_id
      where b.id = ?`,
    [POLICY_COMPLAINT_CATEGORY, callbackId],
  ))!;
}

/** The complaint in the hotline's words, from the beneficiary's answers. */
function complaintContent(f: RecordFacts, result: NonNullable<CallbackContext['result']>): string {
  return [
    `回访核实发现问题：${f.period_label} 期政策落实记录（${f.policy_number}《${f.policy_title}》，牵头部门 ${f.department_name}）`,
    `记录发放金额 ${f.amount} 元，发放日期 ${f.paid_on}。`,
    `是否收到：${YES_NO(result.received)}；金额是否相符：${YES_NO(result.amountRight)}；是否按时：${YES_NO(result.onTime)}；` +
      `满意度：${SATISFACTION[result.satisfaction] ?? result.satisfaction}。`,
    result.problem ? `受益人反映：${result.problem}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

/** RECORD_RESULT with a problem: the complaint opens, is submitted, and is linked, with the callback's step. */
const complaint: CallbackLink<{ id: number; number: string }> = {
  writes: (step) => {
    if (!opensComplaint(step)) return null;
    const services = step.services as AppealServices;
    return async (tx) => {
      const f = await recordFacts(tx, step.row.id);
      const result = step.next.context.result!;
      const draft = await createDraftIn(
        tx,
        step.actor,
        {
          source: 'hotline',
          type: 'complaint',
          categoryId: f.category_id ?? 0,
          callerPhone: f.phone,
          citizenName: f.name,
          title: `政策落实回访问题：${f.policy_title}`.slice(0, 200),
          content: complaintContent(f, result),
        },
        step.now,
      );
      await applyEvent(
        { ...services, now: () => step.now },
        { appealId: draft.id, type: 'SUBMIT', actor: step.actor, payload: {} },
        { tx },
      );
      await run(
        tx,
        `insert into appeal_policy (appeal_id, policy_id, record_id, reason, created_by_id, created_at)
         values (?, ?, ?, 'complaint', ?, ?)`,
        [draft.id, f.policy_id, step.row.recordId, step.actor.userId, step.now],
      );
      await run(tx, 'update beneficiary_callback set appeal_id = ? where id = ?', [draft.id, step.row.id]);
      return { id: draft.id, number: draft.number };
    };
  },
};

/** A callback's step; a result with a problem opens its complaint appeal in the same transaction. */
export async function sendCallbackEvent(services: AppealServices, cmd: CallbackCommand): Promise<CallbackStepResult> {
  const r = await transitionCallback(services, cmd, cmd.type === 'RECORD_RESULT' ? { link: complaint } : {});
  return { callbackId: r.callbackId, version: r.version, phase: r.phase, appeal: r.linked ?? null };
}
