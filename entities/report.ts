import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

// Supervisor reports read roll-ups, never the raw appeals. Each appeal's contribution is kept as
// its facts; the cells are the facts summed per dimension, key and receipt day. A changed appeal
// is queued in report_dirty by the write path and a worker moves its cells by the difference.

const measureColumns = () => ({
  received: p.integer().default(0),
  dispatchedAppeals: p.integer().default(0),
  feedback: p.integer().default(0),
  resolved: p.integer().default(0),
  satisfactionBase: p.integer().default(0),
  satisfied: p.integer().default(0),
  closed: p.integer().default(0),
  closedOnTime: p.integer().default(0),
  overdue: p.integer().default(0),
  replied: p.integer().default(0),
  handlingCentidays: p.bigint('number').default(0),
  returned: p.integer().default(0),
  redone: p.integer().default(0),
  extended: p.integer().default(0),
  repeatCallers: p.integer().default(0),
  unreasonable: p.integer().default(0),
});

/** One row per counted appeal: where it counts and what it adds. */
export const AppealFactSchema = defineEntity({
  name: 'AppealFact',
  tableName: 'appeal_fact',
  indexes: [
    { name: 'appeal_fact_day_index', properties: ['day'] },
    { name: 'appeal_fact_department_day_index', properties: ['departmentId', 'day'] },
    { name: 'appeal_fact_category_day_index', properties: ['categoryId', 'day'] },
    { name: 'appeal_fact_grid_day_index', properties: ['gridId', 'day'] },
  ],
  properties: {
    appealId: p.integer().primary().autoincrement(false),
    day: p.string().columnType('date'),
    source: p.string().length(16),
    categoryId: p.integer(),
    departmentId: p.integer().nullable(),
    gridId: p.integer().nullable(),
    ...measureColumns(),
  },
});
export type AppealFact = InferEntity<typeof AppealFactSchema>;

/** One row per lead order (assignment): the department or grid it went to, and whether it was accepted in time. */
export const OrderFactSchema = defineEntity({
  name: 'OrderFact',
  tableName: 'order_fact',
  indexes: [
    { name: 'order_fact_appeal_index', properties: ['appealId'] },
    { name: 'order_fact_department_day_index', properties: ['departmentId', 'day'] },
  ],
  properties: {
    assignmentId: p.integer().primary().autoincrement(false),
    appealId: p.integer(),
    day: p.string().columnType('date'),
    source: p.string().length(16),
    categoryId: p.integer(),
    departmentId: p.integer().nullable(),
    gridId: p.integer().nullable(),
    orders: p.integer().default(0),
    ordersOnTime: p.integer().default(0),
  },
});
export type OrderFact = InferEntity<typeof OrderFactSchema>;

/** Facts summed per dimension (all, department, category, grid, source), key and receipt day. */
export const ReportCellSchema = defineEntity({
  name: 'ReportCell',
  tableName: 'report_cell',
  // A report reads one dimension over a range of days, for every key.
  indexes: [{ name: 'report_cell_dim_day_index', properties: ['dim', 'day'] }],
  properties: {
    dim: p.string().length(16).primary(),
    key: p.string().length(32).primary(),
    day: p.string().columnType('date').primary(),
    ...measureColumns(),
    orders: p.integer().default(0),
    ordersOnTime: p.integer().default(0),
  },
});
export type ReportCell = InferEntity<typeof ReportCellSchema>;

/** Appeals changed since their facts were last counted; the write path adds, the roll-up worker removes. */
export const ReportDirtySchema = defineEntity({
  name: 'ReportDirty',
  tableName: 'report_dirty',
  properties: {
    appealId: p.integer().primary().autoincrement(false),
    queuedAt: p.datetime(),
  },
});
export type ReportDirty = InferEntity<typeof ReportDirtySchema>;
