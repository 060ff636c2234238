// The assessment (考核) of a unit for a month, from the report cells of its appeals and orders: the
// three rates the city is judged on, weighted, less points for every overdue and every redone appeal.
// One definition, used by the ranking, the unit's own page and the tests. Plain data, no I/O.
import { MEASURES, measureValue, type CellColumn, type Cells } from '../reports/measures';

/** One version of the rules (an `assessment_scheme` row). */
export interface AssessmentRules {
  /** Percent of the score for each rate; the three add up to 100. */
  responseWeight: number;
  resolutionWeight: number;
  satisfactionWeight: number;
  /** Points off per appeal, in hundredths of a point. */
  overdueCentipoints: number;
  redoneCentipoints: number;
}

export const ASSESSED_RATES = [
  { measure: 'responseRate', weight: 'responseWeight' },
  { measure: 'resolutionRate', weight: 'resolutionWeight' },
  { measure: 'satisfactionRate', weight: 'satisfactionWeight' },
] as const satisfies readonly { measure: string; weight: keyof AssessmentRules }[];

export const DEDUCTIONS = [
  { kind: 'overdue', column: 'overdue', points: 'overdueCentipoints', label: '超期扣分' },
  { kind: 'redone', column: 'redone', points: 'redoneCentipoints', label: '重办扣分' },
] as const satisfies readonly {
  kind: string;
  column: CellColumn;
  points: keyof AssessmentRules;
  label: string;
}[];
export type DeductionKind = (typeof DEDUCTIONS)[number]['kind'];

export interface RatePart {
  measure: string;
  label: string;
  /** The rate (0–1), or null when the unit had nothing to count (no orders, or no feedback). */
  value: number | null;
  numerator: number;
  denominator: number;
  /** The weight in the rules, in percent. */
  weight: number;
  /** What the rate adds to the score; null when the rate is null. */
  points: number | null;
}

export interface DeductionPart {
  kind: DeductionKind;
  label: string;
  count: number;
  /** Points off per appeal. */
  perAppeal: number;
  points: number;
}

export interface UnitScore {
  rates: RatePart[];
  /** Points from the rates (0–100), or null when none of the three rates can be computed. */
  ratePoints: number | null;
  deductions: DeductionPart[];
  deductionPoints: number;
  /** ratePoints − deductionPoints, never below 0; null (not ranked) when ratePoints is null. */
  score: number | null;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * The score of one unit from its cells for the month. Each rate adds weight × rate; a rate that
 * cannot be computed (its denominator is zero) leaves the score, and the other rates' weights are
 * scaled up to fill 100, so a unit is judged only on what it had to do. Deductions are points per
 * overdue and per redone appeal led by the unit. Figures are kept exact and rounded to 0.01 only
 * where they are shown (rate and deduction points) and for the score.
 */
export function scoreUnit(cells: Cells, rules: AssessmentRules): UnitScore {
  const parts = ASSESSED_RATES.map(({ measure, weight }) => {
    const m = MEASURES.find((x) => x.key === measure)!;
    return {
      measure,
      label: m.label,
      value: measureValue(m, cells),
      numerator: cells[m.numerator],
      denominator: cells[m.denominator!],
      weight: rules[weight],
    };
  });
  const counted = parts.filter((p) => p.value !== null);
  const weightSum = counted.reduce((s, p) => s + p.weight, 0);
  const exact = (p: (typeof parts)[number]) =>
    p.value === null || !weightSum ? null : (100 * p.weight * p.value) / weightSum;
  const rates: RatePart[] = parts.map((p) => {
    const points = exact(p);
    return { ...p, points: points === null ? null : round2(points) };
  });
  const ratePointsExact = counted.length && weightSum ? parts.reduce((s, p) => s + (exact(p) ?? 0), 0) : null;
  const deductions: DeductionPart[] = DEDUCTIONS.map((d) => ({
    kind: d.kind,
    label: d.label,
    count: cells[d.column],
    perAppeal: rules[d.points] / 100,
    points: (cells[d.column] * rules[d.points]) / 100,
  }));
  const deductionPoints = deductions.reduce((s, d) => s + d.points, 0);
  return {
    rates,
    ratePoints: ratePointsExact === null ? null : round2(ratePointsExact),
    deductions,
    deductionPoints: round2(deductionPoints),
    score: ratePointsExact === null ? null : round2(Math.max(0, ratePointsExact - deductionPoints)),
  };
}

/** Places in a ranking, best first: equal scores share a place (1, 2, 2, 4); units with no score come last, unplaced. */
export function placesOf(scores: (number | null)[]): (number | null)[] {
  return scores.map((s) => (s === null ? null : 1 + scores.filter((o) => o !== null && o > s).length));
}
