import { beforeAll, describe, expect, it } from 'vitest';
import { getAdjacencyMap, getShortestPaths, getStateNodes } from 'xstate/graph';
import { APPEAL_EVENT_TYPES, eventRoles, type AppealEvent, type AppealEventType } from '../../machines/appeal-events';
import type { Actor } from '../../machines/actor';
import {
  appealMachine,
  applyAppealEvent,
  createAppealSnapshot,
  phaseOf,
  slaOf,
  type AppealSnapshot,
} from '../../machines/appeal';
import { sendAppealEvent } from '../../app/case-links/refer.server';
import { createDraft } from '../../app/appeals/intake.server';
import { verifyAuditChains } from '../../app/appeals/audit.server';
import { CITIZEN_ACTOR, SYSTEM_ACTOR } from '../../app/cases/actor';
import { DB_KINDS } from '../support/env';
import { useTestServices, type TestServices } from '../support/services';
import { submitAppeal } from '../support/appeals';

/**
 * Model-based: xstate/graph finds, for every transition configured in the machine, the shortest
 * path of demo-city events that takes it; each path is then replayed through the real service on
 * the database, and every step must land where the machine said it would.
 */
describe.each(DB_KINDS)('lifecycle paths through the service on %s', (kind) => {
  const t = useTestServices(kind);
  let mergeTarget: number;
  let witnesses: { key: string; events: AppealEvent[] }[] = [];

  beforeAll(async () => {
    mergeTarget = (await submitAppeal(t.services, t.ids)).id;
    // A published demo policy led by the district the paths' handler works in, for the policy handover.
    const [policy] = await t.sql<{ id: number }>(
      `select id from policy where lead_department_id = ? and published_version > 0 and 'public' = any(tags) order by id limit 1`,
      [t.ids.departments.get('D01')!],
    );
    witnesses = transitionWitnesses(t, mergeTarget, Number(policy.id));
  });

  it('finds a path for every transition of the machine', () => {
    const configured = new Set<string>();
    for (const node of [appealMachine.root, ...getStateNodes(appealMachine.root)]) {
      for (const [eventType, list] of node.transitions)
        list.forEach((_, i) => configured.add(`${node.id} ${eventType} #${i}`));
    }
    expect([...configured].filter((k) => !witnesses.some((w) => w.key === k))).toEqual([]);
  });

  it('includes self-handling (自行处置) of a patrol report and its closing verification', () => {
    const keys = witnesses.map((w) => w.key);
    expect(keys).toEqual(
      expect.arrayContaining(['appeal.phase.draft SELF_HANDLE #0', 'appeal.phase.verification VERIFY_APPROVE #0']),
    );
    const selfHandle = witnesses.find((w) => w.key === 'appeal.phase.draft SELF_HANDLE #0')!;
    expect(selfHandle.events.map((e) => e.type)).toEqual(['SELF_HANDLE']);
  });

  it('includes the grid verification (核查) steps: a grid reply, approval and sending back', () => {
    const keys = witnesses.map((w) => w.key);
    expect(keys).toEqual(
      expect.arrayContaining([
        'appeal.phase.handling REPLY #0',
        'appeal.phase.handling REPLY #1',
        'appeal.phase.verification VERIFY_APPROVE #1',
        'appeal.phase.verification VERIFY_REJECT #0',
        'appeal.phase.verification VERIFY_REJECT #1',
      ]),
    );
    const gridReply = witnesses.find((w) => w.key === 'appeal.phase.handling REPLY #0')!;
    expect(gridReply.events.at(-1)!.actor.role).toBe('gridWorker');
  });

  it('replays every path through the service, step by step, with an intact audit chain', async () => {
    const operator = t.as('operator');
    let events = 0;
    for (const { key, events: path } of witnesses) {
      // Self-handling needs the grid worker's own patrol report, a citizen's step an appeal he filed on the site
      // (and submitted himself, as the site does); every other path starts at the operator's desk.
      const patrol = path.some((e) => e.type === 'SELF_HANDLE');
      const web = path.some((e) => e.actor.role === 'citizen');
      const creator = patrol ? path.find((e) => e.type === 'SELF_HANDLE')!.actor : web ? CITIZEN_ACTOR : operator;
      if (web) for (const e of path) if (e.type === 'SUBMIT') e.actor = CITIZEN_ACTOR;
      const source = patrol ? 'patrol' : web ? 'web' : undefined;
      const draft = await createDraft(t.services, creator, {
        type: 'complaint',
        categoryId: t.ids.categories.get('0201')!,
        title: '路径测试',
        content: `路径 ${key}`,
        ...(source ? { source } : {}),
        ...(patrol ? { gridId: t.ids.grids.get('G01')! } : {}),
      });
      let predicted = createAppealSnapshot({ createdBy: creator.userId, source });
      let version = draft.version;
      for (const e of path) {
        const { type, actor, at: _at, ...payload } = e as AppealEvent & Record<string, unknown>;
        // The server decides where a policy handover goes and by when; the request names only the policy.
        if (type === 'HAND_TO_POLICY_LEAD') {
          for (const k of ['leadDepartmentId', 'chiefRepresentativeId', 'acceptDueAt', 'dueAt', 'dueUnit'])
            delete payload[k];
        }
        if (type === 'REFERRAL_DONE' || type === 'REFER_ON') {
          const [row] = await t.sql<{ id: string }>(
            `select snapshot->'context'->>'referralId' as id from appeal where id = ?`,
            [draft.id],
          );
          const current = Number(row.id);
          if (type === 'REFERRAL_DONE') payload.referralId = current;
          else Object.assign(payload, { fromReferralId: current, referralId: current + 100_000 });
        }
        const r = await sendAppealEvent(t.services, {
          appealId: draft.id,
          expectedVersion: version,
          type,
          payload,
          actor,
        }).catch((err) => {
          throw new Error(
            `${key}: ${type} by ${actor.role} refused: ${err.message} ${JSON.stringify(err.fieldErrors ?? {})}`,
          );
        });
        predicted = applyAppealEvent(predicted, withoutDays(e)).next;
        expect({ key, type, phase: r.phase, sla: r.sla }).toEqual({
          key,
          type,
          phase: phaseOf(predicted),
          sla: slaOf(predicted),
        });
        version = r.version;
        events++;
      }
    }
    expect(events).toBeGreaterThan(witnesses.length);
    expect((await verifyAuditChains(t.em())).broken).toEqual([]);
  });
});

// The service turns APPROVE_EXTENSION's `days` into `newDueAt`; the pure machine must not see it.
function withoutDays(e: AppealEvent): AppealEvent {
  if (e.type !== 'APPROVE_EXTENSION') return e;
  const { days: _days, ...rest } = e as AppealEvent & { days?: number };
  return rest as AppealEvent;
}

function transitionWitnesses(t: TestServices, mergeTarget: number, policyId: number) {
  const dep = (code: string) => t.ids.departments.get(code)!;
  // A district dispatch can go two levels down: district → street → community.
  const chain = [dep('D01'), dep('S0101'), dep('M01')];
  const handler: Actor = { ...t.as('handler'), departmentIds: chain };
  const gridWorker: Actor = { ...t.as('gridworker'), gridIds: [t.ids.grids.get('G01')!] };
  const actors: Actor[] = [
    t.as('operator'),
    t.as('dispatcher'),
    t.as('supervisor'),
    t.as('reviewer'),
    t.as('mediator'),
    SYSTEM_ACTOR,
    handler,
    // 住建局's handler, the assisting unit (协办) of the second dispatch variant.
    t.as('handler2'),
    gridWorker,
    // Last, so that a step others may take too is taken by staff; the citizen's own steps still find him.
    CITIZEN_ACTOR,
  ];
  const due = new Date(Date.now() + 86400_000).toISOString();
  const payloads = (type: AppealEventType, s: AppealSnapshot): Record<string, unknown>[] => {
    switch (type) {
      case 'DISPATCH':
        return [
          { departmentId: chain[0], assistingDepartmentIds: [], acceptDueAt: due },
          { departmentId: chain[0], assistingDepartmentIds: [dep('F01')], acceptDueAt: due, assistDueAt: due },
        ];
      case 'HAND_TO_POLICY_LEAD':
        return [
          {
            policyId,
            reason: 'complaint',
            complaintKind: 'notReceived',
            leadDepartmentId: chain[0],
            chiefRepresentativeId: null,
            acceptDueAt: due,
            dueAt: due,
            dueUnit: 'workingDays',
          },
        ];
      case 'ASSIST_ACCEPT':
        return [{ assistDepartmentId: dep('F01') }];
      case 'ASSIST_OPINION':
        return [{ assistDepartmentId: dep('F01'), text: '协办意见' }];
      case 'ASSIGN_GRID':
        return [{ gridId: t.ids.grids.get('G01')!, acceptDueAt: due }];
      case 'SUB_DISPATCH': {
        const next = chain[chain.indexOf(s.context.assigneeDepartmentId ?? -1) + 1];
        return next ? [{ departmentId: next, acceptDueAt: due }] : [];
      }
      case 'MERGE_INTO':
        return [{ targetAppealId: mergeTarget }];
      // The service computes `from`, the deadlines and their unit itself; the machine's model needs them.
      case 'RECLASSIFY': {
        const c = {
          categoryId: t.ids.categories.get('0201')!,
          appealType: 'complaint',
          urgency: 'normal',
          address: null,
          gridId: null,
        };
        return [
          {
            ...c,
            appealType: 'report',
            urgency: 'urgent',
            from: c,
            previousDueAt: null,
            dueAt: due,
            dueUnit: 'workingDays',
          },
        ];
      }
      case 'RESOLVE_ON_SPOT':
        return [{ answer: '依据知识库当场答复' }];
      case 'REFER':
        return [{ kind: 'mediation', agencyId: dep('R01'), referralId: 1 }];
      // The outcome names the case the appeal waits for; the replay below swaps in the real case id.
      case 'REFER_ON':
        return [
          {
            kind: 'legalAid',
            agencyId: dep('R02'),
            referralId: (s.context.referralId ?? 0) + 1,
            fromReferralId: s.context.referralId ?? 0,
          },
        ];
      case 'RETURN':
      case 'REJECT_RETURN':
      case 'REJECT_EXTENSION':
      case 'SUPERVISOR_CLOSE':
        return [{ reason: '测试理由' }];
      // Each way a redo can go: the old rule (no choice), the same unit, back to triage.
      case 'REJECT_REPLY':
      case 'REDO':
      case 'VERIFY_REJECT':
        return [
          { reason: '测试理由' },
          { reason: '测试理由', redoTo: 'sameUnit' },
          { reason: '测试理由', redoTo: 'triage' },
        ];
      case 'REOPEN':
        return [{ reason: '问题再次出现', dueAt: due }];
      case 'NOTE':
      case 'FIELD_UPDATE':
        return [{ text: '现场记录' }];
      case 'REQUEST_EXTENSION':
        return [{ days: 3, reason: '需要协调' }];
      case 'APPROVE_EXTENSION':
        return [{ newDueAt: due, days: 3 }];
      case 'REPLY':
        return [
          { result: '已处理', resolved: true },
          { result: '已处理', resolved: true, assistOverride: '协办单位联系未果' },
        ];
      case 'REFERRAL_DONE':
        return [
          { outcome: 'resolved', referralId: s.context.referralId ?? 0 },
          { outcome: 'refused', referralId: s.context.referralId ?? 0 },
        ];
      case 'APPROVE_REPLY':
        return [{ callbackDueAt: due }];
      case 'VERIFY_APPROVE':
        return [{ callbackDueAt: due, note: '现场核查属实' }];
      case 'SELF_HANDLE':
        return [{ result: '现场已清理', gridId: t.ids.grids.get('G01')! }];
      case 'FEEDBACK':
        return [
          { satisfaction: 'satisfied', resolved: true },
          { satisfaction: 'basicallySatisfied', resolved: false },
          { satisfaction: 'dissatisfied', resolved: false },
        ];
      case 'SUPERVISE':
        return [{ note: '督办' }];
      case 'MARK_UNREASONABLE':
        return [
          { unreasonable: true, reason: '诉求明显超出政策范围' },
          { unreasonable: false, reason: '复核后撤销标记' },
        ];
      case 'ESCALATE':
        return [{ to: 'leader', note: '提交领导' }];
      // The old value must be what the draft holds (the service checks it): every path's draft has this title.
      case 'EDIT_DRAFT':
        return [{ changes: { title: { from: '路径测试', to: '路径测试（草稿已改）' } } }];
      case 'WITHDRAW':
        return [{ reason: '问题已自行解决' }];
      case 'SUPPLEMENT':
        return [{ text: '补充：每天早上七点最严重。' }];
      default:
        return [{}];
    }
  };
  const events = (s: AppealSnapshot): AppealEvent[] => {
    const at = new Date().toISOString();
    const out: AppealEvent[] = [];
    for (const type of APPEAL_EVENT_TYPES) {
      for (const actor of actors.filter((a) => eventRoles[type].includes(a.role))) {
        for (const p of payloads(type, s)) out.push({ type, actor, at, ...p } as AppealEvent);
      }
    }
    return out;
  };
  // Only what guards read, so the graph stays finite (counters that never gate anything are left out).
  const serializeState = (s: AppealSnapshot) => {
    const c = s.context;
    const phase = phaseOf(s);
    return JSON.stringify([
      s.value,
      c.gridId !== null ? 'grid' : (c.assigneeDepartmentId ?? 'none'),
      c.extensionCount,
      c.redoCount,
      phase === 'callback.calling' ? [c.callbackAttempts, c.callbackOverdue] : null,
      c.selfHandled,
      c.assists.filter((x) => x.status === 'pending' || x.status === 'accepted').map((x) => x.status),
    ]);
  };
  const strip = withoutDays;
  const best = new Map<string, AppealEvent[]>();
  // First from the operator's draft, as every appeal by phone starts; then from a grid worker's own
  // patrol draft, only for the transitions that need it (SELF_HANDLE and what follows from it).
  const explore = (input: { createdBy: number; source?: string }, onlyNew: boolean) => {
    const options = {
      input,
      events,
      serializeState,
      filterEvents: (s: AppealSnapshot, e: AppealEvent) => s.can(strip(e)),
    };
    const shortest = new Map<string, AppealEvent[]>();
    for (const p of getShortestPaths(appealMachine, options))
      shortest.set(
        serializeState(p.state),
        p.steps.slice(1).map((st) => st.event),
      );
    const found = new Map<string, AppealEvent[]>();
    for (const [key, { state, transitions }] of Object.entries(getAdjacencyMap(appealMachine, options))) {
      const prefix = shortest.get(key) ?? [];
      for (const { event } of Object.values(transitions) as { event: AppealEvent }[]) {
        for (const tr of appealMachine.getTransitionData(state, strip(event))) {
          const id = `${tr.source.id} ${tr.eventType} #${tr.source.transitions.get(tr.eventType)!.indexOf(tr)}`;
          const path = [...prefix, event];
          if (!found.has(id) || found.get(id)!.length > path.length) found.set(id, path);
        }
      }
    }
    for (const [id, path] of found) if (!onlyNew || !best.has(id)) best.set(id, path);
  };
  explore({ createdBy: t.as('operator').userId }, false);
  explore({ createdBy: gridWorker.userId, source: 'patrol' }, true);
  return [...best.entries()].map(([key, evs]) => ({ key, events: evs }));
}
