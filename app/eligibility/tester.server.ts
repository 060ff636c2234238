import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import type { Actor } from '../../machines/actor';
import { creditCodeProblem, isResidentIdNumber, normaliseCode } from '../../machines/identifiers';
import { isValidLocalDate, localDateOf } from '../calendar/working-time';
import { maskPhone } from '../cases/masking';
import { all } from '../db/sql.server';
import { can } from '../domain/permissions';
import { Forbidden, InvalidInput, parseInput } from '../domain/errors';
import { firmFacts, personFacts } from './facts';
import { citizenFactsByPhone, firmFactsByCode, minCreditRating } from './facts.server';
import { CREDIT_RATINGS, FACTS, evaluateEligibility, type CreditRating, type Eligibility, type Facts } from './rules';

// The rule tester: an admin types a json-logic rule and either sample facts or a known citizen's phone or firm's
// credit code, and sees matched or not and why: the gate, the missing facts, or which condition failed. Nothing
// is written. The policy editor links here with its rule filled in.

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalDay = z.preprocess(blank, z.string().trim().refine(isValidLocalDate, '日期格式为 YYYY-MM-DD').optional());
const optionalRating = z.preprocess(blank, z.enum(CREDIT_RATINGS, { message: '请选择信用等级' }).optional());
const checkbox = z.preprocess((v) => v === 'on' || v === 'true', z.boolean());
const district = z.preprocess(blank, z.string().trim().max(32).optional());

const testerInput = z.discriminatedUnion('source', [
  z.object({
    source: z.literal('person'),
    idNumber: z.preprocess(
      (v) => (typeof v === 'string' ? normaliseCode(v) || undefined : v),
      z.string().refine(isResidentIdNumber, '身份证号校验不通过，请核对').optional(),
    ),
    age: z.preprocess(
      blank,
      z.coerce.number({ message: '年龄应为整数' }).int('年龄应为整数').min(0).max(150).optional(),
    ),
    sex: z.preprocess(blank, z.enum(['male', 'female']).optional()),
    personDistrict: district,
    personCreditRating: optionalRating,
    personBlacklisted: checkbox,
  }),
  z.object({
    source: z.literal('firm'),
    creditCode: z.preprocess(
      (v) => (typeof v === 'string' ? normaliseCode(v) || undefined : v),
      z
        .string()
        .refine((c) => creditCodeProblem(c) === null, '统一社会信用代码校验不通过，请核对')
        .optional(),
    ),
    industry: z.preprocess(
      (v) => (typeof v === 'string' ? normaliseCode(v) || undefined : v),
      z
        .string()
        .regex(/^[A-T](\d{2,4})?$/, '行业代码为门类字母加 0、2、3 或 4 位数字')
        .optional(),
    ),
    size: z.preprocess(blank, z.enum(['micro', 'small', 'medium', 'large']).optional()),
    foundedOn: optionalDay,
    firmDistrict: district,
    firmCreditRating: optionalRating,
    firmBlacklisted: checkbox,
  }),
  z.object({
    source: z.literal('citizen'),
    phone: z.string({ message: '请填写市民电话' }).trim().min(3, '请填写市民电话').max(32),
  }),
  z.object({
    source: z.literal('knownFirm'),
    knownCreditCode: z.string({ message: '请填写统一社会信用代码' }).trim().min(1, '请填写统一社会信用代码').max(40),
  }),
]);

const commonInput = z.object({
  rule: z.string({ message: '请填写规则' }).trim().min(1, '请填写规则').max(20_000, '规则最多 20000 字'),
  on: optionalDay,
});

export interface FactRow {
  name: string;
  label: string;
  value: string;
}

export interface RuleTest {
  /** Who was tested: the sample, or the known citizen (phone masked) or firm. */
  subject: string;
  on: string;
  minCreditRating: CreditRating;
  facts: FactRow[];
  result: Eligibility;
}

const refused = (field: string, message: string) => new InvalidInput('请检查填写的内容', { [field]: [message] });

function factRows(facts: Facts, maskBirth: boolean): FactRow[] {
  return (Object.keys(FACTS) as (keyof typeof FACTS)[])
    .filter((k) => facts[k] !== undefined && facts[k] !== null)
    .map((k) => {
      const v = facts[k];
      const shown = k === 'birthDate' && maskBirth && typeof v === 'string' ? `${v.slice(0, 4)}-**-**` : String(v);
      return { name: k, label: FACTS[k].label, value: shown };
    });
}

/** Evaluates a typed rule against typed or known facts, as the policy will be evaluated while a call rings. */
export async function testRule(em: EntityManager, actor: Actor, raw: unknown, now = new Date()): Promise<RuleTest> {
  if (!can(actor, 'eligibility:test')) throw new Forbidden('无权测试政策规则');
  const common = parseInput(commonInput, raw);
  const input = parseInput(testerInput, raw);
  let rule: unknown;
  try {
    rule = JSON.parse(common.rule);
  } catch (err) {
    throw refused('rule', `规则不是有效的 JSON：${(err as Error).message}`);
  }
  const on = common.on ?? localDateOf(now);
  let facts: Facts;
  let subject: string;
  let known = false;
  if (input.source === 'person') {
    if (input.idNumber && (input.age !== undefined || input.sex))
      throw refused('age', '已填身份证号时，年龄和性别由身份证号得出，请留空');
    facts = personFacts(
      {
        idNumber: input.idNumber ?? null,
        district: input.personDistrict ?? null,
        blacklisted: input.personBlacklisted,
        creditRating: input.personCreditRating ?? null,
      },
      on,
    );
    if (input.age !== undefined) facts.age = input.age;
    if (input.sex) facts.sex = input.sex;
    subject = '样例个人';
  } else if (input.source === 'firm') {
    // A sample firm needs only the facts the rule asks about; the ones left blank stay missing.
    const sample = firmFacts(
      {
        creditCode: input.creditCode ?? '',
        industry: input.industry ?? '',
        size: input.size ?? '',
        foundedOn: input.foundedOn ?? on,
        district: input.firmDistrict ?? null,
        creditRating: input.firmCreditRating ?? null,
        blacklisted: input.firmBlacklisted,
      },
      on,
    );
    facts = {
      ...sample,
      creditCode: input.creditCode ?? null,
      industry: input.industry ?? null,
      industrySection: input.industry ? sample.industrySection : null,
      industryDivision: input.industry ? sample.industryDivision : null,
      size: input.size ?? null,
      foundedOn: input.foundedOn ?? null,
      ageYears: input.foundedOn ? sample.ageYears : null,
    };
    subject = '样例企业';
  } else if (input.source === 'citizen') {
    const person = await citizenFactsByPhone(em, input.phone, on);
    if (!person) throw refused('phone', '没有该电话的市民记录');
    facts = person.facts;
    subject = `市民 ${maskPhone(input.phone)}`;
    known = true;
  } else {
    const firm = await firmFactsByCode(em, input.knownCreditCode, on);
    if (!firm) throw refused('knownCreditCode', '企业库中没有该统一社会信用代码');
    facts = firm.facts;
    subject = `${firm.name}（${String(firm.facts.creditCode)}）`;
  }
  const threshold = await minCreditRating(em);
  return {
    subject,
    on,
    minCreditRating: threshold,
    facts: factRows(facts, known),
    result: evaluateEligibility(rule, facts, { minCreditRating: threshold }),
  };
}

/** Rules to start from, as the demo policies write them. */
export const EXAMPLE_RULES: { name: string; rule: unknown }[] = [
  { name: '高龄津贴（80 周岁以上）', rule: { '>=': [{ var: 'age' }, 80] } },
  {
    name: '小微企业创业补贴（成立 3 年内）',
    rule: { and: [{ in: [{ var: 'size' }, ['micro', 'small']] }, { '<=': [{ var: 'ageYears' }, 3] }] },
  },
  { name: '旅行社质量保证金暂退', rule: { '==': [{ var: 'industry' }, 'L7291'] } },
  {
    name: '制造业贷款贴息（本市三区）',
    rule: { and: [{ '==': [{ var: 'industrySection' }, 'C'] }, { in: [{ var: 'district' }, ['D01', 'D02', 'D03']] }] },
  },
];

/** What the tester page offers: the facts a rule may name, the districts' codes, the threshold in force. */
export async function testerOptions(em: EntityManager, actor: Actor, now = new Date()) {
  if (!can(actor, 'eligibility:test')) throw new Forbidden('无权测试政策规则');
  const districts = await all<{ code: string; name: string }>(
    em,
    `select code, name from department where kind = 'district' and active order by code`,
  );
  return {
    facts: Object.entries(FACTS).map(([name, f]) => ({
      name,
      label: f.label,
      type: f.type,
      subjects: [...f.subjects],
      values: 'values' in f ? [...f.values] : null,
    })),
    districts,
    minCreditRating: await minCreditRating(em),
    today: localDateOf(now),
    examples: EXAMPLE_RULES.map((e) => ({ name: e.name, rule: JSON.stringify(e.rule) })),
  };
}
