import { describe, expect, it } from 'vitest';
import { createDraft } from '../../app/appeals/intake.server';
import { appealDetail } from '../../app/appeals/detail.server';
import { applyEvent } from '../../app/appeals/service.server';
import { InvalidInput } from '../../app/domain/errors';
import { callerHistory, newRequestKey, recordIntake } from '../../app/intake/intake.server';
import { stepPolicy, createPolicy, policyForEdit } from '../../app/policies/catalogue.server';
import { GATE_REFUSED, entitlementsByPhone } from '../../app/policies/entitlements.server';
import { DB_KINDS } from '../support/env';
import { useTestServices } from '../support/services';

// 政策找人 on the line: what the screen pop says a caller may be entitled to (the current published rules behind the
// blacklist and credit gate), and the policy item an on-the-spot answer cites, checked before anything is written.

const NOW = new Date('2026-12-02T10:00:00+08:00');
const AGED = '13955550080';
const ELDERLY_TITLE = '东城区80周岁以上老年人高龄津贴';

describe.each(DB_KINDS)('policy entitlements on %s', (kind) => {
  const t = useTestServices(kind);
  const count = async (sql: string, params: unknown[] = []) =>
    (await t.sql<{ n: number }>(`select count(*)::int as n from ${sql}`, params))[0].n;

  /** A caller of 80 with an earlier appeal at a grid of 东城区 (D01), where the city places her. */
  async function agedCaller() {
    if (await count('citizen where phone = ?', [AGED])) return;
    await createDraft(t.services, t.as('operator'), {
      type: 'consultation',
      categoryId: t.ids.categories.get('0201')!,
      callerPhone: AGED,
      citizenName: '孙奶奶',
      idNumber: '110101194603150020',
      title: '路灯不亮',
      content: '小区门口路灯坏了一个星期。',
      gridId: t.ids.grids.get('G03'),
    });
  }

  async function publishTestPolicy(title: string, rule: unknown) {
    const admin = t.as('admin');
    const { id } = await createPolicy(t.em(), admin, {
      title,
      level: 'city',
      domain: 'people',
      documentNumber: '示民发〔2026〕9号',
      leadDepartmentId: String(t.ids.departments.get('F06')),
      liaisons: [{ name: '社保处 韦青', phone: '0571-87000106' }],
      withoutApplication: 'on',
      eligibility: '年满18周岁的本市居民。',
      rule: JSON.stringify(rule),
      benefit: '每人一次性补贴500元。',
      validFrom: '2026-01-01',
      keywords: '测试补贴',
      items: ['第一条 年满18周岁的本市居民享受一次性补贴500元。', '第二条 补贴发放至社会保障卡。'],
    });
    const page = await policyForEdit(t.em(), admin, id);
    await stepPolicy(t.em(), admin, id, 'PUBLISH', {}, page.policy.version);
    return id;
  }

  it('finds 高龄津贴 for a caller of 80 in 东城区, for herself, citing the first item of the current version', async () => {
    await agedCaller();
    const found = await entitlementsByPhone(t.em(), AGED, NOW);
    const elderly = found.matches.find((m) => m.title === ELDERLY_TITLE);
    expect(elderly).toMatchObject({
      withoutApplication: true,
      documentNumber: '东政办〔2024〕12号',
      leadDepartment: '东城区',
      versionNo: 1,
      for: { kind: 'person' },
      item: { no: 1, text: expect.stringContaining('年满80周岁') },
    });
    // 西城区's allowance is for 85 and over in another district; a firm's rule asks facts a person lacks.
    expect(found.matches.map((m) => m.title)).not.toContain('西城区高龄老人营养补贴');
    expect(found.matches.map((m) => m.title)).not.toContain('总部企业租金补贴');
    expect(found.refused).toEqual([]);
    // The screen pop carries it with the history.
    const pop = await callerHistory(t.em(), t.as('operator'), AGED, NOW);
    expect(pop?.policies.matches.map((m) => m.title)).toContain(ELDERLY_TITLE);
    // Nobody known under a phone: nothing.
    expect(await entitlementsByPhone(t.em(), '13955550000', NOW)).toEqual({ matches: [], refused: [] });
  });

  it('matches nothing for a blacklisted firm and says only that it does not qualify', async () => {
    const found = await entitlementsByPhone(t.em(), '13712340002', NOW);
    expect(found.matches).toEqual([]);
    expect(found.refused).toEqual([
      { for: { kind: 'firm', firmId: expect.any(Number), name: expect.any(String) }, message: GATE_REFUSED },
    ]);
    expect(GATE_REFUSED).toBe('不符合享受条件（信用）');
    // A firm rated below the threshold (C, threshold B) is kept out the same way.
    const low = await entitlementsByPhone(t.em(), '13800007002', NOW);
    expect(low.matches).toEqual([]);
    expect(low.refused).toHaveLength(1);
  });

  it('sees a newly published policy at once and never matches a retired one', async () => {
    await agedCaller();
    const before = await entitlementsByPhone(t.em(), AGED, NOW);
    const title = `成年居民一次性补贴${kind}`;
    expect(before.matches.map((m) => m.title)).not.toContain(title);
    const id = await publishTestPolicy(title, { '>=': [{ var: 'age' }, 18] });
    const after = await entitlementsByPhone(t.em(), AGED, NOW);
    expect(after.matches.find((m) => m.policyId === id)).toMatchObject({ title, versionNo: 1 });
    // the unchanged catalogue answers the same from the cache
    expect(await entitlementsByPhone(t.em(), AGED, NOW)).toEqual(after);
    await stepPolicy(t.em(), t.as('admin'), id, 'RETIRE', { reason: '政策到期' });
    const retired = await entitlementsByPhone(t.em(), AGED, NOW);
    expect(retired.matches.map((m) => m.policyId)).not.toContain(id);
    expect(retired.matches.map((m) => m.title)).toContain(ELDERLY_TITLE);
  });

  describe('an answer citing a policy item', () => {
    const elderly = async () =>
      (
        await t.sql<{ policy_id: number; version_no: number }>(
          `select policy_id, version_no from policy_version where current and content->>'title' = ?`,
          [ELDERLY_TITLE],
        )
      )[0];
    const form = (over: Record<string, unknown>) => ({
      intent: 'answer',
      requestKey: newRequestKey(),
      callerPhone: AGED,
      citizenName: '孙奶奶',
      type: 'consultation',
      category: '0201',
      title: '高龄津贴怎么领',
      content: '我今年八十岁了，想问高龄津贴怎么领取。',
      answer: '《东城区80周岁以上老年人高龄津贴》第 1 条：免申即享，按月发放。',
      ...over,
    });

    it('stores policy, version and item with the answer, and the appeal page shows them', async () => {
      const p = await elderly();
      const r = await recordIntake(
        t.services,
        t.as('operator'),
        form({ policyId: String(p.policy_id), policyVersion: String(p.version_no), policyItem: '1' }),
      );
      expect(r.phase).toBe('replied');
      const rows = await t.sql(
        'select policy_id, version_no, item_no from appeal_policy_citation where appeal_id = ?',
        [r.appealId],
      );
      expect(rows).toEqual([{ policy_id: p.policy_id, version_no: p.version_no, item_no: 1 }]);
      // the step's audit row holds the same citation
      const [audit] = await t.sql<{ payload: unknown }>(
        `select payload from appeal_event where appeal_id = ? and type = 'RESOLVE_ON_SPOT'`,
        [r.appealId],
      );
      const payload = typeof audit.payload === 'string' ? JSON.parse(audit.payload) : audit.payload;
      expect(payload.policyCitation).toEqual({ policyId: p.policy_id, versionNo: p.version_no, itemNo: 1 });
      const detail = await appealDetail(t.em(), t.as('operator'), r.appealId);
      expect(detail.policyCitations).toEqual([
        {
          policyId: p.policy_id,
          number: expect.stringMatching(/^ZC-/),
          title: ELDERLY_TITLE,
          versionNo: p.version_no,
          itemNo: 1,
          text: expect.stringContaining('年满80周岁'),
        },
      ]);
    });

    it('refuses an unknown item, a retired or superseded version, or half a citation, writing nothing', async () => {
      const p = await elderly();
      const retiredId = await publishTestPolicy(`到期补贴${kind}`, { '>=': [{ var: 'age' }, 18] });
      await stepPolicy(t.em(), t.as('admin'), retiredId, 'RETIRE', { reason: '政策到期' });
      const appeals = await count('appeal');
      const bad = [
        { policyId: String(p.policy_id), policyVersion: String(p.version_no), policyItem: '99' },
        { policyId: String(p.policy_id), policyVersion: String(p.version_no + 1), policyItem: '1' },
        { policyId: String(retiredId), policyVersion: '1', policyItem: '1' },
        { policyId: '999999', policyVersion: '1', policyItem: '1' },
        { policyId: String(p.policy_id), policyVersion: '', policyItem: '1' },
        { policyId: 'x', policyVersion: '1', policyItem: '1' },
      ];
      for (const citation of bad) {
        const err = await recordIntake(t.services, t.as('operator'), form(citation)).catch((e: unknown) => e);
        expect(err, JSON.stringify(citation)).toBeInstanceOf(InvalidInput);
        expect(Object.keys((err as InvalidInput).fieldErrors ?? {}).length, JSON.stringify(citation)).toBe(1);
      }
      expect(await count('appeal')).toBe(appeals);
      expect(await count('appeal_policy_citation where policy_id = ?', [retiredId])).toBe(0);
    });

    it('is checked in the appeal step too: a citation that cannot stand refuses the step', async () => {
      const draft = await createDraft(t.services, t.as('operator'), {
        type: 'consultation',
        categoryId: t.ids.categories.get('0201')!,
        callerPhone: AGED,
        title: '高龄津贴',
        content: '想问高龄津贴怎么领取。',
      });
      const submitted = await applyEvent(t.services, {
        appealId: draft.id,
        expectedVersion: draft.version,
        type: 'SUBMIT',
        payload: {},
        actor: t.as('operator'),
      });
      const p = await elderly();
      await expect(
        applyEvent(t.services, {
          appealId: draft.id,
          expectedVersion: submitted.version,
          type: 'RESOLVE_ON_SPOT',
          payload: { answer: '按月发放。', policyCitation: { policyId: p.policy_id, versionNo: 1, itemNo: 42 } },
          actor: t.as('operator'),
        }),
      ).rejects.toBeInstanceOf(InvalidInput);
      expect(await count('appeal_policy_citation where appeal_id = ?', [draft.id])).toBe(0);
      expect((await t.sql<{ version: number }>('select version from appeal where id = ?', [draft.id]))[0].version).toBe(
        submitted.version,
      );
    });
  });
});
