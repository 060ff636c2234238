import { beforeAll, describe, expect, it } from 'vitest';
import type { AnyMachineSnapshot } from 'xstate';
import { createTestModel, getAdjacencyMap, getShortestPaths, getStateNodes } from 'xstate/graph';
import type { AdjacencyMap } from 'xstate/graph';
import { REFERRAL_KINDS, type ReferralKind } from './appeal-events';
import type { Actor, Role } from './actor';
import { EXTENSION_DAYS } from './arbitration';
import { creditCodeCheckCharacter, isResidentIdNumber, isUnifiedSocialCreditCode } from './identifiers';
import { CONFIRMATION_WINDOW_DAYS } from './mediation';
import {
  acceptedReferralEvents,
  applyReferralEvent,
  createReferralSnapshot,
  heldAtSchema,
  parseReferralPayload,
  persistReferralSnapshot,
  referralPhaseOf,
  referralTagsOf,
  restoreReferralSnapshot,
  type ReferralDefinition,
  type ReferralInput,
  type ReferralSnapshot,
} from './referral-kit';
import { REFERRAL_DEFINITIONS, referralDefinition } from './referrals';

// ---------------------------------------------------------------------------
// Fixtures

const T0 = '2025-03-03T01:00:00.000Z';
const DAY = 24 * 60 * 60 * 1000;
const plusDays = (iso: string, days: number) => new Date(Date.parse(iso) + days * DAY).toISOString();
const plusHours = (iso: string, hours: number) => new Date(Date.parse(iso) + hours * 3600 * 1000).toISOString();

const AGENCY = 20;
const OTHER_AGENCY = 21;
const mk = (userId: number, role: Role, departmentIds: number[] = [AGENCY]): Actor => ({
  userId,
  role,
  departmentIds,
  gridIds: [],
});

const staff = mk(101, 'mediator');
const staff2 = mk(102, 'mediator');
const system = mk(1, 'system');
/** Everyone who is not the agency's staff: a mediator of another agency or of none, and other roles inside the agency. */
const OUTSIDERS: Actor[] = [
  mk(201, 'mediator', [OTHER_AGENCY]),
  mk(202, 'mediator', []),
  mk(203, 'supervisor'),
  mk(204, 'handler'),
  mk(205, 'admin'),
  mk(206, 'dispatcher'),
  mk(207, 'operator'),
  mk(208, 'reviewer'),
  mk(209, 'gridWorker'),
];

const INPUT: ReferralInput = { appealId: 7, agencyId: AGENCY, referredBy: 3, firstDueAt: plusDays(T0, 3) };

type Ev = { type: string; actor: Actor; at: string } & Record<string, unknown>;
const ev = (type: string, actor: Actor, payload: Record<string, unknown> = {}, at: string = T0): Ev => ({
  ...payload,
  type,
  actor,
  at,
});

const isClockEvent = (type: string) => type === 'CLOCK_WARN' || type === 'CLOCK_OVERDUE';
const actorFor = (type: string) => (isClockEvent(type) ? system : staff);

function apply(def: ReferralDefinition, snapshot: ReferralSnapshot, event: Ev): ReferralSnapshot {
  const { accepted, next } = applyReferralEvent(def, snapshot, event);
  if (!accepted)
    throw new Error(`${def.kind}: ${event.type} by ${event.actor.role} refused in ${referralPhaseOf(snapshot)}`);
  return next;
}
const run = (def: ReferralDefinition, events: Ev[], from: ReferralSnapshot = createReferralSnapshot(def, INPUT)) =>
  events.reduce((s, e) => apply(def, s, e), from);

// ---------------------------------------------------------------------------
// Per-kind specifications: routes to every phase, the event × state table and the graph abstraction

interface Row {
  route: Ev[];
  phase: string;
  /** Every event type accepted there (staff of the agency, or system for clocks) and the phase it leads to. */
  accepts: Record<string, string>;
}

interface KindSpec {
  rows: Record<string, Row>;
  /** Payload variants that guards read, beyond the definition's own sample events. */
  variants(context: Record<string, unknown>): Record<string, Record<string, unknown>[] | undefined>;
  /** What later guards read of the kind's own context fields. */
  abstract(context: Record<string, unknown>): unknown;
  /** Event types the second staff member also sends. */
  secondStaff: string[];
}

const AT = plusHours(T0, 1);
const notes = (phase: string) => ({ NOTE: phase });
const clocks = (phase: string) => ({ CLOCK_WARN: phase, CLOCK_OVERDUE: phase });
const final = (phase: string, route: Ev[]): Row => ({ route, phase, accepts: {} });
const heldPattern = (items: { heldAt: string | null }[]) => items.map((s) => (s.heldAt === null ? 'o' : 'h')).join('');

// --- mediation

const m = {
  accept: ev('ACCEPT', staff, { dueAt: plusDays(T0, 30) }),
  party: (name: string) => ev('ADD_PARTY', staff, { name, side: 'applicant' }),
  // Planned for now: a session is recorded as held only once its planned time has come.
  schedule: ev('SCHEDULE_SESSION', staff, { scheduledAt: T0, place: '调解室' }),
  record: (no: number, attendeePartyIds = [1, 2]) =>
    ev('RECORD_SESSION', staff, { no, minutes: 'both sides heard', attendeePartyIds }),
  agree: (signedPartyIds = [1, 2], at = plusDays(T0, 3)) =>
    ev(
      'REACH_AGREEMENT',
      staff,
      { text: 'repair the leak', signedPartyIds, dueAt: plusDays(at, CONFIRMATION_WINDOW_DAYS) },
      at,
    ),
  requestConfirmation: ev(
    'REQUEST_CONFIRMATION',
    staff,
    { court: '区人民法院', dueAt: plusDays(T0, 20) },
    plusDays(T0, 5),
  ),
};
const mInProgress = [m.accept, m.party('甲'), m.party('乙'), m.schedule];
const mHeld = [...mInProgress, m.record(1)];
const mAgreed = [...mHeld, m.agree()];
const mRequested = [...mAgreed, m.requestConfirmation];

const mediationSpec: KindSpec = {
  rows: {
    referred: {
      route: [],
      phase: 'referred',
      accepts: { ACCEPT: 'inProgress', REFUSE: 'refused', ...notes('referred'), ...clocks('referred') },
    },
    'inProgress (nothing held)': {
      route: mInProgress,
      phase: 'inProgress',
      accepts: {
        ADD_PARTY: 'inProgress',
        SCHEDULE_SESSION: 'inProgress',
        RECORD_SESSION: 'inProgress',
        FAIL: 'failed',
        ...notes('inProgress'),
        ...clocks('inProgress'),
      },
    },
    'inProgress (session held)': {
      route: mHeld,
      phase: 'inProgress',
      accepts: {
        ADD_PARTY: 'inProgress',
        SCHEDULE_SESSION: 'inProgress',
        REACH_AGREEMENT: 'agreed',
        FAIL: 'failed',
        ...notes('inProgress'),
        ...clocks('inProgress'),
      },
    },
    agreed: {
      route: mAgreed,
      phase: 'agreed',
      accepts: {
        REQUEST_CONFIRMATION: 'confirmationRequested',
        CONCLUDE: 'concluded',
        ...notes('agreed'),
        CLOCK_WARN: 'agreed',
        CLOCK_OVERDUE: 'concluded',
      },
    },
    confirmationRequested: {
      route: mRequested,
      phase: 'confirmationRequested',
      accepts: {
        CONFIRM: 'confirmed',
        REJECT_CONFIRMATION: 'confirmationRejected',
        ...notes('confirmationRequested'),
        ...clocks('confirmationRequested'),
      },
    },
    refused: final('refused', [ev('REFUSE', staff, { reason: 'not a civil dispute' })]),
    failed: final('failed', [
      ...mInProgress,
      ev('FAIL', staff, { reason: 'respondent refuses', nextRoute: 'litigation' }),
    ]),
    concluded: final('concluded', [...mAgreed, ev('CONCLUDE', staff)]),
    confirmed: final('confirmed', [...mRequested, ev('CONFIRM', staff, { ruling: '(2025)民特1号' })]),
    confirmationRejected: final('confirmationRejected', [
      ...mRequested,
      ev('REJECT_CONFIRMATION', staff, { reason: 'void term' }),
    ]),
  },
  variants: (c) => {
    const parties = (c.parties as { id: number }[]).map((p) => p.id);
    const sessions = c.sessions as { no: number; heldAt: string | null }[];
    const open = sessions.find((s) => s.heldAt === null);
    // Planned an hour before the explored events, so that recording it is possible.
    const due = plusHours(AT, -1);
    return {
      // Bounded here rather than in the abstraction, so that equal keys mean equal futures.
      ADD_PARTY: parties.length < 3 ? [{ name: 'name', side: 'respondent', phone: '138 0000 0000' }] : [],
      SCHEDULE_SESSION: sessions.length < 2 ? [{ scheduledAt: due, place: 'place' }] : [],
      RECORD_SESSION: open
        ? [
            ...(parties.length
              ? [
                  { no: open.no, minutes: 'm', attendeePartyIds: [parties[0]] },
                  { no: open.no, minutes: 'm', attendeePartyIds: parties },
                ]
              : []),
            { no: open.no, minutes: 'm', attendeePartyIds: [999] },
          ]
        : [],
      REACH_AGREEMENT: [
        { text: 'text', signedPartyIds: parties, dueAt: plusDays(AT, CONFIRMATION_WINDOW_DAYS) },
        { text: 'text', signedPartyIds: parties.slice(0, 2), dueAt: plusDays(AT, CONFIRMATION_WINDOW_DAYS) },
      ],
      FAIL: [
        { reason: 'reason', nextRoute: 'litigation' },
        { reason: 'reason', nextRoute: 'arbitration', referOnAgencyId: 30 },
      ],
    };
  },
  abstract: (c) => [(c.parties as unknown[]).length, heldPattern(c.sessions as { heldAt: string | null }[])],
  secondStaff: [],
};

// --- legal aid

const la = {
  accept: ev('ACCEPT', staff),
  grant: ev('GRANT', staff, { lawyerName: '王律师', lawyerFirm: '法律援助中心', lawyerPhone: '021-1234 5678' }),
};
const legalAidSpec: KindSpec = {
  rows: {
    applied: {
      route: [],
      phase: 'applied',
      accepts: { ACCEPT: 'reviewing', REFUSE: 'refused', ...notes('applied'), ...clocks('applied') },
    },
    reviewing: {
      route: [la.accept],
      phase: 'reviewing',
      accepts: { GRANT: 'granted', REFUSE: 'refused', ...notes('reviewing'), ...clocks('reviewing') },
    },
    // The decision clock stopped with the grant: no timer applies any more.
    granted: {
      route: [la.accept, la.grant],
      phase: 'granted',
      accepts: { CONCLUDE: 'concluded', ...notes('granted') },
    },
    refused: final('refused', [la.accept, ev('REFUSE', staff, { reason: 'income above the threshold' })]),
    concluded: final('concluded', [
      la.accept,
      la.grant,
      ev('CONCLUDE', staff, { result: 'won at first instance', resolved: true }),
    ]),
  },
  variants: () => ({
    CONCLUDE: [
      { result: 'r', resolved: true },
      { result: 'r', resolved: false },
    ],
    GRANT: [
      { lawyerName: 'n', lawyerFirm: 'f' },
      { lawyerName: 'n', lawyerFirm: 'f', lawyerPhone: '12345' },
    ],
  }),
  abstract: () => [],
  secondStaff: [],
};

// --- arbitration

const arParties = {
  applicantName: '赵铁柱',
  applicantIdNumberSealed: 'v1.k.sealed',
  applicantAddress: '和平里5号',
  respondentName: '顺达物流有限公司',
  respondentCreditCode: '91350100M000100Y43',
  respondentAddress: '物流园8号',
  claims: '支付拖欠工资',
};
const ar = {
  parties: ev('SET_PARTIES', staff, arParties),
  accept: ev('ACCEPT', staff, { dueAt: plusDays(T0, 45) }),
  schedule: ev('SCHEDULE_HEARING', staff, { scheduledAt: T0, place: '第一仲裁庭' }),
  record: (no: number) => ev('RECORD_HEARING', staff, { no, minutes: 'heard both sides' }, plusDays(T0, 10)),
  request: (actor: Actor) => ev('REQUEST_EXTENSION', actor, { reason: 'complex case' }, plusDays(T0, 30)),
  approve: (actor: Actor) =>
    ev('APPROVE_EXTENSION', actor, { dueAt: plusDays(T0, 45 + EXTENSION_DAYS) }, plusDays(T0, 31)),
};
const arAccepted = [ar.parties, ar.accept, ar.schedule];
const arHeard = [...arAccepted, ar.record(1)];
const arbitrationSpec: KindSpec = {
  rows: {
    applied: {
      route: [],
      phase: 'applied',
      accepts: {
        ACCEPT: 'accepted',
        REFUSE: 'refused',
        SET_PARTIES: 'applied',
        ...notes('applied'),
        ...clocks('applied'),
      },
    },
    accepted: {
      route: arAccepted,
      phase: 'accepted',
      accepts: {
        SET_PARTIES: 'accepted',
        SCHEDULE_HEARING: 'accepted',
        RECORD_HEARING: 'heard',
        REQUEST_EXTENSION: 'accepted',
        WITHDRAW: 'withdrawn',
        ...notes('accepted'),
        ...clocks('accepted'),
      },
    },
    'accepted (extension asked by a colleague)': {
      route: [...arAccepted, ar.request(staff2)],
      phase: 'accepted',
      accepts: {
        SET_PARTIES: 'accepted',
        SCHEDULE_HEARING: 'accepted',
        RECORD_HEARING: 'heard',
        APPROVE_EXTENSION: 'accepted',
        REJECT_EXTENSION: 'accepted',
        WITHDRAW: 'withdrawn',
        ...notes('accepted'),
        ...clocks('accepted'),
      },
    },
    heard: {
      route: arHeard,
      phase: 'heard',
      accepts: {
        SCHEDULE_HEARING: 'heard',
        REQUEST_EXTENSION: 'heard',
        WITHDRAW: 'withdrawn',
        AWARD: 'awarded',
        ...notes('heard'),
        ...clocks('heard'),
      },
    },
    'heard (extension decided, hearing open)': {
      route: [...arHeard, ar.request(staff2), ar.approve(staff), ar.schedule],
      phase: 'heard',
      accepts: {
        SCHEDULE_HEARING: 'heard',
        RECORD_HEARING: 'heard',
        WITHDRAW: 'withdrawn',
        AWARD: 'awarded',
        ...notes('heard'),
        ...clocks('heard'),
      },
    },
    refused: final('refused', [ev('REFUSE', staff, { reason: 'time-barred' })]),
    withdrawn: final('withdrawn', [...arAccepted, ev('WITHDRAW', staff, { reason: 'settled privately' })]),
    awarded: final('awarded', [...arHeard, ev('AWARD', staff, { text: 'employer pays wages owed', resolved: true })]),
  },
  variants: (c) => {
    const hearings = c.hearings as unknown[];
    return {
      SCHEDULE_HEARING: hearings.length < 2 ? [{ scheduledAt: plusHours(AT, -1), place: 'place' }] : [],
      AWARD: [
        { text: 't', resolved: true },
        { text: 't', resolved: false },
      ],
    };
  },
  abstract: (c) => {
    const ext = c.extension as { state: string; requestedBy: number } | null;
    return [
      heldPattern(c.hearings as { heldAt: string | null }[]),
      ext && [ext.state, ext.requestedBy],
      c.parties !== null,
    ];
  },
  secondStaff: ['APPROVE_EXTENSION', 'REJECT_EXTENSION'],
};

// --- counselling

const co = {
  accept: ev('ACCEPT', staff),
  schedule: ev('SCHEDULE_SESSION', staff, { scheduledAt: T0, place: '心理咨询室' }),
  record: (no: number) => ev('RECORD_SESSION', staff, { no, notes: 'anxiety about debts' }),
};
const counsellingSpec: KindSpec = {
  rows: {
    referred: {
      route: [],
      phase: 'referred',
      accepts: { ACCEPT: 'inSessions', REFUSE: 'refused', ...notes('referred'), ...clocks('referred') },
    },
    // No session held yet: only an unresolved conclusion (the client never came) closes it.
    'inSessions (just accepted)': {
      route: [co.accept],
      phase: 'inSessions',
      accepts: { SCHEDULE_SESSION: 'inSessions', CONCLUDE: 'concluded', ...notes('inSessions') },
    },
    'inSessions (one held, one open)': {
      route: [co.accept, co.schedule, co.record(1), co.schedule],
      phase: 'inSessions',
      accepts: {
        SCHEDULE_SESSION: 'inSessions',
        RECORD_SESSION: 'inSessions',
        CONCLUDE: 'concluded',
        ...notes('inSessions'),
      },
    },
    refused: final('refused', [ev('REFUSE', staff, { reason: 'needs psychiatric care' })]),
    concluded: final('concluded', [
      co.accept,
      co.schedule,
      co.record(1),
      ev('CONCLUDE', staff, { summary: 'coping', resolved: false }),
    ]),
  },
  variants: (c) => ({
    SCHEDULE_SESSION: (c.sessions as unknown[]).length < 2 ? [{ scheduledAt: plusHours(AT, -1), place: 'place' }] : [],
    CONCLUDE: [
      { summary: 's', resolved: true },
      { summary: 's', resolved: false },
    ],
  }),
  abstract: (c) => [heldPattern(c.sessions as { heldAt: string | null }[])],
  secondStaff: [],
};

/** CLOCK_OVERDUE handlers in states where every clock has already stopped (or only another branch's clock runs). */
const DEAD_TIMER_TRANSITIONS: Record<ReferralKind, string[]> = {
  mediation: [],
  legalAid: [],
  arbitration: [],
  counselling: [],
};

/**
 * Abstract states with no accepted event that changes the state value. Counselling has no way out of
 * `inSessions` until a session has been held (CONCLUDE needs one, and there is no withdrawal).
 */
const NO_EXIT_YET: Record<ReferralKind, string[]> = {
  mediation: [],
  legalAid: [],
  arbitration: [],
  counselling: [],
};

const SPECS: Record<ReferralKind, KindSpec> = {
  mediation: mediationSpec,
  legalAid: legalAidSpec,
  arbitration: arbitrationSpec,
  counselling: counsellingSpec,
};

// ---------------------------------------------------------------------------
// Graph helpers

/** Finite sample: staff of the agency (and a colleague where the second person matters), system for every clock, guard-relevant payloads. */
function graphEvents(def: ReferralDefinition, spec: KindSpec, snapshot: ReferralSnapshot): Ev[] {
  const variants = spec.variants(snapshot.context);
  const events: Ev[] = [];
  for (const type of def.eventTypes) {
    if (isClockEvent(type)) {
      for (const clock of [...def.clockNames, 'unknownClock']) events.push(ev(type, system, { clock }, AT));
      continue;
    }
    const actors = spec.secondStaff.includes(type) ? [staff, staff2] : [staff];
    for (const actor of actors) {
      for (const payload of variants[type] ?? def.sampleEvents(type, snapshot.context, actor, AT))
        events.push(ev(type, actor, payload, AT));
    }
  }
  return events;
}

/** State value, the state of every clock, the outcome, and the kind's guard-relevant fields; never texts or timestamps. */
function serializeFor(def: ReferralDefinition, spec: KindSpec) {
  return (snapshot: AnyMachineSnapshot | ReferralSnapshot) => {
    const c = snapshot.context as ReferralSnapshot['context'];
    return JSON.stringify([
      snapshot.value,
      Object.keys(c.clocks)
        .sort()
        .map((name) => `${name}:${c.clocks[name].state}`),
      c.outcome,
      c.referOn !== null,
      spec.abstract(c),
    ]);
  };
}

function graphOptions(def: ReferralDefinition, spec: KindSpec) {
  return {
    input: INPUT,
    events: (s: AnyMachineSnapshot) => graphEvents(def, spec, s as unknown as ReferralSnapshot),
    serializeState: serializeFor(def, spec),
    filterEvents: (s: AnyMachineSnapshot, e: { type: string }) => s.can(e),
  };
}

type TransitionKey = string;
const transitionKey = (t: { source: { id: string }; eventType: string }, index: number): TransitionKey =>
  `${t.source.id} ${t.eventType} #${index}`;

function configuredTransitions(def: ReferralDefinition): Set<TransitionKey> {
  const keys = new Set<TransitionKey>();
  for (const node of [def.machine.root, ...getStateNodes(def.machine.root)]) {
    for (const [eventType, list] of node.transitions)
      list.forEach((t, i) => keys.add(transitionKey({ source: node, eventType }, i)));
  }
  return keys;
}

function takenTransitions(def: ReferralDefinition, snapshot: ReferralSnapshot, event: Ev): TransitionKey[] {
  return def.machine.getTransitionData(snapshot as never, event as never).map((t) => {
    const index = t.source.transitions.get(t.eventType)?.indexOf(t) ?? -1;
    if (index < 0) throw new Error(`transition ${t.source.id} ${t.eventType} not found in its source`);
    return transitionKey(t, index);
  });
}

type Edge = { event: Ev; state: ReferralSnapshot };
type Vertex = { state: ReferralSnapshot; transitions: Record<string, Edge> };
const adjacencyCache = new Map<ReferralKind, Record<string, Vertex>>();
function adjacency(kind: ReferralKind): Record<string, Vertex> {
  let adj = adjacencyCache.get(kind);
  if (!adj) {
    const def = REFERRAL_DEFINITIONS[kind];
    adj = getAdjacencyMap(def.machine, graphOptions(def, SPECS[kind]) as never) as AdjacencyMap<
      AnyMachineSnapshot,
      never
    > as unknown as Record<string, Vertex>;
    adjacencyCache.set(kind, adj);
  }
  return adj;
}

const nodePath = (id: string, machineId: string) => id.slice(machineId.length + 1);

// ---------------------------------------------------------------------------

describe('the registry', () => {
  it('has one definition per referral kind, keyed by its kind', () => {
    expect(Object.keys(REFERRAL_DEFINITIONS).sort()).toEqual([...REFERRAL_KINDS].sort());
    for (const kind of REFERRAL_KINDS) {
      expect(referralDefinition(kind).kind).toBe(kind);
      expect(referralDefinition(kind).machine.id).toBe(kind);
      expect(referralDefinition(kind).version).toBe(1);
    }
  });
});

for (const kind of REFERRAL_KINDS) {
  const def = REFERRAL_DEFINITIONS[kind];
  const spec = SPECS[kind];
  const serialize = serializeFor(def, spec);

  describe(`${kind}: definition`, () => {
    it('declares payload schema and roles for exactly its event types', () => {
      expect(Object.keys(def.payloadSchemas).sort()).toEqual([...def.eventTypes].sort());
      expect(Object.keys(def.eventRoles).sort()).toEqual([...def.eventTypes].sort());
      for (const type of def.eventTypes) {
        expect(def.eventRoles[type], type).toEqual(isClockEvent(type) ? ['system'] : ['mediator']);
      }
    });

    it('lists every state node as a phase, finals last, in the machine', () => {
      const nodes = getStateNodes(def.machine.root);
      expect(nodes.map((n) => nodePath(n.id, def.machine.id)).sort()).toEqual([...def.phases].sort());
      expect(
        nodes
          .filter((n) => n.type === 'final')
          .map((n) => nodePath(n.id, def.machine.id))
          .sort(),
      ).toEqual([...def.finalPhases].sort());
      expect(def.phases.slice(-def.finalPhases.length)).toEqual([...def.finalPhases]);
    });

    it('starts its first clock from the input and has consistent clock declarations', () => {
      const s = createReferralSnapshot(def, INPUT);
      expect(s.context.clocks).toEqual({ [def.firstClock.name]: { dueAt: INPUT.firstDueAt, state: 'running' } });
      expect(s.context).toMatchObject({
        appealId: 7,
        agencyId: AGENCY,
        referredBy: 3,
        handlerId: null,
        outcome: null,
        closedAt: null,
        referOn: null,
      });
      expect(def.clockNames).toContain(def.firstClock.name);
      for (const [type, deadline] of Object.entries(def.serverDeadlines)) {
        expect(def.eventTypes, type).toContain(type);
        expect(def.clockNames, type).toContain(deadline.clock);
        // The server fills in the due time; a client cannot leave it out.
        expect(parseReferralPayload(def, type, {}).success, type).toBe(false);
      }
      expect(def.contextSchema.safeParse(s.context).success).toBe(true);
      // The server looks a clock's length up by name: the first clock or a server deadline that starts it.
      for (const name of def.clockNames) {
        expect(
          name === def.firstClock.name || Object.values(def.serverDeadlines).some((d) => d.clock === name),
          name,
        ).toBe(true);
      }
      expect(new Set(def.clockNames).size).toBe(def.clockNames.length);
    });

    it('parses payloads strictly: every sample the machine accepts in some row is a valid payload, and no unknown key is', () => {
      const checked = new Set<string>();
      for (const row of Object.values(spec.rows)) {
        const snapshot = run(def, row.route);
        for (const type of def.eventTypes) {
          for (const sample of def.sampleEvents(type, snapshot.context, actorFor(type), AT)) {
            if (!snapshot.can(ev(type, actorFor(type), sample, AT))) continue;
            expect(parseReferralPayload(def, type, sample).success, type).toBe(true);
            expect(
              parseReferralPayload(def, type, { ...sample, extra: 1 }).success,
              `${type} with an unknown key`,
            ).toBe(false);
            checked.add(type);
          }
        }
      }
      expect([...checked].sort()).toEqual([...def.eventTypes].sort());
      expect(parseReferralPayload(def, 'NOT_AN_EVENT', {}).success).toBe(false);
      expect(parseReferralPayload(def, 'NOTE', { text: '   ' }).success).toBe(false);
      expect(parseReferralPayload(def, 'NOTE', { text: 'x'.repeat(4001) }).success).toBe(false);
      expect(parseReferralPayload(def, 'CLOCK_WARN', { clock: '' }).success).toBe(false);
    });
  });

  describe(`${kind}: tags`, () => {
    it('tags every phase open until the case ends, then closed, and nothing else', () => {
      const seen = new Set<string>();
      for (const row of Object.values(spec.rows)) {
        const snapshot = run(def, row.route);
        const final = def.finalPhases.includes(row.phase);
        expect(referralTagsOf(snapshot), row.phase).toEqual(final ? ['closed'] : ['open']);
        expect(snapshot.status === 'done', row.phase).toBe(final);
        const restored = restoreReferralSnapshot(def, persistReferralSnapshot(def, snapshot));
        expect(referralTagsOf(restored), row.phase).toEqual(referralTagsOf(snapshot));
        seen.add(row.phase);
      }
      expect([...seen].sort()).toEqual([...def.phases].sort());
      expect(referralTagsOf(createReferralSnapshot(def, INPUT))).toEqual(['open']);
    });
  });

  describe(`${kind}: event × state table`, () => {
    it('has a row for every phase', () => {
      expect([...new Set(Object.values(spec.rows).map((r) => r.phase))].sort()).toEqual([...def.phases].sort());
    });

    for (const [name, row] of Object.entries(spec.rows)) {
      describe(name, () => {
        let snapshot: ReferralSnapshot;
        beforeAll(() => {
          snapshot = run(def, row.route);
        });

        it('is reached by its route', () => {
          expect(referralPhaseOf(snapshot)).toBe(row.phase);
          expect(snapshot.status).toBe(def.finalPhases.includes(row.phase) ? 'done' : 'active');
        });

        it('accepts exactly the listed events, leading to the listed phases', () => {
          const accepted: Record<string, string> = {};
          for (const type of def.eventTypes) {
            const actor = actorFor(type);
            for (const payload of def.sampleEvents(type, snapshot.context, actor, AT)) {
              const { accepted: ok, next } = applyReferralEvent(def, snapshot, ev(type, actor, payload, AT));
              if (ok) {
                accepted[type] = referralPhaseOf(next);
                break;
              }
            }
          }
          expect(accepted).toEqual(row.accepts);
          const buttons = [
            ...acceptedReferralEvents(def, snapshot, staff, AT),
            ...acceptedReferralEvents(def, snapshot, system, AT),
          ];
          expect(buttons.sort()).toEqual(Object.keys(row.accepts).sort());
        });

        it('refuses every human event from an outsider, and from the system', () => {
          for (const type of def.eventTypes.filter((t) => !isClockEvent(t))) {
            for (const payload of def.sampleEvents(type, snapshot.context, staff, AT)) {
              for (const actor of [...OUTSIDERS, system]) {
                expect(
                  snapshot.can(ev(type, actor, payload, AT)),
                  `${type} by ${actor.role} ${actor.departmentIds}`,
                ).toBe(false);
                expect(applyReferralEvent(def, snapshot, ev(type, actor, payload, AT)).accepted).toBe(false);
              }
            }
          }
          for (const actor of OUTSIDERS)
            expect(acceptedReferralEvents(def, snapshot, actor, AT), actor.role).toEqual([]);
        });

        it('refuses timer events from anyone but the system', () => {
          for (const type of ['CLOCK_WARN', 'CLOCK_OVERDUE']) {
            for (const clock of def.clockNames) {
              for (const actor of [staff, ...OUTSIDERS])
                expect(snapshot.can(ev(type, actor, { clock }, AT)), `${type} ${clock} by ${actor.role}`).toBe(false);
            }
          }
        });

        it('survives persist → JSON → restore', () => {
          const restored = restoreReferralSnapshot(
            def,
            JSON.parse(JSON.stringify(persistReferralSnapshot(def, snapshot))),
          );
          expect(restored.value).toEqual(snapshot.value);
          expect(restored.context).toEqual(snapshot.context);
          expect(restored.status).toBe(snapshot.status);
        });
      });
    }
  });

  describe(`${kind}: model-based paths (xstate/graph)`, () => {
    it('reaches every state node', () => {
      const active = new Set<string>();
      for (const { state } of Object.values(adjacency(kind)))
        for (const node of (state as unknown as AnyMachineSnapshot)._nodes) active.add(node.id);
      const all = getStateNodes(def.machine.root).map((n) => n.id);
      expect(all.length).toBe(def.phases.length);
      expect(all.filter((id) => !active.has(id))).toEqual([]);
    });

    it('takes every configured transition on some explored edge, replayable through the pure helpers', () => {
      const configured = configuredTransitions(def);
      const shortestTo = new Map<string, Ev[]>();
      for (const path of getShortestPaths(def.machine, graphOptions(def, spec) as never)) {
        shortestTo.set(
          serialize(path.state),
          path.steps.slice(1).map((s) => s.event as unknown as Ev),
        );
      }
      const witness = new Map<TransitionKey, { events: Ev[]; event: Ev }>();
      for (const [key, { state, transitions }] of Object.entries(adjacency(kind))) {
        const prefix = shortestTo.get(key);
        expect(prefix, key).toBeDefined();
        for (const { event } of Object.values(transitions)) {
          for (const taken of takenTransitions(def, state, event)) {
            const known = witness.get(taken);
            if (!known || known.events.length > prefix!.length) witness.set(taken, { events: prefix!, event });
          }
        }
      }
      // Defensive timer handlers where no clock can still be running: kept so every non-final state treats CLOCK_OVERDUE alike.
      expect([...configured].filter((k) => !witness.has(k))).toEqual(DEAD_TIMER_TRANSITIONS[kind]);
      expect([...witness.keys()].filter((k) => !configured.has(k))).toEqual([]);
      for (const [key, { events, event }] of witness) {
        const before = run(def, events);
        expect(takenTransitions(def, before, event), key).toContain(key);
        expect(applyReferralEvent(def, before, event).accepted, key).toBe(true);
      }
    });

    it('drives every shortest path through persist → JSON → restore → apply', async () => {
      const paths = createTestModel(def.machine, graphOptions(def, spec) as never).getShortestPaths();
      // Paths that are prefixes of others are dropped, so compare the states they pass through.
      const visited = new Set(paths.flatMap((p) => p.steps.map((s) => serialize(s.state))));
      expect([...Object.keys(adjacency(kind))].filter((k) => !visited.has(k))).toEqual([]);
      for (const path of paths) {
        let stored = persistReferralSnapshot(def, createReferralSnapshot(def, INPUT));
        const send = (event: Ev, expected: AnyMachineSnapshot) => {
          const { accepted, next } = applyReferralEvent(
            def,
            restoreReferralSnapshot(def, JSON.parse(JSON.stringify(stored))),
            event,
          );
          expect(accepted, event.type).toBe(true);
          expect(next.value).toEqual(expected.value);
          expect(serialize(next)).toBe(serialize(expected));
          stored = persistReferralSnapshot(def, next);
        };
        await path.test({
          events: Object.fromEntries(
            def.eventTypes.map((type) => [
              type,
              (step: { event: unknown; state: AnyMachineSnapshot }) => send(step.event as Ev, step.state),
            ]),
          ),
          states: { '*': (state: AnyMachineSnapshot) => expect(stored.value).toEqual(state.value) },
        });
      }
    });
  });

  describe(`${kind}: closed-loop invariants`, () => {
    it('explores a bounded graph', () => {
      const n = Object.keys(adjacency(kind)).length;
      expect(n).toBeGreaterThan(def.phases.length);
      expect(n).toBeLessThan(5000);
    });

    it('every non-final state has an accepted event that changes the state value; final states accept nothing', () => {
      const stuck: string[] = [];
      for (const [key, { state, transitions }] of Object.entries(adjacency(kind))) {
        const phase = referralPhaseOf(state);
        const edges = Object.values(transitions);
        if (def.finalPhases.includes(phase)) {
          expect(state.status).toBe('done');
          expect(edges, key).toEqual([]);
          expect(acceptedReferralEvents(def, state, staff, AT), key).toEqual([]);
          expect(acceptedReferralEvents(def, state, system, AT), key).toEqual([]);
          continue;
        }
        expect(state.status).toBe('active');
        if (!edges.some((e) => referralPhaseOf(e.state) !== phase)) stuck.push(key);
      }
      expect(stuck.sort()).toEqual([...NO_EXIT_YET[kind]].sort());
    });

    it('from every reachable state a final state is reachable', () => {
      const adj = adjacency(kind);
      const reverse = new Map<string, string[]>();
      const done = new Set<string>();
      for (const [key, { state, transitions }] of Object.entries(adj)) {
        if (def.finalPhases.includes(referralPhaseOf(state))) done.add(key);
        for (const e of Object.values(transitions)) {
          const to = serialize(e.state);
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

    it('outcome is set exactly in final states, with closedAt the closing event and every clock stopped', () => {
      for (const [key, { state, transitions }] of Object.entries(adjacency(kind))) {
        const isFinal = def.finalPhases.includes(referralPhaseOf(state));
        expect(state.context.outcome !== null, key).toBe(isFinal);
        expect(state.context.closedAt !== null, key).toBe(isFinal);
        if (isFinal) {
          expect(
            Object.values(state.context.clocks).every((c) => c.state === 'stopped'),
            key,
          ).toBe(true);
          expect(def.contextSchema.safeParse(state.context).success, key).toBe(true);
        }
        for (const { event, state: next } of Object.values(transitions)) {
          if (def.finalPhases.includes(referralPhaseOf(next))) expect(next.context.closedAt).toBe(event.at);
          expect(
            Object.keys(next.context.clocks).every((c) => def.clockNames.includes(c)),
            key,
          ).toBe(true);
        }
      }
    });

    it('random concrete walks stay on the explored graph, so the abstraction hides no behaviour', () => {
      const adj = adjacency(kind);
      let seed = 4242;
      const random = () => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed / 2147483648;
      };
      for (let walk = 0; walk < 100; walk++) {
        let state = createReferralSnapshot(def, INPUT);
        for (let step = 0; step < 40; step++) {
          const key = serialize(state);
          expect(adj[key], key).toBeDefined();
          // The adjacency map keys edges by the serialized event, so identical samples count once.
          const accepted = [
            ...new Map(
              graphEvents(def, spec, state)
                .filter((e) => state.can(e))
                .map((e) => [JSON.stringify(e), e]),
            ).values(),
          ];
          const explored = Object.values(adj[key].transitions);
          expect(
            accepted.map((e) => e.type),
            key,
          ).toEqual(explored.map((e) => e.event.type));
          if (accepted.length === 0) break;
          const i = Math.floor(random() * accepted.length);
          state = apply(def, state, accepted[i]);
          expect(serialize(state), `${key} ${accepted[i].type}`).toBe(serialize(explored[i].state));
        }
      }
    });

    it('a handler is recorded once the case is taken on', () => {
      for (const [key, { state }] of Object.entries(adjacency(kind))) {
        const phase = referralPhaseOf(state);
        if (phase === def.phases[0]) expect(state.context.handlerId, key).toBeNull();
        else if (state.context.outcome !== 'refused') expect(state.context.handlerId, key).toBe(staff.userId);
      }
    });
  });
}

// ---------------------------------------------------------------------------
// Specific guards

describe('mediation guards', () => {
  const def = REFERRAL_DEFINITIONS.mediation;

  it('an agreement binds only when a session was held and every party signed', () => {
    const inProgress = run(def, mInProgress);
    expect(applyReferralEvent(def, inProgress, m.agree()).accepted).toBe(false);

    const held = run(def, [m.record(1)], inProgress);
    expect(applyReferralEvent(def, held, m.agree([1])).accepted).toBe(false);
    expect(applyReferralEvent(def, held, m.agree([1, 3])).accepted).toBe(false);
    expect(applyReferralEvent(def, held, m.agree([1, 2, 2])).accepted).toBe(true);

    const three = run(def, [m.party('丙')], held);
    expect(applyReferralEvent(def, three, m.agree([1, 2])).accepted).toBe(false);
    const agreed = apply(def, three, m.agree([3, 1, 2]));
    expect(referralPhaseOf(agreed)).toBe('agreed');
    expect(agreed.context.agreement).toMatchObject({ signedPartyIds: [1, 2, 3] });
    expect(agreed.context.clocks).toMatchObject({
      mediation: { state: 'stopped' },
      confirmationWindow: { state: 'running' },
    });
  });

  it('a single party cannot reach an agreement with itself', () => {
    const one = run(def, [m.accept, m.party('甲'), m.schedule, m.record(1, [1])]);
    expect(applyReferralEvent(def, one, m.agree([1])).accepted).toBe(false);
  });

  it('a session is recorded once, only with known parties', () => {
    const s = run(def, mInProgress);
    expect(applyReferralEvent(def, s, m.record(2)).accepted).toBe(false);
    expect(applyReferralEvent(def, s, m.record(1, [1, 9])).accepted).toBe(false);
    const held = apply(def, s, m.record(1, [2]));
    expect(held.context.sessions).toMatchObject([{ no: 1, attendeePartyIds: [2], mediatorId: staff.userId }]);
    expect(applyReferralEvent(def, held, m.record(1)).accepted).toBe(false);
  });

  it('judicial confirmation is refused after the 30-day window', () => {
    const agreedAt = plusDays(T0, 3);
    const agreed = run(def, [...mHeld, m.agree([1, 2], agreedAt)]);
    const due = agreed.context.clocks.confirmationWindow.dueAt;
    expect(due).toBe(plusDays(agreedAt, CONFIRMATION_WINDOW_DAYS));
    const request = (at: string) =>
      ev('REQUEST_CONFIRMATION', staff, { court: '区人民法院', dueAt: plusDays(at, 15) }, at);
    expect(applyReferralEvent(def, agreed, request(due)).accepted).toBe(true);
    expect(applyReferralEvent(def, agreed, request(new Date(Date.parse(due) + 1000).toISOString())).accepted).toBe(
      false,
    );
    // A warning does not close the window.
    const warned = apply(def, agreed, ev('CLOCK_WARN', system, { clock: 'confirmationWindow' }));
    expect(applyReferralEvent(def, warned, request(plusDays(agreedAt, 29))).accepted).toBe(true);
  });

  it('the window running out concludes the agreement as resolved', () => {
    const agreed = run(def, mAgreed);
    const at = plusDays(T0, 40);
    const done = apply(def, agreed, ev('CLOCK_OVERDUE', system, { clock: 'confirmationWindow' }, at));
    expect(referralPhaseOf(done)).toBe('concluded');
    expect(done.status).toBe('done');
    expect(done.context).toMatchObject({ outcome: 'resolved', closedAt: at, outcomeNote: null });
    expect(Object.values(done.context.clocks).every((c) => c.state === 'stopped')).toBe(true);
  });

  it('a failed mediation handed on records the service and agency', () => {
    const s = run(def, mInProgress);
    const failed = apply(
      def,
      s,
      ev('FAIL', staff, { reason: 'wage arrears, needs arbitration', nextRoute: 'arbitration', referOnAgencyId: 30 }),
    );
    expect(referralPhaseOf(failed)).toBe('failed');
    expect(failed.context).toMatchObject({
      outcome: 'referredOn',
      referOn: { kind: 'arbitration', agencyId: 30 },
      failure: { nextRoute: 'arbitration' },
    });
    const plain = apply(def, s, ev('FAIL', staff, { reason: 'no agreement', nextRoute: 'litigation' }));
    expect(plain.context).toMatchObject({ outcome: 'unresolved', referOn: null });
  });

  it('litigation cannot be a service the case is handed on to', () => {
    expect(
      parseReferralPayload(def, 'FAIL', { reason: 'r', nextRoute: 'litigation', referOnAgencyId: 30 }).success,
    ).toBe(false);
    expect(parseReferralPayload(def, 'FAIL', { reason: 'r', nextRoute: 'legalAid', referOnAgencyId: 30 }).success).toBe(
      true,
    );
    expect(parseReferralPayload(def, 'FAIL', { reason: 'r', nextRoute: 'litigation' }).success).toBe(true);
  });

  it('party phones are validated', () => {
    expect(
      parseReferralPayload(def, 'ADD_PARTY', { name: 'n', side: 'applicant', phone: '138-0000-0000' }).success,
    ).toBe(true);
    expect(parseReferralPayload(def, 'ADD_PARTY', { name: 'n', side: 'applicant', phone: 'call me' }).success).toBe(
      false,
    );
  });
});

describe('legal aid', () => {
  const def = REFERRAL_DEFINITIONS.legalAid;

  it('records the handler on acceptance, the lawyer on grant and stops the decision clock', () => {
    const reviewing = run(def, [la.accept]);
    expect(reviewing.context.handlerId).toBe(staff.userId);
    expect(reviewing.context.clocks.decision.state).toBe('running');
    const granted = apply(def, reviewing, { ...la.grant, at: plusDays(T0, 2) });
    expect(granted.context.lawyer).toEqual({
      name: '王律师',
      firm: '法律援助中心',
      phone: '021-1234 5678',
      assignedAt: plusDays(T0, 2),
    });
    expect(granted.context.clocks.decision.state).toBe('stopped');
  });

  it('concludes as resolved or unresolved with the result as its note', () => {
    const granted = run(def, [la.accept, la.grant]);
    const lost = apply(def, granted, ev('CONCLUDE', staff, { result: 'claim dismissed', resolved: false }));
    expect(lost.context).toMatchObject({
      outcome: 'unresolved',
      outcomeNote: 'claim dismissed',
      conclusion: { resolved: false },
    });
  });

  it('a refusal after the decision went overdue still closes the case', () => {
    const overdue = run(def, [
      la.accept,
      ev('CLOCK_WARN', system, { clock: 'decision' }),
      ev('CLOCK_OVERDUE', system, { clock: 'decision' }),
    ]);
    expect(overdue.context.clocks.decision.state).toBe('overdue');
    const refused = apply(def, overdue, ev('REFUSE', staff, { reason: 'not eligible' }));
    expect(refused.context).toMatchObject({
      outcome: 'refused',
      refusalReason: 'not eligible',
      clocks: { decision: { state: 'stopped' } },
    });
  });
});

describe('arbitration', () => {
  const def = REFERRAL_DEFINITIONS.arbitration;

  it('acceptance stops the acceptance clock and starts the award clock', () => {
    const accepted = run(def, [ar.accept]);
    expect(accepted.context.clocks).toEqual({
      acceptance: { dueAt: INPUT.firstDueAt, state: 'stopped' },
      award: { dueAt: plusDays(T0, 45), state: 'running', startedAt: T0 },
    });
    expect(def.serverDeadlines.ACCEPT).toEqual({ clock: 'award', amount: 45, unit: 'calendarDays' });
    // The extended limit is 45 + 15 days counted again from acceptance.
    expect(def.serverDeadlines.APPROVE_EXTENSION).toMatchObject({ clock: 'award', amount: 60, from: 'clockStart' });
  });

  it('an extension is decided by a second member, and granted only once', () => {
    const requested = run(def, [...arAccepted, ar.request(staff)]);
    expect(requested.context.extension).toEqual({
      requestedBy: staff.userId,
      reason: 'complex case',
      state: 'pending',
      decidedBy: null,
    });
    expect(applyReferralEvent(def, requested, ar.approve(staff)).accepted).toBe(false);
    expect(applyReferralEvent(def, requested, ev('REJECT_EXTENSION', staff, { reason: 'no' })).accepted).toBe(false);
    expect(applyReferralEvent(def, requested, ar.request(staff2)).accepted).toBe(false);
    expect(applyReferralEvent(def, requested, ar.approve(mk(201, 'mediator', [OTHER_AGENCY]))).accepted).toBe(false);

    const approved = apply(def, requested, ar.approve(staff2));
    expect(approved.context.extension).toMatchObject({ state: 'approved', decidedBy: staff2.userId });
    expect(approved.context.clocks.award).toEqual({ dueAt: plusDays(T0, 60), state: 'running', startedAt: T0 });
    for (const e of [
      ar.request(staff),
      ar.request(staff2),
      ar.approve(staff2),
      ev('REJECT_EXTENSION', staff2, { reason: 'no' }),
    ]) {
      expect(applyReferralEvent(def, approved, e).accepted, e.type).toBe(false);
    }

    const rejected = apply(def, requested, ev('REJECT_EXTENSION', staff2, { reason: 'not complex' }));
    expect(rejected.context.extension).toMatchObject({ state: 'rejected', decidedBy: staff2.userId });
    expect(rejected.context.clocks.award.dueAt).toBe(plusDays(T0, 45));
    expect(applyReferralEvent(def, rejected, ar.request(staff)).accepted).toBe(false);
  });

  it('an approved extension restarts an overdue award clock', () => {
    const overdue = run(def, [...arAccepted, ev('CLOCK_OVERDUE', system, { clock: 'award' }), ar.request(staff)]);
    expect(overdue.context.clocks.award.state).toBe('overdue');
    const approved = apply(def, overdue, ar.approve(staff2));
    expect(approved.context.clocks.award.state).toBe('running');
  });

  it('hearings are recorded once each, and only an award after a hearing closes the case as decided', () => {
    const accepted = run(def, arAccepted);
    expect(applyReferralEvent(def, accepted, ev('AWARD', staff, { text: 't', resolved: true })).accepted).toBe(false);
    expect(applyReferralEvent(def, accepted, ar.record(2)).accepted).toBe(false);
    const heard = apply(def, accepted, ar.record(1));
    expect(heard.context.hearings).toMatchObject([{ no: 1, heldAt: plusDays(T0, 10), minutes: 'heard both sides' }]);
    expect(applyReferralEvent(def, heard, ar.record(1)).accepted).toBe(false);
    const awarded = apply(def, heard, ev('AWARD', staff, { text: 'claim rejected', resolved: false }));
    expect(awarded.context).toMatchObject({
      outcome: 'unresolved',
      outcomeNote: 'claim rejected',
      award: { resolved: false },
    });
  });

  it('a withdrawal closes the case unresolved', () => {
    const withdrawn = run(def, [...arHeard, ev('WITHDRAW', staff, { reason: 'settled' })]);
    expect(withdrawn.context).toMatchObject({
      outcome: 'unresolved',
      outcomeNote: 'settled',
      withdrawalReason: 'settled',
    });
  });
});

describe('counselling', () => {
  const def = REFERRAL_DEFINITIONS.counselling;

  it('concludes only after a session was held, recording the counsellor', () => {
    const scheduled = run(def, [co.accept, co.schedule]);
    expect(scheduled.context.clocks.accept.state).toBe('stopped');
    expect(applyReferralEvent(def, scheduled, ev('CONCLUDE', staff, { summary: 's', resolved: true })).accepted).toBe(
      false,
    );
    const held = apply(def, scheduled, { ...co.record(1), actor: staff2 });
    expect(held.context.sessions).toMatchObject([{ no: 1, notes: 'anxiety about debts', counsellorId: staff2.userId }]);
    expect(applyReferralEvent(def, held, co.record(1)).accepted).toBe(false);
    const done = apply(def, held, ev('CONCLUDE', staff, { summary: 'better', resolved: true }));
    expect(done.context).toMatchObject({
      outcome: 'resolved',
      outcomeNote: 'better',
      conclusion: { summary: 'better', resolved: true },
    });
  });
});

describe('clocks', () => {
  it('stale timer events are refused: stopped clocks, unknown clocks, warning twice', () => {
    for (const kind of REFERRAL_KINDS) {
      const def = REFERRAL_DEFINITIONS[kind];
      const first = def.firstClock.name;
      const start = createReferralSnapshot(def, INPUT);
      expect(applyReferralEvent(def, start, ev('CLOCK_WARN', system, { clock: 'noSuchClock' })).accepted, kind).toBe(
        false,
      );
      expect(applyReferralEvent(def, start, ev('CLOCK_OVERDUE', system, { clock: 'noSuchClock' })).accepted, kind).toBe(
        false,
      );
      const warned = apply(def, start, ev('CLOCK_WARN', system, { clock: first }));
      expect(warned.context.clocks[first].state).toBe('warned');
      expect(applyReferralEvent(def, warned, ev('CLOCK_WARN', system, { clock: first })).accepted, kind).toBe(false);
      const overdue = apply(def, warned, ev('CLOCK_OVERDUE', system, { clock: first }));
      expect(overdue.context.clocks[first].state).toBe('overdue');
      expect(applyReferralEvent(def, overdue, ev('CLOCK_OVERDUE', system, { clock: first })).accepted, kind).toBe(
        false,
      );
      expect(applyReferralEvent(def, overdue, ev('CLOCK_WARN', system, { clock: first })).accepted, kind).toBe(false);
    }
  });

  it('the first clock stops when the case is taken on or refused', () => {
    const takeOn: Record<ReferralKind, Ev> = {
      mediation: m.accept,
      legalAid: la.grant,
      arbitration: ar.accept,
      counselling: co.accept,
    };
    for (const kind of REFERRAL_KINDS) {
      const def = REFERRAL_DEFINITIONS[kind];
      const first = def.firstClock.name;
      const before = kind === 'legalAid' ? run(def, [la.accept]) : createReferralSnapshot(def, INPUT);
      for (const e of [takeOn[kind], ev('REFUSE', staff, { reason: 'r' })]) {
        const after = apply(def, before, e);
        expect(after.context.clocks[first].state, `${kind} ${e.type}`).toBe('stopped');
        expect(
          applyReferralEvent(def, after, ev('CLOCK_OVERDUE', system, { clock: first })).accepted,
          `${kind} ${e.type}`,
        ).toBe(false);
        expect(
          applyReferralEvent(def, after, ev('CLOCK_WARN', system, { clock: first })).accepted,
          `${kind} ${e.type}`,
        ).toBe(false);
      }
    }
  });
});

describe('persistence', () => {
  it('restore rejects a snapshot of another kind or version, or with a malformed context', () => {
    const med = REFERRAL_DEFINITIONS.mediation;
    const stored = persistReferralSnapshot(med, run(med, mAgreed));
    expect(() => restoreReferralSnapshot(med, stored)).not.toThrow();
    for (const kind of REFERRAL_KINDS.filter((k) => k !== 'mediation')) {
      expect(() => restoreReferralSnapshot(REFERRAL_DEFINITIONS[kind], stored), kind).toThrow(/invalid persisted/);
      const own = persistReferralSnapshot(
        REFERRAL_DEFINITIONS[kind],
        createReferralSnapshot(REFERRAL_DEFINITIONS[kind], INPUT),
      );
      expect(() => restoreReferralSnapshot(med, own), kind).toThrow(/invalid persisted mediation/);
    }
    expect(() => restoreReferralSnapshot(med, { ...stored, machineVersion: 2 })).toThrow(/invalid persisted/);
    expect(() => restoreReferralSnapshot(med, { ...stored, context: { ...stored.context, extra: 1 } })).toThrow(
      /invalid persisted/,
    );
    expect(() => restoreReferralSnapshot(med, { ...stored, context: { ...stored.context, outcome: 'won' } })).toThrow(
      /invalid persisted/,
    );
    expect(() => restoreReferralSnapshot(med, null)).toThrow(/invalid persisted/);
  });

  it('records the kind and version it was persisted with', () => {
    for (const kind of REFERRAL_KINDS) {
      const def = REFERRAL_DEFINITIONS[kind];
      expect(persistReferralSnapshot(def, createReferralSnapshot(def, INPUT))).toMatchObject({
        machine: kind,
        machineVersion: 1,
        value: def.phases[0],
      });
    }
  });
});

describe('counselling guards', () => {
  const def = REFERRAL_DEFINITIONS.counselling;
  const conclude = (resolved: boolean) => ev('CONCLUDE', staff, { summary: 'closing', resolved });
  it('closes a case whose client never came only as unresolved', () => {
    const accepted = run(def, [ev('ACCEPT', staff)]);
    expect(applyReferralEvent(def, accepted, conclude(true)).accepted).toBe(false);
    const done = apply(def, accepted, conclude(false));
    expect(done.context).toMatchObject({ outcome: 'unresolved' });
    const held = run(
      def,
      [
        ev('SCHEDULE_SESSION', staff, { scheduledAt: plusDays(T0, 1), place: 'room 2' }),
        ev('RECORD_SESSION', staff, { no: 1, notes: 'first talk' }, plusDays(T0, 1)),
      ],
      accepted,
    );
    expect(apply(def, held, conclude(true)).context).toMatchObject({ outcome: 'resolved' });
  });
});

describe('sessions held, arbitration parties and the identifiers legal documents print', () => {
  const med = REFERRAL_DEFINITIONS.mediation;
  const arb = REFERRAL_DEFINITIONS.arbitration;
  const cou = REFERRAL_DEFINITIONS.counselling;
  const planned = plusDays(T0, 8); // planned for 8 days after the case's day

  /** Each kind with a case whose only session or hearing is planned for `planned`, and a way to record it. */
  const kinds = [
    {
      def: med,
      route: [
        m.accept,
        m.party('甲'),
        m.party('乙'),
        ev('SCHEDULE_SESSION', staff, { scheduledAt: planned, place: '调解室' }),
      ],
      record: (at: string, heldAt?: string) =>
        ev(
          'RECORD_SESSION',
          staff,
          { no: 1, minutes: 'm', attendeePartyIds: [1, 2], ...(heldAt ? { heldAt } : {}) },
          at,
        ),
      held: (s: ReferralSnapshot) => (s.context.sessions as { heldAt: string | null }[])[0].heldAt,
    },
    {
      def: arb,
      route: [ar.parties, ar.accept, ev('SCHEDULE_HEARING', staff, { scheduledAt: planned, place: '第一仲裁庭' })],
      record: (at: string, heldAt?: string) =>
        ev('RECORD_HEARING', staff, { no: 1, minutes: 'm', ...(heldAt ? { heldAt } : {}) }, at),
      held: (s: ReferralSnapshot) => (s.context.hearings as { heldAt: string | null }[])[0].heldAt,
    },
    {
      def: cou,
      route: [co.accept, ev('SCHEDULE_SESSION', staff, { scheduledAt: planned, place: '咨询室' })],
      record: (at: string, heldAt?: string) =>
        ev('RECORD_SESSION', staff, { no: 1, notes: 'n', ...(heldAt ? { heldAt } : {}) }, at),
      held: (s: ReferralSnapshot) => (s.context.sessions as { heldAt: string | null }[])[0].heldAt,
    },
  ];

  it('a session or hearing planned for a later day cannot be recorded as held before it, nor for a time ahead', () => {
    for (const k of kinds) {
      const kind = k.def.kind;
      const scheduled = run(k.def, k.route);
      // Recorded on the case's day, a week before it was planned for: refused, and not offered.
      expect(applyReferralEvent(k.def, scheduled, k.record(T0)).accepted, kind).toBe(false);
      expect(acceptedReferralEvents(k.def, scheduled, staff, T0), kind).not.toContain(k.record(T0).type);
      // Recorded later with a held time before the planned one, or after the moment of recording: refused.
      const later = plusDays(T0, 10);
      expect(applyReferralEvent(k.def, scheduled, k.record(later, plusDays(T0, 7))).accepted, kind).toBe(false);
      expect(applyReferralEvent(k.def, scheduled, k.record(later, plusDays(T0, 11))).accepted, kind).toBe(false);
      // On or after its planned time, with or without a time of its own.
      expect(acceptedReferralEvents(k.def, scheduled, staff, later), kind).toContain(k.record(later).type);
      expect(k.held(apply(k.def, scheduled, k.record(later))), kind).toBe(later);
      const at = plusHours(planned, 2);
      expect(k.held(apply(k.def, scheduled, k.record(later, at))), kind).toBe(at);
      expect(k.held(apply(k.def, scheduled, k.record(planned))), kind).toBe(planned);
    }
  });

  it('the service schema gives the reason in Chinese', () => {
    const check = (heldAt: string | undefined, now: string) => {
      const r = heldAtSchema(planned, now).safeParse({ heldAt });
      return r.success ? null : r.error.issues.map((i) => i.message);
    };
    expect(check(undefined, T0)).toEqual(['尚未到约定时间，不能记录为已举行']);
    expect(check(plusDays(T0, 7), plusDays(T0, 10))).toEqual(['举行时间不能早于约定时间']);
    expect(check(plusDays(T0, 11), plusDays(T0, 10))).toEqual(['举行时间不能晚于当前时间']);
    expect(check(undefined, plusDays(T0, 10))).toBeNull();
    expect(check(plusHours(planned, 1), plusDays(T0, 10))).toBeNull();
  });

  it('arbitration: a hearing and an award need the parties, recorded with the applicant identified', () => {
    const accepted = run(arb, [ar.accept, ev('SCHEDULE_HEARING', staff, { scheduledAt: T0, place: '第一仲裁庭' })]);
    expect(accepted.context.parties).toBeNull();
    expect(applyReferralEvent(arb, accepted, ar.record(1)).accepted).toBe(false);
    const { applicantIdNumberSealed: _sealed, ...unidentified } = arParties;
    expect(applyReferralEvent(arb, accepted, ev('SET_PARTIES', staff, unidentified)).accepted).toBe(false);
    const withParties = apply(arb, accepted, ar.parties);
    expect(withParties.context.parties).toMatchObject({
      applicant: { name: '赵铁柱', idNumberSealed: 'v1.k.sealed', phone: null, address: '和平里5号' },
      respondent: { name: '顺达物流有限公司', creditCode: '91350100M000100Y43', representative: null },
      claims: '支付拖欠工资',
      recordedAt: T0,
    });
    // An edit that leaves the ID number and phone out keeps them.
    const edited = apply(
      arb,
      apply(arb, withParties, ev('SET_PARTIES', staff, { ...arParties, applicantPhone: '13700001111' })),
      ev('SET_PARTIES', staff, { ...unidentified, claims: '支付拖欠工资及经济补偿' }),
    );
    expect(edited.context.parties).toMatchObject({
      applicant: { idNumberSealed: 'v1.k.sealed', phone: '13700001111' },
      claims: '支付拖欠工资及经济补偿',
    });
    // Once a hearing is held the parties stand as heard.
    const heard = apply(arb, edited, ar.record(1));
    expect(referralPhaseOf(heard)).toBe('heard');
    expect(applyReferralEvent(arb, heard, ar.parties).accepted).toBe(false);
    expect(acceptedReferralEvents(arb, heard, staff, AT)).not.toContain('SET_PARTIES');
    expect(apply(arb, heard, ev('AWARD', staff, { text: 'pay', resolved: true })).context.outcome).toBe('resolved');
  });

  it('arbitration: the respondent is named by a unified social credit code with a right check character', () => {
    const parse = (code: string) =>
      parseReferralPayload(arb, 'SET_PARTIES', { ...arParties, respondentCreditCode: code });
    const ok = parse(' 91350100m000100y43 ');
    expect(ok.success && ok.data.respondentCreditCode).toBe('91350100M000100Y43');
    for (const bad of ['91350100M000100Y44', '91350100M000100Y4', '91350100M000100O43']) {
      const r = parse(bad);
      expect(r.success, bad).toBe(false);
      if (!r.success) expect(r.issues[0].message, bad).toMatch(/统一社会信用代码/);
    }
    expect(isUnifiedSocialCreditCode('91110000600037341L')).toBe(true);
    expect(creditCodeCheckCharacter('91350100M000100Y4')).toBe('3');
  });

  it('resident ID numbers are checked by their GB 11643 check character', () => {
    expect(isResidentIdNumber('11010519491231002X')).toBe(true);
    expect(isResidentIdNumber('110105194912310021')).toBe(false);
    expect(isResidentIdNumber('110105491231002')).toBe(true); // the old 15 digits
    expect(isResidentIdNumber('11010519491231002')).toBe(false);
  });

  it('cases stored before parties had ID numbers and addresses, and arbitrations without parties, still restore', () => {
    const mStored = persistReferralSnapshot(med, run(med, mHeld)) as unknown as {
      context: { parties: Record<string, unknown>[] };
    };
    for (const p of mStored.context.parties) {
      delete p.idNumberSealed;
      delete p.address;
    }
    const mRestored = restoreReferralSnapshot(med, JSON.parse(JSON.stringify(mStored)));
    expect(mRestored.context.parties).toEqual([
      { id: 1, name: '甲', side: 'applicant', phone: null, idNumberSealed: null, address: null },
      { id: 2, name: '乙', side: 'applicant', phone: null, idNumberSealed: null, address: null },
    ]);
    const aStored = persistReferralSnapshot(arb, run(arb, [ar.accept])) as unknown as {
      context: Record<string, unknown>;
    };
    delete aStored.context.parties;
    const aRestored = restoreReferralSnapshot(arb, JSON.parse(JSON.stringify(aStored)));
    expect(aRestored.context.parties).toBeNull();
    expect(applyReferralEvent(arb, aRestored, ar.parties).accepted).toBe(true);
  });
});
