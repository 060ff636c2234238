import { describe, expect, it } from 'vitest';
import type { AppealTag } from '../../machines/appeal';
import { buildCalendar } from '../calendar/working-time';
import { addFactsToCells, appealFacts, cellId, type FactInput } from './facts';
import { MEASURES, emptyCells, measureValue, type Cells } from './measures';

// No holidays: Monday to Friday are working days. 2026-11-02 is a Monday; 09:00 in Shanghai is 01:00Z.
const cal = buildCalendar([]);
const at = (day: string, hhmm = '09:00') => new Date(`${day}T${hhmm}:00+08:00`);
const MON = '2026-11-02';
const D1 = 1;
const D2 = 2;

// The machine's tags of the phases these appeals are in (machines/appeal.test.ts pins the whole table).
const TAGS = {
  closed: ['closed', 'counted', 'finished', 'submitted'],
  inHand: ['awaitingAnswer', 'counted', 'inHand', 'needsAssignee', 'open', 'submitted'],
  triage: ['awaitingAnswer', 'awaitingDispatch', 'counted', 'needsDispatcher', 'open', 'submitted'],
  draft: ['draft'],
  merged: ['closed', 'submitted'],
} as const satisfies Record<string, readonly AppealTag[]>;

const base = (id: number, over: Partial<FactInput>): FactInput => ({
  appealId: id,
  tags: TAGS.closed,
  sla: 'onTime',
  source: 'hotline',
  categoryId: 10,
  leadDepartmentId: D1,
  assignedGridId: null,
  locationGridId: null,
  submittedAt: at(MON),
  dueAt: at('2026-11-11'),
  closedAt: at('2026-11-06'),
  satisfaction: null,
  resolved: null,
  redoCount: 0,
  extensionCount: 0,
  unreasonable: false,
  repliedAt: null,
  returned: false,
  repeatCaller: false,
  orders: [],
  ...over,
});
const order = (assignmentId: number, departmentId: number, acceptedAt: Date | null) => ({
  assignmentId,
  departmentId,
  gridId: null,
  acceptDueAt: at('2026-11-03'),
  acceptedAt,
});

// The hand-built city: five counted appeals and two that do not count.
const APPEALS: FactInput[] = [
  // A1: D1, accepted in time, answered Wednesday 09:00 (2 working days), closed by its deadline, satisfied and resolved.
  base(1, {
    orders: [order(11, D1, at('2026-11-02', '15:00'))],
    repliedAt: at('2026-11-04'),
    satisfaction: 'satisfied',
    resolved: true,
  }),
  // A2: D1, accepted late, answered the next Monday (5 working days: the weekend does not count), closed after its
  // deadline, overdue, dissatisfied and unresolved, redone once.
  base(2, {
    orders: [order(21, D1, at('2026-11-05'))],
    repliedAt: at('2026-11-09'),
    closedAt: at('2026-11-12'),
    sla: 'overdue',
    satisfaction: 'dissatisfied',
    resolved: false,
    redoCount: 1,
  }),
  // A3: first sent to D2, which returned it without accepting; then D1, in time. Answered Tuesday (1 working day),
  // basically satisfied and resolved, but marked as an unreasonable demand: it leaves the satisfaction rate only.
  base(3, {
    orders: [order(31, D2, null), order(32, D1, at('2026-11-03', '08:00'))],
    returned: true,
    repliedAt: at('2026-11-03'),
    satisfaction: 'basicallySatisfied',
    resolved: true,
    unreasonable: true,
  }),
  // A4: D2, accepted in time, extended, still in hand, from a repeat caller.
  base(4, {
    tags: TAGS.inHand,
    closedAt: null,
    leadDepartmentId: D2,
    orders: [order(41, D2, at('2026-11-02', '10:00'))],
    extensionCount: 1,
    repeatCaller: true,
  }),
  // A5: waiting in triage, no department yet.
  base(5, { tags: TAGS.triage, closedAt: null, leadDepartmentId: null }),
  // Not counted: a draft and a duplicate merged into another appeal.
  base(6, { tags: TAGS.draft, submittedAt: null, closedAt: null }),
  base(7, { tags: TAGS.merged, closedAt: null }),
];

function cellsBy(dim: 'department' | 'all'): Map<string, Cells> {
  const cells = new Map<string, Cells>();
  for (const a of APPEALS) addFactsToCells(cells, appealFacts(a, cal), [dim]);
  return cells;
}
const valueOf = (cells: Cells | undefined, key: string) =>
  measureValue(
    MEASURES.find((m) => m.key === key)!,
    cells ?? emptyCells(),
  );

describe('measures on a hand-built city (DESIGN §6)', () => {
  const byDept = cellsBy('department');
  const d1 = byDept.get(cellId('department', String(D1), MON));
  const d2 = byDept.get(cellId('department', String(D2), MON));
  const none = byDept.get(cellId('department', '', MON));

  it('counts received appeals, leaving out drafts and merged duplicates', () => {
    expect(cellsBy('all').get(cellId('all', '', MON))!.received).toBe(5);
    expect([d1!.received, d2!.received, none!.received]).toEqual([3, 1, 1]);
  });

  it('response rate: orders accepted within the accept limit / orders dispatched, per receiving department', () => {
    // D1 received orders 11, 21, 32; 21 was accepted after its limit. D2 received 31 (returned, never accepted) and 41.
    expect(valueOf(d1, 'responseRate')).toBeCloseTo(2 / 3);
    expect(valueOf(d2, 'responseRate')).toBeCloseTo(1 / 2);
    expect(valueOf(none, 'responseRate')).toBeNull();
  });

  it('resolution rate: resolved / appeals with feedback', () => {
    expect(valueOf(d1, 'resolutionRate')).toBeCloseTo(2 / 3); // A1, A3 of A1, A2, A3
    expect(valueOf(d2, 'resolutionRate')).toBeNull(); // no feedback yet
  });

  it('satisfaction rate: (satisfied + basically satisfied) / feedback, without unreasonable demands', () => {
    // A3 (basically satisfied) is unreasonable and left out: A1 satisfied of A1, A2.
    expect(valueOf(d1, 'satisfactionRate')).toBeCloseTo(1 / 2);
  });

  it('on-time closure rate and overdue count', () => {
    expect(valueOf(d1, 'onTimeClosureRate')).toBeCloseTo(2 / 3); // A2 closed after its deadline
    expect(valueOf(d1, 'overdue')).toBe(1);
    expect(valueOf(d2, 'onTimeClosureRate')).toBeNull();
  });

  it('average handling time in working days, from receipt to the answer', () => {
    expect(valueOf(d1, 'avgHandlingDays')).toBeCloseTo((2 + 5 + 1) / 3);
  });

  it('return, redo and extension rates over dispatched appeals, and repeat callers', () => {
    expect(valueOf(d1, 'returnRate')).toBeCloseTo(1 / 3);
    expect(valueOf(d1, 'redoRate')).toBeCloseTo(1 / 3);
    expect(valueOf(d1, 'extensionRate')).toBe(0);
    expect(valueOf(d2, 'extensionRate')).toBe(1);
    expect(valueOf(d2, 'repeatCallers')).toBe(1);
    expect(valueOf(none, 'returnRate')).toBeNull(); // not dispatched
  });

  it('counts an appeal on its receipt day and under its location grid, else the grid it was sent to', () => {
    const f = appealFacts(
      base(8, { submittedAt: new Date('2026-11-02T17:30:00Z'), locationGridId: 5, assignedGridId: 6 }),
      cal,
    );
    expect(f.appeal).toMatchObject({ day: '2026-11-03', gridId: 5 }); // 01:30 on the 3rd in Shanghai
    expect(appealFacts(base(9, { assignedGridId: 6 }), cal).appeal!.gridId).toBe(6);
  });

  it("taking an appeal's facts out of the cells leaves nothing behind", () => {
    const cells = new Map<string, Cells>();
    const facts = appealFacts(APPEALS[2], cal);
    addFactsToCells(cells, facts, ['all', 'department', 'category', 'grid', 'source']);
    addFactsToCells(cells, facts, ['all', 'department', 'category', 'grid', 'source'], -1);
    for (const c of cells.values()) expect(Object.values(c).every((v) => v === 0)).toBe(true);
  });
});

describe('an answer on the spot meets the handling deadline', () => {
  const replied = ['awaitingReview', 'counted', 'needsReviewer', 'open', 'submitted'] as const;
  const onSpot = (over: Partial<FactInput>) =>
    appealFacts(
      base(90, {
        leadDepartmentId: null,
        answeredOnSpot: true,
        submittedAt: at(MON, '09:00'),
        repliedAt: at(MON, '09:10'),
        dueAt: at('2026-11-03', '09:00'),
        ...over,
      }),
      cal,
    ).appeal!;

  it('is not overdue, even when a timer marked it so before the rule was fixed', () => {
    expect(onSpot({ tags: replied, sla: 'overdue', closedAt: null }).overdue).toBe(0);
    expect(onSpot({ sla: 'overdue', closedAt: at('2026-11-20') }).overdue).toBe(0);
  });

  it('closes on time when answered in time, however late the callback closes it', () => {
    const f = onSpot({ closedAt: at('2026-11-20') });
    expect(f).toMatchObject({ closed: 1, closedOnTime: 1 });
    // The same late close without the on-the-spot answer is late.
    expect(
      appealFacts(base(91, { closedAt: at('2026-11-20'), dueAt: at('2026-11-11') }), cal).appeal!.closedOnTime,
    ).toBe(0);
  });

  it('an on-the-spot answer sent back to triage owes the answer again and can be overdue', () => {
    expect(onSpot({ tags: TAGS.triage, sla: 'overdue', closedAt: null }).overdue).toBe(1);
  });

  it('a department answer that came late is still overdue', () => {
    const late = base(92, {
      sla: 'overdue',
      repliedAt: at('2026-11-12'),
      dueAt: at('2026-11-11'),
      closedAt: at('2026-11-13'),
    });
    expect(appealFacts(late, cal).appeal).toMatchObject({ overdue: 1, closedOnTime: 0 });
  });
});
