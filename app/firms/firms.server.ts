import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import type { Actor } from '../../machines/actor';
import { creditCodeProblem, normaliseCode } from '../../machines/identifiers';
import { CREDIT_RATINGS, FIRM_SIZES } from '../../entities/firm';
import { isValidLocalDate, localDateOf, localDateTime } from '../calendar/working-time';
import { maskPhone } from '../cases/masking';
import { all, inTransaction, jsonb, one, run } from '../db/sql.server';
import { isUniqueViolation } from '../db/unique-violation.server';
import { can } from '../domain/permissions';
import { Conflict, Forbidden, InvalidInput, NotFound, parseInput } from '../domain/errors';
import type { RequestClient } from '../http/client.server';
import { recordSecurityEvent } from '../security/security-log.server';
import { CREDIT_CODE_MESSAGES } from './credit-code-words';
import { industryLabel, industryProblem } from './industry';

// The firms the city knows (企业库): kept by admins, found by name, credit code or a contact's phone. Every
// change, and above all putting a firm on the blacklist or taking it off, is recorded in the security audit
// with the firm before and after (contacts' phones masked); an edit names the version it was made on, so two
// admins never overwrite each other unseen.

export interface FirmContactRow {
  phone: string;
  name: string | null;
  role: string | null;
}

export interface FirmRow {
  id: number;
  creditCode: string;
  name: string;
  industry: string;
  industryLabel: string;
  size: (typeof FIRM_SIZES)[number];
  foundedOn: string;
  districtId: number;
  district: string;
  districtCode: string;
  creditRating: (typeof CREDIT_RATINGS)[number];
  blacklisted: boolean;
  blacklistReason: string | null;
  blacklistedSince: string | null;
  version: number;
  contacts: FirmContactRow[];
}

function requireFirmAdmin(actor: Actor) {
  if (!can(actor, 'admin:firms')) throw new Forbidden('只有管理员可以维护企业库');
}

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const asList = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
const localDay = (message: string) =>
  z
    .string({ message })
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式为 YYYY-MM-DD')
    .refine(isValidLocalDate, '日期不存在');

export const creditCodeSchema = z
  .string({ message: '请填写统一社会信用代码' })
  .transform(normaliseCode)
  .superRefine((code, ctx) => {
    if (code === '') {
      ctx.addIssue({ code: 'custom', message: '请填写统一社会信用代码' });
      return;
    }
    const problem = creditCodeProblem(code);
    if (problem) ctx.addIssue({ code: 'custom', message: CREDIT_CODE_MESSAGES[problem] });
  });

const contactSchema = z.object({
  phone: z
    .string()
    .trim()
    .regex(/^(1\d{10}|0\d{2,3}-?\d{7,8})$/, '电话应为 11 位手机号或带区号的固定电话'),
  name: z.preprocess(blank, z.string().trim().max(100, '姓名最多 100 字').optional()),
  role: z.preprocess(blank, z.string().trim().max(50, '职务最多 50 字').optional()),
});

/** The firm form: contacts come as parallel lists (contactPhone, contactName, contactRole), blank rows dropped. */
export const firmInput = z
  .object({
    creditCode: creditCodeSchema,
    name: z.string({ message: '请填写企业名称' }).trim().min(2, '企业名称至少 2 个字').max(200, '企业名称最多 200 字'),
    industry: z
      .string({ message: '请填写行业代码' })
      .transform(normaliseCode)
      .superRefine((code, ctx) => {
        const problem = code === '' ? '请填写行业代码' : industryProblem(code);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    size: z.enum(FIRM_SIZES, { message: '请选择企业规模' }),
    foundedOn: z.preprocess(blank, localDay('请填写成立日期')),
    districtId: z.preprocess(blank, z.coerce.number({ message: '请选择所在区' }).int().positive('请选择所在区')),
    creditRating: z.enum(CREDIT_RATINGS, { message: '请选择信用等级' }),
    contacts: z.array(contactSchema).max(10, '联系电话最多 10 个'),
  })
  .refine((f) => new Set(f.contacts.map((c) => c.phone)).size === f.contacts.length, {
    message: '联系电话不能重复',
    path: ['contacts'],
  });
type FirmInput = z.output<typeof firmInput>;

/** The form's fields as the schema reads them: the contact rows gathered from their parallel lists. */
export function firmFormValues(form: FormData | Record<string, unknown>): Record<string, unknown> {
  const get = (k: string) => (form instanceof FormData ? form.getAll(k) : asList(form[k]));
  const phones = get('contactPhone');
  const names = get('contactName');
  const roles = get('contactRole');
  const contacts = phones
    .map((phone, i) => ({ phone, name: names[i], role: roles[i] }))
    .filter((c) => [c.phone, c.name, c.role].some((v) => typeof v === 'string' && v.trim() !== ''));
  const fields = form instanceof FormData ? Object.fromEntries(form) : form;
  return { ...fields, contacts };
}

const versionInput = z.object({ version: z.coerce.number({ message: '缺少版本号' }).int().positive() });

const blacklistInput = z.discriminatedUnion('blacklisted', [
  z.object({
    blacklisted: z.literal('true'),
    reason: z
      .string({ message: '请填写列入黑名单的原因' })
      .trim()
      .min(2, '请填写列入黑名单的原因')
      .max(200, '原因最多 200 字'),
    since: z.preprocess(blank, localDay('日期格式为 YYYY-MM-DD').optional()),
  }),
  z.object({
    blacklisted: z.literal('false'),
    reason: z
      .string({ message: '请填写移出黑名单的原因' })
      .trim()
      .min(2, '请填写移出黑名单的原因')
      .max(200, '原因最多 200 字'),
  }),
]);

const SELECT = `select f.id, f.credit_code, f.name, f.industry, f.size, f.founded_on::text as founded_on, f.district_id,
       d.name as district, d.code as district_code, f.credit_rating, f.blacklisted, f.blacklist_reason,
       f.blacklisted_since::text as blacklisted_since, f.version,
       coalesce((select json_agg(json_build_object('phone', c.phone, 'name', c.name, 'role', c.role) order by c.id)
                   from firm_contact c where c.firm_id = f.id), '[]') as contacts
  from firm f join department d on d.id = f.district_id`;

function rowOf(r: Record<string, unknown>): FirmRow {
  return {
    id: r.id as number,
    creditCode: r.credit_code as string,
    name: r.name as string,
    industry: r.industry as string,
    industryLabel: industryLabel(r.industry as string),
    size: r.size as FirmRow['size'],
    foundedOn: r.founded_on as string,
    districtId: r.district_id as number,
    district: r.district as string,
    districtCode: r.district_code as string,
    creditRating: r.credit_rating as FirmRow['creditRating'],
    blacklisted: r.blacklisted as boolean,
    blacklistReason: (r.blacklist_reason as string | null) ?? null,
    blacklistedSince: (r.blacklisted_since as string | null) ?? null,
    version: r.version as number,
    contacts: jsonb<FirmContactRow[]>(r.contacts),
  };
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export interface FirmSearch {
  q?: string;
  /** Only firms on the blacklist. */
  blacklisted?: boolean;
  limit?: number;
}

/**
 * Firms by name (any part), credit code (from its start) or a contact's phone (from its start), blacklisted ones
 * first when asked, then by name; at most `limit` rows and the number of all that match.
 */
export async function searchFirms(
  em: EntityManager,
  actor: Actor,
  search: FirmSearch = {},
): Promise<{ firms: FirmRow[]; total: number }> {
  requireFirmAdmin(actor);
  const where: string[] = ['true'];
  const params: unknown[] = [];
  const q = (search.q ?? '').trim();
  if (q) {
    const code = normaliseCode(q);
    where.push(
      `(f.name ilike ? or f.credit_code like ? or exists (select 1 from firm_contact c where c.firm_id = f.id and c.phone like ?))`,
    );
    params.push(`%${likeEscape(q)}%`, `${likeEscape(code)}%`, `${likeEscape(q.replace(/\s+/g, ''))}%`);
  }
  if (search.blacklisted) where.push('f.blacklisted');
  const limit = Math.min(Math.max(search.limit ?? 50, 1), 200);
  const [rows, count] = await Promise.all([
    all(em, `${SELECT} where ${where.join(' and ')} order by f.name, f.id limit ?`, [...params, limit]),
    one<{ n: number }>(em, `select count(*)::int as n from firm f where ${where.join(' and ')}`, params),
  ]);
  return { firms: rows.map(rowOf), total: count?.n ?? 0 };
}

async function firmOf(tx: EntityManager, firmId: number): Promise<FirmRow | null> {
  const r = await one(tx, `${SELECT} where f.id = ?`, [firmId]);
  return r ? rowOf(r) : null;
}

/** One firm for the edit form. */
export async function firmById(em: EntityManager, actor: Actor, firmId: number): Promise<FirmRow> {
  requireFirmAdmin(actor);
  const firm = await firmOf(em, firmId);
  if (!firm) throw new NotFound('企业不存在');
  return firm;
}

/** The firms a phone speaks for, blacklisted ones included (the gate, not the lookup, keeps them from benefits). */
export async function firmsByPhone(
  em: EntityManager,
  phone: string,
): Promise<{ id: number; name: string; creditCode: string; blacklisted: boolean; contactRole: string | null }[]> {
  return all(
    em,
    `select f.id, f.name, f.credit_code as "creditCode", f.blacklisted, c.role as "contactRole"
       from firm_contact c join firm f on f.id = c.firm_id where c.phone = ? order by f.name, f.id limit 20`,
    [phone],
  );
}

/** The districts a firm can be registered in. */
export async function firmFormOptions(em: EntityManager): Promise<{ districts: { id: number; name: string }[] }> {
  const districts = await all<{ id: number; name: string }>(
    em,
    `select id, name from department where kind = 'district' and active order by code`,
  );
  return { districts };
}

const refused = (field: string, message: string) => new InvalidInput('请检查填写的内容', { [field]: [message] });

async function checkFirm(tx: EntityManager, f: FirmInput, now: Date) {
  const d = await one(tx, `select 1 from department where id = ? and kind = 'district' and active`, [f.districtId]);
  if (!d) throw refused('districtId', '请选择所在区');
  if (f.foundedOn > localDateOf(now)) throw refused('foundedOn', '成立日期不能晚于今天');
}

async function writeContacts(tx: EntityManager, firmId: number, contacts: FirmInput['contacts']) {
  await run(tx, 'delete from firm_contact where firm_id = ?', [firmId]);
  for (const c of contacts)
    await run(tx, 'insert into firm_contact (firm_id, phone, name, role) values (?, ?, ?, ?)', [
      firmId,
      c.phone,
      c.name ?? null,
      c.role ?? null,
    ]);
}

type FirmChange = 'registered' | 'updated' | 'blacklisted' | 'unblacklisted';

// The audit keeps what changed, as it was and became (a new firm: all of it); contacts' phones masked.
const HIDDEN: (keyof FirmRow)[] = ['id', 'version', 'industryLabel', 'districtId', 'districtCode'];
function audited(f: FirmRow | null): Record<string, unknown> | null {
  if (!f) return null;
  const shown: Record<string, unknown> = {
    ...f,
    contacts: f.contacts.map((c) => `${maskPhone(c.phone)} ${c.role ?? ''}`.trim()),
  };
  for (const k of HIDDEN) delete shown[k];
  return shown;
}
function changes(before: FirmRow | null, after: FirmRow | null) {
  const [b, a] = [audited(before), audited(after)];
  // A new firm: what it was registered with, the empty fields left out.
  if (!b && a) return { before: null, after: Object.fromEntries(Object.entries(a).filter(([, v]) => v !== null)) };
  if (!b || !a) return { before: b, after: a };
  const keys = Object.keys(a).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
  return {
    before: Object.fromEntries(keys.map((k) => [k, b[k]])),
    after: Object.fromEntries(keys.map((k) => [k, a[k]])),
  };
}

const audit = (
  tx: EntityManager,
  actor: Actor,
  client: RequestClient | null,
  change: FirmChange,
  before: FirmRow | null,
  after: FirmRow | null,
  now: Date,
  reason?: string,
) =>
  recordSecurityEvent(
    tx,
    {
      kind: 'settingChanged',
      actorId: actor.userId,
      client,
      detail: {
        setting: 'firm',
        change,
        firmId: (after ?? before)?.id,
        creditCode: (after ?? before)?.creditCode,
        ...(reason ? { reason } : {}),
        ...changes(before, after),
      },
    },
    now,
  );

const duplicateCode = () => refused('creditCode', '该统一社会信用代码已登记');

/** Adds a firm and its contact phones. */
export async function createFirm(
  em: EntityManager,
  actor: Actor,
  raw: unknown,
  client: RequestClient | null = null,
  now = new Date(),
): Promise<{ id: number }> {
  requireFirmAdmin(actor);
  const f = parseInput(firmInput, raw);
  try {
    return await inTransaction(em, async (tx) => {
      await checkFirm(tx, f, now);
      const [row] = await all<{ id: number }>(
        tx,
        `insert into firm (credit_code, name, industry, size, founded_on, district_id, credit_rating, blacklisted,
                           version, created_at, updated_at)
         values (?, ?, ?, ?, ?::date, ?, ?, false, 1, ?, ?) returning id`,
        [f.creditCode, f.name, f.industry, f.size, f.foundedOn, f.districtId, f.creditRating, now, now],
      );
      await writeContacts(tx, row.id, f.contacts);
      await audit(tx, actor, client, 'registered', null, await firmOf(tx, row.id), now);
      return { id: row.id };
    });
  } catch (err) {
    if (isUniqueViolation(err, 'firm_credit_code_unique')) throw duplicateCode();
    throw err;
  }
}

/** The one guarded write of an edit: the row changes only if nobody changed it since `version` was read. */
async function bumpVersion(
  tx: EntityManager,
  firmId: number,
  version: number,
  set: string,
  params: unknown[],
  now: Date,
) {
  const n = await run(
    tx,
    `update firm set ${set}, version = version + 1, updated_at = ? where id = ? and version = ?`,
    [...params, now, firmId, version],
  );
  if (n === 1) return;
  if (!(await one(tx, 'select 1 from firm where id = ?', [firmId]))) throw new NotFound('企业不存在');
  throw new Conflict('该企业已被他人修改，请刷新后再改', 'stale');
}

/** Corrects a firm's record and contacts, on the version the form was read at. */
export async function updateFirm(
  em: EntityManager,
  actor: Actor,
  firmId: number,
  raw: unknown,
  client: RequestClient | null = null,
  now = new Date(),
): Promise<void> {
  requireFirmAdmin(actor);
  const f = parseInput(firmInput, raw);
  const { version } = parseInput(versionInput, raw);
  try {
    await inTransaction(em, async (tx) => {
      const before = await firmOf(tx, firmId);
      if (!before) throw new NotFound('企业不存在');
      await checkFirm(tx, f, now);
      await bumpVersion(
        tx,
        firmId,
        version,
        `credit_code = ?, name = ?, industry = ?, size = ?, founded_on = ?::date, district_id = ?, credit_rating = ?`,
        [f.creditCode, f.name, f.industry, f.size, f.foundedOn, f.districtId, f.creditRating],
        now,
      );
      await writeContacts(tx, firmId, f.contacts);
      await audit(tx, actor, client, 'updated', before, await firmOf(tx, firmId), now);
    });
  } catch (err) {
    if (isUniqueViolation(err, 'firm_credit_code_unique')) throw duplicateCode();
    throw err;
  }
}

/**
 * Puts a firm on the blacklist (失信名单) from a day, with the reason, or takes it off with the reason for that;
 * both on the version the page showed. While on it, the firm is never matched to a policy.
 */
export async function setFirmBlacklist(
  em: EntityManager,
  actor: Actor,
  firmId: number,
  raw: unknown,
  client: RequestClient | null = null,
  now = new Date(),
): Promise<void> {
  requireFirmAdmin(actor);
  const input = parseInput(blacklistInput, raw);
  const { version } = parseInput(versionInput, raw);
  const today = localDateOf(now);
  await inTransaction(em, async (tx) => {
    const before = await firmOf(tx, firmId);
    if (!before) throw new NotFound('企业不存在');
    if (input.blacklisted === 'true') {
      if (before.blacklisted) throw new Conflict('该企业已在黑名单中', 'notNow');
      const since = input.since ?? today;
      if (since > today) throw refused('since', '列入日期不能晚于今天');
      await bumpVersion(
        tx,
        firmId,
        version,
        'blacklisted = true, blacklist_reason = ?, blacklisted_since = ?::date',
        [input.reason, since],
        now,
      );
      await audit(tx, actor, client, 'blacklisted', before, await firmOf(tx, firmId), now, input.reason);
    } else {
      if (!before.blacklisted) throw new Conflict('该企业不在黑名单中', 'notNow');
      await bumpVersion(
        tx,
        firmId,
        version,
        'blacklisted = false, blacklist_reason = null, blacklisted_since = null',
        [],
        now,
      );
      await audit(tx, actor, client, 'unblacklisted', before, await firmOf(tx, firmId), now, input.reason);
    }
  });
}

export interface FirmHistoryEntry {
  at: string;
  /** The city's local time of it, as every page shows times. */
  atLocal: string;
  actor: string | null;
  change: FirmChange;
  reason: string | null;
}

/** What was done to a firm and by whom, newest first, from the security audit. */
export async function firmHistory(em: EntityManager, actor: Actor, firmId: number): Promise<FirmHistoryEntry[]> {
  requireFirmAdmin(actor);
  const rows = await all<{ at: Date | string; actor: string | null; change: FirmChange; reason: string | null }>(
    em,
    `select e.at, u.display_name as actor, e.detail ->> 'change' as change, e.detail ->> 'reason' as reason
       from security_event e left join app_user u on u.id = e.actor_id
      where e.kind = 'settingChanged' and e.detail ->> 'setting' = 'firm' and e.detail ->> 'firmId' = ?
      order by e.at desc, e.id desc limit 50`,
    [String(firmId)],
  );
  return rows.map((r) => ({
    at: new Date(r.at).toISOString(),
    atLocal: localDateTime(new Date(r.at)),
    actor: r.actor,
    change: r.change,
    reason: r.reason,
  }));
}
