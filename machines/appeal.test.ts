import { beforeAll, describe, expect, it } from 'vitest';
import { createTestModel, getAdjacencyMap, getShortestPaths, getStateNodes } from 'xstate/graph';
import type { AdjacencyMap, AdjacencyValue } from 'xstate/graph';
import {
  APPEAL_MACHINE_ID,
  APPEAL_MACHINE_VERSION,
  APPEAL_PHASES,
  MAX_CALLBACK_ATTEMPTS,
  MAX_DISPATCH_LEVEL,
  MAX_EXTENSIONS,
  MAX_REDO,
  REOPEN_WINDOW_DAYS,
  acceptedEventTypes,
  appealMachine,
  appealTagsOf,
  applyAppealEvent,
  createAppealSnapshot,
  persistAppealSnapshot,
  phaseOf,
  restoreAppealSnapshot,
  redoTargets,
  roleAllowed,
  slaOf,
  type AppealPhase,
  type AppealSnapshot,
  type AppealTag,
} from './appeal';
import {
  APPEAL_EVENT_TYPES,
  eventPayloadSchemas,
  eventRoles,
  parseAppealEvent,
  type AppealEvent,
  type AppealEventPayload,
  type AppealEventType,
} from './appeal-events';
import { ROLES, type Actor, type Role } from './actor';
import { lifecycleChart } from './appeal-chart';

const T0 = '2025-03-03T01:00:00.000Z';
const DAY = 24 * 60 * 60 * 1000;
const plusDays = (iso: string, days: number) => new Date(Date.parse(iso) + days * DAY).toISOString();

const LEAD_DEPT = 10;
const ASSIST_DEPT = 12;
const GRID = 5;

let nextUserId = 1;
const mk = (role: Role, extra: Partial<Actor> = {}): Actor => ({
  userId: nextUserId++,
  role,
  departmentIds: [],
  gridIds: [],
  ...extra,
});

const operator = mk('operator');
const dispatcher = mk('dispatcher');
const supervisor = mk('supervisor');
const reviewer = mk('reviewer');
const mediator = mk('mediator');
const system = mk('system');
const admin = mk('admin');
const citizen = mk('citizen');
const client = mk('client');
const handler = mk('handler', { departmentIds: [LEAD_DEPT] });
const gridWorker = mk('gridWorker', { gridIds: [GRID] });
const otherHandler = mk('handler', { departmentIds: [11, ASSIST_DEPT] });
/** The assisting unit's handler (协办) of the default dispatch. */
const assistant = mk('handler', { departmentIds: [ASSIST_DEPT] });
const otherGridWorker = mk('gridWorker', { gridIds: [6] });

/** One actor per role, each in scope for the default dispatch (dept 10) or grid (5). */
const BY_ROLE: Record<Role, Actor> = {
  operator,
  dispatcher,
  handler,
  gridWorker,
  mediator,
  reviewer,
  supervisor,
  admin,
  citizen,
  client,
  system,
};

/** Actors that hold every department and grid, so only their role can be the reason for a refusal. */
const omniscoped = (role: Role): Actor =>
  mk(role, { departmentIds: [LEAD_DEPT, ASSIST_DEPT, 20, 30, 40], gridIds: [GRID, 6] });

const DEFAULT_PAYLOADS: { [T in AppealEventType]: AppealEventPayload<T> } = {
  SUBMIT: {},
  DISCARD: {},
  EDIT_DRAFT: { changes: { title: { from: '路灯不亮', to: '人民路路灯不亮' } } },
  DISPATCH: {
    departmentId: LEAD_DEPT,
    assistingDepartmentIds: [ASSIST_DEPT],
    acceptDueAt: plusDays(T0, 1),
    dueAt: plusDays(T0, 10),
  },
  HAND_TO_POLICY_LEAD: {
    policyId: 3,
    reason: 'consultation',
    leadDepartmentId: LEAD_DEPT,
    chiefRepresentativeId: 41,
    acceptDueAt: plusDays(T0, 0.25),
    dueAt: plusDays(T0, 1),
    dueUnit: 'workingDays',
  },
  ASSIGN_GRID: { gridId: GRID, acceptDueAt: plusDays(T0, 1) },
  RESOLVE_ON_SPOT: { answer: 'Office hours are 9 to 5.', knowledgeArticleId: 7 },
  MERGE_INTO: { targetAppealId: 99 },
  REFER: { kind: 'mediation', agencyId: 70, note: 'neighbour dispute', referralId: 500 },
  RECLASSIFY: {
    categoryId: 8,
    appealType: 'report',
    urgency: 'urgent',
    address: '人民路 1 号',
    gridId: GRID,
    from: { categoryId: 7, appealType: 'complaint', urgency: 'normal', address: null, gridId: null },
    previousDueAt: plusDays(T0, 7),
    dueAt: plusDays(T0, 3),
    dueUnit: 'workingDays',
  },
  ACCEPT: {},
  RETURN: { reason: 'not our remit' },
  SUB_DISPATCH: { departmentId: 20, acceptDueAt: plusDays(T0, 2) },
  ASSIST_ACCEPT: { assistDepartmentId: ASSIST_DEPT },
  ASSIST_OPINION: { assistDepartmentId: ASSIST_DEPT, text: 'our part: permit checked' },
  APPROVE_RETURN: {},
  REJECT_RETURN: { reason: 'it is your remit' },
  NOTE: { text: 'called the company' },
  FIELD_UPDATE: { text: 'on site, photo taken', lat: 31.2, lng: 121.5 },
  REQUEST_EXTENSION: { days: 5, reason: 'waiting for parts' },
  APPROVE_EXTENSION: { newDueAt: plusDays(T0, 15) },
  REJECT_EXTENSION: { reason: 'not justified' },
  REPLY: { result: 'street light repaired', resolved: true },
  REFERRAL_DONE: { outcome: 'resolved', referralId: 500 },
  REFER_ON: { kind: 'legalAid', agencyId: 71, referralId: 501, fromReferralId: 500 },
  APPROVE_REPLY: { callbackDueAt: plusDays(T0, 3) },
  REJECT_REPLY: { reason: 'reply does not answer the question' },
  SELF_HANDLE: { result: 'cleared the rubbish on the spot', gridId: GRID },
  VERIFY_APPROVE: { note: 'checked on site, pavement restored', callbackDueAt: plusDays(T0, 4) },
  VERIFY_REJECT: { reason: 'the after photo still shows the rubbish' },
  FEEDBACK: { satisfaction: 'satisfied', resolved: true },
  UNREACHABLE: {},
  REDO: { reason: 'citizen says nothing changed' },
  SUPERVISOR_CLOSE: { reason: 'unreasonable demand, reviewed' },
  REOPEN: { reason: 'same problem again', dueAt: plusDays(T0, 20) },
  SUPERVISE: { note: 'please hurry' },
  MARK_UNREASONABLE: { unreasonable: true, reason: 'demands a road built to his door' },
  ESCALATE: { to: 'leader', note: 'third complaint' },
  WARN: {},
  OVERDUE: {},
  CALLBACK_DUE: {},
  WITHDRAW: { reason: '问题已经自行解决' },
  SUPPLEMENT: { text: '路灯在 3 号楼门口，晚上七点以后不亮' },
};

function ev<T extends AppealEventType>(
  type: T,
  actor: Actor,
  payload: Partial<AppealEventPayload<T>> = {},
  at: string = T0,
): AppealEvent {
  return { ...DEFAULT_PAYLOADS[type], ...payload, type, actor, at } as AppealEvent;
}

function apply(snapshot: AppealSnapshot, event: AppealEvent): AppealSnapshot {
  const { accepted, next } = applyAppealEvent(snapshot, event);
  if (!accepted) {
    throw new Error(`${event.type} by ${event.actor.role} refused in ${phaseOf(snapshot)}/${slaOf(snapshot)}`);
  }
  return next;
}

function run(events: AppealEvent[], from: AppealSnapshot = createAppealSnapshot({ createdBy: operator.userId })) {
  return events.reduce(apply, from);
}

const toTriage = [ev('SUBMIT', operator)];
const toDispatched = [...toTriage, ev('DISPATCH', dispatcher)];
// The default dispatch names an assisting unit; it has answered by the time the lead works on the reply.
const toWorking = [
  ...toDispatched,
  ev('ACCEPT', handler),
  ev('ASSIST_ACCEPT', assistant),
  ev('ASSIST_OPINION', assistant),
];
const toReview = [...toWorking, ev('REPLY', handler)];
const toCalling = [...toReview, ev('APPROVE_REPLY', reviewer)];
const toGridWorking = [...toTriage, ev('ASSIGN_GRID', dispatcher), ev('ACCEPT', gridWorker)];
const toVerification = [...toGridWorking, ev('REPLY', gridWorker)];

const ROUTES: Record<AppealPhase, AppealEvent[]> = {
  draft: [],
  triage: toTriage,
  dispatched: toDispatched,
  returnRequested: [...toDispatched, ev('RETURN', handler)],
  'handling.working': toWorking,
  'handling.extensionPending': [...toWorking, ev('REQUEST_EXTENSION', handler)],
  referred: [...toTriage, ev('REFER', dispatcher)],
  replied: [...toTriage, ev('RESOLVE_ON_SPOT', operator)],
  review: toReview,
  verification: toVerification,
  'callback.calling': toCalling,
  'callback.dissatisfied': [...toCalling, ev('FEEDBACK', reviewer, { satisfaction: 'dissatisfied', resolved: false })],
  closed: [...toCalling, ev('FEEDBACK', reviewer)],
  merged: [...toTriage, ev('MERGE_INTO', dispatcher)],
  void: [ev('DISCARD', operator)],
};

type Expected = Partial<Record<AppealEventType, AppealPhase>>;
const slaEvents = (phase: AppealPhase): Expected => ({
  // The citizen's 补充材料 is taken in every open phase and moves nothing.
  SUPPLEMENT: phase,
  SUPERVISE: phase,
  MARK_UNREASONABLE: phase,
  ESCALATE: phase,
  WARN: phase,
  OVERDUE: phase,
});
// Once the handling unit has answered, its deadline is met: the timers' WARN and OVERDUE are refused.
const answeredSlaEvents = (phase: AppealPhase): Expected => {
  const { WARN: _warn, OVERDUE: _overdue, ...rest } = slaEvents(phase);
  return rest;
};

/** Accepted events (default payload, some allowed actor) and the phase they lead to; everything else is refused. */
const TABLE: Record<AppealPhase, Expected> = {
  draft: { SUBMIT: 'triage', DISCARD: 'void', EDIT_DRAFT: 'draft' },
  triage: {
    DISPATCH: 'dispatched',
    HAND_TO_POLICY_LEAD: 'dispatched',
    ASSIGN_GRID: 'dispatched',
    RESOLVE_ON_SPOT: 'replied',
    MERGE_INTO: 'merged',
    REFER: 'referred',
    RECLASSIFY: 'triage',
    WITHDRAW: 'void',
    ...slaEvents('triage'),
  },
  dispatched: {
    ACCEPT: 'handling.working',
    RETURN: 'returnRequested',
    SUB_DISPATCH: 'dispatched',
    ...slaEvents('dispatched'),
  },
  returnRequested: { APPROVE_RETURN: 'triage', REJECT_RETURN: 'dispatched', ...slaEvents('returnRequested') },
  'handling.working': {
    NOTE: 'handling.working',
    FIELD_UPDATE: 'handling.working',
    REQUEST_EXTENSION: 'handling.extensionPending',
    REFER: 'referred',
    REPLY: 'review',
    ...slaEvents('handling.working'),
  },
  'handling.extensionPending': {
    NOTE: 'handling.extensionPending',
    FIELD_UPDATE: 'handling.extensionPending',
    APPROVE_EXTENSION: 'handling.working',
    REJECT_EXTENSION: 'handling.working',
    REFER: 'referred',
    REPLY: 'review',
    ...slaEvents('handling.extensionPending'),
  },
  referred: { REFERRAL_DONE: 'review', REFER_ON: 'referred', ...slaEvents('referred') },
  replied: { APPROVE_REPLY: 'callback.calling', REJECT_REPLY: 'triage', ...answeredSlaEvents('replied') },
  review: { APPROVE_REPLY: 'callback.calling', REJECT_REPLY: 'handling.working', ...answeredSlaEvents('review') },
  verification: {
    VERIFY_APPROVE: 'callback.calling',
    VERIFY_REJECT: 'handling.working',
    ...answeredSlaEvents('verification'),
  },
  'callback.calling': {
    FEEDBACK: 'closed',
    UNREACHABLE: 'callback.calling',
    SUPERVISOR_CLOSE: 'closed',
    CALLBACK_DUE: 'callback.calling',
    ...answeredSlaEvents('callback.calling'),
  },
  'callback.dissatisfied': {
    REDO: 'handling.working',
    SUPERVISOR_CLOSE: 'closed',
    ...answeredSlaEvents('callback.dissatisfied'),
  },
  closed: { REOPEN: 'triage', MARK_UNREASONABLE: 'closed' },
  merged: {},
  void: {},
};

const SCOPED_TO_ASSIGNEE: AppealEventType[] = [
  'ACCEPT',
  'RETURN',
  'SUB_DISPATCH',
  'REQUEST_EXTENSION',
  'REPLY',
  'FIELD_UPDATE',
  'NOTE',
  'REFER',
];

describe('event payload schemas', () => {
  it('accept every default payload used in these tests', () => {
    for (const type of APPEAL_EVENT_TYPES) {
      expect(eventPayloadSchemas[type].safeParse(DEFAULT_PAYLOADS[type]).success, type).toBe(true);
    }
  });

  it('refuse unknown keys, blank strings and out-of-range values', () => {
    expect(eventPayloadSchemas.ACCEPT.safeParse({ extra: 1 }).success).toBe(false);
    expect(eventPayloadSchemas.RETURN.safeParse({ reason: '   ' }).success).toBe(false);
    expect(eventPayloadSchemas.RETURN.safeParse({ reason: 'x'.repeat(1001) }).success).toBe(false);
    expect(eventPayloadSchemas.REPLY.safeParse({ result: 'x'.repeat(4001), resolved: true }).success).toBe(false);
    expect(eventPayloadSchemas.REQUEST_EXTENSION.safeParse({ days: 31, reason: 'r' }).success).toBe(false);
    expect(eventPayloadSchemas.REQUEST_EXTENSION.safeParse({ days: 1.5, reason: 'r' }).success).toBe(false);
    expect(eventPayloadSchemas.APPROVE_EXTENSION.safeParse({ newDueAt: 'next friday' }).success).toBe(false);
    expect(eventPayloadSchemas.FEEDBACK.safeParse({ satisfaction: 'meh', resolved: true }).success).toBe(false);
  });

  it('take an on-the-spot answer citing a policy item only whole: policy, version and item number', () => {
    const cited = { answer: 'a', policyCitation: { policyId: 3, versionNo: 2, itemNo: 1 } };
    expect(eventPayloadSchemas.RESOLVE_ON_SPOT.safeParse(cited).success).toBe(true);
    const { itemNo: _, ...half } = cited.policyCitation;
    expect(eventPayloadSchemas.RESOLVE_ON_SPOT.safeParse({ ...cited, policyCitation: half }).success).toBe(false);
    const extra = { ...cited.policyCitation, text: 'item text' };
    expect(eventPayloadSchemas.RESOLVE_ON_SPOT.safeParse({ ...cited, policyCitation: extra }).success).toBe(false);
    const zero = { ...cited.policyCitation, versionNo: 0 };
    expect(eventPayloadSchemas.RESOLVE_ON_SPOT.safeParse({ ...cited, policyCitation: zero }).success).toBe(false);
  });

  it('trim strings and default the assisting departments', () => {
    expect(eventPayloadSchemas.RETURN.parse({ reason: '  wrong unit ' })).toEqual({ reason: 'wrong unit' });
    const parsed = eventPayloadSchemas.DISPATCH.parse({ departmentId: 3, acceptDueAt: T0 });
    expect(parsed.assistingDepartmentIds).toEqual([]);
  });

  it('refuse a lead department that is also assisting', () => {
    const payload = { departmentId: 3, assistingDepartmentIds: [4, 3], acceptDueAt: T0 };
    expect(eventPayloadSchemas.DISPATCH.safeParse(payload).success).toBe(false);
  });

  it('parseAppealEvent allow-lists the type and takes actor and time from the server', () => {
    const ok = parseAppealEvent('RETURN', { reason: ' no ' }, { actor: handler, at: T0 });
    expect(ok).toEqual({ success: true, event: { type: 'RETURN', reason: 'no', actor: handler, at: T0 } });
    expect(parseAppealEvent('DROP_TABLE', {}, { actor: handler, at: T0 }).success).toBe(false);
    expect(parseAppealEvent('RETURN', { reason: 'x', actor: admin }, { actor: handler, at: T0 }).success).toBe(false);
  });

  it('eventRoles lists only known roles and roleAllowed reads it', () => {
    for (const type of APPEAL_EVENT_TYPES) {
      expect(eventRoles[type].length, type).toBeGreaterThan(0);
      for (const role of eventRoles[type]) expect(ROLES).toContain(role);
    }
    expect(roleAllowed('supervisor', 'SUPERVISOR_CLOSE')).toBe(true);
    expect(roleAllowed('reviewer', 'SUPERVISOR_CLOSE')).toBe(false);
    expect(roleAllowed('admin', 'DISPATCH')).toBe(false);
  });
});

describe('event × state table', () => {
  for (const phase of APPEAL_PHASES) {
    describe(phase, () => {
      let snapshot: AppealSnapshot;
      beforeAll(() => {
        snapshot = run(ROUTES[phase]);
      });

      it('is reached by its route', () => {
        expect(phaseOf(snapshot)).toBe(phase);
        expect(slaOf(snapshot)).toBe('onTime');
      });

      for (const type of APPEAL_EVENT_TYPES) {
        const expected = TABLE[phase][type];
        it(`${type} → ${expected ?? 'refused'}`, () => {
          const outcomes = eventRoles[type].map((role) => applyAppealEvent(snapshot, ev(type, BY_ROLE[role])));
          const accepted = outcomes.filter((o) => o.accepted);
          if (expected === undefined) {
            expect(accepted).toHaveLength(0);
            for (const o of outcomes) expect(o.next).toBe(snapshot);
          } else {
            expect(accepted.length).toBeGreaterThan(0);
            for (const o of accepted) expect(phaseOf(o.next)).toBe(expected);
          }
        });
      }

      it('refuses every event from a role not allowed to send it, whatever its scope', () => {
        for (const type of APPEAL_EVENT_TYPES) {
          for (const role of ROLES.filter((r) => !eventRoles[type].includes(r))) {
            expect(snapshot.can(ev(type, omniscoped(role))), `${type} by ${role}`).toBe(false);
          }
        }
      });

      it('refuses assignee-only events from a handler or grid worker outside the assignment', () => {
        for (const type of SCOPED_TO_ASSIGNEE) {
          expect(snapshot.can(ev(type, otherHandler)), `${type} by other handler`).toBe(false);
          expect(snapshot.can(ev(type, otherGridWorker)), `${type} by other grid worker`).toBe(false);
        }
      });
    });
  }

  it('lets only the dispatch desk refer from triage, and only the assignee refer from handling', () => {
    const triage = run(ROUTES.triage);
    expect(triage.can(ev('REFER', dispatcher))).toBe(true);
    expect(triage.can(ev('REFER', supervisor))).toBe(true);
    expect(triage.can(ev('REFER', handler))).toBe(false);
    expect(triage.can(ev('REFER', gridWorker))).toBe(false);
    const working = run(ROUTES['handling.working']);
    expect(working.can(ev('REFER', handler))).toBe(true);
    expect(working.can(ev('REFER', dispatcher))).toBe(false);
    expect(working.can(ev('REFER', supervisor))).toBe(false);
  });

  it('lets the system dispatch only what a 派单目录 entry decided, and only from triage', () => {
    const catalogue = { entryId: 4, categoryCode: '0401', area: '向阳街道' };
    const triage = run(ROUTES.triage);
    expect(triage.can(ev('DISPATCH', system))).toBe(false);
    expect(triage.can(ev('DISPATCH', system, { catalogue }))).toBe(true);
    const routed = apply(triage, ev('DISPATCH', system, { catalogue }));
    expect(phaseOf(routed)).toBe('dispatched');
    expect(routed.context).toMatchObject({ assigneeDepartmentId: LEAD_DEPT, dispatchLevel: 1, triageDueAt: null });
    // The same entry does not let the system take an appeal out of any other phase.
    for (const phase of APPEAL_PHASES.filter((p) => p !== 'triage'))
      expect(run(ROUTES[phase]).can(ev('DISPATCH', system, { catalogue })), phase).toBe(false);
    // The desk's own dispatch needs no entry.
    expect(triage.can(ev('DISPATCH', dispatcher))).toBe(true);
    expect(
      eventPayloadSchemas.DISPATCH.safeParse({ ...DEFAULT_PAYLOADS.DISPATCH, catalogue: { entryId: 4 } }).success,
    ).toBe(false);
  });

  it('lets the assignee and the dispatch desk add notes while handling', () => {
    const working = run(ROUTES['handling.working']);
    expect(working.can(ev('NOTE', handler))).toBe(true);
    expect(working.can(ev('NOTE', dispatcher))).toBe(true);
    expect(working.can(ev('NOTE', supervisor))).toBe(true);
    expect(working.can(ev('NOTE', gridWorker))).toBe(false);
    const noted = apply(working, ev('NOTE', dispatcher));
    expect(noted.value).toEqual(working.value);
    expect(noted.context).toEqual(working.context);
  });

  it('scopes a grid assignment to the grid worker of that grid', () => {
    const dispatched = run([...toTriage, ev('ASSIGN_GRID', dispatcher)]);
    expect(dispatched.context).toMatchObject({ gridId: GRID, assigneeDepartmentId: null, dispatchLevel: 1 });
    expect(dispatched.can(ev('ACCEPT', gridWorker))).toBe(true);
    expect(dispatched.can(ev('ACCEPT', otherGridWorker))).toBe(false);
    expect(dispatched.can(ev('ACCEPT', handler))).toBe(false);
  });

  it('takes the handling deadline from SUBMIT when given, else keeps the input one', () => {
    const dueAt = plusDays(T0, 7);
    expect(run([ev('SUBMIT', operator, { dueAt })]).context.dueAt).toBe(dueAt);
    const fromInput = createAppealSnapshot({ createdBy: operator.userId, dueAt: plusDays(T0, 9) });
    expect(run([ev('SUBMIT', gridWorker)], fromInput).context.dueAt).toBe(plusDays(T0, 9));
  });

  it("runs the web channel's accept clock from SUBMIT while in triage, and stops it however the appeal leaves", () => {
    const triageDueAt = plusDays(T0, 0.25);
    const web = [ev('SUBMIT', citizen, { triageDueAt })];
    expect(run(web).context.triageDueAt).toBe(triageDueAt);
    // A call has no such clock.
    expect(run(toTriage).context.triageDueAt).toBeNull();
    // A step that stays in triage keeps it.
    expect(run([...web, ev('RECLASSIFY', dispatcher)]).context.triageDueAt).toBe(triageDueAt);
    for (const out of ['DISPATCH', 'ASSIGN_GRID', 'RESOLVE_ON_SPOT', 'REFER', 'HAND_TO_POLICY_LEAD'] as const) {
      const left = run([...web, ev(out, out === 'RESOLVE_ON_SPOT' ? operator : dispatcher)]);
      expect(phaseOf(left), out).not.toBe('triage');
      expect(left.context.triageDueAt, out).toBeNull();
    }
    // Back in triage after a return, the clock met long ago does not start again.
    const returned = run([...web, ev('DISPATCH', dispatcher), ev('RETURN', handler), ev('APPROVE_RETURN', dispatcher)]);
    expect(phaseOf(returned)).toBe('triage');
    expect(returned.context.triageDueAt).toBeNull();
    // Restored from a snapshot stored before the clock existed, it has none.
    const { triageDueAt: _gone, ...older } = persistAppealSnapshot(run(toTriage)).context;
    const restored = restoreAppealSnapshot({ ...persistAppealSnapshot(run(toTriage)), context: older as never });
    expect(restored.context.triageDueAt).toBeNull();
  });

  it('records dispatch details, the referral kind and the merge target', () => {
    expect(run(ROUTES.dispatched).context).toMatchObject({
      assigneeDepartmentId: LEAD_DEPT,
      assistingDepartmentIds: [ASSIST_DEPT],
      dispatchLevel: 1,
      acceptDueAt: DEFAULT_PAYLOADS.DISPATCH.acceptDueAt,
      dueAt: DEFAULT_PAYLOADS.DISPATCH.dueAt,
    });
    expect(run(ROUTES.referred).context.referralKind).toBe('mediation');
    expect(run(ROUTES.merged).context.mergedInto).toBe(99);
    expect(run(ROUTES.replied).context.answeredOnSpot).toBe(true);
  });

  it('clears the assignment when a return is approved, and marks a rejected return as disputed', () => {
    const returned = run(ROUTES.returnRequested);
    expect(returned.context.lastReturnReason).toBe('not our remit');
    const triage = apply(returned, ev('APPROVE_RETURN', dispatcher));
    expect(triage.context).toMatchObject({
      assigneeDepartmentId: null,
      assistingDepartmentIds: [],
      gridId: null,
      dispatchLevel: 0,
    });
    const disputed = apply(returned, ev('REJECT_RETURN', dispatcher));
    expect(phaseOf(disputed)).toBe('dispatched');
    expect(disputed.context).toMatchObject({ disputed: true, assigneeDepartmentId: LEAD_DEPT });
  });

  it('routes a referral outcome: refused back to triage, otherwise to review', () => {
    const referred = run(ROUTES.referred);
    expect(phaseOf(apply(referred, ev('REFERRAL_DONE', system, { outcome: 'refused' })))).toBe('triage');
    expect(phaseOf(apply(referred, ev('REFERRAL_DONE', system, { outcome: 'unresolved' })))).toBe('review');
    expect(referred.context).toMatchObject({ referralKind: 'mediation', referralId: 500, referralAgencyIds: [70] });
  });

  it('gives an appeal referred before referral cases existed its case, once', () => {
    const referred = run(ROUTES.referred);
    const legacy = restoreAppealSnapshot({
      ...persistAppealSnapshot(referred),
      context: { ...referred.context, referralId: null, referralAgencyIds: [] },
    });
    expect(legacy.can(ev('REFERRAL_DONE', system))).toBe(false);
    const adopted = apply(
      legacy,
      ev('REFER_ON', system, { kind: 'mediation', agencyId: 70, referralId: 600, fromReferralId: null }),
    );
    expect(adopted.context).toMatchObject({ referralId: 600, referralAgencyIds: [70] });
    expect(adopted.can(ev('REFER_ON', system, { fromReferralId: null, referralId: 601 }))).toBe(false);
    expect(referred.can(ev('REFER_ON', system, { fromReferralId: null }))).toBe(false);
  });

  it('takes a referral outcome only from the case it waits for, and only from the referral service', () => {
    const referred = run(ROUTES.referred);
    expect(referred.can(ev('REFERRAL_DONE', system, { referralId: 499 }))).toBe(false);
    expect(referred.can(ev('REFERRAL_DONE', mediator))).toBe(false);
    expect(referred.can(ev('REFER_ON', system, { fromReferralId: 499 }))).toBe(false);
    const onward = apply(referred, ev('REFER_ON', system));
    expect(phaseOf(onward)).toBe('referred');
    expect(onward.context).toMatchObject({ referralKind: 'legalAid', referralId: 501, referralAgencyIds: [70, 71] });
    // The mediation case has handed over: only the legal aid case may now answer.
    expect(onward.can(ev('REFERRAL_DONE', system))).toBe(false);
    expect(phaseOf(apply(onward, ev('REFERRAL_DONE', system, { referralId: 501 })))).toBe('review');
  });

  it('sends a rejected on-spot answer back to triage', () => {
    const triage = apply(run(ROUTES.replied), ev('REJECT_REPLY', reviewer));
    expect(phaseOf(triage)).toBe('triage');
    expect(triage.context.lastRejectReason).toBe(DEFAULT_PAYLOADS.REJECT_REPLY.reason);
  });

  it('sends a rejected reply with nobody assigned (referred from triage) back to triage', () => {
    const review = apply(run(ROUTES.referred), ev('REFERRAL_DONE', system));
    const next = apply(review, ev('REJECT_REPLY', reviewer));
    expect(phaseOf(next)).toBe('triage');
    expect(next.context.redoCount).toBe(0);
  });

  it('closes on a satisfied or basically satisfied callback, recording the feedback', () => {
    for (const satisfaction of ['satisfied', 'basicallySatisfied'] as const) {
      const closed = apply(
        run(toCalling),
        ev('FEEDBACK', reviewer, { satisfaction, resolved: false }, plusDays(T0, 2)),
      );
      expect(phaseOf(closed)).toBe('closed');
      expect(closed.hasTag('closed')).toBe(true);
      expect(closed.hasTag('open')).toBe(false);
      expect(closed.context).toMatchObject({
        closeReason: 'feedback',
        closedAt: plusDays(T0, 2),
        satisfaction,
        resolved: false,
      });
    }
  });

  it('redoes a dissatisfied answer: handling when assigned, triage when answered on the spot', () => {
    const dissatisfied = run(ROUTES['callback.dissatisfied']);
    expect(dissatisfied.context).toMatchObject({ satisfaction: 'dissatisfied', resolved: false });
    const redone = apply(dissatisfied, ev('REDO', reviewer));
    expect(phaseOf(redone)).toBe('handling.working');
    expect(redone.context.redoCount).toBe(1);

    const onSpot = run([
      ...ROUTES.replied,
      ev('APPROVE_REPLY', reviewer),
      ev('FEEDBACK', reviewer, { satisfaction: 'dissatisfied', resolved: false }),
    ]);
    expect(phaseOf(apply(onSpot, ev('REDO', supervisor)))).toBe('triage');
  });

  it('marks a due callback once, without changing the phase', () => {
    const due = apply(run(toCalling), ev('CALLBACK_DUE', system));
    expect(due.context.callbackOverdue).toBe(true);
    expect(phaseOf(due)).toBe('callback.calling');
    expect(due.can(ev('CALLBACK_DUE', system))).toBe(false);
  });

  it('tags states for the work queues', () => {
    expect(run(ROUTES.triage).hasTag('needsDispatcher')).toBe(true);
    expect(run(ROUTES.dispatched).hasTag('needsAssignee')).toBe(true);
    expect(run(ROUTES['handling.extensionPending']).hasTag('needsDispatcher')).toBe(true);
    expect(run(ROUTES.review).hasTag('needsReviewer')).toBe(true);
    expect(run(ROUTES.verification).hasTag('needsReviewer')).toBe(true);
    expect(run(ROUTES.verification).hasTag('open')).toBe(true);
    expect(run(ROUTES['callback.calling']).hasTag('needsCitizen')).toBe(true);
    expect(run(ROUTES['callback.dissatisfied']).hasTag('needsCitizen')).toBe(false);
    for (const phase of ['closed', 'merged', 'void'] as const) {
      expect(run(ROUTES[phase]).hasTag('closed')).toBe(true);
      expect(run(ROUTES[phase]).hasTag('open')).toBe(false);
    }
    expect(run(ROUTES.draft).hasTag('open')).toBe(false);
  });

  // The whole vocabulary the queues, reports and screens ask in: every phase and the tags it carries.
  const SUBMITTED = ['counted', 'submitted'] as const;
  const TAGS: Record<AppealPhase, AppealTag[]> = {
    draft: ['draft'],
    triage: ['open', 'needsDispatcher', 'awaitingDispatch', 'awaitingAnswer', ...SUBMITTED],
    dispatched: ['open', 'needsAssignee', 'awaitingAcceptance', 'awaitingAnswer', ...SUBMITTED],
    returnRequested: ['open', 'needsDispatcher', 'returnPending', 'awaitingAnswer', ...SUBMITTED],
    'handling.working': ['open', 'needsAssignee', 'inHand', 'awaitingAnswer', ...SUBMITTED],
    'handling.extensionPending': [
      'open',
      'needsAssignee',
      'inHand',
      'needsDispatcher',
      'extensionPending',
      'awaitingAnswer',
      ...SUBMITTED,
    ],
    referred: ['open', 'needsMediator', 'awaitingAnswer', ...SUBMITTED],
    replied: ['open', 'needsReviewer', 'awaitingReview', ...SUBMITTED],
    review: ['open', 'needsReviewer', 'awaitingReview', ...SUBMITTED],
    verification: ['open', 'needsReviewer', 'awaitingVerification', ...SUBMITTED],
    'callback.calling': ['open', 'inCallback', 'needsCitizen', ...SUBMITTED],
    'callback.dissatisfied': ['open', 'inCallback', 'needsReviewer', 'dissatisfied', ...SUBMITTED],
    closed: ['closed', 'finished', ...SUBMITTED],
    merged: ['closed', 'submitted'],
    void: ['closed'],
  };

  it.each(APPEAL_PHASES)('tags %s with exactly its queues', (phase) => {
    const snapshot = run(ROUTES[phase]);
    expect(phaseOf(snapshot)).toBe(phase);
    expect(appealTagsOf(snapshot)).toEqual([...TAGS[phase]].sort());
  });

  it('keeps the tags a pure function of the state: the same after a persist and restore, and whatever the SLA', () => {
    for (const phase of APPEAL_PHASES) {
      const snapshot = run(ROUTES[phase]);
      expect(appealTagsOf(restoreAppealSnapshot(persistAppealSnapshot(snapshot)))).toEqual(appealTagsOf(snapshot));
    }
    const overdue = apply(run(ROUTES.dispatched), ev('OVERDUE', system));
    expect(slaOf(overdue)).toBe('overdue');
    expect(appealTagsOf(overdue)).toEqual(appealTagsOf(run(ROUTES.dispatched)));
  });

  it('tells open, closed and draft apart: every phase is exactly one of them', () => {
    for (const phase of APPEAL_PHASES) {
      const s = run(ROUTES[phase]);
      expect([s.hasTag('open'), s.hasTag('closed'), s.hasTag('draft')].filter(Boolean), phase).toHaveLength(1);
    }
  });

  it('counts in the reports what was submitted and not merged, and as finished only the closed loop', () => {
    const counted = APPEAL_PHASES.filter((p) => run(ROUTES[p]).hasTag('counted'));
    expect(counted).toEqual(APPEAL_PHASES.filter((p) => !['draft', 'void', 'merged'].includes(p)));
    expect(APPEAL_PHASES.filter((p) => run(ROUTES[p]).hasTag('finished'))).toEqual(['closed']);
    expect(APPEAL_PHASES.filter((p) => !run(ROUTES[p]).hasTag('submitted'))).toEqual(['draft', 'void']);
    // A reopened appeal is back in triage, open and counted again.
    const reopened = apply(run(ROUTES.closed), ev('REOPEN', operator, {}, plusDays(T0, 3)));
    expect(phaseOf(reopened)).toBe('triage');
    expect(appealTagsOf(reopened)).toEqual([...TAGS.triage].sort());
  });
});

describe('self-handled patrol reports (巡查上报 · 自行处置)', () => {
  const patrolDraft = (by: Actor = gridWorker) => createAppealSnapshot({ createdBy: by.userId, source: 'patrol' });
  const selfHandled = () => apply(patrolDraft(), ev('SELF_HANDLE', gridWorker));

  it("SELF_HANDLE moves the reporter's own patrol draft to verification, recording the grid", () => {
    const s = selfHandled();
    expect(phaseOf(s)).toBe('verification');
    expect(s.context).toMatchObject({
      gridId: GRID,
      assigneeDepartmentId: null,
      selfHandled: true,
      patrol: true,
      resolved: true,
    });
    expect(patrolDraft().context.selfHandled).toBe(false);
    const due = plusDays(T0, 7);
    expect(apply(patrolDraft(), ev('SELF_HANDLE', gridWorker, { dueAt: due })).context.dueAt).toBe(due);
  });

  it('refuses SELF_HANDLE for a draft of another source, another creator, a foreign grid or another role', () => {
    const hotline = createAppealSnapshot({ createdBy: gridWorker.userId, source: 'hotline' });
    expect(hotline.can(ev('SELF_HANDLE', gridWorker))).toBe(false);
    expect(createAppealSnapshot({ createdBy: gridWorker.userId }).can(ev('SELF_HANDLE', gridWorker))).toBe(false);
    // Same grid, but someone else filed the report.
    const colleague = mk('gridWorker', { gridIds: [GRID] });
    expect(patrolDraft(colleague).can(ev('SELF_HANDLE', gridWorker))).toBe(false);
    expect(patrolDraft().can(ev('SELF_HANDLE', gridWorker, { gridId: 6 }))).toBe(false);
    for (const role of ROLES.filter((r) => r !== 'gridWorker')) {
      const actor = { ...omniscoped(role), userId: gridWorker.userId };
      expect(patrolDraft().can(ev('SELF_HANDLE', actor)), role).toBe(false);
    }
    // Only from the draft: once submitted it is the dispatcher's.
    expect(apply(patrolDraft(), ev('SUBMIT', gridWorker)).can(ev('SELF_HANDLE', gridWorker))).toBe(false);
  });

  it('parses the SELF_HANDLE payload strictly', () => {
    const schema = eventPayloadSchemas.SELF_HANDLE;
    expect(schema.safeParse({ result: '已清理', gridId: 3 }).success).toBe(true);
    expect(schema.safeParse({ gridId: 3 }).success).toBe(false);
    expect(schema.safeParse({ result: '  ', gridId: 3 }).success).toBe(false);
    expect(schema.safeParse({ result: '已清理' }).success).toBe(false);
    expect(schema.safeParse({ result: '已清理', gridId: 3, resolved: true }).success).toBe(false);
  });

  it('VERIFY_APPROVE closes a self-handled report as verified, with no callback', () => {
    const closed = apply(selfHandled(), ev('VERIFY_APPROVE', reviewer, {}, plusDays(T0, 1)));
    expect(phaseOf(closed)).toBe('closed');
    expect(closed.context).toMatchObject({ closeReason: 'verified', closedAt: plusDays(T0, 1), callbackDueAt: null });
    // An ordinary grid reply still goes to the citizen callback.
    expect(phaseOf(apply(run(toVerification), ev('VERIFY_APPROVE', reviewer)))).toBe('callback.calling');
  });

  it('VERIFY_REJECT sends a self-handled report back to the grid, which redoes it and is verified again', () => {
    const back = apply(selfHandled(), ev('VERIFY_REJECT', supervisor));
    expect(phaseOf(back)).toBe('handling.working');
    expect(back.context).toMatchObject({ gridId: GRID, assigneeDepartmentId: null, redoCount: 1, selfHandled: true });
    const again = apply(back, ev('REPLY', gridWorker));
    expect(phaseOf(again)).toBe('verification');
    expect(phaseOf(apply(again, ev('VERIFY_APPROVE', reviewer)))).toBe('closed');
  });

  it('restores snapshots stored before patrol reports existed as ordinary appeals', () => {
    const stored = persistAppealSnapshot(run(toVerification)) as unknown as { context: Record<string, unknown> };
    delete stored.context.patrol;
    delete stored.context.selfHandled;
    const restored = restoreAppealSnapshot(stored);
    expect(restored.context).toMatchObject({ patrol: false, selfHandled: false });
    expect(phaseOf(apply(restored, ev('VERIFY_APPROVE', reviewer)))).toBe('callback.calling');
  });
});

describe('a policy handed to its lead department (转首席代表 · 政策异议)', () => {
  const handedOver = (payload: Partial<AppealEventPayload<'HAND_TO_POLICY_LEAD'>> = {}, by: Actor = operator) =>
    run([...toTriage, ev('HAND_TO_POLICY_LEAD', by, payload)]);

  it('sends the appeal to the lead department on the policy limits, naming the chief representative', () => {
    const next = handedOver();
    expect(phaseOf(next)).toBe('dispatched');
    expect(next.context).toMatchObject({
      assigneeDepartmentId: LEAD_DEPT,
      assistingDepartmentIds: [],
      assists: [],
      gridId: null,
      dispatchLevel: 1,
      acceptDueAt: DEFAULT_PAYLOADS.HAND_TO_POLICY_LEAD.acceptDueAt,
      dueAt: DEFAULT_PAYLOADS.HAND_TO_POLICY_LEAD.dueAt,
      chiefRepresentativeId: 41,
    });
    // The lead department's handlers work it as any dispatched appeal.
    expect(apply(next, ev('ACCEPT', handler)).hasTag('inHand')).toBe(true);
    expect(next.can(ev('ACCEPT', otherHandler))).toBe(false);
  });

  it('lets the operator, the dispatcher and the supervisor hand over; nobody else', () => {
    const triage = run(toTriage);
    for (const role of ROLES) {
      const allowed = ['operator', 'dispatcher', 'supervisor'].includes(role);
      expect(triage.can(ev('HAND_TO_POLICY_LEAD', omniscoped(role))), role).toBe(allowed);
    }
    // The operator's handover is no way to dispatch: DISPATCH itself stays the desk's.
    expect(triage.can(ev('DISPATCH', operator))).toBe(false);
  });

  it('goes to the lead department without a chief representative too', () => {
    expect(handedOver({ chiefRepresentativeId: null }).context).toMatchObject({
      assigneeDepartmentId: LEAD_DEPT,
      chiefRepresentativeId: null,
    });
  });

  it('forgets the chief representative once the order leaves the lead department', () => {
    const returned = apply(apply(handedOver(), ev('RETURN', handler)), ev('APPROVE_RETURN', dispatcher));
    expect(returned.context).toMatchObject({ assigneeDepartmentId: null, chiefRepresentativeId: null });
    const redispatched = apply(returned, ev('DISPATCH', dispatcher));
    expect(redispatched.context.chiefRepresentativeId).toBeNull();
    const below = apply(handedOver(), ev('SUB_DISPATCH', handler));
    expect(below.context).toMatchObject({ assigneeDepartmentId: 20, chiefRepresentativeId: null });
  });

  it('parses a complaint with its kind and maybe a record, a consultation with neither', () => {
    const schema = eventPayloadSchemas.HAND_TO_POLICY_LEAD;
    const base = DEFAULT_PAYLOADS.HAND_TO_POLICY_LEAD;
    expect(schema.safeParse({ ...base, reason: 'complaint', complaintKind: 'notReceived', recordId: 9 }).success).toBe(
      true,
    );
    expect(schema.safeParse({ ...base, reason: 'complaint' }).success).toBe(false);
    expect(schema.safeParse({ ...base, complaintKind: 'refused' }).success).toBe(false);
    expect(schema.safeParse({ ...base, recordId: 9 }).success).toBe(false);
    expect(schema.safeParse({ ...base, reason: 'complaint', complaintKind: 'bribes' }).success).toBe(false);
    expect(schema.safeParse({ ...base, policyId: undefined }).success).toBe(false);
    expect(schema.safeParse({ ...base, leadDepartmentId: undefined }).success).toBe(false);
  });

  it('restores snapshots stored before policy handovers with nobody named', () => {
    const persisted = persistAppealSnapshot(run(ROUTES.dispatched));
    const { chiefRepresentativeId: _c, ...older } = persisted.context;
    const restored = restoreAppealSnapshot({ ...persisted, context: older });
    expect(restored.context.chiefRepresentativeId).toBeNull();
    expect(restoreAppealSnapshot(persistAppealSnapshot(handedOver())).context.chiefRepresentativeId).toBe(41);
  });
});

describe('verification (核查) of grid-handled appeals', () => {
  it("sends a grid worker's reply to verification and a department's reply to review", () => {
    const gridWorking = run(toGridWorking);
    expect(gridWorking.context).toMatchObject({ gridId: GRID, assigneeDepartmentId: null });
    const verifying = apply(gridWorking, ev('REPLY', gridWorker, { resolved: false }));
    expect(phaseOf(verifying)).toBe('verification');
    expect(verifying.context.resolved).toBe(false);
    expect(phaseOf(apply(run(toWorking), ev('REPLY', handler)))).toBe('review');
    // A grid worker outside the grid, or a handler, cannot reply for the grid at all.
    expect(gridWorking.can(ev('REPLY', otherGridWorker))).toBe(false);
    expect(gridWorking.can(ev('REPLY', handler))).toBe(false);
  });

  it('sends a reply to review again once the grid appeal was dispatched to a department instead', () => {
    const returned = run([
      ...toTriage,
      ev('ASSIGN_GRID', dispatcher),
      ev('RETURN', gridWorker),
      ev('APPROVE_RETURN', dispatcher),
    ]);
    const s = run(
      [ev('DISPATCH', dispatcher, { assistingDepartmentIds: [] }), ev('ACCEPT', handler), ev('REPLY', handler)],
      returned,
    );
    expect(phaseOf(s)).toBe('review');
  });

  it('VERIFY_APPROVE starts the callback like APPROVE_REPLY', () => {
    const verifying = run([...toGridWorking, ev('WARN', system), ev('REPLY', gridWorker)]);
    const calling = apply(verifying, ev('VERIFY_APPROVE', supervisor));
    expect(phaseOf(calling)).toBe('callback.calling');
    expect(slaOf(calling)).toBe('warned');
    expect(calling.context).toMatchObject({
      callbackDueAt: DEFAULT_PAYLOADS.VERIFY_APPROVE.callbackDueAt,
      callbackAttempts: 0,
      callbackOverdue: false,
      redoCount: 0,
    });
    expect(calling.hasTag('needsCitizen')).toBe(true);
    expect(phaseOf(apply(run(toVerification), ev('VERIFY_APPROVE', reviewer, { note: undefined })))).toBe(
      'callback.calling',
    );
  });

  it('VERIFY_REJECT sends the appeal back to the grid with the reason, counting a redo', () => {
    const back = apply(run(toVerification), ev('VERIFY_REJECT', reviewer));
    expect(phaseOf(back)).toBe('handling.working');
    expect(back.context).toMatchObject({
      redoCount: 1,
      lastRejectReason: DEFAULT_PAYLOADS.VERIFY_REJECT.reason,
      gridId: GRID,
    });
    // The same grid worker handles it again and the next reply is verified again.
    expect(phaseOf(apply(back, ev('REPLY', gridWorker)))).toBe('verification');
  });

  it('refuses verification decisions from any role but reviewer and supervisor', () => {
    const verifying = run(toVerification);
    for (const role of ROLES) {
      const expected = role === 'reviewer' || role === 'supervisor';
      expect(verifying.can(ev('VERIFY_APPROVE', omniscoped(role))), `VERIFY_APPROVE by ${role}`).toBe(expected);
      expect(verifying.can(ev('VERIFY_REJECT', omniscoped(role))), `VERIFY_REJECT by ${role}`).toBe(expected);
    }
    // …and in no other phase: the review desk's ordinary approval does not apply here either.
    expect(verifying.can(ev('APPROVE_REPLY', reviewer))).toBe(false);
    expect(verifying.can(ev('REJECT_REPLY', reviewer))).toBe(false);
    expect(run(toReview).can(ev('VERIFY_APPROVE', reviewer))).toBe(false);
    expect(run(toReview).can(ev('VERIFY_REJECT', reviewer))).toBe(false);
  });

  it('requires a reason to send it back, and takes no unknown fields', () => {
    expect(eventPayloadSchemas.VERIFY_REJECT.safeParse({}).success).toBe(false);
    expect(eventPayloadSchemas.VERIFY_REJECT.safeParse({ reason: '   ' }).success).toBe(false);
    expect(eventPayloadSchemas.VERIFY_REJECT.safeParse({ reason: 'ok', note: 'x' }).success).toBe(false);
    expect(eventPayloadSchemas.VERIFY_APPROVE.safeParse({ callbackDueAt: T0 }).success).toBe(true);
    expect(eventPayloadSchemas.VERIFY_APPROVE.safeParse({ note: 'fine' }).success).toBe(false);
    expect(eventPayloadSchemas.VERIFY_APPROVE.safeParse({ callbackDueAt: T0, reason: 'x' }).success).toBe(false);
    expect(parseAppealEvent('VERIFY_REJECT', {}, { actor: reviewer, at: T0 }).success).toBe(false);
    const ok = parseAppealEvent('VERIFY_REJECT', { reason: ' 照片不清楚 ' }, { actor: reviewer, at: T0 });
    expect(ok).toEqual({
      success: true,
      event: { type: 'VERIFY_REJECT', reason: '照片不清楚', actor: reviewer, at: T0 },
    });
  });

  it(`allows ${MAX_REDO} redos by verification, then only approval, back to dispatch or the supervisor's escalation`, () => {
    let s = run(toVerification);
    for (let i = 1; i <= MAX_REDO; i++) {
      s = apply(s, ev('VERIFY_REJECT', reviewer));
      expect(phaseOf(s)).toBe('handling.working');
      expect(s.context.redoCount).toBe(i);
      s = apply(s, ev('REPLY', gridWorker));
      expect(phaseOf(s)).toBe('verification');
    }
    expect(s.can(ev('VERIFY_REJECT', reviewer))).toBe(false);
    expect(s.can(ev('VERIFY_REJECT', supervisor))).toBe(false);
    expect(applyAppealEvent(s, ev('VERIFY_REJECT', supervisor))).toEqual({ accepted: false, next: s });
    expect(s.can(ev('ESCALATE', supervisor))).toBe(true);
    // Past the redos the grid cannot redo it again; the reviewer may still send it back to be dispatched.
    expect(acceptedEventTypes(s, reviewer, T0)).toEqual(['VERIFY_APPROVE', 'VERIFY_REJECT']);
    expect(s.can(ev('VERIFY_REJECT', reviewer, { redoTo: 'triage' }))).toBe(true);
    expect(phaseOf(apply(s, ev('VERIFY_APPROVE', reviewer)))).toBe('callback.calling');
  });

  it('shares the redo limit with review rejections and callback redos', () => {
    let s = run(toVerification);
    s = apply(s, ev('VERIFY_REJECT', reviewer));
    s = run([ev('REPLY', gridWorker), ev('VERIFY_APPROVE', reviewer)], s);
    s = apply(s, ev('FEEDBACK', reviewer, { satisfaction: 'dissatisfied', resolved: false }));
    s = apply(s, ev('REDO', reviewer));
    expect(s.context.redoCount).toBe(2);
    expect(phaseOf(apply(s, ev('REPLY', gridWorker)))).toBe('verification');
  });
});

describe('guards', () => {
  it(`allows ${MAX_EXTENSIONS} extensions, each moving the due date and resetting the SLA clock`, () => {
    let s = apply(run(toWorking), ev('WARN', system));
    for (let i = 1; i <= MAX_EXTENSIONS; i++) {
      s = apply(s, ev('REQUEST_EXTENSION', handler));
      const newDueAt = plusDays(T0, 10 + i * 5);
      s = apply(s, ev('APPROVE_EXTENSION', dispatcher, { newDueAt }));
      expect(s.context).toMatchObject({ extensionCount: i, dueAt: newDueAt });
      expect(slaOf(s)).toBe('onTime');
      s = apply(s, ev('OVERDUE', system));
    }
    expect(s.can(ev('REQUEST_EXTENSION', handler))).toBe(false);
  });

  it('does not let the SLA region alone accept an extension approval outside extensionPending', () => {
    const working = apply(run(toWorking), ev('OVERDUE', system));
    expect(working.can(ev('APPROVE_EXTENSION', dispatcher))).toBe(false);
  });

  it('a rejected extension keeps the due date and the count', () => {
    const pending = run(ROUTES['handling.extensionPending']);
    const rejected = apply(pending, ev('REJECT_EXTENSION', supervisor));
    expect(rejected.context).toMatchObject({
      extensionCount: 0,
      dueAt: DEFAULT_PAYLOADS.DISPATCH.dueAt,
      lastRejectReason: 'not justified',
    });
  });

  it(`allows ${MAX_REDO} redos by review rejection, then only approval`, () => {
    let s = run(toReview);
    for (let i = 1; i <= MAX_REDO; i++) {
      s = apply(s, ev('REJECT_REPLY', reviewer));
      expect(phaseOf(s)).toBe('handling.working');
      expect(s.context.redoCount).toBe(i);
      s = apply(s, ev('REPLY', handler));
    }
    expect(s.can(ev('REJECT_REPLY', reviewer))).toBe(false);
    expect(s.can(ev('APPROVE_REPLY', reviewer))).toBe(true);
  });

  it('counts callback redos against the same limit, leaving the supervisor to close', () => {
    let s = run(toCalling);
    for (let i = 1; i <= MAX_REDO; i++) {
      s = apply(s, ev('FEEDBACK', reviewer, { satisfaction: 'dissatisfied', resolved: false }));
      s = apply(s, ev('REDO', reviewer));
      expect(s.context.redoCount).toBe(i);
      s = run([ev('REPLY', handler), ev('APPROVE_REPLY', reviewer)], s);
    }
    s = apply(s, ev('FEEDBACK', reviewer, { satisfaction: 'dissatisfied', resolved: false }));
    expect(s.can(ev('REDO', reviewer))).toBe(false);
    expect(s.can(ev('REDO', supervisor))).toBe(false);
    const closed = apply(s, ev('SUPERVISOR_CLOSE', supervisor));
    expect(phaseOf(closed)).toBe('closed');
    expect(closed.context.closeReason).toBe('supervisor');
  });

  it(`allows sub-dispatch down to level ${MAX_DISPATCH_LEVEL}, only by the current assignee, only to another unit`, () => {
    const level2Handler = mk('handler', { departmentIds: [20] });
    const level3Handler = mk('handler', { departmentIds: [30] });
    let s = run(toDispatched);
    expect(s.can(ev('SUB_DISPATCH', handler, { departmentId: LEAD_DEPT }))).toBe(false);
    s = apply(s, ev('SUB_DISPATCH', handler, { departmentId: 20 }));
    expect(s.context).toMatchObject({ assigneeDepartmentId: 20, dispatchLevel: 2 });
    expect(s.can(ev('ACCEPT', handler))).toBe(false);
    expect(s.can(ev('ACCEPT', level2Handler))).toBe(true);
    s = apply(s, ev('SUB_DISPATCH', level2Handler, { departmentId: 30 }));
    expect(s.context.dispatchLevel).toBe(MAX_DISPATCH_LEVEL);
    expect(s.can(ev('SUB_DISPATCH', level3Handler, { departmentId: 40 }))).toBe(false);
    expect(s.can(ev('ACCEPT', level3Handler))).toBe(true);
  });

  it(`reopens within ${REOPEN_WINDOW_DAYS} days of closing, not after`, () => {
    const closedAt = plusDays(T0, 1);
    const closed = apply(run(toCalling), ev('FEEDBACK', reviewer, {}, closedAt));
    expect(closed.context.closedAt).toBe(closedAt);
    const late = ev('REOPEN', operator, {}, plusDays(closedAt, REOPEN_WINDOW_DAYS + 1));
    expect(closed.can(late)).toBe(false);
    expect(applyAppealEvent(closed, late)).toEqual({ accepted: false, next: closed });

    const warnedThenClosed = run([...toWorking, ev('OVERDUE', system), ...toCalling.slice(toWorking.length)]);
    const closed2 = apply(warnedThenClosed, ev('FEEDBACK', reviewer, {}, closedAt));
    const dueAt = plusDays(closedAt, 40);
    const reopened = apply(closed2, ev('REOPEN', dispatcher, { dueAt }, plusDays(closedAt, REOPEN_WINDOW_DAYS)));
    expect(phaseOf(reopened)).toBe('triage');
    expect(slaOf(reopened)).toBe('onTime');
    expect(reopened.context).toMatchObject({
      reopenCount: 1,
      closedAt: null,
      closeReason: null,
      satisfaction: null,
      assigneeDepartmentId: null,
      assistingDepartmentIds: [],
      dispatchLevel: 0,
      dueAt,
    });
  });

  it(`closes as unreachable on the ${MAX_CALLBACK_ATTEMPTS}rd failed callback`, () => {
    let s = run(toCalling);
    for (let i = 1; i < MAX_CALLBACK_ATTEMPTS; i++) {
      s = apply(s, ev('UNREACHABLE', reviewer));
      expect(phaseOf(s)).toBe('callback.calling');
      expect(s.context.callbackAttempts).toBe(i);
    }
    s = apply(s, ev('UNREACHABLE', reviewer, {}, plusDays(T0, 4)));
    expect(phaseOf(s)).toBe('closed');
    expect(s.context).toMatchObject({
      closeReason: 'unreachable',
      closedAt: plusDays(T0, 4),
      callbackAttempts: MAX_CALLBACK_ATTEMPTS,
    });
  });

  it('runs the SLA clock only while the appeal is open', () => {
    for (const phase of ['draft', 'closed', 'merged', 'void'] as const) {
      const s = run(ROUTES[phase]);
      expect(s.can(ev('WARN', system)), phase).toBe(false);
      expect(s.can(ev('OVERDUE', system)), phase).toBe(false);
      expect(s.can(ev('SUPERVISE', supervisor)), phase).toBe(false);
      expect(s.can(ev('ESCALATE', supervisor)), phase).toBe(false);
    }
    const warned = apply(run(ROUTES.triage), ev('WARN', system));
    expect(slaOf(warned)).toBe('warned');
    expect(warned.can(ev('WARN', system))).toBe(false);
    const overdue = apply(warned, ev('OVERDUE', system));
    expect(slaOf(overdue)).toBe('overdue');
    expect(overdue.can(ev('OVERDUE', system))).toBe(false);
    expect(slaOf(apply(run(ROUTES.triage), ev('OVERDUE', system)))).toBe('overdue');
  });

  it('records supervision and escalation in any SLA state', () => {
    let s = apply(run(toWorking), ev('OVERDUE', system));
    s = apply(s, ev('SUPERVISE', supervisor));
    s = apply(s, ev('SUPERVISE', supervisor));
    s = apply(s, ev('ESCALATE', supervisor, { to: 'jointMeeting' }));
    expect(s.context).toMatchObject({ superviseCount: 2, escalation: 'jointMeeting' });
    expect(slaOf(s)).toBe('overdue');
    expect(phaseOf(s)).toBe('handling.working');
  });
});

// ---------------------------------------------------------------------------
// Graph exploration

const GRAPH_HANDLER = mk('handler', { departmentIds: [LEAD_DEPT, 20, 30, 40] });
const GRAPH_ACTORS: Actor[] = [
  operator,
  dispatcher,
  supervisor,
  reviewer,
  mediator,
  system,
  admin,
  GRAPH_HANDLER,
  assistant,
  gridWorker,
  citizen,
];

/**
 * Finite sample of events: every allowed role (the handler holds the whole
 * sub-dispatch chain), outsiders for assignee-scoped events, and the payload
 * variants that guards look at. Wrong roles are covered by the table above.
 */
function graphEvents(snapshot: AppealSnapshot): AppealEvent[] {
  const variants: { [T in AppealEventType]?: Partial<AppealEventPayload<T>>[] } = {
    // The outcome always comes from the case the appeal waits for; the wrong case is covered above.
    REFERRAL_DONE: [
      { outcome: 'resolved', referralId: snapshot.context.referralId ?? 0 },
      { outcome: 'refused', referralId: snapshot.context.referralId ?? 0 },
    ],
    REFER_ON: [
      { fromReferralId: snapshot.context.referralId ?? 0, referralId: (snapshot.context.referralId ?? 0) + 1 },
    ],
    FEEDBACK: [
      { satisfaction: 'satisfied', resolved: true },
      { satisfaction: 'basicallySatisfied', resolved: false },
      { satisfaction: 'dissatisfied', resolved: false },
    ],
    SUB_DISPATCH: [{ departmentId: (snapshot.context.assigneeDepartmentId ?? 0) + 10 }],
    REJECT_REPLY: [{}, { redoTo: 'sameUnit' }, { redoTo: 'triage' }],
    REDO: [{}, { redoTo: 'sameUnit' }, { redoTo: 'triage' }],
    VERIFY_REJECT: [{}, { redoTo: 'sameUnit' }, { redoTo: 'triage' }],
    // Waiting for the assisting units, or replying without them (with the reason).
    REPLY: [{}, { assistOverride: 'the assisting unit cannot be reached' }],
  };
  const events: AppealEvent[] = [];
  for (const type of APPEAL_EVENT_TYPES) {
    const actors = GRAPH_ACTORS.filter((a) => eventRoles[type].includes(a.role));
    if (SCOPED_TO_ASSIGNEE.includes(type)) actors.push(otherHandler, otherGridWorker);
    for (const actor of actors) {
      for (const payload of variants[type] ?? [{}]) events.push(ev(type, actor, payload as never));
    }
  }
  return events;
}

/**
 * The abstract state: exactly what later guard decisions can depend on, so two
 * snapshots with the same key accept the same sample events from here on.
 * - which kind of assignee (GRAPH_HANDLER holds every department in the chain);
 * - the dispatch level only where SUB_DISPATCH can still happen (triage resets it);
 * - callback attempts and overdue flag only while calling (APPROVE_REPLY resets them);
 * - extension and redo counts always (they never reset);
 * - in triage, whether the appeal was ever worked on (a withdrawal is refused then);
 * - never the counters that only grow for reports (supervision, reopens) or timestamps.
 */
function serializeForGraph(snapshot: AppealSnapshot): string {
  const c = snapshot.context;
  const phase = phaseOf(snapshot);
  return JSON.stringify([
    snapshot.value,
    c.gridId !== null ? 'grid' : c.assigneeDepartmentId !== null ? 'dept' : 'none',
    phase === 'dispatched' || phase === 'returnRequested' ? c.dispatchLevel : null,
    c.extensionCount,
    c.redoCount,
    phase === 'callback.calling' ? [c.callbackAttempts, c.callbackOverdue] : null,
    c.selfHandled,
    c.unreasonable,
    // Whether a withdrawal is still possible: only in triage, before anything was done with the appeal.
    phase === 'triage'
      ? c.repliedAt === null &&
        c.lastReturnReason === null &&
        c.lastRejectReason === null &&
        c.referralId === null &&
        c.reopenCount === 0 &&
        !c.answeredOnSpot
      : null,
    // Only open assisting orders weigh on later guards; answered and waived ones never do again.
    c.assists.filter((a) => a.status === 'pending' || a.status === 'accepted').map((a) => a.status),
  ]);
}

/** The abstract state without the SLA region. */
const progressKey = (snapshot: AppealSnapshot) =>
  JSON.stringify([phaseOf(snapshot), (JSON.parse(serializeForGraph(snapshot)) as unknown[]).slice(1)]);

// The graph starts from a grid worker's own patrol draft: only SELF_HANDLE reads who created it and
// from which source, so every other path is the same as from an operator's draft.
const GRAPH_INPUT = { createdBy: gridWorker.userId, source: 'patrol' };
const graphStart = () => createAppealSnapshot(GRAPH_INPUT);

const graphOptions = {
  input: GRAPH_INPUT,
  events: graphEvents,
  serializeState: serializeForGraph,
  filterEvents: (s: AppealSnapshot, e: AppealEvent) => s.can(e),
};

type TransitionKey = string;
function transitionKey(t: { source: { id: string }; eventType: string }, index: number): TransitionKey {
  return `${t.source.id} ${t.eventType} #${index}`;
}

function configuredTransitions(): Set<TransitionKey> {
  const keys = new Set<TransitionKey>();
  for (const node of [appealMachine.root, ...getStateNodes(appealMachine.root)]) {
    for (const [eventType, list] of node.transitions) {
      list.forEach((t, i) => keys.add(transitionKey({ source: node, eventType }, i)));
    }
  }
  return keys;
}

function takenTransitions(snapshot: AppealSnapshot, event: AppealEvent): TransitionKey[] {
  return appealMachine.getTransitionData(snapshot, event).map((t) => {
    const index = t.source.transitions.get(t.eventType)?.indexOf(t) ?? -1;
    if (index < 0) throw new Error(`transition ${t.source.id} ${t.eventType} not found in its source`);
    return transitionKey(t, index);
  });
}

const FINAL_PHASES: AppealPhase[] = ['merged', 'void'];

type Edge = { event: AppealEvent; state: AppealSnapshot };
const edgesOf = (transitions: AdjacencyValue<AppealSnapshot, AppealEvent>['transitions']): Edge[] =>
  Object.values(transitions) as Edge[];

let adjacencyCache: AdjacencyMap<AppealSnapshot, AppealEvent> | undefined;
function adjacency() {
  adjacencyCache ??= getAdjacencyMap(appealMachine, graphOptions);
  return adjacencyCache;
}

describe('model-based paths (xstate/graph)', () => {
  type TestPaths = ReturnType<ReturnType<typeof createTestModel<typeof appealMachine>>['getShortestPaths']>;
  let paths: TestPaths;
  // Assisting orders (pending, accepted, settled) triple the states before the first reply: give it time.
  beforeAll(() => {
    paths = createTestModel(appealMachine, graphOptions).getShortestPaths();
  }, 600_000);

  it('reaches every state node of the machine, nested ones included', () => {
    const active = new Set<string>();
    for (const path of paths) {
      for (const step of path.steps) for (const node of step.state._nodes) active.add(node.id);
    }
    const all = getStateNodes(appealMachine.root).map((n) => n.id);
    expect(all).toContain('appeal.phase.handling.extensionPending');
    expect(all).toContain('appeal.phase.verification');
    expect(all.filter((id) => !active.has(id))).toEqual([]);
  });

  it('covers every configured transition with a path that replays through the pure helpers', () => {
    const configured = configuredTransitions();
    const shortestTo = new Map<string, AppealEvent[]>();
    for (const path of getShortestPaths(appealMachine, graphOptions)) {
      shortestTo.set(
        serializeForGraph(path.state),
        path.steps.slice(1).map((s) => s.event),
      );
    }
    // Cheapest witness per transition: the shortest path to a state that takes it, then the event.
    const witness = new Map<TransitionKey, { events: AppealEvent[]; event: AppealEvent }>();
    for (const [key, { state, transitions }] of Object.entries(adjacency())) {
      const prefix = shortestTo.get(key);
      expect(prefix, key).toBeDefined();
      for (const { event } of edgesOf(transitions)) {
        for (const taken of takenTransitions(state, event)) {
          const known = witness.get(taken);
          if (!known || known.events.length > prefix!.length) witness.set(taken, { events: prefix!, event });
        }
      }
    }
    expect([...configured].filter((k) => !witness.has(k))).toEqual([]);
    expect([...witness.keys()].filter((k) => !configured.has(k))).toEqual([]);

    for (const [key, { events, event }] of witness) {
      const before = run(events, graphStart());
      expect(takenTransitions(before, event), key).toContain(key);
      expect(applyAppealEvent(before, event).accepted, key).toBe(true);
    }
  }, 600_000); // The graph again, twice over (shortest paths and adjacency): as slow as the model's paths above.

  it('drives every shortest path through persist → restore → apply, as the service does', async () => {
    expect(paths.length).toBeGreaterThan(APPEAL_PHASES.length);
    for (const path of paths) {
      let stored = persistAppealSnapshot(graphStart());
      const send = (event: AppealEvent, expected: AppealSnapshot) => {
        const { accepted, next } = applyAppealEvent(restoreAppealSnapshot(JSON.parse(JSON.stringify(stored))), event);
        expect(accepted).toBe(true);
        // Path states are representatives of their abstract state, so compare what guards read.
        expect(serializeForGraph(next)).toBe(serializeForGraph(expected));
        stored = persistAppealSnapshot(next);
      };
      await path.test({
        events: Object.fromEntries(
          APPEAL_EVENT_TYPES.map((type) => [
            type,
            (step: { event: AppealEvent; state: AppealSnapshot }) => send(step.event, step.state),
          ]),
        ),
        states: {
          '*': (state) => {
            expect(stored.value).toEqual(state.value);
          },
        },
      });
    }
  });
});

describe('closed-loop invariants (every reachable edge explored)', () => {
  it('explores a bounded, non-trivial graph', () => {
    const vertices = Object.keys(adjacency()).length;
    expect(vertices).toBeGreaterThan(100);
    expect(vertices).toBeLessThan(200_000);
  });

  it('every non-final state has an accepted event that moves the phase on', () => {
    const stuck: string[] = [];
    for (const [key, { state, transitions }] of Object.entries(adjacency())) {
      const phase = phaseOf(state);
      expect(state.status).toBe('active');
      if (FINAL_PHASES.includes(phase)) {
        expect(Object.keys(transitions)).toEqual([]);
        continue;
      }
      const movesOn = edgesOf(transitions).some((t) => phaseOf(t.state) !== phase);
      if (!movesOn) stuck.push(key);
    }
    expect(stuck).toEqual([]);
  });

  it('from every reachable state the appeal can still be closed or end', () => {
    const adj = adjacency();
    const reverse = new Map<string, string[]>();
    const done = new Set<string>();
    for (const [key, { state, transitions }] of Object.entries(adj)) {
      if (state.hasTag('closed')) done.add(key);
      for (const t of edgesOf(transitions)) {
        const to = serializeForGraph(t.state);
        reverse.set(to, [...(reverse.get(to) ?? []), key]);
      }
    }
    const canFinish = new Set(done);
    const queue = [...done];
    while (queue.length) {
      for (const from of reverse.get(queue.pop()!) ?? []) {
        if (!canFinish.has(from)) {
          canFinish.add(from);
          queue.push(from);
        }
      }
    }
    expect(Object.keys(adj).filter((k) => !canFinish.has(k))).toEqual([]);
  });

  it('closed is entered only by satisfied feedback, the last failed callback, or a supervisor decision', () => {
    const entries = new Set<string>();
    for (const { state, transitions } of Object.values(adjacency())) {
      if (phaseOf(state) === 'closed') continue;
      for (const { event, state: next } of edgesOf(transitions)) {
        if (phaseOf(next) !== 'closed') continue;
        expect(next.context.closedAt).toBe(event.at);
        switch (event.type) {
          case 'FEEDBACK':
            expect(['satisfied', 'basicallySatisfied']).toContain(event.satisfaction);
            expect(next.context.closeReason).toBe('feedback');
            break;
          case 'UNREACHABLE':
            expect(state.context.callbackAttempts).toBe(MAX_CALLBACK_ATTEMPTS - 1);
            expect(next.context.closeReason).toBe('unreachable');
            break;
          case 'SUPERVISOR_CLOSE':
            expect(event.actor.role).toBe('supervisor');
            expect(next.context.closeReason).toBe('supervisor');
            break;
          case 'VERIFY_APPROVE':
            // A self-handled patrol report has no citizen: verification is its last check.
            expect(state.context.selfHandled).toBe(true);
            expect(next.context.closeReason).toBe('verified');
            entries.add(`${phaseOf(state)} ${event.type}`);
            continue;
          default:
            throw new Error(`closed entered by ${event.type} from ${phaseOf(state)}`);
        }
        expect(phaseOf(state).startsWith('callback.')).toBe(true);
        entries.add(`${phaseOf(state)} ${event.type}`);
      }
    }
    expect([...entries].sort()).toEqual([
      'callback.calling FEEDBACK',
      'callback.calling SUPERVISOR_CLOSE',
      'callback.calling UNREACHABLE',
      'callback.dissatisfied SUPERVISOR_CLOSE',
      'verification VERIFY_APPROVE',
    ]);
  });

  it('random concrete walks stay on the explored graph, so the abstraction hides no behaviour', () => {
    const adj = adjacency();
    let seed = 12345;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    for (let walk = 0; walk < 300; walk++) {
      let state = graphStart();
      for (let step = 0; step < 60; step++) {
        const accepted = graphEvents(state).filter((e) => state.can(e));
        const key = serializeForGraph(state);
        expect(adj[key as keyof typeof adj], key).toBeDefined();
        const explored = edgesOf(adj[key as keyof typeof adj].transitions);
        expect(accepted.length, key).toBe(explored.length);
        if (accepted.length === 0) break;
        // Same sample list in the same order, so edges pair up by position.
        // Mostly take steps that make progress (not SLA or notes), so walks get deep into the counters.
        const moving = explored.flatMap((e, index) => (progressKey(e.state) !== progressKey(state) ? [index] : []));
        const pool = moving.length && random() < 0.8 ? moving : explored.map((_, index) => index);
        const i = pool[Math.floor(random() * pool.length)];
        const event = accepted[i];
        const next = applyAppealEvent(state, event).next;
        expect(explored[i].event.type).toBe(event.type);
        expect(serializeForGraph(explored[i].state), `${key} ${event.type}`).toBe(serializeForGraph(next));
        state = next;
      }
    }
  });

  it('no edge leaves a final phase and only REOPEN leaves closed', () => {
    for (const { state, transitions } of Object.values(adjacency())) {
      const phase = phaseOf(state);
      if (phase !== 'closed') continue;
      for (const { event, state: next } of edgesOf(transitions)) {
        // Marking a demand unreasonable (or not) is a judgement on a closed appeal, not a step out of it.
        if (event.type === 'MARK_UNREASONABLE') {
          expect(phaseOf(next)).toBe('closed');
          continue;
        }
        expect(event.type).toBe('REOPEN');
        expect(phaseOf(next)).toBe('triage');
      }
    }
  });
});

describe('acceptedEventTypes', () => {
  it('lists only the buttons this actor can use now', () => {
    const dispatched = run(ROUTES.dispatched);
    expect(acceptedEventTypes(dispatched, handler, T0)).toEqual(['ACCEPT', 'RETURN', 'SUB_DISPATCH']);
    // A handler of the assisting unit has his own order to accept, and nothing of the lead's.
    expect(acceptedEventTypes(dispatched, otherHandler, T0)).toEqual(['ASSIST_ACCEPT']);
    expect(acceptedEventTypes(dispatched, supervisor, T0)).toEqual(['SUPERVISE', 'MARK_UNREASONABLE', 'ESCALATE']);
    expect(acceptedEventTypes(run(ROUTES.triage), dispatcher, T0)).toEqual([
      'DISPATCH',
      'HAND_TO_POLICY_LEAD',
      'ASSIGN_GRID',
      'RESOLVE_ON_SPOT',
      'MERGE_INTO',
      'REFER',
      'RECLASSIFY',
    ]);
    expect(acceptedEventTypes(run(ROUTES['callback.calling']), reviewer, T0)).toEqual(['FEEDBACK', 'UNREACHABLE']);
    expect(acceptedEventTypes(run(ROUTES.referred), mediator, T0)).toEqual([]);
    expect(acceptedEventTypes(run(ROUTES.referred), system, T0)).toEqual([
      'REFERRAL_DONE',
      'REFER_ON',
      'WARN',
      'OVERDUE',
    ]);
    expect(acceptedEventTypes(run(ROUTES.verification), reviewer, T0)).toEqual(['VERIFY_APPROVE', 'VERIFY_REJECT']);
    expect(acceptedEventTypes(run(ROUTES.verification), supervisor, T0)).toEqual([
      'VERIFY_APPROVE',
      'VERIFY_REJECT',
      'SUPERVISE',
      'MARK_UNREASONABLE',
      'ESCALATE',
    ]);
    expect(acceptedEventTypes(run(ROUTES.verification), gridWorker, T0)).toEqual([]);
    expect(acceptedEventTypes(run(ROUTES.void), supervisor, T0)).toEqual([]);
  });

  it('uses the given time for the reopen window', () => {
    const closed = run(ROUTES.closed);
    expect(acceptedEventTypes(closed, operator, plusDays(T0, 1))).toEqual(['REOPEN']);
    expect(acceptedEventTypes(closed, operator, plusDays(T0, REOPEN_WINDOW_DAYS + 1))).toEqual([]);
  });
});

describe('persistence', () => {
  for (const phase of APPEAL_PHASES) {
    it(`round-trips ${phase}`, () => {
      const original = run(ROUTES[phase]);
      const persisted = persistAppealSnapshot(original);
      expect(persisted.machine).toBe(APPEAL_MACHINE_ID);
      expect(persisted.machineVersion).toBe(APPEAL_MACHINE_VERSION);
      const restored = restoreAppealSnapshot(JSON.parse(JSON.stringify(persisted)));
      expect(restored.value).toEqual(original.value);
      expect(restored.context).toEqual(original.context);
      expect(phaseOf(restored)).toBe(phase);
      for (const event of graphEvents(original)) {
        expect(restored.can(event), `${event.type} by ${event.actor.role}`).toBe(original.can(event));
      }
      expect(persistAppealSnapshot(restored)).toEqual(persisted);
    });
  }

  it('accepts the bare { value, context } form', () => {
    const original = run(ROUTES['handling.extensionPending']);
    const restored = restoreAppealSnapshot({ value: original.value, context: original.context });
    expect(restored.value).toEqual(original.value);
  });

  it('refuses a snapshot from another machine version or machine, or a malformed one', () => {
    const persisted = persistAppealSnapshot(run(ROUTES.triage));
    expect(() => restoreAppealSnapshot({ ...persisted, machineVersion: APPEAL_MACHINE_VERSION + 1 })).toThrow(
      /machine version/,
    );
    expect(() => restoreAppealSnapshot({ ...persisted, machine: 'agent' })).toThrow(/agent/);
    expect(() => restoreAppealSnapshot(null)).toThrow();
    expect(() => restoreAppealSnapshot({ value: persisted.value })).toThrow(/invalid/);
    expect(() => restoreAppealSnapshot({ ...persisted, context: { ...persisted.context, redoCount: -1 } })).toThrow(
      /invalid/,
    );
    expect(() => restoreAppealSnapshot({ ...persisted, value: { phase: 'limbo', sla: 'onTime' } })).toThrow();
  });
});

describe('report inputs kept in the context', () => {
  it('MARK_UNREASONABLE marks and unmarks an appeal that counts in reports, supervisors only', () => {
    const closed = run(ROUTES.closed);
    const marked = apply(closed, ev('MARK_UNREASONABLE', supervisor));
    expect(marked.context.unreasonable).toBe(true);
    expect(phaseOf(marked)).toBe('closed');
    // Marking again changes nothing, so it is refused; unmarking is allowed.
    expect(marked.can(ev('MARK_UNREASONABLE', supervisor))).toBe(false);
    expect(apply(marked, ev('MARK_UNREASONABLE', supervisor, { unreasonable: false })).context.unreasonable).toBe(
      false,
    );
    expect(closed.can(ev('MARK_UNREASONABLE', reviewer))).toBe(false);
    for (const phase of ['draft', 'void', 'merged'] as const)
      expect(run(ROUTES[phase]).can(ev('MARK_UNREASONABLE', supervisor)), phase).toBe(false);
    expect(eventPayloadSchemas.MARK_UNREASONABLE.safeParse({ unreasonable: true }).success).toBe(false);
  });

  it('records when the handling unit answered: REPLY, RESOLVE_ON_SPOT and SELF_HANDLE', () => {
    const at = plusDays(T0, 2);
    expect(run(ROUTES.dispatched).context.repliedAt).toBeNull();
    expect(apply(run(ROUTES['handling.working']), ev('REPLY', handler, {}, at)).context.repliedAt).toBe(at);
    expect(apply(run(ROUTES.triage), ev('RESOLVE_ON_SPOT', operator, {}, at)).context.repliedAt).toBe(at);
    const patrol = createAppealSnapshot({ createdBy: gridWorker.userId, source: 'patrol' });
    expect(apply(patrol, ev('SELF_HANDLE', gridWorker, {}, at)).context.repliedAt).toBe(at);
  });
});

describe('editing a saved draft (EDIT_DRAFT)', () => {
  const draft = () => createAppealSnapshot({ createdBy: operator.userId });
  const edit = (by: Actor, changes: Record<string, unknown> = { content: { from: '旧内容', to: '新内容' } }) =>
    ev('EDIT_DRAFT', by, { changes } as never);

  it('lets the creator edit his draft, which stays a draft with the same context', () => {
    const before = draft();
    const { accepted, next } = applyAppealEvent(before, edit(operator));
    expect(accepted).toBe(true);
    expect(phaseOf(next)).toBe('draft');
    expect(next.context).toEqual(before.context);
    expect(appealTagsOf(next)).toEqual(['draft']);
    // Edited again and again, then submitted as usual.
    const again = apply(apply(next, edit(operator)), ev('SUBMIT', operator));
    expect(phaseOf(again)).toBe('triage');
  });

  it('refuses anyone but the creator, and every role that may not record appeals', () => {
    const otherOperator = { ...operator, userId: operator.userId + 100 };
    expect(draft().can(edit(otherOperator))).toBe(false);
    expect(draft().can(edit({ ...dispatcher, userId: dispatcher.userId }))).toBe(false);
    for (const role of ['handler', 'reviewer', 'supervisor', 'admin', 'system', 'mediator'] as Role[]) {
      expect(roleAllowed(role, 'EDIT_DRAFT'), role).toBe(false);
    }
  });

  it('is refused once the draft is submitted or discarded', () => {
    for (const phase of ['triage', 'void', 'closed', 'merged'] as AppealPhase[]) {
      expect(run(ROUTES[phase]).can(edit(operator)), phase).toBe(false);
    }
  });

  it('takes only named fields with their old and new values, and at least one change', () => {
    const schema = eventPayloadSchemas.EDIT_DRAFT;
    expect(schema.safeParse({ changes: { title: { from: 'a', to: 'b' } } }).success).toBe(true);
    expect(schema.safeParse({ changes: { gridId: { from: null, to: 3 } } }).success).toBe(true);
    expect(schema.safeParse({ changes: {}, idNumberChanged: true }).success).toBe(true);
    expect(schema.safeParse({ changes: {} }).success).toBe(false);
    expect(schema.safeParse({ changes: { status: { from: 'a', to: 'b' } } }).success).toBe(false);
    expect(schema.safeParse({ changes: { title: { to: 'b' } } }).success).toBe(false);
    expect(schema.safeParse({ changes: { lat: { from: null, to: 91 } } }).success).toBe(false);
    expect(schema.safeParse({ changes: { title: { from: 'a', to: 'b' } }, idNumber: '110' }).success).toBe(false);
  });

  it('is offered to the creator of a draft only', () => {
    expect(acceptedEventTypes(draft(), operator, T0)).toContain('EDIT_DRAFT');
    expect(acceptedEventTypes(draft(), dispatcher, T0)).not.toContain('EDIT_DRAFT');
  });
});

describe('重办 choice: back to the same unit or back to triage', () => {
  const redo = { redoTo: 'sameUnit' } as const;
  const triage = { redoTo: 'triage' } as const;
  const usedUp = (from: AppealEvent[], back: AppealEvent) => {
    let s = run(from);
    for (let i = 0; i < MAX_REDO; i++) s = run([back, ev('REPLY', handler)], s);
    return s;
  };

  it('REJECT_REPLY with sameUnit goes back to the unit and counts a redo; with triage it goes to dispatch, uncounted', () => {
    const same = apply(run(ROUTES.review), ev('REJECT_REPLY', reviewer, redo));
    expect(phaseOf(same)).toBe('handling.working');
    expect(same.context.redoCount).toBe(1);
    expect(same.context.assigneeDepartmentId).toBe(LEAD_DEPT);

    const back = apply(run(ROUTES.review), ev('REJECT_REPLY', reviewer, triage));
    expect(phaseOf(back)).toBe('triage');
    expect(back.hasTag('awaitingDispatch')).toBe(true);
    expect(back.context.redoCount).toBe(0);
    expect(back.context.assigneeDepartmentId).toBeNull();
    expect(back.context.lastRejectReason).toBe(DEFAULT_PAYLOADS.REJECT_REPLY.reason);
    expect(redoTargets(run(ROUTES.review), reviewer, 'REJECT_REPLY')).toEqual(['sameUnit', 'triage']);
  });

  it('REJECT_REPLY sameUnit is refused once the redos are used up or when nobody holds it; triage still works', () => {
    const exhausted = usedUp(toReview, ev('REJECT_REPLY', reviewer, redo));
    expect(exhausted.context.redoCount).toBe(MAX_REDO);
    expect(exhausted.can(ev('REJECT_REPLY', reviewer, redo))).toBe(false);
    expect(redoTargets(exhausted, reviewer, 'REJECT_REPLY')).toEqual(['triage']);
    expect(phaseOf(apply(exhausted, ev('REJECT_REPLY', reviewer, triage)))).toBe('triage');

    // A referral made from triage comes back for review with no unit: only triage is possible.
    const referred = run([...toTriage, ev('REFER', dispatcher), ev('REFERRAL_DONE', system)]);
    expect(phaseOf(referred)).toBe('review');
    expect(referred.can(ev('REJECT_REPLY', reviewer, redo))).toBe(false);
    expect(redoTargets(referred, reviewer, 'REJECT_REPLY')).toEqual(['triage']);
    // Without a choice the old rule holds: nobody to redo it, so the dispatcher decides again.
    expect(phaseOf(apply(referred, ev('REJECT_REPLY', reviewer)))).toBe('triage');
  });

  it('REJECT_REPLY of an answer given on the spot can only go back to triage', () => {
    const replied = run(ROUTES.replied);
    expect(replied.can(ev('REJECT_REPLY', reviewer, redo))).toBe(false);
    expect(phaseOf(apply(replied, ev('REJECT_REPLY', reviewer, triage)))).toBe('triage');
    expect(redoTargets(replied, reviewer, 'REJECT_REPLY')).toEqual(['triage']);
  });

  it('REDO after a dissatisfied callback: sameUnit to handling (counted), triage to dispatch; guards as in review', () => {
    const dissatisfied = run(ROUTES['callback.dissatisfied']);
    const same = apply(dissatisfied, ev('REDO', reviewer, redo));
    expect(phaseOf(same)).toBe('handling.working');
    expect(same.context.redoCount).toBe(1);
    const back = apply(dissatisfied, ev('REDO', supervisor, triage));
    expect(phaseOf(back)).toBe('triage');
    expect(back.context.redoCount).toBe(0);
    expect(dissatisfied.can(ev('REDO', handler, triage))).toBe(false);

    let exhausted = run(ROUTES['callback.dissatisfied']);
    for (let i = 0; i < MAX_REDO; i++)
      exhausted = run(
        [
          ev('REDO', reviewer, redo),
          ev('REPLY', handler),
          ev('APPROVE_REPLY', reviewer),
          ev('FEEDBACK', reviewer, { satisfaction: 'dissatisfied', resolved: false }),
        ],
        exhausted,
      );
    expect(exhausted.can(ev('REDO', reviewer, redo))).toBe(false);
    expect(redoTargets(exhausted, reviewer, 'REDO')).toEqual(['triage']);
  });

  it('VERIFY_REJECT: the grid redoes it, or a grid-assigned appeal goes back to dispatch; a self-handled report cannot', () => {
    const verification = run(ROUTES.verification);
    const same = apply(verification, ev('VERIFY_REJECT', reviewer, redo));
    expect(phaseOf(same)).toBe('handling.working');
    expect(same.context.redoCount).toBe(1);
    const back = apply(verification, ev('VERIFY_REJECT', reviewer, triage));
    expect(phaseOf(back)).toBe('triage');
    expect(back.context.gridId).toBeNull();
    expect(back.context.redoCount).toBe(0);

    const patrol = createAppealSnapshot({ createdBy: gridWorker.userId, source: 'patrol' });
    const selfHandled = apply(patrol, ev('SELF_HANDLE', gridWorker));
    expect(phaseOf(selfHandled)).toBe('verification');
    expect(selfHandled.can(ev('VERIFY_REJECT', reviewer, triage))).toBe(false);
    expect(redoTargets(selfHandled, reviewer, 'VERIFY_REJECT')).toEqual(['sameUnit']);
  });

  it('the payload allows only the two targets, and the chart shows both ways out of review', () => {
    for (const type of ['REJECT_REPLY', 'REDO', 'VERIFY_REJECT'] as const) {
      expect(eventPayloadSchemas[type].safeParse({ reason: 'r', redoTo: 'triage' }).success, type).toBe(true);
      expect(eventPayloadSchemas[type].safeParse({ reason: 'r', redoTo: 'sameUnit' }).success, type).toBe(true);
      expect(eventPayloadSchemas[type].safeParse({ reason: 'r', redoTo: 'elsewhere' }).success, type).toBe(false);
      expect(eventPayloadSchemas[type].safeParse({ redoTo: 'triage' }).success, type).toBe(false);
    }
    const edges = lifecycleChart().edges.filter((e) => e.from === 'review' && e.event === 'REJECT_REPLY');
    expect(edges.map((e) => e.to).sort()).toEqual(['handling', 'triage']);
  });
});

describe('assisting orders (协办) and second-level dispatch (二级派单)', () => {
  const dispatchedWithAssist = () => run(toDispatched);
  const assistOf = (s: AppealSnapshot, dept = ASSIST_DEPT) => s.context.assists.find((a) => a.departmentId === dept);

  it('DISPATCH opens one pending order per assisting unit, with the accept and opinion deadlines', () => {
    const s = run([
      ...toTriage,
      ev('DISPATCH', dispatcher, { assistingDepartmentIds: [ASSIST_DEPT, 13], assistDueAt: plusDays(T0, 4) }),
    ]);
    expect(s.context.assists).toEqual([
      {
        departmentId: ASSIST_DEPT,
        status: 'pending',
        acceptDueAt: plusDays(T0, 1),
        dueAt: plusDays(T0, 4),
        acceptedAt: null,
        answeredAt: null,
      },
      {
        departmentId: 13,
        status: 'pending',
        acceptDueAt: plusDays(T0, 1),
        dueAt: plusDays(T0, 4),
        acceptedAt: null,
        answeredAt: null,
      },
    ]);
  });

  it('the assisting unit accepts, then answers; neither step moves the phase and each is its own', () => {
    const later = plusDays(T0, 1);
    const accepted = apply(dispatchedWithAssist(), ev('ASSIST_ACCEPT', assistant, {}, later));
    expect(phaseOf(accepted)).toBe('dispatched');
    expect(assistOf(accepted)).toMatchObject({ status: 'accepted', acceptedAt: later });
    // Answering before accepting, or accepting twice, is refused.
    expect(accepted.can(ev('ASSIST_ACCEPT', assistant))).toBe(false);
    expect(dispatchedWithAssist().can(ev('ASSIST_OPINION', assistant))).toBe(false);
    const answered = apply(accepted, ev('ASSIST_OPINION', assistant, {}, plusDays(T0, 2)));
    expect(assistOf(answered)).toMatchObject({ status: 'answered', answeredAt: plusDays(T0, 2) });
    expect(answered.can(ev('ASSIST_OPINION', assistant))).toBe(false);
  });

  it('only a handler of that assisting unit acts on its order; the lead and other units cannot', () => {
    const s = dispatchedWithAssist();
    expect(s.can(ev('ASSIST_ACCEPT', handler))).toBe(false);
    expect(s.can(ev('ASSIST_ACCEPT', handler, { assistDepartmentId: LEAD_DEPT }))).toBe(false);
    expect(s.can(ev('ASSIST_ACCEPT', mk('handler', { departmentIds: [13] }), { assistDepartmentId: 13 }))).toBe(false);
    // Naming a unit the actor does not belong to is refused even if the unit assists.
    expect(s.can(ev('ASSIST_ACCEPT', mk('handler', { departmentIds: [13] })))).toBe(false);
    for (const role of ROLES.filter((r) => r !== 'handler'))
      expect(s.can(ev('ASSIST_ACCEPT', omniscoped(role))), role).toBe(false);
    expect(acceptedEventTypes(s, assistant, T0)).toEqual(['ASSIST_ACCEPT']);
  });

  it('works while the lead has the order (dispatched, in hand, extension pending), not before or after', () => {
    const accepted = run([...toDispatched, ev('ACCEPT', handler), ev('REQUEST_EXTENSION', handler)]);
    expect(phaseOf(accepted)).toBe('handling.extensionPending');
    expect(accepted.can(ev('ASSIST_ACCEPT', assistant))).toBe(true);
    const returned = run([...toDispatched, ev('RETURN', handler)]);
    expect(returned.can(ev('ASSIST_ACCEPT', assistant))).toBe(false);
    // The dispatcher sends it back: the orders stand again; approving the return clears them.
    expect(apply(returned, ev('REJECT_RETURN', dispatcher)).can(ev('ASSIST_ACCEPT', assistant))).toBe(true);
    const cleared = apply(returned, ev('APPROVE_RETURN', dispatcher));
    expect(cleared.context.assists).toEqual([]);
  });

  it("the lead's reply waits for every open order, unless the lead gives a reason, which waives them", () => {
    const working = run([...toDispatched, ev('ACCEPT', handler), ev('ASSIST_ACCEPT', assistant)]);
    expect(working.can(ev('REPLY', handler))).toBe(false);
    expect(acceptedEventTypes(working, handler, T0)).toContain('REPLY'); // with a reason it can go
    const overridden = apply(working, ev('REPLY', handler, { assistOverride: '协办单位三次联系未果' }));
    expect(phaseOf(overridden)).toBe('review');
    expect(assistOf(overridden)?.status).toBe('waived');
    // Answered orders stay answered; a reply after them needs no reason.
    const answered = run([...toWorking, ev('REPLY', handler)]);
    expect(phaseOf(answered)).toBe('review');
    expect(assistOf(answered)?.status).toBe('answered');
  });

  it('a waived order cannot be answered later, and a redo does not reopen it', () => {
    const working = run([...toDispatched, ev('ACCEPT', handler), ev('ASSIST_ACCEPT', assistant)]);
    const reviewed = apply(working, ev('REPLY', handler, { assistOverride: '时限将至' }));
    const redo = apply(reviewed, ev('REJECT_REPLY', reviewer));
    expect(phaseOf(redo)).toBe('handling.working');
    expect(redo.can(ev('ASSIST_OPINION', assistant))).toBe(false);
    expect(redo.can(ev('REPLY', handler))).toBe(true);
  });

  it('sub-dispatch keeps the assisting orders; the sub-unit replies once they are settled', () => {
    const sub = mk('handler', { departmentIds: [20] });
    const s = run([...toDispatched, ev('SUB_DISPATCH', handler)]);
    expect(s.context.assigneeDepartmentId).toBe(20);
    expect(s.context.dispatchLevel).toBe(2);
    expect(s.context.assists.map((a) => a.status)).toEqual(['pending']);
    expect(s.can(ev('ACCEPT', handler))).toBe(false); // the bureau passed it down
    const inHand = apply(s, ev('ACCEPT', sub));
    expect(inHand.can(ev('REPLY', sub))).toBe(false);
    const settled = run([ev('ASSIST_ACCEPT', assistant), ev('ASSIST_OPINION', assistant)], inHand);
    expect(phaseOf(apply(settled, ev('REPLY', sub)))).toBe('review');
  });

  it('a grid assignment or a self-handled report has no assisting orders', () => {
    expect(run(toGridWorking).context.assists).toEqual([]);
  });

  it('restores an older snapshot without orders: open dispatches get pending orders, later phases none owed', () => {
    const strip = (s: AppealSnapshot) => {
      const p = persistAppealSnapshot(s) as unknown as { context: Record<string, unknown> };
      delete p.context.assists;
      return p;
    };
    const dispatched = restoreAppealSnapshot(strip(dispatchedWithAssist()));
    expect(dispatched.context.assists.map((a) => [a.departmentId, a.status])).toEqual([[ASSIST_DEPT, 'pending']]);
    expect(dispatched.can(ev('ASSIST_ACCEPT', assistant))).toBe(true);
    const review = restoreAppealSnapshot(strip(run(toReview)));
    expect(review.context.assists.map((a) => a.status)).toEqual(['waived']);
    const triage = restoreAppealSnapshot(strip(run(toTriage)));
    expect(triage.context.assists).toEqual([]);
  });

  it('reply and opinion payloads take attachment references and the override reason, nothing else', () => {
    const ref = { id: 3, fileName: 'site.jpg', size: 10, sha256: 'a'.repeat(64) };
    expect(eventPayloadSchemas.REPLY.safeParse({ result: 'r', resolved: true, attachments: [ref] }).success).toBe(true);
    expect(eventPayloadSchemas.REPLY.safeParse({ result: 'r', resolved: true, assistOverride: ' ' }).success).toBe(
      false,
    );
    expect(
      eventPayloadSchemas.ASSIST_OPINION.safeParse({ assistDepartmentId: 1, text: 'x', attachments: [{ id: 1 }] })
        .success,
    ).toBe(false);
    expect(eventPayloadSchemas.ASSIST_OPINION.safeParse({ assistDepartmentId: 1, text: '  ' }).success).toBe(false);
  });
});

describe('reclassification (RECLASSIFY) in triage', () => {
  const triage = () => run(ROUTES.triage);
  const reclassify = (actor: Actor, payload: Partial<AppealEventPayload<'RECLASSIFY'>> = {}, at = T0) =>
    ev('RECLASSIFY', actor, payload, at);

  it('stays in triage with the recomputed deadline, keeping everything else of the context', () => {
    const before = triage();
    const next = apply(before, reclassify(dispatcher, { dueAt: plusDays(T0, 3) }));
    expect(phaseOf(next)).toBe('triage');
    expect(next.context).toEqual({ ...before.context, dueAt: plusDays(T0, 3) });
    expect(appealTagsOf(next)).toEqual(appealTagsOf(before));
  });

  it("is the dispatch desk's only: dispatcher and supervisor, nobody else", () => {
    expect(eventRoles.RECLASSIFY).toEqual(['dispatcher', 'supervisor']);
    expect(triage().can(reclassify(supervisor))).toBe(true);
    for (const role of ROLES.filter((r) => r !== 'dispatcher' && r !== 'supervisor'))
      expect(triage().can(reclassify(omniscoped(role))), role).toBe(false);
  });

  it("is refused outside triage: once dispatched the classification is the department's to work with", () => {
    for (const phase of APPEAL_PHASES.filter((p) => p !== 'triage')) {
      const s = run(ROUTES[phase]);
      expect(s.can(reclassify(dispatcher)), phase).toBe(false);
      expect(s.can(reclassify(supervisor)), phase).toBe(false);
    }
  });

  it('puts an overdue appeal back on time when the new deadline is still ahead, and not when it has passed', () => {
    const overdue = apply(triage(), ev('OVERDUE', system));
    expect(slaOf(overdue)).toBe('overdue');
    const later = plusDays(T0, 5);
    expect(slaOf(apply(overdue, reclassify(dispatcher, { dueAt: plusDays(T0, 6) }, later)))).toBe('onTime');
    const stillLate = apply(overdue, reclassify(dispatcher, { dueAt: plusDays(T0, 2) }, later));
    expect(slaOf(stillLate)).toBe('overdue');
    expect(stillLate.context.dueAt).toBe(plusDays(T0, 2));
  });

  it('takes its payload strictly: the server-computed fields are required and the values must be real', () => {
    const schema = eventPayloadSchemas.RECLASSIFY;
    expect(schema.safeParse(DEFAULT_PAYLOADS.RECLASSIFY).success).toBe(true);
    const { dueAt: _dueAt, ...noDeadline } = DEFAULT_PAYLOADS.RECLASSIFY;
    expect(schema.safeParse(noDeadline).success).toBe(false);
    expect(schema.safeParse({ ...DEFAULT_PAYLOADS.RECLASSIFY, urgency: 'whenever' }).success).toBe(false);
    expect(schema.safeParse({ ...DEFAULT_PAYLOADS.RECLASSIFY, appealType: 'rant' }).success).toBe(false);
    expect(schema.safeParse({ ...DEFAULT_PAYLOADS.RECLASSIFY, categoryId: 0 }).success).toBe(false);
    expect(schema.safeParse({ ...DEFAULT_PAYLOADS.RECLASSIFY, address: 'x'.repeat(256) }).success).toBe(false);
    expect(schema.safeParse({ ...DEFAULT_PAYLOADS.RECLASSIFY, type: 'DISPATCH' }).success).toBe(false);
  });

  it('restores a snapshot stored before reclassification existed and reclassifies it', () => {
    const stored = persistAppealSnapshot(triage());
    const restored = restoreAppealSnapshot(JSON.parse(JSON.stringify(stored)));
    expect(restored.can(reclassify(dispatcher))).toBe(true);
  });
});

describe('the handling deadline is met by the answer', () => {
  const answered = ['replied', 'review', 'verification', 'callback.calling', 'callback.dissatisfied'] as const;
  const owing = [
    'triage',
    'dispatched',
    'returnRequested',
    'handling.working',
    'handling.extensionPending',
    'referred',
  ] as const;

  it('an appeal answered on the spot is never warned or overdue; only its callback clock runs', () => {
    const onSpot = run([...toTriage, ev('RESOLVE_ON_SPOT', operator)]);
    expect(onSpot.can(ev('WARN', system))).toBe(false);
    expect(onSpot.can(ev('OVERDUE', system))).toBe(false);
    const calling = apply(onSpot, ev('APPROVE_REPLY', reviewer));
    expect(calling.can(ev('OVERDUE', system))).toBe(false);
    expect(slaOf(calling)).toBe('onTime');
    expect(calling.can(ev('CALLBACK_DUE', system))).toBe(true);
    expect(apply(calling, ev('CALLBACK_DUE', system)).context.callbackOverdue).toBe(true);
  });

  it('the tag awaitingAnswer marks exactly the phases whose deadline runs', () => {
    for (const phase of owing) {
      const s = run(ROUTES[phase]);
      expect(s.hasTag('awaitingAnswer'), phase).toBe(true);
      expect(s.can(ev('OVERDUE', system)), phase).toBe(true);
    }
    for (const phase of [...answered, 'closed', 'draft', 'merged', 'void'] as const) {
      const s = run(ROUTES[phase]);
      expect(s.hasTag('awaitingAnswer'), phase).toBe(false);
      expect(s.can(ev('WARN', system)), phase).toBe(false);
      expect(s.can(ev('OVERDUE', system)), phase).toBe(false);
    }
  });

  it('a reply sent back for redo owes the answer again, and can then fall overdue', () => {
    const redo = apply(run(toReview), ev('REJECT_REPLY', reviewer));
    expect(redo.hasTag('awaitingAnswer')).toBe(true);
    expect(slaOf(apply(redo, ev('OVERDUE', system)))).toBe('overdue');
    const spotRejected = apply(run([...toTriage, ev('RESOLVE_ON_SPOT', operator)]), ev('REJECT_REPLY', reviewer));
    expect(phaseOf(spotRejected)).toBe('triage');
    expect(spotRejected.can(ev('OVERDUE', system))).toBe(true);
  });

  it('an appeal that fell overdue before its answer stays overdue (a late answer is late)', () => {
    const late = run([...toWorking, ev('OVERDUE', system), ev('REPLY', handler)]);
    expect(slaOf(late)).toBe('overdue');
    expect(phaseOf(late)).toBe('review');
  });
});

describe("the citizen's withdrawal (撤回) and added information (补充材料)", () => {
  it('withdraws into void from the first triage: nothing owed, not counted, not finished', () => {
    const triage = run([ev('SUBMIT', citizen, { dueAt: plusDays(T0, 10) })]);
    expect(triage.context.dueAt).not.toBeNull();
    const withdrawn = apply(triage, ev('WITHDRAW', citizen));
    expect(phaseOf(withdrawn)).toBe('void');
    expect(withdrawn.context.dueAt).toBeNull();
    for (const tag of ['open', 'counted', 'finished', 'needsDispatcher', 'awaitingAnswer'] as AppealTag[])
      expect(withdrawn.hasTag(tag), tag).toBe(false);
    expect(withdrawn.hasTag('closed')).toBe(true);
    expect(acceptedEventTypes(withdrawn, citizen, T0)).toEqual([]);
  });

  it('refuses a withdrawal once the appeal has been worked on, even back in triage', () => {
    const returned = run([...ROUTES.returnRequested, ev('APPROVE_RETURN', dispatcher)]);
    const rejectedOnSpot = run([...ROUTES.replied, ev('REJECT_REPLY', reviewer, { redoTo: 'triage' })]);
    const refusedReferral = run([
      ...ROUTES.referred,
      ev('REFERRAL_DONE', system, { outcome: 'refused', referralId: 500 }),
    ]);
    const reopened = run([...ROUTES.closed, ev('REOPEN', operator, {}, plusDays(T0, 1))]);
    const redone = run([...ROUTES['callback.dissatisfied'], ev('REDO', reviewer, { redoTo: 'triage' })]);
    for (const [name, snapshot] of Object.entries({ returned, rejectedOnSpot, refusedReferral, reopened, redone })) {
      expect(phaseOf(snapshot), name).toBe('triage');
      expect(snapshot.can(ev('WITHDRAW', citizen)), name).toBe(false);
      // Still open: the citizen may add to it.
      expect(snapshot.can(ev('SUPPLEMENT', citizen)), name).toBe(true);
    }
  });

  it('lets only the citizen withdraw or add information, whatever the staff role', () => {
    const triage = run(ROUTES.triage);
    for (const role of ROLES.filter((r) => r !== 'citizen')) {
      expect(triage.can(ev('WITHDRAW', omniscoped(role))), role).toBe(false);
      expect(triage.can(ev('SUPPLEMENT', omniscoped(role))), role).toBe(false);
    }
  });

  it('adds information without moving the appeal or changing what it holds', () => {
    for (const phase of ['triage', 'handling.working', 'callback.calling'] as const) {
      const before = run(ROUTES[phase]);
      const after = apply(before, ev('SUPPLEMENT', citizen));
      expect(after.value, phase).toEqual(before.value);
      expect(after.context, phase).toEqual(before.context);
    }
    for (const phase of ['draft', 'closed', 'merged', 'void'] as const)
      expect(run(ROUTES[phase]).can(ev('SUPPLEMENT', citizen)), phase).toBe(false);
  });

  it('refuses a supplement shorter than 5 or longer than 1000 characters, and a withdrawal reason over 200', () => {
    expect(eventPayloadSchemas.SUPPLEMENT.safeParse({ text: ' 四个字 ' }).success).toBe(false);
    expect(eventPayloadSchemas.SUPPLEMENT.safeParse({ text: '字'.repeat(1001) }).success).toBe(false);
    expect(eventPayloadSchemas.SUPPLEMENT.safeParse({ text: '字'.repeat(1000) }).success).toBe(true);
    expect(eventPayloadSchemas.WITHDRAW.safeParse({ reason: '  ' }).success).toBe(false);
    expect(eventPayloadSchemas.WITHDRAW.safeParse({ reason: '字'.repeat(201) }).success).toBe(false);
    expect(eventPayloadSchemas.WITHDRAW.safeParse({ reason: '字'.repeat(200) }).success).toBe(true);
  });
});
