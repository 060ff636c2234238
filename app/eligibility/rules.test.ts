import { describe, expect, it } from 'vitest';
import { CREDIT_RATINGS as STORED_RATINGS, FIRM_SIZES } from '../../entities/firm';
import { firmFacts, personFacts } from './facts';
import jsonLogic, { type RulesLogic } from 'json-logic-js';
import {
  CREDIT_RATINGS,
  FACTS,
  compileRule,
  compileRules,
  evaluateEligibility,
  gate,
  matchCompiled,
  matchPolicies,
  validateRule,
  type Facts,
} from './rules';

const ON = '2026-12-02';
// 高龄津贴: residents aged 80 and over.
const AGED_80 = { '>=': [{ var: 'age' }, 80] };
// 小微企业创业补贴: micro or small firms founded within three years, in manufacturing or retail.
const START_UP = {
  and: [
    { in: [{ var: 'size' }, ['micro', 'small']] },
    { '<=': [{ var: 'ageYears' }, 3] },
    { in: [{ var: 'industrySection' }, ['C', 'F']] },
  ],
};
const elder = personFacts({ idNumber: '110101194503071237', district: 'D01' }, ON); // born 1945-03-07
const young = personFacts({ idNumber: '110101199003071233', district: 'D02' }, ON);
const firm = (over: Partial<Parameters<typeof firmFacts>[0]> = {}) =>
  firmFacts(
    {
      creditCode: '91330100MA2B3C4D1A',
      industry: 'C1391',
      size: 'small',
      foundedOn: '2024-05-01',
      district: 'D01',
      creditRating: 'A',
      blacklisted: false,
      ...over,
    },
    ON,
  );

describe('eligibility rules', () => {
  it('matches an 80-year-old and not a 36-year-old, saying which condition failed', () => {
    expect(elder.age).toBe(81);
    expect(evaluateEligibility(AGED_80, elder)).toMatchObject({ outcome: 'matched' });
    const r = evaluateEligibility(AGED_80, young);
    expect(r).toMatchObject({ outcome: 'notMatched', reason: 'rule' });
    if (r.outcome === 'notMatched' && r.reason === 'rule')
      expect(r.conditions).toEqual({ rule: JSON.stringify(AGED_80), met: false });
  });

  it('explains an `and` part by part', () => {
    const r = evaluateEligibility(START_UP, firm({ foundedOn: '2020-01-01' }));
    expect(r.outcome).toBe('notMatched');
    if (r.outcome !== 'notMatched' || r.reason !== 'rule') throw new Error('expected a rule refusal');
    expect(r.conditions.parts?.map((p) => p.met)).toEqual([true, false, true]);
    expect(evaluateEligibility(START_UP, firm())).toMatchObject({ outcome: 'matched' });
  });

  it('never matches a blacklisted firm or one below the credit threshold, whatever the rule', () => {
    for (const rule of [START_UP, true, { '==': [1, 1] }]) {
      expect(evaluateEligibility(rule, firm({ blacklisted: true }))).toMatchObject({
        outcome: 'notMatched',
        reason: 'gate',
        gate: 'blacklisted',
      });
      expect(evaluateEligibility(rule, firm({ creditRating: 'C' }))).toMatchObject({
        reason: 'gate',
        gate: 'belowCreditThreshold',
      });
      expect(evaluateEligibility(rule, firm({ creditRating: null }))).toMatchObject({
        reason: 'gate',
        gate: 'noCreditRating',
      });
    }
    // the threshold is the city's: at C a C-rated firm passes, a D-rated one does not
    expect(evaluateEligibility(START_UP, firm({ creditRating: 'C' }), { minCreditRating: 'C' }).outcome).toBe(
      'matched',
    );
    expect(evaluateEligibility(START_UP, firm({ creditRating: 'D' }), { minCreditRating: 'C' }).outcome).toBe(
      'notMatched',
    );
    expect(evaluateEligibility(START_UP, firm({ creditRating: 'A' }), { minCreditRating: 'A' }).outcome).toBe(
      'matched',
    );
    expect(evaluateEligibility(START_UP, firm({ creditRating: 'B' }), { minCreditRating: 'A' }).outcome).toBe(
      'notMatched',
    );
  });

  it('gates people too: on the blacklist or rated below the threshold; a person without a rating passes', () => {
    expect(gate(elder)).toBeNull();
    expect(gate({ ...elder, blacklisted: true })).toBe('blacklisted');
    expect(gate({ ...elder, creditRating: 'D' })).toBe('belowCreditThreshold');
    expect(gate({ ...elder, creditRating: 'Z' })).toBe('belowCreditThreshold');
    expect(evaluateEligibility(AGED_80, { ...elder, blacklisted: true })).toMatchObject({ reason: 'gate' });
  });

  it('does not match when a fact the rule names is missing, even where null would compare true', () => {
    const noId = personFacts({ idNumber: null, district: 'D01' }, ON);
    const minors = { '<': [{ var: 'age' }, 18] };
    expect(evaluateEligibility(minors, noId)).toMatchObject({
      outcome: 'notMatched',
      reason: 'missingFacts',
      missing: ['age'],
    });
    // a firm's rule asked of a person: the person lacks the firm's facts
    expect(evaluateEligibility(START_UP, elder)).toMatchObject({ reason: 'missingFacts' });
    // a default value answers for the missing fact
    expect(evaluateEligibility({ '<': [{ var: ['age', 99] }, 18] }, noId)).toMatchObject({ reason: 'rule' });
  });

  it('refuses malformed rules with a reason: unknown operators, unknown facts, not json-logic', () => {
    expect(validateRule({ '>=': [{ var: 'age' }, 80] })).toEqual({ ok: true, facts: ['age'] });
    const bad = (rule: unknown, subject?: 'person' | 'firm') => {
      const r = validateRule(rule, subject);
      return r.ok ? [] : r.errors;
    };
    expect(bad({ older_than: [{ var: 'age' }, 80] })).toEqual(['未知的运算符「older_than」']);
    expect(bad({ log: 'x' })).toEqual(['未知的运算符「log」']);
    expect(bad({ '>=': [{ var: 'income' }, 80] })[0]).toMatch(/^未知的事实「income」/);
    expect(bad({ '>=': [{ var: 'age.years' }, 80] })[0]).toMatch(/^未知的事实/);
    expect(bad({ var: { cat: ['a', 'ge'] } })).toEqual(['var 须写事实名，例如 {"var": "age"}']);
    expect(bad({ '>=': [{ var: 'age' }, 80], '<': [1, 2] })[0]).toMatch(/只能有一个运算符/);
    expect(bad('age >= 80')[0]).toMatch(/^规则须为 JSON 对象/);
    expect(bad(null)).toEqual(['规则为空']);
    expect(bad({ '==': [{ var: 'size' }, 'small'] }, 'person')).toEqual(['事实「size」不适用于个人']);
    // inside an iteration `var` names the element, not a fact
    expect(validateRule({ some: [['D01', 'D02'], { '==': [{ var: '' }, 'D01'] }] })).toEqual({ ok: true, facts: [] });
    const r = evaluateEligibility({ bogus: [] }, elder);
    expect(r).toMatchObject({ outcome: 'error', errors: ['未知的运算符「bogus」'] });
  });

  it('matches many policies at once: the gate once, broken rules reported, not matched', () => {
    const rules = [
      { id: 1, rule: AGED_80 },
      { id: 2, rule: START_UP },
      { id: 3, rule: { '==': [{ var: 'district' }, 'D01'] } },
      { id: 4, rule: { nope: 1 } },
      { id: 5, rule: { '==': [{ var: 'sex' }, 'female'] } },
    ];
    expect(matchPolicies(rules, elder)).toEqual({
      matched: [1, 3],
      gate: null,
      errors: [{ id: 4, errors: ['未知的运算符「nope」'] }],
    });
    expect(matchPolicies(rules, firm())).toMatchObject({ matched: [2, 3] });
    expect(matchPolicies(rules, firm({ blacklisted: true }))).toEqual({ matched: [], gate: 'blacklisted', errors: [] });
    const many = Array.from({ length: 500 }, (_, i) => ({ id: i, rule: i % 2 ? AGED_80 : START_UP }));
    expect(matchPolicies(many, elder).matched).toHaveLength(250);
  });

  it('names the ratings and sizes the firm table stores', () => {
    expect([...CREDIT_RATINGS]).toEqual([...STORED_RATINGS]);
    expect([...FACTS.size.values]).toEqual([...FIRM_SIZES]);
  });

  it('takes facts as plain JSON, as a rule stored in a jsonb column is', () => {
    const stored = JSON.parse(JSON.stringify(START_UP)) as unknown;
    const facts = JSON.parse(JSON.stringify(firm())) as Facts;
    expect(evaluateEligibility(stored, facts).outcome).toBe('matched');
  });

  describe('compiled rules', () => {
    // A seeded generator of rules over the operators the compiler covers and some it leaves to json-logic-js.
    function prng(seed: number) {
      let x = seed >>> 0;
      return () => {
        x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
        return x / 2 ** 32;
      };
    }
    const VALUES: unknown[] = [0, 1, 3, 18, 80, '80', '', 'D01', 'micro', 'C', 'A', '2024-01-01', true, false, null];
    const NAMES = [
      'age',
      'district',
      'size',
      'industrySection',
      'creditRating',
      'foundedOn',
      'blacklisted',
      'sex',
      'none',
    ];
    const LISTS: unknown[] = [['micro', 'small'], ['D01', 'D02'], ['A', 'B'], [], 'D01D02'];
    function randomRule(rand: () => number, depth: number): unknown {
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
      const leaf = () =>
        rand() < 0.6 ? (rand() < 0.2 ? { var: [pick(NAMES), pick(VALUES)] } : { var: pick(NAMES) }) : pick(VALUES);
      if (depth <= 0) return leaf();
      const sub = () => randomRule(rand, depth - 1);
      const op = pick([
        'and',
        'or',
        '!',
        '!!',
        '==',
        '===',
        '!=',
        '!==',
        '<',
        '<=',
        '>',
        '>=',
        'in',
        'between',
        'if',
        'cat',
      ]);
      if (op === 'and' || op === 'or') return { [op]: Array.from({ length: Math.floor(rand() * 4) }, sub) };
      if (op === '!' || op === '!!') return rand() < 0.5 ? { [op]: sub() } : { [op]: [sub()] };
      if (op === 'in') return { in: [leaf(), rand() < 0.7 ? pick(LISTS) : leaf()] };
      if (op === 'between') return { [pick(['<', '<='])]: [leaf(), leaf(), leaf()] };
      if (op === 'if') return { if: [sub(), sub(), sub()] };
      if (op === 'cat') return { cat: [leaf(), leaf()] };
      return { [op]: [rand() < 0.5 ? leaf() : sub(), leaf()] };
    }
    function randomFacts(rand: () => number): Facts {
      const facts: Record<string, unknown> = { subject: rand() < 0.5 ? 'person' : 'firm' };
      for (const n of NAMES) if (rand() < 0.7) facts[n] = VALUES[Math.floor(rand() * VALUES.length)];
      return facts as Facts;
    }

    it('give what json-logic-js gives, for every operator and odd values', () => {
      const rand = prng(4754);
      let compared = 0;
      for (let i = 0; i < 3000; i++) {
        const rule = randomRule(rand, 1 + Math.floor(rand() * 3));
        const test = compileRule(rule);
        for (let j = 0; j < 5; j++) {
          const facts = randomFacts(rand);
          expect(test(facts), JSON.stringify({ rule, facts })).toEqual(jsonLogic.apply(rule as RulesLogic, facts));
          compared++;
        }
      }
      expect(compared).toBe(15000);
    });

    it('give what json-logic-js gives for the rules of the demo and the facts of real records', () => {
      for (const rule of [AGED_80, START_UP, { '<=': [18, { var: 'age' }, 35] }, { '!': [{ var: 'blacklisted' }] }])
        for (const facts of [elder, young, firm(), firm({ size: 'large', blacklisted: true })])
          expect(compileRule(rule)(facts)).toEqual(jsonLogic.apply(rule as RulesLogic, facts));
    });

    it('match as matchPolicies does, broken rules reported once compiled', () => {
      const rules = [
        { id: 1, rule: AGED_80 },
        { id: 2, rule: START_UP },
        { id: 4, rule: { nope: 1 } },
        { id: 5, rule: { '==': [{ var: 'sex' }, 'female'] } },
      ];
      const compiled = compileRules(rules);
      expect(compiled[2]).toEqual({ id: 4, errors: ['未知的运算符「nope」'] });
      for (const facts of [elder, young, firm(), firm({ blacklisted: true }), firm({ creditRating: 'D' })])
        expect(matchCompiled(compiled, facts)).toEqual(matchPolicies(rules, facts));
      expect(matchCompiled(compiled, elder).matched).toEqual([1]);
      expect(matchCompiled(compiled, firm()).matched).toEqual([2]);
    });
  });
});
