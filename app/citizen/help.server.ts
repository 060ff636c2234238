import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import { searchArticles } from '../knowledge/knowledge.server';
import { publishedPolicies } from '../policies/published.server';

// The site's help (办事指南): the knowledge base's answers and the published policies a citizen can read before
// filing. The articles are the answers operators read out to any caller, so every active one valid today is
// public; only their title, text and department leave, and the policies come through their public view (no staff
// names).

export const helpQuery = z.object({ q: z.string().trim().max(100).catch('') });

export interface HelpResults {
  q: string;
  articles: { id: number; title: string; body: string; department: string | null }[];
  policies: { policyId: number; title: string; department: string; benefit: string; withoutApplication: boolean }[];
}

export async function searchHelp(em: EntityManager, raw: Record<string, unknown>, now = new Date()) {
  const { q } = helpQuery.parse(raw);
  if (!q) return { q, articles: [], policies: [] } satisfies HelpResults;
  const [articles, policies] = [
    await searchArticles(em, q, { at: now, limit: 10 }),
    await publishedPolicies(em, { q }),
  ];
  return {
    q,
    articles: articles.map(({ id, title, body, department }) => ({ id, title, body, department })),
    policies: policies.slice(0, 10).map((p) => ({
      policyId: p.policyId,
      title: p.title,
      department: p.leadDepartment.name,
      benefit: p.benefit,
      withoutApplication: p.withoutApplication,
    })),
  } satisfies HelpResults;
}
