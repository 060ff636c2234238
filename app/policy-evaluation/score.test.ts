import { describe, expect, it } from 'vitest';
import { addCounts, compositeScore, emptyCounts, rankRows, ratesOf, scoreParts, type EvaluationCounts } from './score';

const counts = (c: Partial<EvaluationCounts>): EvaluationCounts => ({ ...emptyCounts(), ...c });

describe('the evaluation score', () => {
  it('derives each rate from its own counts, null when its base is zero', () => {
    const r = ratesOf(
      counts({
        reportsDue: 4,
        reportsOnTime: 3,
        beneficiaries: 500,
        sample: 20,
        reached: 16,
        receiptConfirmed: 12,
        amountConfirmed: 8,
        satisfactionBase: 10,
        satisfied: 9,
        complaints: 2,
        complaintsOnTime: 1,
      }),
    );
    expect(r).toEqual({
      onTimeReportRate: 0.75,
      reachRate: 0.8,
      receiptRate: 0.75,
      amountRate: 0.5,
      satisfactionRate: 0.9,
      complaintsPerThousand: 4,
      complaintOnTimeRate: 0.5,
    });
    expect(ratesOf(emptyCounts())).toEqual({
      onTimeReportRate: null,
      reachRate: null,
      receiptRate: null,
      amountRate: null,
      satisfactionRate: null,
      complaintsPerThousand: null,
      complaintOnTimeRate: null,
    });
  });

  it('weighs on time 25, receipt 25, amount 20, satisfaction 20, complaints 10', () => {
    const rates = ratesOf(
      counts({
        reportsDue: 1,
        reportsOnTime: 1,
        beneficiaries: 1000,
        reached: 10,
        receiptConfirmed: 8,
        amountConfirmed: 5,
        satisfactionBase: 10,
        satisfied: 6,
        complaints: 5,
      }),
    );
    // 0.25·1 + 0.25·0.8 + 0.2·0.5 + 0.2·0.6 + 0.1·(1 − 5/10) = 0.72
    expect(scoreParts(rates).complaintsPerThousand).toBe(0.5);
    expect(compositeScore(rates)).toBe(72);
  });

  it('leaves out the parts without data and lets the others carry the score; none at all is no score', () => {
    // Records reported on time, no callbacks yet, no complaints among 200 beneficiaries: 0.25·1 + 0.1·1 over 0.35.
    expect(compositeScore(ratesOf(counts({ reportsDue: 1, reportsOnTime: 1, beneficiaries: 200 })))).toBe(100);
    // Late and 3 complaints per 100 (30 per 1,000, floored at 0): 0 over 0.35.
    expect(compositeScore(ratesOf(counts({ reportsDue: 1, reportsLate: 1, beneficiaries: 100, complaints: 3 })))).toBe(
      0,
    );
    expect(compositeScore(ratesOf(emptyCounts()))).toBeNull();
  });

  it('ranks by score, shares a rank on a tie, orders ties by beneficiaries then name, and puts no score last', () => {
    const row = (label: string, score: number | null, beneficiaries = 0) => ({
      label,
      score,
      counts: { beneficiaries },
    });
    const ranked = rankRows([row('丙', 80, 5), row('甲', null, 99), row('乙', 92), row('丁', 80, 50), row('戊', 60)]);
    expect(ranked.map((r) => [r.label, r.rank])).toEqual([
      ['乙', 1],
      ['丁', 2],
      ['丙', 2],
      ['戊', 4],
      ['甲', null],
    ]);
  });

  it('sums a department from its policies', () => {
    const sum = addCounts(counts({ policies: 1, beneficiaries: 3 }), counts({ policies: 1, beneficiaries: 4 }));
    expect(sum).toMatchObject({ policies: 2, beneficiaries: 7 });
  });
});
