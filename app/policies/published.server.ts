import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import type { Actor } from '../../machines/actor';
import type { PolicyDomain, PolicyLevel, PolicyLiaison } from '../../entities/policy';
import { POLICY_DOMAINS } from '../../entities/policy';
import { all, jsonb, one } from '../db/sql.server';
import { can } from '../domain/permissions';
import { Forbidden, NotFound } from '../domain/errors';
import { queryTerms, queryTokens } from './search-tokens';

// The catalogue's reading side: the published list anyone may read without signing in (and print as the policy
// book, 汇编成册), a version as it was published, and the operator's search. All of it reads policy_version,
// never the working copy, so a revision in progress is not seen until it is published.

/** A published version as frozen at publication. */
export interface PublishedPolicy {
  policyId: number;
  number: string;
  versionNo: number;
  publishedAt: string;
  title: string;
  level: PolicyLevel;
  domain: PolicyDomain;
  documentNumber: string | null;
  leadDepartment: { id: number; name: string };
  cooperating: { id: number; name: string }[];
  liaisons: PolicyLiaison[];
  chiefRepresentative: { id: number; name: string; phone: string | null } | null;
  withoutApplication: boolean;
  eligibility: string;
  rule: Record<string, unknown> | null;
  benefit: string;
  validFrom: string | null;
  validTo: string | null;
  keywords: string[];
  items: { no: number; text: string }[];
  /** Files of the version (absent in versions published before files were kept). */
  attachments?: { id: number; fileName: string; size: number }[];
}

/** What the public sees of a version: no staff names (the liaisons' phones stay, as the consultation line). */
export type PublicPolicy = Omit<PublishedPolicy, 'liaisons' | 'chiefRepresentative' | 'rule'> & {
  consultationPhones: string[];
  current: boolean;
};

function publishedOf(r: Record<string, unknown>): PublishedPolicy {
  const c = jsonb<Omit<PublishedPolicy, 'policyId'>>(r.content);
  return { ...c, policyId: r.policy_id as number };
}

function publicOf(p: PublishedPolicy, current: boolean): PublicPolicy {
  const { liaisons, chiefRepresentative: _c, rule: _r, ...rest } = p;
  return { ...rest, consultationPhones: [...new Set(liaisons.map((l) => l.phone))], current };
}

export const publicListQuery = z.object({
  domain: z.enum(POLICY_DOMAINS).optional().catch(undefined),
  q: z.string().trim().max(100).catch(''),
});

/** Every current published policy, by domain and number; optionally one domain, optionally matching words. */
export async function publishedPolicies(em: EntityManager, raw: Record<string, unknown> = {}): Promise<PublicPolicy[]> {
  const { domain, q } = publicListQuery.parse(raw);
  const { where, params } = matchClause(q);
  if (domain) {
    where.push(`v.content->>'domain' = ?`);
    params.push(domain);
  }
  const rows = await all(
    em,
    `select v.policy_id, v.content from policy_version v
      where v.current${where.length ? ` and ${where.join(' and ')}` : ''}
      order by array_position(?::text[], v.content->>'domain'), v.content->>'number'`,
    [...params, `{${POLICY_DOMAINS.join(',')}}`],
  );
  return rows.map((r) => publicOf(publishedOf(r), true));
}

/** One policy as published: the current version, or an earlier one by number (what an appeal cited). */
export async function publishedPolicy(
  em: EntityManager,
  policyId: number,
  versionNo?: number,
): Promise<{ policy: PublicPolicy; versions: { versionNo: number; publishedAt: string; current: boolean }[] }> {
  const r = await one(
    em,
    `select v.policy_id, v.content, v.current from policy_version v
      where v.policy_id = ? and ${versionNo ? 'v.version_no = ?' : 'v.current'}`,
    versionNo ? [policyId, versionNo] : [policyId],
  );
  if (!r) throw new NotFound('政策不存在或未发布');
  const versions = await all<{ version_no: number; published_at: string; current: boolean }>(
    em,
    'select version_no, published_at, current from policy_version where policy_id = ? order by version_no desc',
    [policyId],
  );
  return {
    policy: publicOf(publishedOf(r), r.current as boolean),
    versions: versions.map((v) => ({
      versionNo: v.version_no,
      publishedAt: new Date(v.published_at).toISOString(),
      current: v.current,
    })),
  };
}

/** An item of a published version: what an answer or a complaint cites, readable after later revisions. */
export async function publishedItem(
  em: EntityManager,
  policyId: number,
  versionNo: number,
  itemNo: number,
): Promise<{ title: string; versionNo: number; no: number; text: string } | null> {
  const r = await one(em, 'select content from policy_version where policy_id = ? and version_no = ?', [
    policyId,
    versionNo,
  ]);
  if (!r) return null;
  const c = jsonb<PublishedPolicy>(r.content);
  const item = c.items.find((i) => i.no === itemNo);
  return item ? { title: c.title, versionNo, no: item.no, text: item.text } : null;
}

/**
 * An item an answer may cite now: of the policy's current published version (not a superseded or retired one), the
 * version the operator read. Null when it is not, so the answer is refused before anything is written.
 */
export async function citableItem(
  em: EntityManager,
  policyId: number,
  versionNo: number,
  itemNo: number,
): Promise<{ title: string; versionNo: number; no: number; text: string } | null> {
  const r = await one(em, 'select 1 from policy_version where policy_id = ? and version_no = ? and current', [
    policyId,
    versionNo,
  ]);
  return r ? publishedItem(em, policyId, versionNo, itemNo) : null;
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Every term must stand in the version's text: its Han pairs through the GIN index, then the exact substring. */
function matchClause(q: string): { where: string[]; params: unknown[]; terms: string[] } {
  const terms = queryTerms(q);
  const where: string[] = [];
  const params: unknown[] = [];
  const tokens = [...new Set(terms.flatMap(queryTokens))];
  if (tokens.length) {
    where.push('v.search_tokens @> ?::text[]');
    params.push(`{${tokens.map((t) => `"${t}"`).join(',')}}`);
  }
  for (const t of terms) {
    where.push('v.search_text like ?');
    params.push(`%${likeEscape(t)}%`);
  }
  return { where, params, terms };
}

/** A hit for the operator: who leads it, whom to hand the question to, and the items that matched. */
export interface PolicyHit {
  policyId: number;
  number: string;
  versionNo: number;
  title: string;
  domain: PolicyDomain;
  level: PolicyLevel;
  documentNumber: string | null;
  withoutApplication: boolean;
  leadDepartment: string;
  liaisons: PolicyLiaison[];
  chiefRepresentative: { name: string; phone: string | null } | null;
  benefit: string;
  items: { no: number; text: string }[];
}

export const policySearchQuery = z.object({ q: z.string().trim().max(100).catch('') });

/**
 * Current policies matching every word of `q` in the title, items, document number, keywords or departments;
 * those whose title matches come first. The items shown are those holding a word, else the first two.
 */
export async function searchPolicies(em: EntityManager, q: string, limit = 10): Promise<PolicyHit[]> {
  const { where, params, terms } = matchClause(q);
  if (!terms.length) return [];
  const titleRank = terms.map(() => `(case when lower(v.content->>'title') like ? then 1 else 0 end)`).join(' + ');
  const rows = await all(
    em,
    `select v.policy_id, v.content, ${titleRank} as title_rank from policy_version v
      where v.current and ${where.join(' and ')}
      order by title_rank desc, v.published_at desc, v.policy_id desc limit ?`,
    [...terms.map((t) => `%${likeEscape(t)}%`), ...params, Math.min(Math.max(limit, 1), 50)],
  );
  return rows.map((r) => {
    const p = publishedOf(r);
    const matching = p.items.filter((i) => terms.some((t) => i.text.normalize('NFKC').toLowerCase().includes(t)));
    return {
      policyId: p.policyId,
      number: p.number,
      versionNo: p.versionNo,
      title: p.title,
      domain: p.domain,
      level: p.level,
      documentNumber: p.documentNumber,
      withoutApplication: p.withoutApplication,
      leadDepartment: p.leadDepartment.name,
      liaisons: p.liaisons,
      chiefRepresentative: p.chiefRepresentative
        ? { name: p.chiefRepresentative.name, phone: p.chiefRepresentative.phone }
        : null,
      benefit: p.benefit,
      items: (matching.length ? matching : p.items.slice(0, 2)).slice(0, 5),
    };
  });
}

/** The intake screen's search: operators and dispatchers only. */
export async function searchPoliciesFor(
  em: EntityManager,
  actor: Actor,
  raw: Record<string, unknown>,
): Promise<PolicyHit[]> {
  if (!can(actor, 'policies:search')) throw new Forbidden();
  const { q } = policySearchQuery.parse(raw);
  return searchPolicies(em, q);
}
