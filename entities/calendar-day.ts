import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

// Exceptions to the Monday–Friday rule: public holidays and adjusted working weekends (调休).
export const CalendarDaySchema = defineEntity({
  name: 'CalendarDay',
  tableName: 'calendar_day',
  properties: {
    date: p.string().length(10).primary(),
    kind: p.enum(['holiday', 'workday'] as const),
    name: p.string().length(50),
  },
});
export type CalendarDay = InferEntity<typeof CalendarDaySchema>;
