import { describe, expect, it } from 'vitest';
import { INDUSTRY_SECTIONS, industryLabel, industryProblem } from './industry';

describe('industry codes (GB/T 4754-2017)', () => {
  it('takes a section alone or with its division, group or class digits', () => {
    for (const code of ['C', 'C13', 'C139', 'C1391', 'L7291', 'A01', 'K70', 'T97', 'S96'])
      expect(industryProblem(code), code).toBeNull();
  });

  it('refuses a division outside its section, an unknown section and other shapes', () => {
    expect(industryProblem('C99')).toMatch(/^大类 99 不属于门类 C（制造业：13–43）/);
    expect(industryProblem('L70')).toMatch(/^大类 70 不属于门类 L/);
    expect(industryProblem('U01')).toBe('没有门类 U（门类为 A–T）');
    for (const bad of ['c13', '13', 'C1', 'C13911', 'C-13', ''])
      expect(industryProblem(bad), bad).toMatch(/^行业代码为门类字母/);
  });

  it('covers divisions 01–97 once each, in order', () => {
    const divisions = Object.values(INDUSTRY_SECTIONS).flatMap(({ divisions: [from, to] }) =>
      Array.from({ length: to - from + 1 }, (_, i) => from + i),
    );
    expect(divisions).toEqual(Array.from({ length: 97 }, (_, i) => i + 1));
  });

  it('names the section beside the code', () => {
    expect(industryLabel('L7291')).toBe('L7291 租赁和商务服务业');
  });
});
