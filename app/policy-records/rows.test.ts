import { describe, expect, it } from 'vitest';
import { amountOf, checkRows, dayOf, type Cell, type RowContext } from './rows';

// The checks of a records row on their own: what each cell may hold, and duplicates within a file.

const ctx: RowContext = {
  policies: new Map([
    ['ZC-0001', { id: 1, number: 'ZC-0001', version: 2, mayReport: true }],
    ['ZC-0002', { id: 2, number: 'ZC-0002', version: 1, mayReport: false }],
  ]),
  period: { label: '2026-11', startsOn: '2026-11-01', endsOn: '2026-11-30' },
};
const person = (over: Partial<Record<number, Cell>> = {}): Cell[] =>
  Object.assign(
    ['zc-0001', '个人', '王秀英', '11010519491231002x', '139 0000 1111', 100, '2026-11-05', '免申即享'],
    over,
  );
const messages = (cells: Cell[]) => checkRows([{ row: 2, cells }], ctx)[0].problems.map((p) => p.message);

describe('a records row', () => {
  it('becomes a record with the policy version, the identifier normalised and the amount in yuan', () => {
    const [check] = checkRows([{ row: 2, cells: person() }], ctx);
    expect(check.problems).toEqual([]);
    expect(check.record).toEqual({
      row: 2,
      policyId: 1,
      policyVersion: 2,
      kind: 'person',
      name: '王秀英',
      identifier: '11010519491231002X',
      phone: '13900001111',
      amount: '100.00',
      paidOn: '2026-11-05',
      way: 'withoutApplication',
    });
  });

  it('reads amounts as numbers or text, refusing what is none, not positive or finer than a fen', () => {
    expect(amountOf(1200.5)).toEqual({ amount: '1200.50' });
    expect(amountOf('1,200.5')).toEqual({ amount: '1200.50' });
    expect(amountOf(0.1 + 0.2)).toEqual({ amount: '0.30' });
    for (const [cell, message] of [
      ['一百', '发放金额“一百”不是数字'],
      [0, '发放金额须大于 0'],
      ['-3', '发放金额须大于 0'],
      [1.005, '发放金额最多保留两位小数（分）'],
      [null, '发放金额未填写'],
      [1e11, '发放金额过大'],
    ] as [Cell, string][])
      expect(amountOf(cell), String(cell)).toEqual({ problem: expect.objectContaining({ message }) });
  });

  it('reads days from Excel dates and the ways people type them, refusing days that do not exist', () => {
    expect(dayOf(new Date('2026-11-05T00:00:00Z'))).toBe('2026-11-05');
    expect(dayOf('2026/11/5')).toBe('2026-11-05');
    expect(dayOf('2026年11月5日')).toBe('2026-11-05');
    expect(dayOf('2026-02-30')).toBeNull();
    expect(dayOf('5/11/2026')).toBeNull();
    expect(dayOf(46000)).toBeNull();
  });

  it('checks a firm by its credit code, part by part', () => {
    const firm = (code: string) => person({ 1: '企业', 2: '示范市华兴食品有限公司', 3: code });
    expect(messages(firm('91330100716105852F'))).toEqual([]);
    expect(messages(firm('91330100716105852E'))).toEqual(['统一社会信用代码校验位不正确，请核对']);
    expect(messages(firm('9133010071610585'))).toEqual(['统一社会信用代码应为 18 位']);
    // A person's ID number under 企业 is not a credit code.
    expect(messages(firm('11010519491231002X'))).not.toEqual([]);
  });

  it('refuses a policy the uploader does not lead, and a day outside the period', () => {
    expect(messages(person({ 0: 'ZC-0002', 6: '2026-12-01' }))).toEqual([
      '政策 ZC-0002 不由本单位牵头，不能上报',
      '发放日期 2026-12-01 不在 2026-11 期间（2026-11-01 至 2026-11-30）',
    ]);
  });

  it('names a repeated beneficiary by the row it repeats, skipping blank rows', () => {
    const checks = checkRows(
      [
        { row: 2, cells: person() },
        { row: 3, cells: [null, '', null, null, null, null, null, null] },
        { row: 4, cells: person({ 3: '110105194912310 02X', 6: '2026-11-20' }) },
      ],
      ctx,
    );
    expect(checks.map((c) => c.row)).toEqual([2, 4]);
    expect(checks[1].record).toBeNull();
    expect(checks[1].problems.map((p) => p.message)).toEqual(['与第 2 行重复（同一政策同一对象）']);
  });
});
