import { beforeAll, describe, expect, it } from 'vitest';
import { createDraft } from '../../app/appeals/intake.server';
import { Forbidden, InvalidInput } from '../../app/domain/errors';
import { addFactsToCells, type AppealFactRow, type OrderFactRow } from '../../app/reports/facts';
import {
  CELL_COLUMNS,
  MEASURES,
  REPORT_DIMENSIONS,
  measureValue,
  type Cells,
  type CellColumn,
} from '../../app/reports/measures';
import type { Report, ReportQuery } from '../../app/reports/report-types';
import {
  buildReport,
  parseReportQuery,
  rankRows,
  reportAppeals,
  reportDashboard,
  type DrillQuery,
} from '../../app/reports/report.server';
import { DB_KINDS } from '../support/env';
import { useTestServices } from '../support/services';

const snake = (c: string) => c.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`);
const measure = (key: string) => MEASURES.find((m) => m.key === key)!;
const q = (s: Record<string, string>, today = '2031-03-17') => parseReportQuery(new URLSearchParams(s), today);

function refused(fn: () => unknown): Record<string, string[]> {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidInput);
    return (err as InvalidInput).fieldErrors;
  }
  throw new Error('accepted');
}

describe('report query parsing', () => {
  it('defaults to this month by department, today in Shanghai', () => {
    expect(q({})).toEqual({ view: 'department', period: 'month', from: '2031-03-01', to: '2031-03-31' });
    expect(q({ view: '', period: '', date: '' })).toEqual({
      view: 'department',
      period: 'month',
      from: '2031-03-01',
      to: '2031-03-31',
    });
  });
  it('finds the day, the Monday–Sunday week and the calendar month around a date', () => {
    expect(q({ view: 'grid', period: 'day', date: '2031-03-10' })).toEqual({
      view: 'grid',
      period: 'day',
      from: '2031-03-10',
      to: '2031-03-10',
    });
    expect(q({ period: 'week', date: '2031-03-12' })).toMatchObject({ from: '2031-03-10', to: '2031-03-16' }); // a Wednesday
    expect(q({ period: 'week', date: '2031-03-16' })).toMatchObject({ from: '2031-03-10', to: '2031-03-16' }); // a Sunday
    expect(q({ period: 'week', date: '2031-01-01' })).toMatchObject({ from: '2030-12-30', to: '2031-01-05' });
    expect(q({ period: 'month', date: '2032-02-10' })).toMatchObject({ from: '2032-02-01', to: '2032-02-29' });
    expect(q({ period: 'month', date: '2031-12-31' })).toMatchObject({ from: '2031-12-01', to: '2031-12-31' });
    expect(q({ view: 'source', period: 'custom', from: '2031-02-25', to: '2031-03-10', date: 'ignored' })).toEqual({
      view: 'source',
      period: 'custom',
      from: '2031-02-25',
      to: '2031-03-10',
    });
  });
  it('refuses bad input with messages per field', () => {
    expect(refused(() => q({ view: 'street' })).view).toEqual(['请选择部门、分类、网格或来源']);
    expect(refused(() => q({ period: 'year' })).period).toEqual(['请选择日报、周报、月报或自定义时段']);
    expect(refused(() => q({ date: '2031-02-30' })).date).toEqual(['日期格式应为 YYYY-MM-DD']);
    expect(refused(() => q({ date: '10/03/2031' })).date).toEqual(['日期格式应为 YYYY-MM-DD']);
    expect(refused(() => q({ period: 'custom' }))).toEqual({ from: ['请填写开始日期'], to: ['请填写结束日期'] });
    expect(refused(() => q({ period: 'custom', from: '2031-03-10', to: '2031-03-09' })).to).toEqual([
      '结束日期不能早于开始日期',
    ]);
    expect(refused(() => q({ period: 'custom', from: '2031-01-01', to: '2032-01-02' })).to).toEqual([
      '自定义时段最长 366 天',
    ]);
    expect(q({ period: 'custom', from: '2031-01-01', to: '2032-01-01' })).toMatchObject({
      from: '2031-01-01',
      to: '2032-01-01',
    });
  });
});

describe.each(DB_KINDS)('supervisor reports on %s', (kind) => {
  const t = useTestServices(kind);
  const supervisor = () => t.as('supervisor');
  const dept = (code: string) => t.ids.departments.get(code)!;
  const grid = (code: string) => t.ids.grids.get(code)!;
  const cat = (code: string) => t.ids.categories.get(code)!;
  const appeal: Record<string, { id: number; number: string }> = {};
  let D1 = 0;
  let D2 = 0;

  async function insertRow(table: string, row: object) {
    const cols = Object.keys(row);
    const values = row as Record<string, unknown>;
    await t.sql(
      `insert into ${table} (${cols.map(snake).join(', ')}) values (${cols.map(() => '?').join(', ')})`,
      cols.map((c) => values[c]),
    );
  }

  beforeAll(async () => {
    D1 = dept('F02');
    D2 = dept('F04');
    for (let i = 1; i <= 9; i++) {
      appeal[`a${i}`] = await createDraft(t.services, t.as('operator'), {
        type: 'complaint',
        categoryId: cat('0201'),
        title: `报表测试诉求 ${i}`,
        content: '用于核对报表数字的诉求。',
      });
    }
    // The facts are written here by hand (this module only reads); nothing must recount these drafts.
    await t.sql('delete from report_dirty');
    const zero = Object.fromEntries(
      CELL_COLUMNS.filter((c) => c !== 'orders' && c !== 'ordersOnTime').map((c) => [c, 0]),
    );
    const fact = (
      a: string,
      day: string,
      source: string,
      category: string,
      departmentId: number | null,
      gridId: number | null,
      values: Partial<Cells>,
    ): AppealFactRow =>
      ({
        ...zero,
        appealId: appeal[a].id,
        day,
        source,
        categoryId: cat(category),
        departmentId,
        gridId,
        received: 1,
        ...values,
      }) as AppealFactRow;
    const order = (f: AppealFactRow, assignmentId: number, departmentId: number, onTime: boolean): OrderFactRow => ({
      assignmentId,
      appealId: f.appealId,
      day: f.day,
      source: f.source,
      categoryId: f.categoryId,
      departmentId,
      gridId: f.gridId,
      orders: 1,
      ordersOnTime: onTime ? 1 : 0,
    });
    const f1 = fact('a1', '2031-03-10', 'hotline', '0201', D1, grid('G01'), {
      dispatchedAppeals: 1,
      overdue: 1,
      feedback: 1,
      resolved: 1,
      satisfactionBase: 1,
      satisfied: 1,
      closed: 1,
      replied: 1,
      handlingCentidays: 250,
    });
    const f2 = fact('a2', '2031-03-10', 'web', '0201', D1, grid('G02'), {
      dispatchedAppeals: 1,
      overdue: 1,
      feedback: 1,
      satisfactionBase: 1,
      replied: 1,
      handlingCentidays: 150,
    });
    const f3 = fact('a3', '2031-03-31', 'wechat', '0202', D1, null, { dispatchedAppeals: 1 });
    const f4 = fact('a4', '2031-03-15', 'hotline', '0202', D2, grid('G01'), {
      dispatchedAppeals: 1,
      feedback: 1,
      satisfactionBase: 1,
      satisfied: 1,
    });
    const f5 = fact('a5', '2031-03-01', 'patrol', '0201', null, grid('G01'), {});
    const f6 = fact('a6', '2031-03-01', 'hotline', '0201', null, null, {});
    const f7 = fact('a7', '2031-02-28', 'hotline', '0201', D1, grid('G01'), { overdue: 1 });
    const f8 = fact('a8', '2031-02-01', 'hotline', '0202', D1, grid('G02'), {});
    const f9 = fact('a9', '2031-01-31', 'hotline', '0201', D1, grid('G01'), { overdue: 1 });
    const facts = [
      { appeal: f1, orders: [order(f1, 9001, D1, true), order(f1, 9002, D2, false)] },
      { appeal: f2, orders: [order(f2, 9003, D1, false)] },
      { appeal: f3, orders: [order(f3, 9004, D1, true)] },
      { appeal: f4, orders: [order(f4, 9005, D2, true)] },
      ...[f5, f6, f7, f8, f9].map((f) => ({ appeal: f, orders: [] })),
    ];
    const cells = new Map<string, Cells>();
    for (const f of facts) {
      await insertRow('appeal_fact', f.appeal);
      for (const o of f.orders) await insertRow('order_fact', o);
      addFactsToCells(cells, f, REPORT_DIMENSIONS);
    }
    for (const [id, c] of cells) {
      const [dim, key, day] = id.split('\u0000');
      await insertRow('report_cell', { dim, key, day, ...c });
    }
  }, 120_000);

  const report = (query: ReportQuery) => buildReport(t.em(), supervisor(), query);
  const row = (r: Report, key: string | number) => r.rows.find((x) => x.key === String(key))!;
  const drill = (d: Omit<DrillQuery, 'from' | 'to'> & Partial<DrillQuery>, r?: Report) =>
    reportAppeals(t.em(), supervisor(), { from: r?.query.from ?? '2031-03-01', to: r?.query.to ?? '2031-03-31', ...d });

  it('sums the month per department beside the previous calendar month', async () => {
    const r = await report(q({}));
    expect(r.previous).toEqual({ from: '2031-02-01', to: '2031-02-28' });
    expect(r.rows.map((x) => x.key)).toEqual([String(D1), String(D2), '']);
    const d1 = row(r, D1);
    expect(d1.label).toBe('市城市管理局');
    expect(d1.cells).toMatchObject({
      received: 3,
      overdue: 2,
      orders: 3,
      ordersOnTime: 2,
      feedback: 2,
      satisfactionBase: 2,
      satisfied: 1,
      replied: 2,
      handlingCentidays: 400,
    });
    // February holds a7 and a8; a9 on 31 January is outside both periods.
    expect(d1.previous).toMatchObject({ received: 2, overdue: 1 });
    expect(row(r, D2)).toMatchObject({
      label: '市生态环境局',
      cells: { received: 1, orders: 2, ordersOnTime: 1, satisfied: 1 },
    });
    expect(row(r, '')).toMatchObject({ label: '（未派至部门）', cells: { received: 2, orders: 0 } });
    expect(r.total.cells).toMatchObject({
      received: 6,
      overdue: 2,
      orders: 5,
      ordersOnTime: 3,
      satisfactionBase: 3,
      satisfied: 2,
    });
    expect(r.total.previous).toMatchObject({ received: 2, overdue: 1 });
    // Rates and averages come from the summed cells.
    expect(measureValue(measure('satisfactionRate'), d1.cells)).toBe(0.5);
    expect(measureValue(measure('responseRate'), d1.cells)).toBeCloseTo(2 / 3);
    expect(measureValue(measure('avgHandlingDays'), d1.cells)).toBe(2);
    expect(measureValue(measure('satisfactionRate'), row(r, '').cells)).toBeNull();
    expect(measureValue(measure('responseRate'), r.total.cells)).toBe(0.6);
  });

  it('fills the trend with every day of the period', async () => {
    const r = await report(q({}));
    expect(r.trend).toHaveLength(31);
    expect(r.trend[0]).toMatchObject({ day: '2031-03-01', cells: { received: 2 } });
    expect(r.trend[1]).toMatchObject({ day: '2031-03-02', cells: { received: 0, overdue: 0 } });
    expect(r.trend[9]).toMatchObject({ day: '2031-03-10', cells: { received: 2, overdue: 2 } });
    expect(r.trend[30]).toMatchObject({ day: '2031-03-31', cells: { received: 1 } });
    expect(r.trend.reduce((n, d) => n + d.cells.received, 0)).toBe(r.total.cells.received);
  });

  it('compares a day with the day before, a week with the week before and a custom range with as many days before', async () => {
    const day = await report(q({ period: 'day', date: '2031-03-10' }));
    expect(day.previous).toEqual({ from: '2031-03-09', to: '2031-03-09' });
    expect(row(day, D1).cells.received).toBe(2);
    expect(day.trend).toHaveLength(1);
    const week = await report(q({ period: 'week', date: '2031-03-12' }));
    expect(week.previous).toEqual({ from: '2031-03-03', to: '2031-03-09' });
    expect(week.total.cells.received).toBe(3);
    expect(week.total.previous.received).toBe(0); // a5 and a6 on 1 March, a Saturday, are the week before that
    const custom = await report(q({ period: 'custom', from: '2031-02-25', to: '2031-03-10' }));
    expect(custom.previous).toEqual({ from: '2031-02-11', to: '2031-02-24' });
    expect(custom.total.cells.received).toBe(5); // a7, a5, a6, a1, a2
    expect(custom.total.previous.received).toBe(0);
    const february = await report(q({ period: 'month', date: '2031-02-10' }));
    expect(february.previous).toEqual({ from: '2031-01-01', to: '2031-01-31' });
    expect(row(february, D1)).toMatchObject({ cells: { received: 2 }, previous: { received: 1, overdue: 1 } });
  });

  it('labels categories, grids and channels', async () => {
    const categories = await report(q({ view: 'category' }));
    expect(categories.rows.map((x) => [x.label, x.cells.received])).toEqual([
      ['环境卫生', 4],
      ['噪声扰民', 2],
    ]);
    const grids = await report(q({ view: 'grid' }));
    const [g1] = await t.sql<{ code: string; name: string }>('select code, name from grid where id = ?', [grid('G01')]);
    expect(row(grids, grid('G01'))).toMatchObject({ label: `G01 ${g1.name}`, cells: { received: 3 } });
    expect(row(grids, '')).toMatchObject({ label: '（无网格）', cells: { received: 2 } });
    const sources = await report(q({ view: 'source' }));
    expect(sources.rows.map((x) => [x.key, x.label, x.cells.received]).sort()).toEqual([
      ['hotline', '12345热线', 3],
      ['patrol', '巡查上报', 1],
      ['web', '网站', 1],
      ['wechat', '微信', 1],
    ]);
  });

  it('ranks by a measure in its own direction, rows without a value last', async () => {
    const r = await report(q({}));
    expect(rankRows(r.rows, measure('satisfactionRate')).map((x) => x.key)).toEqual([String(D2), String(D1), '']);
    expect(rankRows(r.rows, measure('overdue')).map((x) => x.key)).toEqual(['', String(D2), String(D1)]);
    expect(rankRows(r.rows, measure('responseRate')).map((x) => x.key)).toEqual([String(D1), String(D2), '']);
  });

  it('lists exactly the appeals behind a figure', async () => {
    const r = await report(q({}));
    const overdue = await drill({ view: 'department', key: String(D1), measure: 'overdue' }, r);
    expect(overdue.total).toBe(row(r, D1).cells.overdue);
    expect(overdue.rows.map((x) => x.number).sort()).toEqual([appeal.a1.number, appeal.a2.number].sort());
    expect(overdue).toMatchObject({ measureLabel: '超期数', keyLabel: '市城市管理局', orders: false, next: null });
    expect(overdue.rows[0]).toMatchObject({
      department: '市城市管理局',
      day: '2031-03-10',
      phase: 'draft',
      title: expect.stringContaining('报表测试诉求'),
    });
    const checks: [DrillQuery['view'], string, CellColumn, number][] = [
      ['department', '', 'received', row(r, '').cells.received],
      ['department', String(D2), 'ordersOnTime', row(r, D2).cells.ordersOnTime],
      ['department', String(D1), 'satisfied', row(r, D1).cells.satisfied],
      ['category', String(cat('0201')), 'received', 4],
      ['grid', '', 'received', 2],
      ['source', 'hotline', 'received', 3],
      ['all', '', 'overdue', r.total.cells.overdue],
    ];
    for (const [view, key, col, figure] of checks) {
      const page = await drill({ view, key, measure: col }, r);
      expect(page.total, `${view}/${key}/${col}`).toBe(figure);
      expect(page.rows, `${view}/${key}/${col}`).toHaveLength(figure);
    }
  });

  it('lists orders for order figures, one line per order', async () => {
    const orders = await drill({ view: 'all', key: '', measure: 'orders' });
    expect(orders).toMatchObject({ total: 5, appeals: 4, orders: true, measureLabel: '派出工单数', keyLabel: '全市' });
    expect(
      orders.rows
        .filter((x) => x.appealId === appeal.a1.id)
        .map((x) => x.department)
        .sort(),
    ).toEqual(['市城市管理局', '市生态环境局'].sort());
    const d2 = await drill({ view: 'department', key: String(D2), measure: 'orders' });
    expect(d2.rows.map((x) => x.rowKey).sort()).toEqual([9002, 9005]);
  });

  it('pages with a cursor, newest day first', async () => {
    const seen: number[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const page = await drill({ view: 'department', key: String(D1), measure: 'received', limit: 1, after });
      expect(page.total).toBe(3);
      seen.push(...page.rows.map((x) => x.appealId));
      after = page.next;
      pages++;
    } while (after && pages < 10);
    expect(pages).toBe(3);
    // a3 on the 31st, then the two of the 10th, the later one first.
    expect(seen).toEqual([appeal.a3.id, appeal.a2.id, appeal.a1.id]);
  });

  it('refuses figures that are not lists, and bad keys', async () => {
    await expect(drill({ view: 'department', key: String(D1), measure: 'handlingCentidays' })).rejects.toBeInstanceOf(
      InvalidInput,
    );
    await expect(drill({ view: 'department', key: 'x1', measure: 'received' })).rejects.toBeInstanceOf(InvalidInput);
    await expect(
      drill({ view: 'department', key: '', measure: 'received', from: '2031-03-10', to: '2031-03-01' }),
    ).rejects.toMatchObject({ fieldErrors: { to: ['结束日期不能早于开始日期'] } });
  });

  it('is for supervisors only', async () => {
    for (const user of ['operator', 'dispatcher', 'handler', 'admin']) {
      await expect(buildReport(t.em(), t.as(user), q({}))).rejects.toBeInstanceOf(Forbidden);
      await expect(
        reportAppeals(t.em(), t.as(user), {
          view: 'all',
          key: '',
          from: '2031-03-01',
          to: '2031-03-31',
          measure: 'received',
        }),
      ).rejects.toBeInstanceOf(Forbidden);
    }
  });

  it('gives the page its hotspots: top categories and every grid for the map', async () => {
    const page = await reportDashboard(t.em(), supervisor(), q({}));
    expect(page.topCategories.map((c) => [c.label, c.cells.received])).toEqual([
      ['环境卫生', 4],
      ['噪声扰民', 2],
    ]);
    expect(page.grids.length).toBe(t.ids.grids.size);
    expect(page.grids[0]).toMatchObject({ code: 'G01', received: 3 });
    expect(page.grids[0].polygon).toMatchObject({ type: expect.any(String) });
    expect(page.grids.find((g) => g.code === 'G02')).toMatchObject({ received: 1 });
  });
});
