// Generated data for the policy screen-pop benchmark: the screen-pop city (citizens and appeals, bench/screenpop-data.ts)
// with, on top, a city's firms and the phones that speak for them, a published policy catalogue whose eligibility
// rules read person and firm facts, and one reporting period's implementation records.
// Firms, contacts and records are written set-based; the policies go through the catalogue's own steps (create,
// publish, now and then revise), so their versions, audit trails and the entitlement cache's probe are the real ones.
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { Actor } from '../machines/actor';
import { isUnifiedSocialCreditCode, idNumberCheckCharacter } from '../machines/identifiers';
import { localDateOf, localDateStart } from '../app/calendar/working-time';
import { openDatabase, type Database } from '../app/db/orm.server';
import { all } from '../app/db/sql.server';
import { createPolicy, stepPolicy, updatePolicy } from '../app/policies/catalogue.server';
import { addDays, periodOf } from '../app/policy-records/periods';
import { openPeriod } from '../app/policy-records/records.server';
import { prng } from '../app/seed/demo-city.server';
import { GIVEN, SURNAMES } from '../app/seed/demo-city-data';
import { keyringFromEnv } from '../app/security/data-key.server';
import { sealIdNumber } from '../app/security/id-number.server';
import { BENCH_DATA_KEY } from './http';
import { PHONE_FN, ensureScreenpopData, progress, sqlText } from './screenpop-data';

export interface PolicyDataOptions {
  adminUrl: string;
  dbName: string;
  citizens: number;
  appeals: number;
  firms: number;
  /** Published policies with a rule, the demo catalogue's included. */
  policies: number;
  /** Implementation records in the bench period. */
  records: number;
  force?: boolean;
  log?: (line: string) => void;
}

export interface PolicyData {
  url: string;
  citizens: number;
  appeals: number;
  firms: number;
  policies: number;
  records: number;
  /** The period holding the generated records. */
  periodId: number;
  periodLabel: string;
  generatedNow: boolean;
  generatedAt: string;
  /** Seconds of this layer's generation (firms, policies, records), and of the city under it. */
  seconds: number;
  citySeconds: number;
}

/** Bumped when the generator changes what it writes, so older data is generated again. */
const GENERATOR = 2;

interface Marker {
  kind: 'policy';
  generator: number;
  citizens: number;
  appeals: number;
  firms: number;
  policies: number;
  records: number;
  periodId: number;
  periodLabel: string;
  seconds: number;
  at: string;
}

const BATCH = 50_000;
/** Firms whose contact also calls as a citizen, per 10. */
const CITIZEN_CONTACTS = 6;
/** One firm in 5 keeps its books with an agent (代理记账) whose phone speaks for about 5 firms. */
const BOOKKEEPERS = 8_000;
/** Distinct people among the person records: someone entitled is often entitled under several policies. */
const PERSONS_PER_RECORD = 0.4;

// GB/T 4754-2017 codes and the trade word of a firm's name.
const TRADES: [string, string][] = [
  ['A01', '农业'],
  ['C13', '食品'],
  ['C18', '服饰'],
  ['C26', '化工'],
  ['C34', '机械'],
  ['C39', '电子'],
  ['E47', '建设'],
  ['F51', '商贸'],
  ['F52', '超市'],
  ['G54', '物流'],
  ['H61', '酒店'],
  ['H62', '餐饮'],
  ['I65', '软件'],
  ['J66', '金融'],
  ['K70', '置业'],
  ['L7291', '旅行社'],
  ['M75', '科技'],
  ['O80', '家政'],
  ['P83', '培训'],
  ['Q84', '医疗'],
  ['R88', '文化'],
];
const BRANDS =
  '华兴 恒达 瑞丰 永安 宏图 金桥 东方 新源 博远 嘉禾 鑫盛 联创 万通 天成 佳和 明德 润泽 盛世 锦程 康宁'.split(' ');
// The registration offices' area codes, by district in code order.
const AREAS = ['330102', '330105', '330106', '330108', '330110'];

/**
 * GB 32100 credit code of firm i: authority 9 (市场监管), the kind, the district's area code, and an organisation
 * code 'MA' + six characters of the index scrambled mod 31^6 (a bijection, so codes never collide), with both check
 * characters computed as machines/identifiers.ts does (GB 11714, then ISO 7064 MOD 31-3). The generator checks
 * every code with isUnifiedSocialCreditCode after the load.
 */
const CREDIT_CODE_FN = `
create or replace function pg_temp.bench_credit_code(i bigint, kind text, area text) returns text
language plpgsql immutable as $$
declare
  chars constant text := '0123456789ABCDEFGHJKLMNPQRTUWXY';
  w constant int[] := array[1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28];
  ow constant int[] := array[3,7,9,10,5,8,4,2];
  n bigint := (i * 7368787 + 123457) % 887503681;
  org text := 'MA';
  s int := 0;
  c int;
  first17 text;
begin
  for k in 1..6 loop
    org := org || substr(chars, (n % 31)::int + 1, 1);
    n := n / 31;
  end loop;
  for k in 1..8 loop
    s := s + ow[k] * (position(substr(org, k, 1) in '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ') - 1);
  end loop;
  c := 11 - s % 11;
  org := org || case c when 10 then 'X' when 11 then '0' else c::text end;
  first17 := '9' || kind || area || org;
  s := 0;
  for k in 1..17 loop
    s := s + (position(substr(first17, k, 1) in chars) - 1) * w[k];
  end loop;
  return first17 || substr(chars, ((31 - s % 31) % 31) + 1, 1);
end $$`;

// ---------- firms and the phones that speak for them ----------

async function generateFirms(client: pg.Client, firms: number, citizens: number, log: (l: string) => void) {
  const districts = (
    await client.query<{ id: number }>(`select id from department where kind = 'district' order by code`)
  ).rows.map((r) => r.id);
  if (!districts.length) throw new Error('no districts');
  const [{ base }] = (await client.query<{ base: number }>('select coalesce(max(id), 0)::int as base from firm')).rows;
  log(`[seed] ${firms.toLocaleString('en')} firms, GB 32100 codes computed in SQL`);
  const bar = progress('firms', firms);
  for (let from = 0; from < firms; from += BATCH) {
    const to = Math.min(firms, from + BATCH) - 1;
    // Sizes 45/35/15/5 %, ratings A 35 B 45 C 12 D 8 %, 3% blacklisted; a third founded in the last three years.
    await client.query(
      `insert into firm (id, credit_code, name, industry, size, founded_on, district_id, credit_rating, blacklisted,
                         blacklist_reason, blacklisted_since, version, created_at, updated_at)
       select $3::int + g + 1, pg_temp.bench_credit_code(g, kind, ($5::text[])[1 + dx % array_length($5::text[], 1)]),
              case when kind = '2' then (${sqlText(SURNAMES)})[1 + floor(r1 * ${SURNAMES.length})::int] || '记' || trade || '店'
                   else '示范市' || brand || (${sqlText(BRANDS)})[1 + (g / ${BRANDS.length}) % ${BRANDS.length}] || trade || '有限公司' end,
              industry, size, current_date - founded, ($4::int[])[1 + dx], rating, r4 < 0.03,
              case when r4 < 0.03 then '列入失信被执行人名单' end, case when r4 < 0.03 then current_date - floor(r4 * 20000)::int end,
              1, now(), now()
         from (select g, r1, r4, dx, t[1] as industry, t[2] as trade, brand, size, rating, founded,
                      case when size = 'micro' and t[1] in ('F52', 'H62', 'O80') then '2' else '1' end as kind
                 from (select g, r1, r4, floor(r2 * array_length($4::int[], 1))::int as dx,
                              (${sqlText(TRADES.map(([c, w]) => `${c}|${w}`))})[1 + floor(r3 * ${TRADES.length})::int] as tw,
                              (${sqlText(BRANDS)})[1 + g % ${BRANDS.length}] as brand,
                              case when r5 < 0.45 then 'micro' when r5 < 0.80 then 'small' when r5 < 0.95 then 'medium' else 'large' end as size,
                              case when r6 < 0.35 then 'A' when r6 < 0.80 then 'B' when r6 < 0.92 then 'C' else 'D' end as rating,
                              case when r7 < 0.33 then floor(r8 * 3 * 365)::int else 3 * 365 + floor(r8 * 27 * 365)::int end as founded
                         from (select g, random() r1, random() r2, random() r3, random() r4, random() r5, random() r6,
                                      random() r7, random() r8 from generate_series($1::bigint, $2::bigint) g) x) y,
                      lateral (select string_to_array(y.tw, '|') as t) tt) z`,
      [from, to, base, districts, AREAS],
    );
    bar.update(to + 1);
  }
  bar.done(firms);
  await client.query(`select setval(pg_get_serial_sequence('firm', 'id'), $1::int)`, [base + firms]);
  const bad = (
    await client.query<{ credit_code: string }>('select credit_code from firm where id > $1', [base])
  ).rows.filter((r) => !isUnifiedSocialCreditCode(r.credit_code));
  if (bad.length) throw new Error(`${bad.length} generated credit codes fail GB 32100, e.g. ${bad[0].credit_code}`);

  // Every firm a legal representative; 6 in 10 of them also call as citizens. One in 5 firms also has a bookkeeper
  // whose phone speaks for about 5 firms. Non-citizen numbers come after the citizens' (pg_temp.bench_phone).
  log('[seed] firm contacts');
  await client.query(
    `insert into firm_contact (firm_id, phone, name, role)
     select f.id, case when j % 10 < ${CITIZEN_CONTACTS} then pg_temp.bench_phone((j * 7919) % $2::bigint)
                       else pg_temp.bench_phone($2::bigint + j) end,
            (${sqlText(SURNAMES)})[1 + (j % ${SURNAMES.length})::int] || (${sqlText(GIVEN)})[1 + ((j / 7) % ${GIVEN.length})::int],
            '法定代表人'
       from (select id, id - $1::int - 1 as j from firm where id > $1::int) f
     union all
     select f.id, pg_temp.bench_phone($2::bigint + 1000000 + (j / 5) % ${BOOKKEEPERS}),
            (${sqlText(SURNAMES)})[1 + ((j / 5) % ${SURNAMES.length})::int] || '会计', '代理记账联系人'
       from (select id, id - $1::int - 1 as j from firm where id > $1::int) f where j % 5 = 0`,
    [base, citizens],
  );
  await client.query('vacuum (analyze) firm');
  await client.query('vacuum (analyze) firm_contact');
}

// ---------- the catalogue ----------

interface GeneratedPolicy {
  title: string;
  domain: 'people' | 'talent' | 'enterprise' | 'investment' | 'finance';
  level: 'city' | 'district';
  lead: string;
  withoutApplication: boolean;
  eligibility: string;
  rule: Record<string, unknown>;
  benefit: string;
  keywords: string[];
  items: string[];
}

const notBlacklisted = { '!': [{ var: 'blacklisted' }] };

/** A policy of the generated catalogue: a person's rule (age, sex, district, birth date) or a firm's (industry, size, founding, rating, district). */
function generatedPolicy(n: number, rand: () => number, districts: { code: string; name: string }[]): GeneratedPolicy {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const d = pick(districts);
  const year = 2023 + Math.floor(rand() * 4);
  const batch = `（${year}年第${1 + (n % 12)}批）`;
  const item = (texts: string[]) => texts.map((t, i) => `第${i + 1}条 ${t}`);
  const person = rand() < 0.45;
  if (person) {
    const kind = Math.floor(rand() * 5);
    if (kind <= 1) {
      const age = pick([60, 65, 70, 75, 80, 85, 90, 100]);
      const local = kind === 1 || rand() < 0.4;
      return {
        title: `${local ? d.name : '示范市'}${age}周岁以上老年人${pick(['高龄津贴', '养老服务补贴', '助餐补贴', '体检补助'])}${batch}`,
        domain: 'people',
        level: local ? 'district' : 'city',
        lead: local ? d.code : 'F06',
        withoutApplication: rand() < 0.6,
        eligibility: `${local ? `户籍在${d.name}、` : ''}年满${age}周岁的老年人。`,
        rule: local
          ? { and: [{ '>=': [{ var: 'age' }, age] }, { '==': [{ var: 'district' }, d.code] }] }
          : { '>=': [{ var: 'age' }, age] },
        benefit: `每人每月${pick([50, 100, 200, 300])}元。`,
        keywords: ['老年人', '补贴', `${age}周岁`],
        items: item([
          `年满${age}周岁的老年人享受本补贴。`,
          '补贴按月发放至社会保障卡。',
          '享受对象死亡的，自次月起停发。',
        ]),
      };
    }
    if (kind === 2) {
      const [lo, hi] = pick([
        [18, 35],
        [22, 40],
        [16, 45],
      ]);
      return {
        title: `${d.name}青年人才${pick(['租房补贴', '就业见习补贴', '创业担保贷款贴息', '技能培训补贴'])}${batch}`,
        domain: 'talent',
        level: 'district',
        lead: d.code,
        withoutApplication: false,
        eligibility: `${lo}至${hi}周岁、在${d.name}就业或创业的青年。`,
        rule: { and: [{ '<=': [lo, { var: 'age' }, hi] }, { '==': [{ var: 'district' }, d.code] }] },
        benefit: `每人每月${pick([500, 800, 1000, 1500])}元，最长${pick([12, 24, 36])}个月。`,
        keywords: ['人才', '青年', '补贴'],
        items: item([`年龄在${lo}至${hi}周岁之间。`, '在本区就业并缴纳社会保险。', '补贴按季度发放。']),
      };
    }
    if (kind === 3)
      return {
        title: `示范市适龄妇女“两癌”免费筛查${batch}`,
        domain: 'people',
        level: 'city',
        lead: 'F09',
        withoutApplication: true,
        eligibility: '35至64周岁的女性居民。',
        rule: { and: [{ '==': [{ var: 'sex' }, 'female'] }, { '<=': [35, { var: 'age' }, 64] }] },
        benefit: '免费宫颈癌、乳腺癌筛查一次。',
        keywords: ['妇女', '筛查', '免费'],
        items: item(['35至64周岁女性居民可免费筛查。', '由社区卫生服务中心通知预约。', '每三年一次。']),
      };
    const born = `${1955 + Math.floor(rand() * 15)}-12-31`;
    return {
      title: `示范市城乡居民养老保险缴费补贴（${born.slice(0, 4)}年前出生）${batch}`,
      domain: 'people',
      level: 'city',
      lead: 'F06',
      withoutApplication: true,
      eligibility: `${born.slice(0, 4)}年12月31日以前出生的参保居民。`,
      rule: { '<=': [{ var: 'birthDate' }, born] },
      benefit: '按缴费档次给予每年100至500元补贴。',
      keywords: ['养老保险', '缴费补贴'],
      items: item([`${born.slice(0, 4)}年12月31日以前出生。`, '补贴计入个人账户。', '按年度发放。']),
    };
  }
  const [industry, trade] = pick(TRADES);
  const kind = Math.floor(rand() * 6);
  const common = { level: 'city' as const, withoutApplication: rand() < 0.4 };
  const firmItems = (cond: string) =>
    item([cond, '未列入失信名单，信用等级B级以上。', '补贴资金按季度拨付至企业对公账户。']);
  switch (kind) {
    case 0:
      return {
        ...common,
        title: `示范市${trade}行业小微企业${pick(['稳岗返还', '房租补贴', '社保补贴', '首贷贴息'])}${batch}`,
        domain: 'enterprise',
        lead: 'F06',
        eligibility: `在本市登记、行业属于${industry.slice(0, 1)}门类的小型、微型企业。`,
        rule: {
          and: [
            { in: [{ var: 'size' }, ['micro', 'small']] },
            { '==': [{ var: 'industrySection' }, industry.slice(0, 1)] },
            notBlacklisted,
          ],
        },
        benefit: `按上年度缴纳失业保险费的${pick([50, 60, 75, 90])}%返还。`,
        keywords: ['小微企业', '稳岗'],
        items: firmItems('企业规模为小型或微型。'),
      };
    case 1:
      return {
        ...common,
        title: `示范市${trade}行业${pick(['技术改造', '数字化转型', '设备更新'])}专项资金${batch}`,
        domain: 'investment',
        lead: 'F03',
        eligibility: `行业代码属于${industry.slice(0, 1)}门类、规模为中型以上的企业。`,
        rule: {
          and: [
            { '==': [{ var: 'industrySection' }, industry.slice(0, 1)] },
            { in: [{ var: 'size' }, ['medium', 'large']] },
          ],
        },
        benefit: `按项目投资额的${pick([5, 8, 10])}%给予补助，最高${pick([100, 200, 500])}万元。`,
        keywords: [trade, '技术改造'],
        items: firmItems('行业门类和规模符合本细则。'),
      };
    case 2:
      return {
        ...common,
        title: `示范市${trade}企业${pick(['纾困补贴', '消费券补贴', '运营补助'])}${batch}`,
        domain: 'enterprise',
        lead: 'F03',
        eligibility: `行业代码为 ${industry} 的企业。`,
        rule:
          industry.length > 3
            ? { '==': [{ var: 'industry' }, industry] }
            : { '==': [{ var: 'industryDivision' }, industry.slice(1, 3)] },
        benefit: `每家企业一次性补贴${pick([1, 2, 3, 5])}万元。`,
        keywords: [trade, '纾困'],
        items: firmItems(`行业代码为 ${industry}。`),
      };
    case 3: {
      const years = pick([1, 2, 3, 5]);
      return {
        ...common,
        title: `${d.name}初创企业${pick(['创业补贴', '场租补贴', '贷款贴息'])}（成立${years}年内）${batch}`,
        domain: 'finance',
        lead: d.code,
        eligibility: `在${d.name}登记、成立不满${years}年的企业。`,
        rule: {
          and: [
            { '<': [{ var: 'ageYears' }, years] },
            { '==': [{ var: 'district' }, d.code] },
            { in: [{ var: 'creditRating' }, ['A', 'B']] },
            notBlacklisted,
          ],
        },
        benefit: `一次性补贴${pick([5000, 10000, 20000])}元。`,
        keywords: ['初创企业', '创业'],
        items: firmItems(`成立不满${years}年。`),
      };
    }
    case 4:
      return {
        ...common,
        title: `示范市${trade}行业诚信示范企业${pick(['融资增信', '通关便利', '评优加分'])}${batch}`,
        domain: 'finance',
        lead: 'F03',
        eligibility: `行业属于${industry.slice(0, 1)}门类、信用等级为A级、成立5年以上的企业。`,
        rule: {
          and: [
            { '==': [{ var: 'creditRating' }, 'A'] },
            { '>=': [{ var: 'ageYears' }, 5] },
            { '==': [{ var: 'industrySection' }, industry.slice(0, 1)] },
          ],
        },
        benefit: '给予贷款利率优惠和审批绿色通道。',
        keywords: ['信用', '融资'],
        items: firmItems('信用等级为A级，成立满5年。'),
      };
    default: {
      const since = `${2020 + Math.floor(rand() * 5)}-01-01`;
      return {
        ...common,
        level: 'district',
        title: `${d.name}新设企业${pick(['落户奖励', '租金减免', '人才引进补贴'])}${batch}`,
        domain: 'investment',
        lead: d.code,
        eligibility: `${since.slice(0, 4)}年以来在${d.name}登记设立的企业。`,
        rule: {
          and: [
            { '==': [{ var: 'subject' }, 'firm'] },
            { '==': [{ var: 'district' }, d.code] },
            { '>=': [{ var: 'foundedOn' }, since] },
          ],
        },
        benefit: `按实缴注册资本的${pick([1, 2])}%给予奖励。`,
        keywords: ['招商', '落户'],
        items: firmItems(`${since.slice(0, 4)}年1月1日以后在本区登记设立。`),
      };
    }
  }
}

async function generatePolicies(db: Database, total: number, log: (l: string) => void): Promise<number> {
  const em = db.em();
  const [{ n: published }] = await all<{ n: number }>(
    em,
    `select count(*)::int as n from policy_version where current and jsonb_typeof(content->'rule') = 'object'`,
  );
  const toMake = Math.max(0, total - published);
  const [admin] = await all<{ id: number }>(em, `select id from app_user where username = 'admin'`);
  const actor: Actor = { userId: admin.id, role: 'admin', departmentIds: [], gridIds: [] };
  const departments = new Map(
    (await all<{ id: number; code: string }>(em, 'select id, code from department')).map((r) => [r.code, r.id]),
  );
  const districts = await all<{ code: string; name: string }>(
    em,
    `select code, name from department where kind = 'district' order by code`,
  );
  log(
    `[seed] ${toMake} policies through the catalogue (create, publish; every 10th revised), ${published} already published`,
  );
  const rand = prng(500);
  const specs = Array.from({ length: toMake }, (_, i) => generatedPolicy(i, rand, districts));
  const formOf = (p: GeneratedPolicy, items: string[]) => ({
    title: p.title,
    level: p.level,
    domain: p.domain,
    leadDepartmentId: departments.get(p.lead),
    cooperatingDepartmentIds: [],
    liaisons: [{ name: '政策联络员', phone: '0571-87000106' }],
    withoutApplication: p.withoutApplication,
    eligibility: p.eligibility,
    rule: JSON.stringify(p.rule),
    benefit: p.benefit,
    validFrom: '2023-01-01',
    keywords: p.keywords.join(' '),
    items,
  });
  const bar = progress('policies', toMake);
  let done = 0;
  // Four at a time: each policy is its own few transactions, and they do not touch each other's rows.
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < specs.length; i = next++) {
      const p = specs[i];
      const fork = db.em();
      const { id } = await createPolicy(fork, actor, formOf(p, p.items));
      await stepPolicy(fork, actor, id, 'PUBLISH', {});
      if (i % 10 === 9) {
        await stepPolicy(fork, actor, id, 'REVISE', {});
        await updatePolicy(
          fork,
          actor,
          id,
          formOf(p, [...p.items, `第${p.items.length + 1}条 对认定结果有异议的，可拨打12345热线申请复核。`]),
        );
        await stepPolicy(fork, actor, id, 'PUBLISH', {});
      }
      bar.update(++done);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  bar.done(toMake);
  return published + toMake;
}

// ---------- the period's implementation records ----------

/** The quarter before the one `now` falls in: a closed period, as a sample is drawn once its records are in. */
function benchPeriodLabel(now: Date): string {
  const [y, m] = localDateOf(now).split('-').map(Number);
  const q = Math.floor((m - 1) / 3) + 1;
  return q === 1 ? `${y - 1}Q4` : `${y}Q${q - 1}`;
}

/**
 * A person's ID number for distinct person k: area, birth day (1930–1998) and sequence are k scrambled by a
 * bijection of 5 × 25,000 × 1,000, so no two persons share a number; the check character is the real one.
 */
function personIdNumber(k: number): string {
  const s = (k * 48271 + 977) % 125_000_000;
  const day = new Date(Date.UTC(1930, 0, 1) + (Math.floor(s / 5) % 25_000) * 86_400_000);
  const first17 =
    AREAS[s % 5] +
    day.toISOString().slice(0, 10).replaceAll('-', '') +
    String(Math.floor(s / 125_000)).padStart(3, '0');
  return first17 + idNumberCheckCharacter(first17)!;
}

async function generateRecords(
  client: pg.Client,
  db: Database,
  opts: { records: number; citizens: number },
  log: (l: string) => void,
): Promise<{ periodId: number; periodLabel: string }> {
  const em = db.em();
  const [admin] = await all<{ id: number }>(em, `select id from app_user where username = 'admin'`);
  const actor: Actor = { userId: admin.id, role: 'admin', departmentIds: [], gridIds: [] };
  const label = benchPeriodLabel(new Date());
  const days = periodOf(label)!;
  const period = await openPeriod(em, actor, { label }, localDateStart(days.startsOn));

  const policies = (
    await client.query<{ id: number; version_no: number; lead: number; domain: string; free: boolean }>(
      `select p.id, v.version_no, p.lead_department_id as lead, p.domain, (v.content->>'withoutApplication')::boolean as free
         from policy p join policy_version v on v.policy_id = p.id and v.current order by p.id`,
    )
  ).rows;
  const firms = (
    await client.query<{ name: string; credit_code: string; phone: string }>(
      `select f.name, f.credit_code, (select c.phone from firm_contact c where c.firm_id = f.id order by c.id limit 1) as phone
         from firm f where not f.blacklisted order by f.id`,
    )
  ).rows;
  // One file per lead department, sent two days before the period's due day.
  const leads = [...new Set(policies.map((p) => p.lead))];
  const uploadAt = localDateStart(period.dueOn, -2);
  const uploads = new Map<number, number>();
  for (const lead of leads) {
    const { rows } = await client.query<{ id: number }>(
      `insert into record_upload (period_id, department_id, uploaded_by_id, uploaded_at, file_name, sha256, row_count,
         total_amount, policy_ids) values ($1, $2, $3, $4, $5, $6, 0, 0, '[]') returning id`,
      [
        period.id,
        lead,
        admin.id,
        uploadAt,
        `${label}落实记录-${lead}.xlsx`,
        createHash('sha256').update(`${label}:${lead}`).digest('hex'),
      ],
    );
    uploads.set(lead, rows[0].id);
  }
  const nextRow = new Map<number, number>(leads.map((l) => [l, 2]));

  // Record r is the (r / P)-th of policy r % P. People's policies (惠民, 惠人才) pay persons, the others firms. The
  // k-th beneficiary of a policy is chosen by a bijection of k, so nobody is recorded twice under one policy.
  // A person is sealed once however many policies pay them: the same sealed value (and blind index) in each row.
  const P = policies.length;
  const personPolicies = policies.filter((p) => p.domain === 'people' || p.domain === 'talent').length;
  const persons = Math.max(1, Math.round(opts.records * (personPolicies / P) * PERSONS_PER_RECORD));
  const ring = keyringFromEnv({ DATA_KEY: BENCH_DATA_KEY });
  const sealedPersons = new Map<number, { sealed: string; index: string }>();
  const sealPerson = (k: number) => {
    let s = sealedPersons.get(k);
    if (!s) {
      const x = sealIdNumber(personIdNumber(k), ring);
      sealedPersons.set(k, (s = { sealed: x.sealed!, index: x.index! }));
    }
    return s;
  };
  const daysInPeriod = (Date.parse(days.endsOn) - Date.parse(days.startsOn)) / 86_400_000 + 1;
  const rand = prng(2026);
  log(
    `[seed] ${opts.records.toLocaleString('en')} records in ${label} for ${P} policies (${persons.toLocaleString('en')} persons, ${firms.length.toLocaleString('en')} firms)`,
  );
  // The plain secondary indexes are dropped for the load and rebuilt from their own definitions, as the appeals' are.
  const { rows: indexes } = await client.query<{ name: string; def: string }>(
    `select i.indexname as name, i.indexdef as def from pg_indexes i
      where i.schemaname = current_schema() and i.tablename = 'policy_record'
        and not exists (select 1 from pg_constraint c where c.conrelid = 'policy_record'::regclass and c.conname = i.indexname)`,
  );
  for (const ix of indexes) await client.query(`drop index "${ix.name}"`);
  const bar = progress('records', opts.records);
  for (let from = 0; from < opts.records; from += BATCH) {
    const to = Math.min(opts.records, from + BATCH);
    const cols = {
      policy: [] as number[],
      version: [] as number[],
      upload: [] as number[],
      row: [] as number[],
      kind: [] as string[],
      name: [] as string[],
      sealed: [] as (string | null)[],
      code: [] as (string | null)[],
      key: [] as string[],
      phone: [] as (string | null)[],
      citizen: [] as (number | null)[],
      amount: [] as string[],
      paid: [] as string[],
      way: [] as string[],
    };
    for (let r = from; r < to; r++) {
      const pIdx = r % P;
      const k = Math.floor(r / P);
      const p = policies[pIdx];
      const person = p.domain === 'people' || p.domain === 'talent';
      cols.policy.push(p.id);
      cols.version.push(p.version_no);
      cols.upload.push(uploads.get(p.lead)!);
      const row = nextRow.get(p.lead)!;
      nextRow.set(p.lead, row + 1);
      cols.row.push(row);
      if (person) {
        const who = (pIdx * 7919 + k * 104729) % persons;
        const s = sealPerson(who);
        cols.kind.push('person');
        cols.name.push(SURNAMES[who % SURNAMES.length] + GIVEN[Math.floor(who / 15) % GIVEN.length]);
        cols.sealed.push(s.sealed);
        cols.code.push(null);
        cols.key.push(s.index);
        cols.phone.push(null);
        cols.citizen.push((who * 7919 + 17) % opts.citizens);
        cols.amount.push(String(100 * (1 + (p.id % 10))));
      } else {
        const f = firms[(pIdx * 7919 + k * 104729) % firms.length];
        cols.kind.push('firm');
        cols.name.push(f.name.slice(0, 100));
        cols.sealed.push(null);
        cols.code.push(f.credit_code);
        cols.key.push(f.credit_code);
        cols.phone.push(f.phone);
        cols.citizen.push(null);
        cols.amount.push(String(1000 * (1 + (p.id % 20))));
      }
      cols.paid.push(addDays(days.startsOn, Math.floor(rand() * daysInPeriod)));
      cols.way.push(p.free ? 'withoutApplication' : 'onApplication');
    }
    await client.query(
      `insert into policy_record (period_id, policy_id, policy_version, upload_id, source_row, beneficiary_kind, name,
         id_number_sealed, credit_code, beneficiary_key, phone, amount, paid_on, way)
       select $1::int, v.policy, v.version, v.upload, v.row, v.kind, v.name, v.sealed, v.code, v.key,
              coalesce(v.phone, pg_temp.bench_phone(v.citizen)), v.amount::numeric, v.paid::date, v.way
         from unnest($2::int[], $3::int[], $4::int[], $5::int[], $6::text[], $7::text[], $8::text[], $9::text[],
                     $10::text[], $11::text[], $12::bigint[], $13::text[], $14::text[], $15::text[])
              as v(policy, version, upload, row, kind, name, sealed, code, key, phone, citizen, amount, paid, way)`,
      [
        period.id,
        cols.policy,
        cols.version,
        cols.upload,
        cols.row,
        cols.kind,
        cols.name,
        cols.sealed,
        cols.code,
        cols.key,
        cols.phone,
        cols.citizen,
        cols.amount,
        cols.paid,
        cols.way,
      ],
    );
    bar.update(to);
  }
  bar.done(opts.records);
  log(`[seed] rebuilding ${indexes.length} indexes of policy_record`);
  await client.query(`set maintenance_work_mem = '256MB'`);
  for (const ix of indexes) await client.query(ix.def);
  // Each file's rows, total and policies, as the upload would have recorded them.
  await client.query(
    `update record_upload u set row_count = x.n, total_amount = x.total, policy_ids = x.ids
       from (select upload_id, count(*)::int as n, sum(amount) as total, jsonb_agg(distinct policy_id) as ids
               from policy_record where period_id = $1 group by upload_id) x
      where u.id = x.upload_id`,
    [period.id],
  );
  await client.query('vacuum (analyze) policy_record');
  await client.query('vacuum (analyze) record_upload');
  return { periodId: period.id, periodLabel: label };
}

// ---------- marker and entry point ----------

async function readMarker(client: pg.Client): Promise<Marker | null> {
  const { rows } = await client.query<{ d: string | null }>(
    `select obj_description('policy_record'::regclass, 'pg_class') as d`,
  );
  try {
    const m = rows[0]?.d ? (JSON.parse(rows[0].d) as Marker) : null;
    return m?.kind === 'policy' ? m : null;
  } catch {
    return null;
  }
}

const sameSizes = (m: Marker, o: PolicyDataOptions) =>
  m.generator === GENERATOR &&
  m.citizens === o.citizens &&
  m.appeals === o.appeals &&
  m.firms === o.firms &&
  m.policies === o.policies &&
  m.records === o.records;

/**
 * Makes sure the bench database holds the policy city of these sizes. The screen-pop city under it is reused or
 * generated by ensureScreenpopData; this layer's marker is the comment on policy_record (the database's comment is
 * the city's). A layer of other sizes, or a half-written one, means the whole database is generated again.
 */
export async function ensurePolicyData(opts: PolicyDataOptions): Promise<PolicyData> {
  const log = opts.log ?? ((l: string) => console.error(l));
  let city = await ensureScreenpopData({ ...opts, log });
  let client = await connect(city.url);
  try {
    const marker = await readMarker(client);
    if (marker && !opts.force && sameSizes(marker, opts)) {
      log(
        `[seed] reusing the policy layer: ${marker.firms.toLocaleString('en')} firms, ${marker.policies} policies, ${marker.records.toLocaleString('en')} records in ${marker.periodLabel} (generated ${marker.at} in ${marker.seconds.toFixed(1)} s)`,
      );
      return {
        url: city.url,
        ...marker,
        generatedNow: false,
        generatedAt: marker.at,
        citySeconds: city.generationSeconds,
      };
    }
    const [{ n }] = (await client.query<{ n: number }>('select count(*)::int as n from firm')).rows;
    if (marker || opts.force || n > 1000) {
      log(
        `[seed] the policy layer ${marker ? 'has other sizes' : 'is incomplete or forced'}: generating the database again`,
      );
      await client.end();
      city = await ensureScreenpopData({ ...opts, force: true, log });
      client = await connect(city.url);
    }
    const t0 = performance.now();
    await generateFirms(client, opts.firms, opts.citizens, log);
    let db: Database | undefined;
    let period: { periodId: number; periodLabel: string };
    let policies: number;
    try {
      db = await openDatabase({ dataDir: '', databaseUrl: city.url });
      policies = await generatePolicies(db, opts.policies, log);
      period = await generateRecords(client, db, opts, log);
    } finally {
      await db?.close().catch(() => {});
    }
    await client.query('vacuum (analyze) policy_version');
    await client.query('vacuum (analyze) policy_event');
    const seconds = (performance.now() - t0) / 1000;
    const m: Marker = {
      kind: 'policy',
      generator: GENERATOR,
      citizens: opts.citizens,
      appeals: opts.appeals,
      firms: opts.firms,
      policies,
      records: opts.records,
      ...period,
      seconds,
      at: new Date().toISOString(),
    };
    // Written last: without it the layer counts as interrupted.
    await client.query(`comment on table policy_record is '${JSON.stringify(m).replaceAll("'", "''")}'`);
    log(
      `[seed] policy layer ready in ${seconds.toFixed(1)} s (the city under it: ${city.generationSeconds.toFixed(1)} s)`,
    );
    return { url: city.url, ...m, generatedNow: true, generatedAt: m.at, citySeconds: city.generationSeconds };
  } finally {
    await client.end().catch(() => {});
  }
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('set synchronous_commit = off');
  await client.query(PHONE_FN);
  await client.query(CREDIT_CODE_FN);
  return client;
}
