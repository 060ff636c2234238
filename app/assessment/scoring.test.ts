import { describe, expect, it } from 'vitest';
import { emptyCells, type Cells } from '../reports/measures';
import { placesOf, scoreUnit, type AssessmentRules } from './scoring';

const RULES: AssessmentRules = {
  responseWeight: 10,
  resolutionWeight: 45,
  satisfactionWeight: 45,
  overdueCentipoints: 100,
  redoneCentipoints: 200,
};
const cells = (c: Partial<Cells>): Cells => ({ ...emptyCells(), ...c });

describe('scoreUnit', () => {
  it('weights the three rates and takes off points per overdue and redone appeal', () => {
    // 响应率 9/10, 解决率 6/8, 满意率 7/8: 10 × 0.9 + 45 × 0.75 + 45 × 0.875 = 82.125; less 2 × 1 + 1 × 2.
    const s = scoreUnit(
      cells({
        orders: 10,
        ordersOnTime: 9,
        feedback: 8,
        resolved: 6,
        satisfactionBase: 8,
        satisfied: 7,
        overdue: 2,
        redone: 1,
      }),
      RULES,
    );
    expect(s.rates.map((r) => r.points)).toEqual([9, 33.75, 39.38]);
    expect(s.ratePoints).toBe(82.13);
    expect(s.deductionPoints).toBe(4);
    expect(s.score).toBe(78.13); // from the exact 82.125 − 4
  });

  it('leaves out a rate it cannot compute and scales the other weights up to 100', () => {
    // No feedback: only the response rate counts, 3/4 of 100.
    const s = scoreUnit(cells({ orders: 4, ordersOnTime: 3 }), RULES);
    expect(s.rates.map((r) => [r.value, r.points])).toEqual([
      [0.75, 75],
      [null, null],
      [null, null],
    ]);
    expect(s.score).toBe(75);
  });

  it('has no score without any rate, and never goes below zero', () => {
    expect(scoreUnit(cells({ overdue: 3 }), RULES)).toMatchObject({
      ratePoints: null,
      score: null,
      deductionPoints: 3,
    });
    expect(scoreUnit(cells({ orders: 1, overdue: 5 }), { ...RULES, overdueCentipoints: 1000 }).score).toBe(0);
  });

  it('gives equal scores the same place and leaves unscored units unplaced', () => {
    expect(placesOf([90, 80, 80, 70, null])).toEqual([1, 2, 2, 4, null]);
  });
});
