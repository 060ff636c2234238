import type { EntityManager } from '@mikro-orm/sql';
import { localDateOf } from '../calendar/working-time';
import { all, jsonb, one } from '../db/sql.server';
import { citizenFactsByPhone, firmFactsByPhone, minCreditRating } from '../eligibility/facts.server';
import { compileRules, matchCompiled, type CompiledRule, type CreditRating, type Facts } from '../eligibility/rules';

// 政策找人 on the line: while a call rings, the published policies with an eligibility rule that the caller (the
// citizen kept under the phone) or a firm the phone speaks for may be entitled to. The rules are those of the
// current published versions (policy_version), never a working copy; the gate of app/eligibility comes first.

/** Who a match is for: the caller himself (本人) or one of the firms the phone speaks for. */
export type EntitledSubject = { kind: 'person' } | { kind: 'firm'; firmId: number; name: string };

/** A policy the caller may be entitled to, as published, with the item to read out or cite. */
export interface Entitlement {
  policyId: number;
  number: string;
  versionNo: number;
  title: string;
  documentNumber: string | null;
  leadDepartment: string;
  withoutApplication: boolean;
  benefit: string;
  /** The item the operator cites: the first of the version. */
  item: { no: number; text: string } | null;
  for: EntitledSubject;
}

/** What the gate says to the operator about a subject it keeps out: that it does, not why. */
export const GATE_REFUSED = '不符合享受条件（信用）';

export interface CallerEntitlements {
  matches: Entitlement[];
  /** Subjects kept out by the blacklist or the credit threshold; nothing is matched for them. */
  refused: { for: EntitledSubject; message: typeof GATE_REFUSED }[];
}

interface PublishedRule {
  id: number;
  rule: unknown;
  policy: Omit<Entitlement, 'for'>;
}

// The compiled list of current published rules, kept in process while the catalogue does not change. Every step of
// a policy (publication, revision, retirement) appends its row to policy_event in its own transaction, so the newest
// row's id says whether the list can have moved: one probe of the primary key instead of reading every version.
// Kept per database (its driver, shared by every fork of the entity manager), so two databases never share a list.
// The rules are kept checked and compiled (compileRules), and the policies by id: a ringing call only asks them.
interface Catalogue {
  version: string;
  rules: CompiledRule<number>[];
  policies: Map<number, Omit<Entitlement, 'for'>>;
}
const cache = new WeakMap<object, Catalogue>();

/** The newest policy_event id: what the cached rules are checked against. */
export const CATALOGUE_VERSION_SQL = 'select max(id)::text as v from policy_event';

async function catalogueVersion(em: EntityManager): Promise<string> {
  const row = await one<{ v: string | null }>(em, CATALOGUE_VERSION_SQL);
  return row?.v ?? '0';
}

/** Every current published version that carries a rule, in one statement, ordered by policy number. */
export const PUBLISHED_RULES_SQL = `select v.policy_id, v.version_no, v.content->'rule' as rule,
       v.content->>'number' as number, v.content->>'title' as title, v.content->>'documentNumber' as document_number,
       v.content#>>'{leadDepartment,name}' as lead_department, (v.content->>'withoutApplication')::boolean as free,
       v.content->>'benefit' as benefit, v.content->'items'->0 as item
  from policy_version v
 where v.current and jsonb_typeof(v.content->'rule') = 'object'
 order by v.content->>'number', v.policy_id`;

async function publishedRules(em: EntityManager): Promise<Catalogue> {
  // The version is read first: a publication between the two reads makes the next call read again.
  const version = await catalogueVersion(em);
  const cached = cache.get(em.getDriver());
  if (cached?.version === version) return cached;
  const rows = await all(em, PUBLISHED_RULES_SQL);
  const rules = rows.map((r): PublishedRule => {
    const item = r.item ? jsonb<{ no: number; text: string }>(r.item) : null;
    return {
      id: r.policy_id,
      rule: jsonb(r.rule),
      policy: {
        policyId: r.policy_id,
        number: r.number,
        versionNo: r.version_no,
        title: r.title,
        documentNumber: r.document_number ?? null,
        leadDepartment: r.lead_department ?? '',
        withoutApplication: r.free === true,
        benefit: r.benefit ?? '',
        item: item ? { no: item.no, text: item.text } : null,
      },
    };
  });
  const catalogue: Catalogue = {
    version,
    rules: compileRules(rules),
    policies: new Map(rules.map((r) => [r.id, r.policy])),
  };
  cache.set(em.getDriver(), catalogue);
  return catalogue;
}

function matchFor(
  catalogue: Catalogue,
  facts: Facts,
  who: EntitledSubject,
  threshold: CreditRating,
  out: CallerEntitlements,
): void {
  const m = matchCompiled(catalogue.rules, facts, { minCreditRating: threshold });
  if (m.gate) {
    out.refused.push({ for: who, message: GATE_REFUSED });
    return;
  }
  for (const id of m.matched) out.matches.push({ ...catalogue.policies.get(id)!, for: who });
  for (const e of m.errors) console.warn(`[entitlements] policy ${e.id}: rule not usable: ${e.errors.join('; ')}`);
}

/**
 * The policies a caller may be entitled to: the citizen kept under the phone (本人) and each firm the phone speaks
 * for, each through the blacklist and credit gate, then the current published rules. Empty when the city knows no
 * one under the phone. `now` sets the day ages and years since founding are counted on.
 */
export async function entitlementsByPhone(
  em: EntityManager,
  phone: string,
  now = new Date(),
): Promise<CallerEntitlements> {
  const on = localDateOf(now);
  const out: CallerEntitlements = { matches: [], refused: [] };
  // Who the phone is, the rules and the threshold go out together; the rules come from the cache unless the
  // catalogue changed.
  const [person, firms, catalogue, threshold] = await Promise.all([
    citizenFactsByPhone(em, phone, on),
    firmFactsByPhone(em, phone, on),
    publishedRules(em),
    minCreditRating(em),
  ]);
  if (!person && !firms.length) return out;
  if (person) matchFor(catalogue, person.facts, { kind: 'person' }, threshold, out);
  for (const f of firms) matchFor(catalogue, f.facts, { kind: 'firm', firmId: f.firmId, name: f.name }, threshold, out);
  return out;
}
