import type { EntityManager } from '@mikro-orm/sql';
import type { Actor } from '../../machines/actor';
import { composeCreditCode } from '../../machines/identifiers';
import { createDraft } from '../appeals/intake.server';
import type { AppealServices } from '../appeals/service.server';
import { sendAppealEvent } from '../case-links/refer.server';
import { all, inTransaction, run } from '../db/sql.server';
import { sealIdNumber } from '../security/id-number.server';
import { GIVEN, SURNAMES } from './demo-city-data';

// The demo city's firms (企业库): a few hundred, every credit code composed by the GB 32100 / GB 11714 check
// characters, some on the blacklist and some rated low, each with a contact phone or two. A few phones the
// telephony demos and journeys ring from (README's sipp caller, the browser journeys' callers) speak for firms,
// so a ringing call finds one.

/** Phones that ring in the demos and browser journeys, and the firms they speak for (by index below). */
export const DEMO_FIRM_CALLERS: { phone: string; firms: number[]; name: string; role: string }[] = [
  { phone: '13800001111', firms: [0, 7], name: '周会计', role: '代理记账联系人' }, // README's sipp caller
  { phone: '13912340001', firms: [1], name: '陈志强', role: '法定代表人' }, // the telephony journey's citizen
  { phone: '13712340002', firms: [3], name: '刘海', role: '法定代表人' }, // the sipp journey's caller, a blacklisted firm
  { phone: '13800007002', firms: [5], name: '王静', role: '财务负责人' }, // the missed-call journey's caller, rated C
];

// Each a GB/T 4754-2017 code and the trade word in the firm's name.
const TRADES: [string, string][] = [
  ['C13', '食品'],
  ['C18', '服饰'],
  ['C34', '机械'],
  ['C39', '电子'],
  ['E47', '建设'],
  ['F51', '商贸'],
  ['F52', '超市'],
  ['G54', '物流'],
  ['H61', '酒店'],
  ['H62', '餐饮'],
  ['I65', '软件'],
  ['L7291', '旅行社'],
  ['M75', '科技'],
  ['O80', '家政'],
  ['P83', '培训'],
  ['R88', '文化'],
];
const BRANDS = [
  '华兴',
  '恒达',
  '瑞丰',
  '永安',
  '宏图',
  '金桥',
  '东方',
  '新源',
  '博远',
  '嘉禾',
  '鑫盛',
  '联创',
  '万通',
  '天成',
  '佳和',
  '明德',
  '润泽',
  '盛世',
  '锦程',
  '康宁',
];
// The demo districts and the area codes their registration offices use.
const DISTRICTS: [string, string][] = [
  ['D01', '330102'],
  ['D02', '330105'],
  ['D03', '330106'],
];
const BLACKLIST_REASONS = [
  '列入失信被执行人名单',
  '拖欠农民工工资，列入失信联合惩戒对象名单',
  '骗取财政补贴资金，列入严重失信主体名单',
  '重大税收违法失信主体',
];
const CODE_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const FIRM_COUNT = 300;
// Founding days count back from a fixed day, so the demo's firms are the same wherever it runs.
const BASE_DAY = Date.UTC(2026, 10, 30);

/** The same small PRNG the demo appeals use, seeded apart. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface DemoFirm {
  creditCode: string;
  name: string;
  industry: string;
  size: 'micro' | 'small' | 'medium' | 'large';
  foundedOn: string;
  district: string;
  creditRating: 'A' | 'B' | 'C' | 'D';
  blacklist: { reason: string; since: string } | null;
  contacts: { phone: string; name: string; role: string }[];
}

/** The demo firms, the same on every machine. Firm 1 is a young micro firm rated A; 3 is blacklisted; 5 is rated C. */
export function demoFirms(): DemoFirm[] {
  const rand = prng(32100);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const weighted = <T>(pairs: [T, number][]) => {
    let r = rand() * pairs.reduce((a, [, w]) => a + w, 0);
    for (const [v, w] of pairs) if ((r -= w) < 0) return v;
    return pairs[0][0];
  };
  const day = (daysBack: number) => new Date(BASE_DAY - daysBack * 86_400_000).toISOString().slice(0, 10);
  const codes = new Set<string>();
  const firms: DemoFirm[] = [];
  for (let i = 0; i < FIRM_COUNT; i++) {
    const [industry, trade] = TRADES[Math.floor(i / BRANDS.length) % TRADES.length];
    const [district, area] = DISTRICTS[i % DISTRICTS.length];
    let size = weighted<DemoFirm['size']>([
      ['micro', 45],
      ['small', 35],
      ['medium', 15],
      ['large', 5],
    ]);
    let creditRating = weighted<DemoFirm['creditRating']>([
      ['A', 35],
      ['B', 45],
      ['C', 12],
      ['D', 8],
    ]);
    // A third founded in the last three years, the rest over thirty.
    let daysBack = rand() < 0.33 ? Math.floor(rand() * 3 * 365) : 3 * 365 + Math.floor(rand() * 27 * 365);
    let blacklist = rand() < 0.04 ? { reason: pick(BLACKLIST_REASONS), since: day(Math.floor(rand() * 700)) } : null;
    // The firms the demo callers speak for tell the gate's story whatever the draw.
    if (i === 1) [size, creditRating, daysBack, blacklist] = ['micro', 'A', 400, null];
    if (i === 3) blacklist = { reason: BLACKLIST_REASONS[2], since: day(120) };
    if (i === 5) [creditRating, blacklist] = ['C', null];
    // 个体工商户 (kind 2) among the micro shops and restaurants; companies (kind 1) otherwise.
    const kind = size === 'micro' && ['F52', 'H62', 'O80'].includes(industry) ? '2' : '1';
    let code: string | null = null;
    while (!code || codes.has(code)) {
      const organisation = `MA${Array.from({ length: 6 }, () => pick([...CODE_CHARS])).join('')}`;
      code = composeCreditCode({ authority: '9', kind, area, organisation });
    }
    codes.add(code);
    const contacts = [
      {
        phone: `13${Math.floor(500000000 + rand() * 499999999)}`,
        name: `${pick(SURNAMES)}${pick(GIVEN)}`,
        role: '法定代表人',
      },
    ];
    if (rand() < 0.5)
      contacts.push({
        phone: `15${Math.floor(100000000 + rand() * 899999999)}`,
        name: `${pick(SURNAMES)}${pick(GIVEN)}`,
        role: pick(['财务负责人', '联系人']),
      });
    const suffix =
      kind === '2'
        ? `示范市${BRANDS[i % BRANDS.length]}${trade}店`
        : `示范市${BRANDS[i % BRANDS.length]}${trade}有限公司`;
    firms.push({
      creditCode: code,
      name: suffix,
      industry,
      size,
      foundedOn: day(daysBack),
      district,
      creditRating,
      blacklist,
      contacts,
    });
  }
  for (const caller of DEMO_FIRM_CALLERS)
    for (const f of caller.firms)
      firms[f].contacts.unshift({ phone: caller.phone, name: caller.name, role: caller.role });
  return firms;
}

/** Adds the demo firms once (nothing when the city has firms already); returns how many were added. */
export async function seedDemoFirms(
  em: EntityManager,
  districts: Map<string, number>,
  now = new Date(),
): Promise<number> {
  const [existing] = await all<{ n: number }>(em, 'select count(*)::int as n from firm');
  if (existing.n > 0) return 0;
  const firms = demoFirms();
  await inTransaction(em, async (tx) => {
    // Fifty to a statement: a few round trips instead of hundreds.
    for (let start = 0; start < firms.length; start += 50) {
      const batch = firms.slice(start, start + 50);
      const rows = await all<{ id: number; credit_code: string }>(
        tx,
        `insert into firm (credit_code, name, industry, size, founded_on, district_id, credit_rating, blacklisted,
                           blacklist_reason, blacklisted_since, version, created_at, updated_at)
         values ${batch.map(() => '(?, ?, ?, ?, ?::date, ?, ?, ?, ?, ?::date, 1, ?, ?)').join(', ')}
         returning id, credit_code`,
        batch.flatMap((f) => [
          f.creditCode,
          f.name,
          f.industry,
          f.size,
          f.foundedOn,
          districts.get(f.district)!,
          f.creditRating,
          f.blacklist !== null,
          f.blacklist?.reason ?? null,
          f.blacklist?.since ?? null,
          now,
          now,
        ]),
      );
      const idOf = new Map(rows.map((r) => [r.credit_code, r.id]));
      const contacts = batch.flatMap((f) => f.contacts.map((c) => [idOf.get(f.creditCode)!, c.phone, c.name, c.role]));
      await run(
        tx,
        `insert into firm_contact (firm_id, phone, name, role) values ${contacts.map(() => '(?, ?, ?, ?)').join(', ')}`,
        contacts.flat(),
      );
    }
  });
  return firms.length;
}

/**
 * Callers of the demo whose record carries an ID number, so the facts of a person can be shown on a call:
 * README's sipp caller is 82 and called before about a broken street light in 东城区, which is where the city
 * places her until household data is imported, so 高龄津贴 finds her. Sealed with the runtime's data key,
 * so this runs with the demo appeals, never in the tests' shared template.
 */
export const DEMO_CALLER_RECORDS = [
  {
    phone: '13800001111',
    name: '周桂英',
    idNumber: '330102194403150023',
    district: 'D01',
    earlier: {
      category: '0201',
      title: '小区门口路灯不亮',
      content: '小区门口的路灯坏了一个多星期，晚上出门看不清路。',
    },
  },
];

export async function seedDemoCallerRecords(
  services: AppealServices,
  operator: Actor,
  now = new Date(),
): Promise<void> {
  const em = services.db.em();
  for (const c of DEMO_CALLER_RECORDS) {
    const sealed = sealIdNumber(c.idNumber);
    await run(
      em,
      `insert into citizen (phone, name, id_number_sealed, id_number_index, created_at, updated_at) values (?, ?, ?, ?, ?, ?)
       on conflict (phone) do update set name = excluded.name, id_number_sealed = excluded.id_number_sealed,
         id_number_index = excluded.id_number_index, updated_at = excluded.updated_at`,
      [c.phone, c.name, sealed.sealed, sealed.index, now, now],
    );
    // An earlier appeal at a grid of her district: the citizen record's district is that of the latest located one.
    const [place] = await all<{ grid: number; category: number }>(
      em,
      `select g.id as grid, (select id from category where code = ?) as category
         from grid g join department m on m.id = g.community_id
         join department d on d.kind = 'district' and d.code = ? and m.path like d.path || '%'
        order by g.code limit 1`,
      [c.earlier.category, c.district],
    );
    if (!place) continue;
    const at = () => new Date(now.getTime() - 20 * 24 * 3600_000);
    const draft = await createDraft({ ...services, now: at }, operator, {
      type: 'complaint',
      categoryId: place.category,
      callerPhone: c.phone,
      citizenName: c.name,
      title: c.earlier.title,
      content: c.earlier.content,
      gridId: place.grid,
      source: 'hotline',
    });
    await sendAppealEvent(
      { ...services, now: at },
      { appealId: draft.id, type: 'SUBMIT', payload: {}, actor: operator },
    );
  }
}
