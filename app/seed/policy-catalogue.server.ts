import type { EntityManager } from '@mikro-orm/sql';
import type { Actor } from '../../machines/actor';
import { all } from '../db/sql.server';
import { createPolicy, stepPolicy, updatePolicy } from '../policies/catalogue.server';
import { DEMO_DRAFT_TITLES, DEMO_POLICIES, DEMO_REVISED_TITLES, type DemoPolicy } from './demo-policies';

// The demo city's 政策库, written through the catalogue's own steps as the admin, so every policy has its
// audit trail and its published versions as a maintained one would (skipped when policies already exist).

type Ids = { departments: Map<string, number>; users: Map<string, { id: number }> };

function formOf(p: DemoPolicy, ids: Ids, items = p.items) {
  return {
    title: p.title,
    level: p.level,
    domain: p.domain,
    documentNumber: p.doc,
    leadDepartmentId: ids.departments.get(p.lead),
    cooperatingDepartmentIds: (p.cooperating ?? []).map((c) => ids.departments.get(c)),
    liaisons: [{ name: p.liaison[0], phone: p.liaison[1] }],
    chiefRepresentativeId: p.chief ? ids.users.get(p.chief)?.id : undefined,
    withoutApplication: p.withoutApplication,
    eligibility: p.eligibility,
    rule: p.rule ? JSON.stringify(p.rule) : undefined,
    benefit: p.benefit,
    validFrom: p.validFrom,
    validTo: p.validTo,
    keywords: p.keywords.join(' '),
    items,
  };
}

export async function seedPolicyCatalogue(em: EntityManager, ids: Ids): Promise<number> {
  const [{ n }] = await all<{ n: number }>(em, 'select count(*)::int as n from policy');
  if (n > 0) return 0;
  const adminId = ids.users.get('admin')?.id;
  // A city whose demo admin is gone is no demo to add to.
  if (!adminId) return 0;
  const admin: Actor = { userId: adminId, role: 'admin', departmentIds: [], gridIds: [] };
  for (const p of DEMO_POLICIES) {
    const { id } = await createPolicy(em, admin, formOf(p, ids));
    if (DEMO_DRAFT_TITLES.includes(p.title)) continue;
    await stepPolicy(em, admin, id, 'PUBLISH', {});
    if (!DEMO_REVISED_TITLES.includes(p.title)) continue;
    // Version 2 adds an item on how to complain; version 1 stays readable for the answers that cited it.
    await stepPolicy(em, admin, id, 'REVISE', {});
    await updatePolicy(
      em,
      admin,
      id,
      formOf(p, ids, [
        ...p.items,
        `第${p.items.length + 1}条 对认定结果有异议的，可拨打12345热线或向牵头单位提出复核。`,
      ]),
    );
    await stepPolicy(em, admin, id, 'PUBLISH', {});
  }
  return DEMO_POLICIES.length;
}
