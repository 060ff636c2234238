import type { EntityManager } from '@mikro-orm/sql';
import type { AppealTag } from '../../machines/appeal';
import type { Actor } from '../../machines/actor';
import { hashPassword } from '../auth/password.server';
import { ensureCalendarSeeded } from '../calendar/calendar.server';
import { DEMO_CATEGORY_QUESTIONS } from './demo-category-questions';
import { seedDemoFirms } from './demo-firms.server';
import { seedDemoInterfaceFilings } from './demo-interface-filings.server';
import { seedKnowledgeArticles } from './knowledge-articles.server';
import { seedPolicyCatalogue } from './policy-catalogue.server';
import { DEMO_RECORDED_CALLER, seedDemoPolicyRecords } from './demo-policy-records.server';
import { createDraft } from '../appeals/intake.server';
import type { AppealServices } from '../appeals/service.server';
import { sendAppealEvent, sendReferralEvent } from '../case-links/refer.server';
import { all, inTransaction, run } from '../db/sql.server';
import {
  BUREAU_SECTIONS,
  BUREAUS,
  CATEGORIES,
  CITY,
  DEMO_CATALOGUE,
  DEMO_COMPLAINTS,
  DEMO_ARBITRATION_PARTIES,
  DEMO_DISPUTES,
  DEMO_PASSWORD,
  DEMO_TOTP_USERS,
  DEMO_USERS,
  DISTRICTS,
  GIVEN,
  REFERRAL_AGENCIES,
  ROADS,
  SURNAMES,
  limitsOf,
  sectionCode,
  type DemoDisputeStage,
} from './demo-city-data';

export interface ReferenceIds {
  departments: Map<string, number>;
  grids: Map<string, number>;
  categories: Map<string, number>;
  users: Map<string, { id: number; role: string; departmentId: number | null; gridIds: number[] }>;
}

async function insert(em: EntityManager, sql: string, params: unknown[]): Promise<number> {
  const [row] = await all<{ id: number }>(em, `${sql} returning id`, params);
  return row.id;
}

function gridPolygon(index: number) {
  // 20 cells of about 1 km × 0.9 km laid out five to a row.
  const lng = 120.1 + (index % 5) * 0.01;
  const lat = 30.2 + Math.floor(index / 5) * 0.008;
  return {
    type: 'Polygon' as const,
    coordinates: [
      [
        [lng, lat],
        [lng + 0.01, lat],
        [lng + 0.01, lat + 0.008],
        [lng, lat + 0.008],
        [lng, lat],
      ],
    ],
  };
}

/** Departments, grids, categories and one user per role. Returns null when the city already exists. */
export async function seedReferenceData(
  em: EntityManager,
  opts: { passwordHash?: string } = {},
): Promise<ReferenceIds | null> {
  const [existing] = await all<{ n: number }>(em, 'select count(*)::int as n from department');
  if (existing.n > 0) return null;
  await ensureCalendarSeeded(em);
  const now = new Date();
  const ids: ReferenceIds = { departments: new Map(), grids: new Map(), categories: new Map(), users: new Map() };
  const passwordHash = opts.passwordHash ?? (await hashPassword(DEMO_PASSWORD));
  await inTransaction(em, async (tx) => {
    const dept = async (
      code: string,
      name: string,
      kind: string,
      parent: number | null,
      parentPath: string,
      hotline: string,
    ) => {
      const id = await insert(
        tx,
        `insert into department (code, name, kind, parent_id, path, hotline, active, created_at, updated_at) values (?, ?, ?, ?, '', ?, true, ?, ?)`,
        [code, name, kind, parent, hotline, now, now],
      );
      const path = `${parentPath}${id}/`;
      await run(tx, 'update department set path = ? where id = ?', [path, id]);
      ids.departments.set(code, id);
      return { id, path };
    };
    const city = await dept(CITY.code, CITY.name, 'city', null, '/', CITY.hotline);
    let gridIndex = 0;
    let communityIndex = 0;
    for (const d of DISTRICTS) {
      const district = await dept(d.code, d.name, 'district', city.id, city.path, d.hotline);
      for (const s of d.streets) {
        const street = await dept(s.code, s.name, 'street', district.id, district.path, d.hotline);
        for (const c of s.communities) {
          communityIndex++;
          const community = await dept(
            `M${String(communityIndex).padStart(2, '0')}`,
            c,
            'community',
            street.id,
            street.path,
            d.hotline,
          );
          for (let k = 1; k <= 2; k++) {
            const code = `G${String(gridIndex + 1).padStart(2, '0')}`;
            const gid = await insert(
              tx,
              `insert into grid (code, name, community_id, polygon, created_at, updated_at) values (?, ?, ?, ?, ?, ?)`,
              [code, `${c}第${k}网格`, community.id, JSON.stringify(gridPolygon(gridIndex)), now, now],
            );
            ids.grids.set(code, gid);
            gridIndex++;
          }
        }
      }
    }
    for (const b of BUREAUS) {
      const bureau = await dept(b.code, b.name, 'functional', city.id, city.path, b.hotline);
      for (const [k, name] of (BUREAU_SECTIONS[b.code] ?? []).entries())
        await dept(sectionCode(b.code, k), name, 'section', bureau.id, bureau.path, b.hotline);
    }
    for (const r of REFERRAL_AGENCIES) {
      const { id } = await dept(r.code, r.name, 'functional', city.id, city.path, r.hotline);
      await run(tx, 'update department set referral_kind = ? where id = ?', [r.kind, id]);
    }
    for (const top of CATEGORIES) {
      const parent = await insert(
        tx,
        `insert into category (code, name, parent_id, default_department_id, limits, active, created_at, updated_at) values (?, ?, null, null, ?, true, ?, ?)`,
        [top.code, top.name, JSON.stringify(limitsOf(top.limits)), now, now],
      );
      ids.categories.set(top.code, parent);
      for (const c of top.children) {
        const cid = await insert(
          tx,
          `insert into category (code, name, parent_id, default_department_id, limits, active, created_at, updated_at) values (?, ?, ?, ?, ?, true, ?, ?)`,
          [
            c.code,
            c.name,
            parent,
            c.dept ? ids.departments.get(c.dept) : null,
            JSON.stringify(limitsOf(c.limits ?? top.limits)),
            now,
            now,
          ],
        );
        ids.categories.set(c.code, cid);
      }
    }
    for (const [i, q] of DEMO_CATEGORY_QUESTIONS.entries())
      await run(
        tx,
        `insert into category_question (category_id, code, datatype, required, datatype_description, sort_order, description, choices, created_at, updated_at)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          ids.categories.get(q.category)!,
          q.code,
          q.datatype,
          q.required,
          q.datatypeDescription ?? null,
          i + 1,
          q.description,
          q.values ? JSON.stringify(q.values) : null,
          now,
          now,
        ],
      );
    for (const e of DEMO_CATALOGUE) {
      const gridId = ids.grids.get(e.area) ?? null;
      const entryId = await insert(
        tx,
        `insert into dispatch_catalogue_entry (category_id, area_department_id, grid_id, lead_department_id, valid_from, valid_to, created_at, updated_at)
         values (?, ?, ?, ?, ?::date, ?::date, ?, ?)`,
        [
          ids.categories.get(e.category)!,
          gridId ? null : ids.departments.get(e.area)!,
          gridId,
          ids.departments.get(e.lead)!,
          e.validFrom,
          e.validTo ?? null,
          now,
          now,
        ],
      );
      for (const a of e.assisting)
        await run(
          tx,
          'insert into dispatch_catalogue_assisting (dispatch_catalogue_entry_id, department_id) values (?, ?)',
          [entryId, ids.departments.get(a)!],
        );
    }
    const users = [
      ...DEMO_USERS,
      // One handler account for every bureau without a named demo user, so every dispatch has someone to act on it.
      ...BUREAUS.filter((b) => !DEMO_USERS.some((u) => u.dept === b.code)).map((b) => ({
        username: `handler-${b.code.toLowerCase()}`,
        displayName: `${b.name}承办人`,
        role: 'handler' as const,
        dept: b.code,
        grids: undefined,
      })),
    ];
    for (const u of users) {
      const departmentId = u.dept ? ids.departments.get(u.dept)! : null;
      const uid = await insert(
        tx,
        `insert into app_user (username, password_hash, display_name, role, department_id, active, created_at, updated_at) values (?, ?, ?, ?, ?, true, ?, ?)`,
        [u.username, passwordHash, u.displayName, u.role, departmentId, now, now],
      );
      const gridIds = (u.grids ?? []).map((g) => ids.grids.get(g)!);
      for (const g of gridIds) {
        await run(tx, 'insert into grid_worker (user_id, grid_id) values (?, ?)', [uid, g]);
      }
      ids.users.set(u.username, { id: uid, role: u.role, departmentId, gridIds });
    }
    // Admin and supervisor must sign in with two factors; in the demo they share the published demo secret
    // (README), which counts only in demo mode, so that everyone trying the demo can sign in as them.
    for (const username of DEMO_TOTP_USERS)
      await run(
        tx,
        'insert into user_totp (user_id, secret, demo, confirmed_at, last_step, created_at) values (?, null, true, ?, null, ?)',
        [ids.users.get(username)!.id, now, now],
      );
  });
  await seedKnowledgeArticles(em, ids);
  await seedDemoFirms(em, ids.departments, now);
  await seedPolicyCatalogue(em, ids);
  await seedDemoPolicyRecords(em, ids, now);
  return ids;
}

/** Loads the ids of an existing demo city (for scripts and tests that reuse it). */
export async function loadReferenceIds(em: EntityManager): Promise<ReferenceIds> {
  const ids: ReferenceIds = { departments: new Map(), grids: new Map(), categories: new Map(), users: new Map() };
  for (const r of await all<{ id: number; code: string }>(em, 'select id, code from department'))
    ids.departments.set(r.code, r.id);
  for (const r of await all<{ id: number; code: string }>(em, 'select id, code from grid')) ids.grids.set(r.code, r.id);
  for (const r of await all<{ id: number; code: string }>(em, 'select id, code from category'))
    ids.categories.set(r.code, r.id);
  const users = await all<{
    id: number;
    username: string;
    role: string;
    department_id: number | null;
    grid_ids: number[] | null;
  }>(
    em,
    `select u.id, u.username, u.role, u.department_id, array_remove(array_agg(gw.grid_id), null) as grid_ids
       from app_user u left join grid_worker gw on gw.user_id = u.id group by u.id`,
  );
  for (const u of users)
    ids.users.set(u.username, { id: u.id, role: u.role, departmentId: u.department_id, gridIds: u.grid_ids ?? [] });
  return ids;
}

export function actorFor(ids: ReferenceIds, username: string): Actor {
  const u = ids.users.get(username);
  if (!u) throw new Error(`no demo user ${username}`);
  return {
    userId: u.id,
    role: u.role as Actor['role'],
    departmentIds: u.departmentId ? [u.departmentId] : [],
    gridIds: u.gridIds,
  };
}

/** A small deterministic PRNG so the demo city is the same on every machine. */
export function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The story of a demo appeal: the tag it carries where the seed leaves it, or one of the stories without a tag of
 * their own (answered on the spot, discarded, a duplicate merged away, reopened after closing, a patrol report).
 */
type DemoGoal = AppealTag | 'answeredOnSpot' | 'discarded' | 'duplicate' | 'reopened' | 'patrol';

// Where each demo appeal stops, weighted so that most are closed, as in a real city. Consultations are answered on
// the spot whatever their goal, and a duplicate with nothing to merge into runs the whole loop.
const TARGETS: [DemoGoal, number][] = [
  ['finished', 40],
  ['needsCitizen', 7],
  ['dissatisfied', 2],
  ['awaitingReview', 6],
  ['inHand', 10],
  ['extensionPending', 3],
  ['awaitingAcceptance', 8],
  ['returnPending', 3],
  ['awaitingDispatch', 8],
  ['draft', 2],
  ['answeredOnSpot', 3],
  ['duplicate', 2],
  ['discarded', 1],
  ['needsMediator', 2],
  ['reopened', 2],
  ['patrol', 1],
  ['awaitingVerification', 3],
];

/**
 * Drives demo appeals through the real service, with times spread over the last 30 days, so every
 * state has examples and every appeal has a genuine audit trail.
 */
export async function seedDemoAppeals(
  services: AppealServices,
  ids: ReferenceIds,
  count: number,
  onProgress?: (done: number, total: number) => void,
): Promise<number> {
  const rand = prng(12345);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const totalWeight = TARGETS.reduce((a, [, w]) => a + w, 0);
  const target = (): DemoGoal => {
    let r = rand() * totalWeight;
    for (const [t, w] of TARGETS) if ((r -= w) < 0) return t;
    return 'finished';
  };
  const handlerFor = (deptId: number) =>
    [...ids.users.entries()].find(([, u]) => u.role === 'handler' && u.departmentId === deptId)?.[0];
  const realNow = Date.now();
  let created = 0;
  const firstOpen: number[] = [];
  for (let i = 0; i < count; i++) {
    const goal = target();
    let t = realNow - Math.floor(rand() * 30 * 24 * 3600_000) - 3600_000;
    const step = (hours: number) => (t = Math.min(realNow - 60_000, t + Math.floor(hours * 3600_000 * (0.5 + rand()))));
    const at = () => new Date(t);
    const svc = (): AppealServices => ({ ...services, now: at });
    // Only disputes between people are referred: those appeals take a dispute's words and its agency.
    const dispute = goal === 'needsMediator' ? DEMO_DISPUTES[i % DEMO_DISPUTES.length] : null;
    const picked = pick(DEMO_COMPLAINTS);
    const tpl = dispute
      ? { category: dispute.category, type: 'help' as const, title: dispute.title, content: dispute.content }
      : picked;
    // Small street matters in the grid worker's own grids go to him instead of a bureau.
    const toGrid =
      goal === 'patrol' ||
      goal === 'awaitingVerification' ||
      (['0201', '0203', '0402'].includes(tpl.category) && rand() < 0.7);
    const grid = toGrid ? pick(['G01', 'G02']) : pick([...ids.grids.keys()]);
    const caller = `13${Math.floor(100000000 + rand() * 899999999)}`;
    const draft = await createDraft(svc(), actorFor(ids, goal === 'patrol' ? 'gridworker' : 'operator'), {
      type: tpl.type,
      urgency: rand() < 0.08 ? 'urgent' : 'normal',
      categoryId: ids.categories.get(tpl.category)!,
      callerPhone: goal === 'patrol' ? undefined : caller,
      citizenName: `${pick(SURNAMES)}${pick(GIVEN)}`,
      title: tpl.title,
      content: tpl.content,
      address: `示范市${pick(ROADS)}${1 + Math.floor(rand() * 300)}号`,
      gridId: ids.grids.get(grid),
      confidential: rand() < 0.05,
      source: goal === 'patrol' ? 'patrol' : 'hotline',
    });
    created++;
    const id = draft.id;
    const send = async (user: string | Actor, type: string, payload: Record<string, unknown> = {}, hours = 2) => {
      step(hours);
      await sendAppealEvent(svc(), {
        appealId: id,
        type,
        payload,
        actor: typeof user === 'string' ? actorFor(ids, user) : user,
      });
    };
    onProgress?.(i + 1, count);
    if (goal === 'draft') continue;
    if (goal === 'discarded') {
      await send('operator', 'DISCARD', {}, 0.1);
      continue;
    }
    await send(goal === 'patrol' ? 'gridworker' : 'operator', 'SUBMIT', {}, 0.1);
    if (goal === 'awaitingDispatch') continue;
    if (goal === 'duplicate' && firstOpen.length) {
      await send('dispatcher', 'MERGE_INTO', { targetAppealId: pick(firstOpen) });
      continue;
    }
    if (goal === 'answeredOnSpot' || (tpl.type === 'consultation' && goal !== 'awaitingVerification')) {
      await send('operator', 'RESOLVE_ON_SPOT', { answer: '已根据知识库向市民解答办理流程和所需材料。' }, 0.2);
      if (goal === 'answeredOnSpot') continue;
      await send('reviewer', 'APPROVE_REPLY', {}, 3);
      if (goal === 'needsCitizen') continue;
      await send('reviewer', 'FEEDBACK', { satisfaction: 'satisfied', resolved: true }, 20);
      continue;
    }
    if (dispute) {
      const agency = REFERRAL_AGENCIES.find((a) => a.code === dispute.agency)!;
      await send('dispatcher', 'REFER', {
        agencyId: ids.departments.get(agency.code)!,
        note: '当事人同意转介，请协助化解。',
      });
      await advanceDemoReferral(svc, ids, id, agency.kind, rand() < 0.3 ? 'none' : 'ACCEPT', step);
      continue;
    }
    firstOpen.push(id);
    let assignee: Actor;
    if (toGrid) {
      await send('dispatcher', 'ASSIGN_GRID', { gridId: ids.grids.get(grid) });
      assignee = actorFor(ids, 'gridworker');
    } else {
      const deptCode = CATEGORIES.flatMap((c) => c.children).find((c) => c.code === tpl.category)?.dept ?? 'F02';
      const deptId = ids.departments.get(deptCode)!;
      await send('dispatcher', 'DISPATCH', { departmentId: deptId, assistingDepartmentIds: [] });
      assignee = actorFor(ids, handlerFor(deptId)!);
    }
    if (goal === 'awaitingAcceptance') continue;
    if (goal === 'returnPending') {
      await send(assignee, 'RETURN', { reason: '该事项不属于本单位职责范围，建议改派属地街道。' });
      continue;
    }
    await send(assignee, 'ACCEPT', {}, 4);
    await send(assignee, 'NOTE', { text: '已联系市民了解情况，安排人员现场核实。' }, 6);
    if (goal === 'inHand') continue;
    if (goal === 'extensionPending') {
      await send(assignee, 'REQUEST_EXTENSION', { days: 5, reason: '需协调多个部门联合处置，申请延期。' });
      continue;
    }
    await send(
      assignee,
      'REPLY',
      { result: '经现场核查，问题已处理完毕，并向市民反馈了处理结果。', resolved: rand() < 0.85 },
      24,
    );
    // A grid's reply is verified (核查) before the callback; a department's is reviewed.
    const approve = toGrid ? 'VERIFY_APPROVE' : 'APPROVE_REPLY';
    if (goal === 'awaitingVerification') {
      if (rand() < 0.4) {
        await send('reviewer', 'VERIFY_REJECT', { reason: '处置后照片显示问题仍未解决，请重新处置。' }, 3);
        await send(assignee, 'REPLY', { result: '已重新到现场处置，问题已解决。', resolved: true }, 24);
      }
      continue;
    }
    if (goal === 'awaitingReview') continue;
    await send('reviewer', approve, {}, 3);
    if (goal === 'needsCitizen') continue;
    if (goal === 'dissatisfied') {
      await send('reviewer', 'FEEDBACK', { satisfaction: 'dissatisfied', resolved: false }, 10);
      continue;
    }
    const r = rand();
    if (r < 0.08) {
      for (let k = 0; k < 3; k++) await send('reviewer', 'UNREACHABLE', { note: '电话无人接听' }, 3);
    } else {
      await send(
        'reviewer',
        'FEEDBACK',
        { satisfaction: r < 0.7 ? 'satisfied' : r < 0.92 ? 'basicallySatisfied' : 'dissatisfied', resolved: r < 0.9 },
        10,
      );
      if (r >= 0.92) {
        await send('reviewer', 'REDO', { reason: '市民对处理结果不满意，退回重办。' }, 1);
        await send(assignee, 'REPLY', { result: '再次上门处理，问题已彻底解决。', resolved: true }, 24);
        await send('reviewer', approve, {}, 2);
        await send('reviewer', 'FEEDBACK', { satisfaction: 'basicallySatisfied', resolved: true }, 10);
      }
    }
    if (goal === 'reopened') await send('operator', 'REOPEN', { reason: '市民来电反映问题再次出现。' }, 24);
  }
  created += await seedDemoDisputes(services, ids, realNow);
  created += await seedDemoAssistingOrders(services, ids, realNow);
  created += await seedDemoPolicyComplaints(services, ids, realNow);
  const admin = [...ids.users.values()].find((u) => u.role === 'admin');
  if (admin) created += await seedDemoInterfaceFilings(services, admin.id);
  return created;
}

/**
 * Complaints about policies (政策异议) handed to their lead departments, so the policy evaluation has something to
 * count: a firm that did not receive its 一次性创业补贴 (answered and closed), and README's 82-year-old caller whose
 * 高龄津贴 of last month, as recorded, was less than she expected (still with 东城区).
 */
const POLICY_COMPLAINTS = [
  {
    policy: '一次性创业补贴',
    // Not one of the phones the browser journeys ring from: their screen pops expect a caller with no appeals.
    phone: '13600004401',
    name: '赵晓东',
    category: '0602',
    kind: 'notReceived',
    title: '一次性创业补贴迟迟未到账',
    content: '公司开办已满一年，按规定可以享受一次性创业补贴，但一直没有收到。',
    reply: '经核查，因企业银行账户信息变更未能到账，已更正账户并补发5000元。',
    daysAgo: 12,
  },
  {
    policy: '东城区80周岁以上老年人高龄津贴',
    phone: DEMO_RECORDED_CALLER.phone,
    name: DEMO_RECORDED_CALLER.name,
    category: '0602',
    kind: 'wrongAmount',
    title: '高龄津贴金额与往月不一致',
    content: '上个月收到的高龄津贴金额比以往少，想请民政部门核实。',
    reply: null,
    daysAgo: 2,
  },
] as const;

async function seedDemoPolicyComplaints(services: AppealServices, ids: ReferenceIds, realNow: number) {
  let created = 0;
  for (const c of POLICY_COMPLAINTS) {
    const [policy] = await all<{ id: number; lead: number; record: number | null }>(
      services.db.em(),
      `select p.id, p.lead_department_id as lead,
              (select r.id from policy_record r where r.policy_id = p.id and r.phone = ? order by r.paid_on desc limit 1)
                as record
         from policy p where p.title = ? and p.tags @> '{public}'`,
      [c.phone, c.policy],
    );
    if (!policy) continue;
    let t = realNow - c.daysAgo * 86400_000;
    const svc = (): AppealServices => ({ ...services, now: () => new Date(t) });
    const draft = await createDraft(svc(), actorFor(ids, 'operator'), {
      type: 'complaint',
      urgency: 'normal',
      categoryId: ids.categories.get(c.category)!,
      callerPhone: c.phone,
      citizenName: c.name,
      title: c.title,
      content: c.content,
      source: 'hotline',
    });
    const send = async (user: Actor, type: string, payload: Record<string, unknown> = {}) => {
      t = Math.min(realNow - 60_000, t + 3 * 3600_000);
      await sendAppealEvent(svc(), { appealId: draft.id, type, payload, actor: user });
    };
    await send(actorFor(ids, 'operator'), 'SUBMIT');
    await send(actorFor(ids, 'operator'), 'HAND_TO_POLICY_LEAD', {
      policyId: policy.id,
      reason: 'complaint',
      complaintKind: c.kind,
      ...(c.kind === 'wrongAmount' && policy.record ? { recordId: policy.record } : {}),
    });
    created++;
    const handler = [...ids.users.entries()].find(
      ([, u]) => u.role === 'handler' && u.departmentId === policy.lead,
    )?.[0];
    if (!c.reply || !handler) continue;
    await send(actorFor(ids, handler), 'ACCEPT');
    await send(actorFor(ids, handler), 'REPLY', { result: c.reply, resolved: true });
    await send(actorFor(ids, 'reviewer'), 'APPROVE_REPLY');
    await send(actorFor(ids, 'reviewer'), 'FEEDBACK', { satisfaction: 'satisfied', resolved: true });
  }
  return created;
}

/** How far a demo appeal with an assisting unit (协办) is taken, from the assisting unit's side and the lead's. */
const ASSISTING_STORIES: {
  title: string;
  content: string;
  category: string;
  lead: string;
  assist: string;
  daysAgo: number;
  stage: 'assistPending' | 'assistAccepted' | 'assistAnswered' | 'leadReplied' | 'subDispatched';
}[] = [
  {
    title: '小区违建阳光房影响采光',
    content: '楼下住户在公共绿地上搭建阳光房，挡住了我家窗户的采光，物业劝阻无效。',
    category: '0103',
    lead: 'F02',
    assist: 'F01',
    daysAgo: 1,
    stage: 'assistPending',
  },
  {
    title: '工地渣土车夜间抛洒',
    content: '附近工地的渣土车每天夜里经过路口时沿路抛洒，早上路面全是泥土，既脏又滑。',
    category: '0201',
    lead: 'F02',
    assist: 'F01',
    daysAgo: 9,
    stage: 'assistAccepted',
  },
  {
    title: '老旧小区外墙瓷砖脱落',
    content: '小区 5 号楼外墙瓷砖经常脱落，楼下是人行道，已经砸坏过电动车，存在安全隐患。',
    category: '0103',
    lead: 'F02',
    assist: 'F01',
    daysAgo: 4,
    stage: 'assistAnswered',
  },
  {
    title: '物业私自占用消防通道设停车位',
    content: '物业在消防通道上划了收费停车位，消防车无法通行，希望有关部门处理。',
    category: '0101',
    lead: 'F01',
    assist: 'F02',
    daysAgo: 3,
    stage: 'assistPending',
  },
  {
    title: '商铺招牌破损有坠落危险',
    content: '沿街一家商铺的大型招牌边框锈蚀断裂，刮风时摇晃，随时可能掉下来。',
    category: '0203',
    lead: 'F02',
    assist: 'F01',
    daysAgo: 6,
    stage: 'leadReplied',
  },
  {
    title: '早市摊贩占道经营影响通行',
    content: '每天早上 6 点到 9 点，摊贩把菜摊摆到机动车道上，车辆和行人都无法通行。',
    category: '0203',
    lead: 'F02',
    assist: 'F01',
    daysAgo: 2,
    stage: 'subDispatched',
  },
];

/**
 * Appeals with an assisting unit at each point of its order (to accept, in hand, answered, waived by nothing and
 * replied), led by 城管局 or 住建局 so that both demo handlers find orders of each kind, and one order 城管局 passed
 * down to 执法一中队.
 */
async function seedDemoAssistingOrders(services: AppealServices, ids: ReferenceIds, realNow: number) {
  const handlerOf = (code: string) => (code === 'F02' ? 'handler' : code === 'F01' ? 'handler2' : 'handler3');
  for (const [i, story] of ASSISTING_STORIES.entries()) {
    let t = realNow - story.daysAgo * 86400_000;
    const svc = (): AppealServices => ({ ...services, now: () => new Date(t) });
    const draft = await createDraft(svc(), actorFor(ids, 'operator'), {
      type: 'complaint',
      urgency: 'normal',
      categoryId: ids.categories.get(story.category)!,
      callerPhone: `1390001${String(1000 + i)}`,
      citizenName: `${SURNAMES[i + 5]}${GIVEN[i + 3]}`,
      title: story.title,
      content: story.content,
      address: `示范市${ROADS[i]}${100 + i}号`,
      source: 'hotline',
    });
    const send = async (user: string, type: string, payload: Record<string, unknown> = {}) => {
      t = Math.min(realNow - 60_000, t + 3 * 3600_000);
      await sendAppealEvent(svc(), { appealId: draft.id, type, payload, actor: actorFor(ids, user) });
    };
    const lead = handlerOf(story.lead);
    const assistant = handlerOf(story.assist);
    await send('operator', 'SUBMIT');
    await send('dispatcher', 'DISPATCH', {
      departmentId: ids.departments.get(story.lead)!,
      assistingDepartmentIds: [ids.departments.get(story.assist)!],
    });
    if (story.stage === 'assistPending') continue;
    if (story.stage === 'subDispatched') {
      await send(lead, 'SUB_DISPATCH', { departmentId: ids.departments.get(sectionCode('F02', 1))! });
      await send('handler3', 'ACCEPT');
      await send(assistant, 'ASSIST_ACCEPT');
      continue;
    }
    await send(lead, 'ACCEPT');
    await send(assistant, 'ASSIST_ACCEPT');
    if (story.stage === 'assistAccepted') continue;
    await send(assistant, 'ASSIST_OPINION', {
      text: '经核查，该处建筑未取得规划许可，属违法建设，我局已将相关材料移交，建议由主办单位依法拆除。',
    });
    if (story.stage === 'assistAnswered') continue;
    await send(lead, 'REPLY', { result: '已会同住建部门现场处置，隐患已排除，并向市民反馈。', resolved: true });
  }
  return ASSISTING_STORIES.length;
}

const STAFF_OF: Record<string, string> = {
  mediation: 'mediator',
  legalAid: 'legalaid',
  arbitration: 'arbitrator',
  counselling: 'counsellor',
};

/** How far the seed takes a referral: nothing yet, or up to this step of its service's process. */
type DemoStage = 'none' | DemoDisputeStage;

/** Takes a demo referral to a point of its own process, so every service's queue has cases under way. */
async function advanceDemoReferral(
  svc: () => AppealServices,
  ids: ReferenceIds,
  appealId: number,
  kind: string,
  stage: DemoStage,
  step: (hours: number) => number,
  title = '',
) {
  const [row] = await all<{ id: number }>(
    svc().db.em(),
    'select id from referral where appeal_id = ? order by id desc limit 1',
    [appealId],
  );
  const staff = actorFor(ids, STAFF_OF[kind]);
  const act = async (type: string, payload: Record<string, unknown> = {}) => {
    step(4);
    await sendReferralEvent(svc(), { referralId: row.id, type, payload, actor: staff });
  };
  if (stage === 'none') return;
  // An arbitration is filed with its parties: the worker and the employer, and what he claims.
  const arbitrationParties = kind === 'arbitration' ? DEMO_ARBITRATION_PARTIES[title] : undefined;
  if (arbitrationParties) await act('SET_PARTIES', arbitrationParties);
  await act('ACCEPT');
  if (kind === 'arbitration' && stage === 'AWARD') {
    await act('SCHEDULE_HEARING', { scheduledAt: new Date(step(0)).toISOString(), place: '仲裁院第一仲裁庭' });
    await act('RECORD_HEARING', { no: 1, minutes: '申请人陈述工资发放情况，被申请人承认未发放，双方对金额无异议。' });
    await act('AWARD', {
      text: '被申请人于本裁决生效之日起十日内支付申请人 2026 年 10 月工资人民币陆仟捌佰元。',
      resolved: true,
    });
    return;
  }
  if (kind === 'legalAid' && stage === 'GRANT')
    await act('GRANT', { lawyerName: '孙明', lawyerFirm: '示范市正源律师事务所', lawyerPhone: '13900003333' });
  if (kind !== 'mediation' || stage === 'ACCEPT') return;
  await act('ADD_PARTY', {
    name: '王建国',
    side: 'applicant',
    phone: '13900001111',
    idNumber: '110101199003071233',
    address: '示范市幸福路12号3单元502室',
  });
  await act('ADD_PARTY', {
    name: '刘志强',
    side: 'respondent',
    phone: '13900002222',
    idNumber: '11010519491231002X',
    address: '示范市幸福路12号3单元602室',
  });
  if (stage !== 'REACH_AGREEMENT') {
    // The next session at 09:30 Beijing time, two days from now.
    const day = new Date(Date.now() + 2 * 86400_000 + 8 * 3600_000).toISOString().slice(0, 10);
    await act('SCHEDULE_SESSION', { scheduledAt: `${day}T09:30:00+08:00`, place: '社区人民调解室' });
    return;
  }
  // A session already held: planned for the case's own time, recorded as held after it.
  await act('SCHEDULE_SESSION', { scheduledAt: new Date(step(0)).toISOString(), place: '社区人民调解室' });
  await act('RECORD_SESSION', {
    no: 1,
    minutes: '双方陈述事实和诉求，调解员释明相关法律规定，双方同意协商解决。',
    attendeePartyIds: [1, 2],
  });
  await act('REACH_AGREEMENT', {
    text: '一、被申请人于协议签订之日起七日内退还申请人押金人民币叁仟元整。\n二、双方就本纠纷再无其他争议。',
    signedPartyIds: [1, 2],
  });
}

/** The demo city's referred disputes: one per service, each at a different point of its process. */
async function seedDemoDisputes(services: AppealServices, ids: ReferenceIds, realNow: number): Promise<number> {
  for (const [i, d] of DEMO_DISPUTES.entries()) {
    let t = realNow - (10 - i) * 86400_000;
    const step = (hours: number) => (t = Math.min(realNow - 60_000, t + hours * 3600_000));
    const svc = (): AppealServices => ({ ...services, now: () => new Date(t) });
    const draft = await createDraft(svc(), actorFor(ids, 'operator'), {
      type: 'help',
      urgency: 'normal',
      categoryId: ids.categories.get(d.category)!,
      callerPhone: `1390000${String(4000 + i)}`,
      citizenName: `${SURNAMES[i]}${GIVEN[i]}`,
      title: d.title,
      content: d.content,
      address: `示范市${ROADS[i]}${20 + i}号`,
      source: 'hotline',
    });
    const send = async (type: string, payload: Record<string, unknown> = {}) => {
      step(2);
      const [{ version }] = await all<{ version: number }>(
        services.db.em(),
        'select version from appeal where id = ?',
        [draft.id],
      );
      await sendAppealEvent(svc(), {
        appealId: draft.id,
        expectedVersion: version,
        type,
        payload,
        actor: actorFor(ids, type === 'SUBMIT' ? 'operator' : 'dispatcher'),
      });
    };
    await send('SUBMIT');
    await send('REFER', { agencyId: ids.departments.get(d.agency)!, note: '当事人同意转介，请协助化解。' });
    const kind = REFERRAL_AGENCIES.find((a) => a.code === d.agency)!.kind;
    await advanceDemoReferral(svc, ids, draft.id, kind, d.stage, step, d.title);
  }
  return DEMO_DISPUTES.length;
}

/**
 * This morning's calls still waiting for dispatch, so that 待派单 in the demo holds more than a page (20) and its pager
 * can be tried: 24 appeals filed over the last few hours, well inside their deadlines.
 */
export async function seedDemoBacklog(services: AppealServices, ids: ReferenceIds, count = 24): Promise<number> {
  const operator = actorFor(ids, 'operator');
  const start = Date.now() - count * 6 * 60_000;
  for (let i = 0; i < count; i++) {
    const at = new Date(start + i * 6 * 60_000);
    const svc: AppealServices = { ...services, now: () => at };
    const tpl = DEMO_COMPLAINTS[i % DEMO_COMPLAINTS.length];
    const grid = [...ids.grids.keys()][i % ids.grids.size];
    const draft = await createDraft(svc, operator, {
      type: tpl.type,
      urgency: 'normal',
      categoryId: ids.categories.get(tpl.category)!,
      callerPhone: `1370000${String(1000 + i).padStart(4, '0')}`,
      citizenName: `${SURNAMES[i % SURNAMES.length]}先生`,
      title: tpl.title,
      content: tpl.content,
      address: `示范市${ROADS[i % ROADS.length]}${10 + i}号`,
      gridId: ids.grids.get(grid),
      source: 'hotline',
    });
    await sendAppealEvent(svc, { appealId: draft.id, type: 'SUBMIT', payload: {}, actor: operator });
  }
  return count;
}
