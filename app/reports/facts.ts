// What one appeal adds to the reports, from its stored state alone: the same function serves the
// incremental roll-up and the full recomputation, so the two cannot disagree on a definition.
import type { AppealTag } from '../../machines/appeal';
import { localDateOf, workingDaysBetween, type WorkCalendar } from '../calendar/working-time';
import { CELL_COLUMNS, NO_KEY, ORDER_COLUMNS, emptyCells, type Cells, type ReportDimension } from './measures';

/** An appeal as the reports see it (read by `factInputs` in rollup.server.ts). */
export interface FactInput {
  appealId: number;
  /** The machine's tags of its state: `counted` says whether the reports count it, `finished` whether as closed. */
  tags: readonly AppealTag[];
  sla: string;
  source: string;
  categoryId: number;
  leadDepartmentId: number | null;
  assignedGridId: number | null;
  /** The grid the place belongs to; reports by grid use it, else the grid the appeal was sent to. */
  locationGridId: number | null;
  submittedAt: Date | null;
  dueAt: Date | null;
  closedAt: Date | null;
  satisfaction: string | null;
  /** The citizen's "resolved" answer; only read when there is feedback. */
  resolved: boolean | null;
  redoCount: number;
  extensionCount: number;
  unreasonable: boolean;
  /** The last answer by the handling unit (REPLY, RESOLVE_ON_SPOT or SELF_HANDLE). */
  repliedAt: Date | null;
  /** Answered on the spot (已当场答复): the answer ended the handling; only the callback followed. */
  answeredOnSpot?: boolean;
  /** An approved return (退单) happened. */
  returned: boolean;
  /** The caller filed another appeal in the 30 days before this one. */
  repeatCaller: boolean;
  /** Lead orders at every level. */
  orders: {
    assignmentId: number;
    departmentId: number | null;
    gridId: number | null;
    acceptDueAt: Date | null;
    acceptedAt: Date | null;
  }[];
}

export interface FactKeys {
  day: string;
  source: string;
  categoryId: number;
  departmentId: number | null;
  gridId: number | null;
}
export type AppealFactRow = FactKeys & { appealId: number } & Omit<Cells, (typeof ORDER_COLUMNS)[number]>;
export type OrderFactRow = FactKeys & { assignmentId: number; appealId: number; orders: number; ordersOnTime: number };

export interface AppealFacts {
  appeal: AppealFactRow | null;
  orders: OrderFactRow[];
}

const bit = (b: boolean) => (b ? 1 : 0);

export function appealFacts(a: FactInput, cal: WorkCalendar): AppealFacts {
  if (!a.submittedAt || !a.tags.includes('counted')) return { appeal: null, orders: [] };
  const keys: FactKeys = {
    day: localDateOf(a.submittedAt),
    source: a.source,
    categoryId: a.categoryId,
    departmentId: a.leadDepartmentId,
    gridId: a.locationGridId ?? a.assignedGridId,
  };
  const feedback = a.satisfaction !== null;
  const counted = feedback && !a.unreasonable;
  const closed = a.tags.includes('finished') && a.closedAt !== null;
  const replied = a.repliedAt !== null;
  // The handling deadline is met by the answer (decision 018). An answer on the spot ends the handling there, so its
  // callback days later neither make it late nor close it after its deadline; and an appeal that no longer owes its
  // answer and was answered in time is not overdue, whatever a timer once wrote.
  const answeredInTime = replied && (a.dueAt === null || a.repliedAt!.getTime() <= a.dueAt.getTime());
  const stillOwed = a.tags.includes('awaitingAnswer');
  const handlingEnd = a.answeredOnSpot && replied ? a.repliedAt : a.closedAt;
  const appeal: AppealFactRow = {
    appealId: a.appealId,
    ...keys,
    received: 1,
    dispatchedAppeals: bit(a.orders.length > 0),
    feedback: bit(feedback),
    resolved: bit(feedback && a.resolved === true),
    satisfactionBase: bit(counted),
    satisfied: bit(counted && (a.satisfaction === 'satisfied' || a.satisfaction === 'basicallySatisfied')),
    closed: bit(closed),
    closedOnTime: bit(closed && (a.dueAt === null || handlingEnd!.getTime() <= a.dueAt.getTime())),
    overdue: bit(a.sla === 'overdue' && !(a.answeredOnSpot && answeredInTime && !stillOwed)),
    replied: bit(replied),
    handlingCentidays: replied ? Math.round(workingDaysBetween(cal, a.submittedAt, a.repliedAt!) * 100) : 0,
    returned: bit(a.returned),
    redone: bit(a.redoCount > 0),
    extended: bit(a.extensionCount > 0),
    repeatCallers: bit(a.repeatCaller),
    unreasonable: bit(a.unreasonable),
  };
  const orders = a.orders.map((o): OrderFactRow => ({
    assignmentId: o.assignmentId,
    appealId: a.appealId,
    ...keys,
    departmentId: o.departmentId,
    gridId: o.gridId ?? keys.gridId,
    orders: 1,
    ordersOnTime: bit(
      o.acceptedAt !== null && (o.acceptDueAt === null || o.acceptedAt.getTime() <= o.acceptDueAt.getTime()),
    ),
  }));
  return { appeal, orders };
}

/** The cell a fact row adds to under one dimension. */
export function cellKey(dim: ReportDimension, f: FactKeys): string {
  switch (dim) {
    case 'all':
      return NO_KEY;
    case 'department':
      return f.departmentId === null ? NO_KEY : String(f.departmentId);
    case 'category':
      return String(f.categoryId);
    case 'grid':
      return f.gridId === null ? NO_KEY : String(f.gridId);
    case 'source':
      return f.source;
  }
}

export const cellId = (dim: ReportDimension, key: string, day: string) => `${dim}\u0000${key}\u0000${day}`;

/** Adds facts into a map of cells (sign -1 takes them out): the deltas the roll-up applies. */
export function addFactsToCells(
  cells: Map<string, Cells>,
  facts: AppealFacts,
  dims: readonly ReportDimension[],
  sign = 1,
): void {
  const add = (f: FactKeys, values: Partial<Cells>) => {
    for (const dim of dims) {
      const id = cellId(dim, cellKey(dim, f), f.day);
      let c = cells.get(id);
      if (!c) cells.set(id, (c = emptyCells()));
      for (const col of CELL_COLUMNS) c[col] += sign * ((values as Record<string, number>)[col] ?? 0);
    }
  };
  if (facts.appeal) add(facts.appeal, facts.appeal);
  for (const o of facts.orders) add(o, { orders: o.orders, ordersOnTime: o.ordersOnTime });
}
