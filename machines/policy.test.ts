import { describe, expect, it } from 'vitest';
import { getShortestPaths } from 'xstate/graph';
import type { Actor, Role } from './actor';
import {
  POLICY_EVENT_TYPES,
  POLICY_PHASES,
  acceptedPolicyEvents,
  applyPolicyEvent,
  createPolicySnapshot,
  parsePolicyPayload,
  persistPolicySnapshot,
  policyMachine,
  policyPhaseOf,
  policyTagsOf,
  restorePolicySnapshot,
  type PolicyEvent,
  type PolicyPhase,
  type PolicySnapshot,
} from './policy';

const T0 = '2026-12-01T02:00:00.000Z';
const LEAD = 30;
const OTHER = 31;
const mk = (userId: number, role: Role, departmentIds: number[] = []): Actor => ({
  userId,
  role,
  departmentIds,
  gridIds: [],
});
const admin = mk(1, 'admin');
const leadStaff = mk(2, 'handler', [LEAD]);
const otherStaff = mk(3, 'handler', [OTHER]);
const OUTSIDERS = [
  otherStaff,
  mk(4, 'handler'),
  mk(5, 'operator', [LEAD]),
  mk(6, 'dispatcher', [LEAD]),
  mk(7, 'supervisor', [LEAD]),
  mk(8, 'reviewer'),
  mk(9, 'mediator', [LEAD]),
  mk(10, 'gridWorker'),
  mk(11, 'system'),
];

const ev = {
  EDIT: (actor: Actor, leadDepartmentId = LEAD): PolicyEvent => ({ type: 'EDIT', actor, at: T0, leadDepartmentId }),
  PUBLISH: (actor: Actor, itemCount = 2): PolicyEvent => ({ type: 'PUBLISH', actor, at: T0, itemCount }),
  REVISE: (actor: Actor): PolicyEvent => ({ type: 'REVISE', actor, at: T0 }),
  RETIRE: (actor: Actor): PolicyEvent => ({ type: 'RETIRE', actor, at: T0, reason: '政策到期废止' }),
};

function step(s: PolicySnapshot, e: PolicyEvent): PolicySnapshot {
  const { accepted, next } = applyPolicyEvent(s, e);
  expect(accepted, `${e.type} in ${policyPhaseOf(s)}`).toBe(true);
  return next;
}

/** A snapshot in each phase, reached by the lead department's own staff. */
function inPhase(phase: PolicyPhase): PolicySnapshot {
  let s = createPolicySnapshot({ leadDepartmentId: LEAD });
  if (phase === 'draft') return s;
  s = step(s, ev.PUBLISH(leadStaff));
  if (phase === 'published') return s;
  if (phase === 'revising') return step(s, ev.REVISE(leadStaff));
  return step(s, ev.RETIRE(leadStaff));
}

// Which event a maintainer may send in which phase, and where it leads.
const TABLE: Record<PolicyPhase, Partial<Record<(typeof POLICY_EVENT_TYPES)[number], PolicyPhase>>> = {
  draft: { EDIT: 'draft', PUBLISH: 'published', RETIRE: 'retired' },
  published: { REVISE: 'revising', RETIRE: 'retired' },
  revising: { EDIT: 'revising', PUBLISH: 'published', RETIRE: 'retired' },
  retired: {},
};

describe('the policy machine: event × phase', () => {
  for (const phase of POLICY_PHASES) {
    for (const type of POLICY_EVENT_TYPES) {
      const to = TABLE[phase][type];
      if (to) {
        it(`${phase} --${type}--> ${to} for the admin and the lead department's staff`, () => {
          for (const actor of [admin, leadStaff]) {
            const next = step(inPhase(phase), ev[type](actor));
            expect(policyPhaseOf(next)).toBe(to);
          }
        });
        it(`${phase}: ${type} refused to everyone else`, () => {
          for (const actor of OUTSIDERS) expect(inPhase(phase).can(ev[type](actor)), actor.role).toBe(false);
        });
      } else {
        it(`${phase}: ${type} is refused to everyone`, () => {
          for (const actor of [admin, leadStaff, ...OUTSIDERS])
            expect(applyPolicyEvent(inPhase(phase), ev[type](actor)).accepted).toBe(false);
        });
      }
    }
  }
});

describe('the policy machine: versions and rules', () => {
  it('numbers each publication: a revision published becomes version n+1', () => {
    let s = createPolicySnapshot({ leadDepartmentId: LEAD });
    expect(s.context.version).toBe(0);
    s = step(s, ev.PUBLISH(admin));
    expect(s.context).toMatchObject({ version: 1, revising: null, publishedAt: T0 });
    s = step(s, ev.REVISE(leadStaff));
    expect(s.context).toMatchObject({ version: 1, revising: 1 });
    s = step(s, ev.PUBLISH(leadStaff));
    expect(s.context).toMatchObject({ version: 2, revising: null });
    s = step(step(s, ev.REVISE(admin)), ev.PUBLISH(admin));
    expect(s.context.version).toBe(3);
  });

  it('publishes nothing without items', () => {
    expect(inPhase('draft').can(ev.PUBLISH(admin, 0))).toBe(false);
    expect(inPhase('revising').can(ev.PUBLISH(leadStaff, 0))).toBe(false);
  });

  it('lets a handler not hand his policy to another department, and the admin hand it anywhere', () => {
    expect(inPhase('draft').can(ev.EDIT(leadStaff, OTHER))).toBe(false);
    const moved = step(inPhase('draft'), ev.EDIT(admin, OTHER));
    expect(moved.context.leadDepartmentId).toBe(OTHER);
    // now the other department's staff maintain it, and the first no longer does
    expect(moved.can(ev.PUBLISH(otherStaff))).toBe(true);
    expect(moved.can(ev.PUBLISH(leadStaff))).toBe(false);
  });

  it('records why and when it was retired', () => {
    const s = inPhase('retired');
    expect(s.context).toMatchObject({ retiredAt: T0, retiredReason: '政策到期废止', revising: null });
    expect(s.status).toBe('done');
  });

  it('tags what the catalogue asks: editable, public, closed', () => {
    expect(policyTagsOf(inPhase('draft'))).toEqual(['editable', 'unpublished']);
    expect(policyTagsOf(inPhase('published'))).toEqual(['public']);
    expect(policyTagsOf(inPhase('revising'))).toEqual(['editable', 'public']);
    expect(policyTagsOf(inPhase('retired'))).toEqual(['closed']);
  });

  it('persists and restores every phase, and refuses a snapshot of another machine or version', () => {
    for (const phase of POLICY_PHASES) {
      const s = inPhase(phase);
      const back = restorePolicySnapshot(persistPolicySnapshot(s));
      expect(policyPhaseOf(back)).toBe(phase);
      expect(back.context).toEqual(s.context);
      expect(acceptedPolicyEvents(back, admin, T0)).toEqual(acceptedPolicyEvents(s, admin, T0));
    }
    const persisted = persistPolicySnapshot(inPhase('published'));
    expect(() => restorePolicySnapshot({ ...persisted, machineVersion: 99 })).toThrow(/invalid persisted/);
    expect(() => restorePolicySnapshot({ ...persisted, machine: 'appeal' })).toThrow(/invalid persisted/);
  });

  it('offers each actor exactly the steps the table allows', () => {
    expect(acceptedPolicyEvents(inPhase('draft'), leadStaff, T0)).toEqual(['EDIT', 'PUBLISH', 'RETIRE']);
    expect(acceptedPolicyEvents(inPhase('published'), admin, T0)).toEqual(['REVISE', 'RETIRE']);
    expect(acceptedPolicyEvents(inPhase('published'), otherStaff, T0)).toEqual([]);
    expect(acceptedPolicyEvents(inPhase('retired'), admin, T0)).toEqual([]);
  });

  it('parses payloads strictly: unknown types, extra fields and short reasons are refused', () => {
    expect(parsePolicyPayload('DELETE', {}).success).toBe(false);
    expect(parsePolicyPayload('REVISE', { version: 3 }).success).toBe(false);
    expect(parsePolicyPayload('RETIRE', { reason: '废' }).success).toBe(false);
    expect(parsePolicyPayload('RETIRE', { reason: '  政策到期  ' })).toEqual({
      success: true,
      data: { reason: '政策到期' },
    });
  });

  it('reaches every phase, and every phase but retired has a way out', () => {
    const paths = getShortestPaths(policyMachine, {
      input: { leadDepartmentId: LEAD },
      // Versions count up without end; the phase is what a path is about.
      serializeState: (state) => policyPhaseOf(state as never),
      events: [ev.EDIT(leadStaff), ev.PUBLISH(leadStaff), ev.REVISE(leadStaff), ev.RETIRE(leadStaff)],
    });
    const reached = new Set(paths.map((p) => policyPhaseOf(p.state as never)));
    expect([...reached].sort()).toEqual([...POLICY_PHASES].sort());
    for (const phase of POLICY_PHASES.filter((p) => p !== 'retired'))
      expect(acceptedPolicyEvents(inPhase(phase), admin, T0).length, phase).toBeGreaterThan(0);
  });
});
