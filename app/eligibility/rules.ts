import jsonLogic, { type RulesLogic } from 'json-logic-js';

// Eligibility rules are data: a json-logic rule (jsonlogic.com, evaluated by json-logic-js) over the facts the
// city holds about a person or a firm. Before any rule is asked, the gate: a subject on the blacklist or below
// the credit threshold is never matched, whatever the rule says (不该享受的一个也不能有). A rule that names a
// fact the subject lacks does not match either: json-logic reads a missing fact as null, and null < 18 is true.
// Pure: no I/O, so the rule tester, the policy editor and the screen pop share it.

export type Subject = 'person' | 'firm';

/** A fact's name, what it holds, and for whom; the rule editor lists these and refuses any other name. */
export interface FactDefinition {
  label: string;
  type: 'number' | 'string' | 'boolean' | 'date';
  subjects: readonly Subject[];
  /** The values a string fact takes, when they are few. */
  values?: readonly string[];
}

export const CREDIT_RATINGS = ['A', 'B', 'C', 'D'] as const;
export type CreditRating = (typeof CREDIT_RATINGS)[number];
export const DEFAULT_MIN_CREDIT_RATING: CreditRating = 'B';

export const FACTS = {
  subject: { label: '对象（个人或企业）', type: 'string', subjects: ['person', 'firm'], values: ['person', 'firm'] },
  age: { label: '年龄（周岁）', type: 'number', subjects: ['person'] },
  sex: { label: '性别', type: 'string', subjects: ['person'], values: ['male', 'female'] },
  birthDate: { label: '出生日期', type: 'date', subjects: ['person'] },
  district: { label: '所在区（区的编码，如 D01）', type: 'string', subjects: ['person', 'firm'] },
  creditCode: { label: '统一社会信用代码', type: 'string', subjects: ['firm'] },
  industry: { label: '行业代码（GB/T 4754）', type: 'string', subjects: ['firm'] },
  industrySection: { label: '行业门类', type: 'string', subjects: ['firm'] },
  industryDivision: { label: '行业大类', type: 'string', subjects: ['firm'] },
  size: { label: '企业规模', type: 'string', subjects: ['firm'], values: ['micro', 'small', 'medium', 'large'] },
  foundedOn: { label: '成立日期', type: 'date', subjects: ['firm'] },
  ageYears: { label: '成立年限（整年）', type: 'number', subjects: ['firm'] },
  creditRating: { label: '信用等级', type: 'string', subjects: ['person', 'firm'], values: CREDIT_RATINGS },
  blacklisted: { label: '列入黑名单', type: 'boolean', subjects: ['person', 'firm'] },
} as const satisfies Record<string, FactDefinition>;
export type FactName = keyof typeof FACTS;

/** The facts of one subject: every value JSON-safe; a fact the city does not hold is absent or null. */
export type Facts = { subject: Subject } & Partial<Record<FactName, string | number | boolean | null>>;

// The operators a rule may use: json-logic's own, less `log` (it writes to the console) and the string
// slicers nobody needs to decide who is entitled.
const OPERATORS = new Set([
  'var',
  'missing',
  'missing_some',
  'if',
  '?:',
  '==',
  '===',
  '!=',
  '!==',
  '!',
  '!!',
  'or',
  'and',
  '>',
  '>=',
  '<',
  '<=',
  'max',
  'min',
  '+',
  '-',
  '*',
  '/',
  '%',
  'map',
  'filter',
  'reduce',
  'all',
  'none',
  'some',
  'merge',
  'in',
  'cat',
  'substr',
]);
// In these the second argument runs once per element of the first, where `var` names the element's parts.
const ITERATING = new Set(['map', 'filter', 'reduce', 'all', 'none', 'some']);

export type RuleCheck = { ok: true; facts: FactName[] } | { ok: false; errors: string[] };

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Whether a rule can be used: json-logic with known operators, naming only known facts (of the subject when one
 * is given). The errors say what to change, one line each.
 */
export function validateRule(rule: unknown, subject?: Subject): RuleCheck {
  const errors: string[] = [];
  const used = new Set<FactName>();
  const factList = (Object.keys(FACTS) as FactName[]).filter((f) => !subject || isFor(f, subject));
  const walk = (node: unknown, inIteration: boolean): void => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, inIteration));
    if (!isPlainObject(node)) return;
    const keys = Object.keys(node);
    if (keys.length !== 1) {
      errors.push(`每个条件只能有一个运算符，这里有 ${keys.length} 个：${keys.join('、') || '（空）'}`);
      return;
    }
    const op = keys[0];
    if (!OPERATORS.has(op)) {
      errors.push(`未知的运算符「${op}」`);
      return;
    }
    const raw = node[op];
    const args = Array.isArray(raw) ? raw : [raw];
    if (op === 'var') {
      if (inIteration) return;
      const name = args[0];
      if (typeof name !== 'string' || name === '') {
        errors.push('var 须写事实名，例如 {"var": "age"}');
        return;
      }
      if (!(name in FACTS)) {
        errors.push(`未知的事实「${name}」，可用的事实：${factList.join('、')}`);
        return;
      }
      if (subject && !isFor(name as FactName, subject)) {
        errors.push(`事实「${name}」不适用于${subject === 'person' ? '个人' : '企业'}`);
        return;
      }
      // A default value answers for a missing fact; only a fact without one must be present.
      if (args.length < 2) used.add(name as FactName);
      return;
    }
    if (ITERATING.has(op)) {
      walk(args[0], inIteration);
      args.slice(1).forEach((a) => walk(a, true));
      return;
    }
    args.forEach((a) => walk(a, inIteration));
  };
  if (rule === undefined || rule === null) errors.push('规则为空');
  else if (!isPlainObject(rule) && typeof rule !== 'boolean')
    errors.push('规则须为 JSON 对象，例如 {">=": [{"var": "age"}, 80]}');
  else walk(rule, false);
  return errors.length ? { ok: false, errors } : { ok: true, facts: [...used] };
}

function isFor(fact: FactName, subject: Subject): boolean {
  return (FACTS[fact].subjects as readonly Subject[]).includes(subject);
}

/** Why the gate keeps a subject out before any rule is asked. */
export type GateRefusal = 'blacklisted' | 'belowCreditThreshold' | 'noCreditRating';

export const GATE_MESSAGES: Record<GateRefusal, string> = {
  blacklisted: '已列入黑名单，不予匹配任何政策',
  belowCreditThreshold: '信用等级低于门槛，不予匹配任何政策',
  noCreditRating: '企业没有信用等级，不予匹配任何政策',
};

const rank = (r: CreditRating) => CREDIT_RATINGS.length - CREDIT_RATINGS.indexOf(r);
export const isCreditRating = (v: unknown): v is CreditRating =>
  typeof v === 'string' && (CREDIT_RATINGS as readonly string[]).includes(v);

/**
 * The gate: the blacklist, then the credit threshold. A firm must carry a rating; a person without one (the city
 * rates few people) passes, a person with one below the threshold does not.
 */
export function gate(facts: Facts, minCreditRating: CreditRating = DEFAULT_MIN_CREDIT_RATING): GateRefusal | null {
  if (facts.blacklisted === true) return 'blacklisted';
  const rating = facts.creditRating;
  if (rating === undefined || rating === null || rating === '')
    return facts.subject === 'firm' ? 'noCreditRating' : null;
  if (!isCreditRating(rating)) return facts.subject === 'firm' ? 'noCreditRating' : 'belowCreditThreshold';
  return rank(rating) < rank(minCreditRating) ? 'belowCreditThreshold' : null;
}

/** One condition of a rule and whether the subject meets it; `and` / `or` / `!` show their parts. */
export interface ConditionResult {
  rule: string;
  met: boolean;
  parts?: ConditionResult[];
}

export type Eligibility =
  | { outcome: 'matched'; conditions: ConditionResult }
  | { outcome: 'notMatched'; reason: 'gate'; gate: GateRefusal; message: string }
  | { outcome: 'notMatched'; reason: 'missingFacts'; missing: FactName[]; message: string }
  | { outcome: 'notMatched'; reason: 'rule'; conditions: ConditionResult; message: string }
  | { outcome: 'error'; message: string; errors: string[] };

export interface EvaluateOptions {
  minCreditRating?: CreditRating;
}

const present = (v: unknown) => v !== undefined && v !== null && v !== '';

/** Whether the subject of `facts` is entitled under `rule`, and why not. */
export function evaluateEligibility(rule: unknown, facts: Facts, opts: EvaluateOptions = {}): Eligibility {
  // Checked for any subject: a firm's rule asked of a person is not an error, the person lacks the facts it names.
  const check = validateRule(rule);
  if (!check.ok) return { outcome: 'error', message: '规则有误', errors: check.errors };
  const refused = gate(facts, opts.minCreditRating);
  if (refused) return { outcome: 'notMatched', reason: 'gate', gate: refused, message: GATE_MESSAGES[refused] };
  const missing = check.facts.filter((f) => !present(facts[f]));
  if (missing.length)
    return {
      outcome: 'notMatched',
      reason: 'missingFacts',
      missing,
      message: `缺少事实：${missing.map((f) => FACTS[f].label).join('、')}`,
    };
  let conditions: ConditionResult;
  try {
    conditions = explain(rule as RulesLogic, facts);
  } catch (err) {
    return { outcome: 'error', message: '规则无法计算', errors: [String((err as Error).message ?? err)] };
  }
  return conditions.met
    ? { outcome: 'matched', conditions }
    : { outcome: 'notMatched', reason: 'rule', conditions, message: '不满足规则条件' };
}

/** The rule's value for the facts, with the parts of its `and`, `or` and `!` so a page can say which failed. */
function explain(rule: RulesLogic, facts: Facts): ConditionResult {
  const met = jsonLogic.truthy(jsonLogic.apply(rule, facts));
  const text = JSON.stringify(rule);
  if (isPlainObject(rule)) {
    const op = Object.keys(rule)[0];
    const args = (rule as Record<string, unknown>)[op];
    if ((op === 'and' || op === 'or') && Array.isArray(args))
      return { rule: text, met, parts: args.map((a) => explain(a as RulesLogic, facts)) };
    if (op === '!' && (isPlainObject(args) || (Array.isArray(args) && args.length === 1)))
      return { rule: text, met, parts: [explain((Array.isArray(args) ? args[0] : args) as RulesLogic, facts)] };
  }
  return { rule: text, met };
}

export interface RuleOf<Id> {
  id: Id;
  rule: unknown;
}

export interface PolicyMatches<Id> {
  matched: Id[];
  /** Set when the gate kept the subject out: then nothing is matched. */
  gate: GateRefusal | null;
  /** Rules that could not be used, so a broken rule is seen rather than silently never matching. */
  errors: { id: Id; errors: string[] }[];
}

/** A rule as a function of the facts, giving what jsonLogic.apply gives. */
export type RuleFunction = (facts: Facts) => unknown;

type Binary = (a: unknown, b: unknown) => unknown;
// The comparisons as json-logic-js defines them (loose == and !=, JavaScript's < on whatever they are given).
const BINARY: Record<string, Binary> = {
  '==': (a, b) => a == b,
  '===': (a, b) => a === b,
  '!=': (a, b) => a != b,
  '!==': (a, b) => a !== b,
  '>': (a, b) => (a as number) > (b as number),
  '>=': (a, b) => (a as number) >= (b as number),
  in: (a, b) => (!b || typeof (b as unknown[]).indexOf !== 'function' ? false : (b as unknown[]).indexOf(a) !== -1),
};

/**
 * A rule turned into plain closures, so asking it costs a few calls instead of json-logic-js's walk of the JSON on
 * every apply (with 500 rules that walk was most of a screen pop's time). Covers the operators rules are written
 * with: `var` of a fact name, `and`, `or`, `!`, `!!`, the comparisons (`<` and `<=` with their between form) and
 * `in`; any other node is left to jsonLogic.apply, so the value is always json-logic's (tests compare the two).
 */
export function compileRule(node: unknown): RuleFunction {
  if (Array.isArray(node)) {
    const parts = node.map(compileRule);
    return (facts) => parts.map((p) => p(facts));
  }
  if (!isPlainObject(node) || Object.keys(node).length !== 1) return () => node;
  const op = Object.keys(node)[0];
  const raw = node[op];
  const args: unknown[] = Array.isArray(raw) ? raw : [raw];
  const apply: RuleFunction = (facts) => jsonLogic.apply(node as RulesLogic, facts);
  const primitive = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);
  switch (op) {
    case 'var': {
      const [name, fallback] = args;
      if (typeof name !== 'string' || name === '' || name.includes('.') || args.length > 2) return apply;
      if (args.length === 2 && !primitive(fallback)) return apply;
      const missing = args.length === 2 ? fallback : null;
      return (facts) => {
        const v = (facts as Record<string, unknown>)[name];
        return v === undefined ? missing : v;
      };
    }
    case 'and':
    case 'or': {
      const parts = args.map(compileRule);
      const stopOn = op === 'or';
      return (facts) => {
        let current: unknown;
        for (const p of parts) {
          current = p(facts);
          if (jsonLogic.truthy(current) === stopOn) return current;
        }
        return current;
      };
    }
    case '!':
    case '!!': {
      const a = compileRule(args[0]);
      return op === '!' ? (facts) => !jsonLogic.truthy(a(facts)) : (facts) => jsonLogic.truthy(a(facts));
    }
    case '<':
    case '<=': {
      const [a, b, c] = [args[0], args[1], args[2]].map(compileRule);
      const lt =
        op === '<'
          ? (x: unknown, y: unknown) => (x as number) < (y as number)
          : (x: unknown, y: unknown) => (x as number) <= (y as number);
      return (facts) => {
        const [x, y, z] = [a(facts), b(facts), c(facts)];
        return z === undefined ? lt(x, y) : lt(x, y) && lt(y, z);
      };
    }
    default: {
      const f = BINARY[op];
      if (!f) return apply;
      const [a, b] = [args[0], args[1]].map(compileRule);
      return (facts) => f(a(facts), b(facts));
    }
  }
}

/** A rule checked once, so it can be asked of many subjects without checking it again: its facts, or why it cannot be used. */
export type CompiledRule<Id> =
  { id: Id; test: RuleFunction; facts: readonly FactName[]; errors?: undefined } | { id: Id; errors: string[] };

/** Checks (validateRule) and compiles every rule once, keeping the facts each one needs; the screen pop caches the result. */
export function compileRules<Id>(rules: readonly RuleOf<Id>[]): CompiledRule<Id>[] {
  return rules.map(({ id, rule }) => {
    const check = validateRule(rule);
    return check.ok ? { id, test: compileRule(rule), facts: check.facts } : { id, errors: check.errors };
  });
}

/**
 * The policies whose compiled rules the subject meets, in the order given: the gate once, then each rule once
 * (O(n) in the rules). Runs while a call rings, so no per-rule explanation is built.
 */
export function matchCompiled<Id>(
  rules: readonly CompiledRule<Id>[],
  facts: Facts,
  opts: EvaluateOptions = {},
): PolicyMatches<Id> {
  const refused = gate(facts, opts.minCreditRating);
  if (refused) return { matched: [], gate: refused, errors: [] };
  const matched: Id[] = [];
  const errors: { id: Id; errors: string[] }[] = [];
  for (const r of rules) {
    if (r.errors) {
      errors.push({ id: r.id, errors: r.errors });
      continue;
    }
    if (!r.facts.every((f) => present(facts[f]))) continue;
    try {
      if (jsonLogic.truthy(r.test(facts))) matched.push(r.id);
    } catch (err) {
      errors.push({ id: r.id, errors: [String((err as Error).message ?? err)] });
    }
  }
  return { matched, gate: null, errors };
}

/** The policies whose rules the subject meets, in the order given: the rules checked, then matched (matchCompiled). */
export function matchPolicies<Id>(
  rules: readonly RuleOf<Id>[],
  facts: Facts,
  opts: EvaluateOptions = {},
): PolicyMatches<Id> {
  return matchCompiled(compileRules(rules), facts, opts);
}
