import { describe, expect, it } from 'vitest';
import { verifyChains } from '../../app/cases/audit-chain';
import { Conflict, Forbidden, InvalidInput, NotFound } from '../../app/domain/errors';
import {
  POLICY_TRAIL,
  attachToPolicy,
  createPolicy,
  openPolicyAttachment,
  listPoliciesFor,
  policyForEdit,
  stepPolicy,
  updatePolicy,
} from '../../app/policies/catalogue.server';
import {
  publishedItem,
  publishedPolicies,
  publishedPolicy,
  searchPolicies,
  searchPoliciesFor,
} from '../../app/policies/published.server';
import { DEMO_POLICIES } from '../../app/seed/demo-policies';
import { DB_KINDS } from '../support/env';
import { useTestDatabase } from '../support/services';

// 政策库: maintenance within the lead department's reach, the versions a revision keeps readable, the audit
// chain of every step, refusals that leave the database as it was, and the search for two-character words.

describe.each(DB_KINDS)('the policy catalogue on %s', (kind) => {
  // Its own DATA_DIR: a policy's files are stored there.
  const t = useTestDatabase(kind, { dataDir: true });
  const dept = (code: string) => t.ids.departments.get(code)!;
  // handler2 works at 市住房和城乡建设局 (F01); handler-f06 at 市人力资源和社会保障局 (F06).
  const form = (over: Record<string, unknown> = {}) => ({
    title: '保障性租赁住房租金补贴',
    level: 'city',
    domain: 'people',
    documentNumber: '示建发〔2026〕1号',
    leadDepartmentId: String(dept('F01')),
    cooperatingDepartmentIds: [String(dept('F06'))],
    liaisons: [{ name: '住保处 韦青', phone: '0571-87000109' }],
    withoutApplication: 'on',
    eligibility: '在本市无自有住房、家庭人均收入低于上年度平均水平的新市民。',
    rule: '{"and":[{">=":[{"var":"age"},18]},{"==":[{"var":"district"},"东城区"]}]}',
    benefit: '每户每月租金补贴800元。',
    validFrom: '2026-01-01',
    validTo: '',
    keywords: '租金补贴 保障性住房、新市民',
    items: ['第一条 符合条件的新市民家庭每户每月补贴800元。', '  ', '第二条 补贴按季度发放至申请人账户。'],
    ...over,
  });

  it('lets the lead department write, publish and revise its policy; version 1 stays readable', async () => {
    const staff = t.as('handler2');
    const { id } = await createPolicy(t.em(), staff, form());
    let page = await policyForEdit(t.em(), staff, id);
    expect(page.policy).toMatchObject({
      phase: 'draft',
      number: `ZC-${String(id).padStart(4, '0')}`,
      keywords: ['租金补贴', '保障性住房', '新市民'],
      rule: { and: [{ '>=': [{ var: 'age' }, 18] }, { '==': [{ var: 'district' }, '东城区'] }] },
      withoutApplication: true,
    });
    // the blank item is dropped, the rest numbered in order
    expect(page.policy.items).toEqual([
      { no: 1, text: '第一条 符合条件的新市民家庭每户每月补贴800元。' },
      { no: 2, text: '第二条 补贴按季度发放至申请人账户。' },
    ]);
    expect(page.steps).toEqual(['EDIT', 'PUBLISH', 'RETIRE']);
    // not public before it is published
    await expect(publishedPolicy(t.em(), id)).rejects.toThrow('政策不存在或未发布');

    expect(await stepPolicy(t.em(), staff, id, 'PUBLISH', {}, page.policy.version)).toEqual({ version: 1 });
    expect((await publishedPolicies(t.em())).map((p) => p.title)).toContain('保障性租赁住房租金补贴');

    page = await policyForEdit(t.em(), staff, id);
    // a published policy is not edited in place
    await expect(updatePolicy(t.em(), staff, id, form({ benefit: '每户每月900元。' }))).rejects.toBeInstanceOf(
      Conflict,
    );
    await stepPolicy(t.em(), staff, id, 'REVISE', {}, page.policy.version);
    page = await policyForEdit(t.em(), staff, id);
    await updatePolicy(
      t.em(),
      staff,
      id,
      form({ benefit: '每户每月租金补贴1000元。', items: ['第一条 每户每月补贴1000元。', '第二条 按月发放。'] }),
      page.policy.version,
    );
    // while the revision is a draft, the public still reads version 1
    expect((await publishedPolicy(t.em(), id)).policy).toMatchObject({
      versionNo: 1,
      benefit: '每户每月租金补贴800元。',
    });
    page = await policyForEdit(t.em(), staff, id);
    expect(await stepPolicy(t.em(), staff, id, 'PUBLISH', {}, page.policy.version)).toEqual({ version: 2 });

    const current = await publishedPolicy(t.em(), id);
    expect(current.policy).toMatchObject({ versionNo: 2, current: true, benefit: '每户每月租金补贴1000元。' });
    expect(current.versions.map((v) => [v.versionNo, v.current])).toEqual([
      [2, true],
      [1, false],
    ]);
    // what an appeal cited in version 1 is still there
    expect(await publishedItem(t.em(), id, 1, 1)).toEqual({
      title: '保障性租赁住房租金补贴',
      versionNo: 1,
      no: 1,
      text: '第一条 符合条件的新市民家庭每户每月补贴800元。',
    });
    expect((await publishedPolicy(t.em(), id, 1)).policy).toMatchObject({ versionNo: 1, current: false });
    // the public never sees staff names; the consultation phone stays
    expect(current.policy).not.toHaveProperty('liaisons');
    expect(current.policy).not.toHaveProperty('chiefRepresentative');
    expect(current.policy.consultationPhones).toEqual(['0571-87000109']);

    // who changed what: every step in the trail, the edit with its old and new values
    page = await policyForEdit(t.em(), staff, id);
    expect(page.history.map((h) => h.type)).toEqual(['PUBLISH', 'EDIT', 'REVISE', 'PUBLISH', 'CREATE']);
    const edit = page.history.find((h) => h.type === 'EDIT')!;
    expect(edit.actor).toBe('住建局承办人 刘洋');
    expect(edit.payload.changes).toMatchObject({
      benefit: { from: '每户每月租金补贴800元。', to: '每户每月租金补贴1000元。' },
    });
    expect(Object.keys(edit.payload.changes as object).sort()).toEqual(['benefit', 'items']);
    expect((await verifyChains(t.em(), POLICY_TRAIL)).broken).toEqual([]);

    await stepPolicy(t.em(), staff, id, 'RETIRE', { reason: '政策到期' });
    expect((await publishedPolicies(t.em())).map((p) => p.policyId)).not.toContain(id);
    expect(await searchPolicies(t.em(), '保障性租赁')).toEqual([]);
    // retired, the published versions stay readable by number
    expect((await publishedPolicy(t.em(), id, 2)).policy.current).toBe(false);
  });

  it("keeps a handler to his own department's policies, on every read and write", async () => {
    const own = t.as('handler2');
    const other = t.as('handler-f06');
    const { id } = await createPolicy(t.em(), own, form({ title: '住房公积金缴存补贴' }));
    await expect(policyForEdit(t.em(), other, id)).rejects.toBeInstanceOf(Forbidden);
    await expect(
      updatePolicy(t.em(), other, id, form({ leadDepartmentId: String(dept('F06')) })),
    ).rejects.toBeInstanceOf(Forbidden);
    await expect(stepPolicy(t.em(), other, id, 'PUBLISH', {})).rejects.toBeInstanceOf(Forbidden);
    // nor may he file a policy under another department, or hand his own away
    await expect(createPolicy(t.em(), other, form())).rejects.toBeInstanceOf(InvalidInput);
    await expect(
      updatePolicy(
        t.em(),
        own,
        id,
        form({ title: '住房公积金缴存补贴', leadDepartmentId: String(dept('F06')), cooperatingDepartmentIds: [] }),
      ),
    ).rejects.toMatchObject({ fieldErrors: { leadDepartmentId: ['只能选择本单位作为牵头单位'] } });
    expect((await listPoliciesFor(t.em(), other)).map((p) => p.id)).not.toContain(id);
    expect((await listPoliciesFor(t.em(), own)).map((p) => p.id)).toContain(id);
    // the admin maintains every policy
    expect((await listPoliciesFor(t.em(), t.as('admin'))).length).toBeGreaterThanOrEqual(DEMO_POLICIES.length);
    await expect(createPolicy(t.em(), t.as('operator'), form())).rejects.toBeInstanceOf(Forbidden);
    await expect(searchPoliciesFor(t.em(), t.as('handler2'), { q: '津贴' })).rejects.toBeInstanceOf(Forbidden);
  });

  it('refuses bad input with each field named and changes nothing', async () => {
    const before = await t.sql<{ n: number }>('select count(*)::int as n from policy');
    const events = await t.sql<{ n: number }>('select count(*)::int as n from policy_event');
    const refused = await createPolicy(
      t.em(),
      t.as('admin'),
      form({
        title: '',
        level: 'galactic',
        liaisons: [{ name: '王', phone: '123' }],
        rule: '[1,2]',
      }),
    ).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(InvalidInput);
    expect(Object.keys((refused as InvalidInput).fieldErrors).sort()).toEqual(
      ['level', 'liaisons.0.name', 'liaisons.0.phone', 'rule', 'title'].sort(),
    );
    // the checks across fields, once each field is right
    await expect(
      createPolicy(
        t.em(),
        t.as('admin'),
        form({ validFrom: '2026-05-01', validTo: '2026-04-01', cooperatingDepartmentIds: [String(dept('F01'))] }),
      ),
    ).rejects.toMatchObject({
      fieldErrors: { validTo: ['失效日期不能早于生效日期'], cooperatingDepartmentIds: ['牵头单位不能同时是配合单位'] },
    });
    await expect(createPolicy(t.em(), t.as('admin'), form({ rule: '{not json' }))).rejects.toMatchObject({
      fieldErrors: { rule: [expect.stringContaining('JSON 对象')] },
    });
    await expect(createPolicy(t.em(), t.as('admin'), form({ liaisons: [] }))).rejects.toMatchObject({
      fieldErrors: { liaisons: ['至少填写一名政策联络员'] },
    });
    // a chief representative must work at the lead department
    await expect(
      createPolicy(t.em(), t.as('admin'), form({ chiefRepresentativeId: String(t.ids.users.get('handler-f06')!.id) })),
    ).rejects.toMatchObject({ fieldErrors: { chiefRepresentativeId: ['首席代表须为牵头单位的在岗人员'] } });
    // a policy without items is not published
    const { id } = await createPolicy(t.em(), t.as('admin'), form({ items: [] }));
    await expect(stepPolicy(t.em(), t.as('admin'), id, 'PUBLISH', {})).rejects.toMatchObject({
      fieldErrors: { items: ['请至少填写一条政策条款'] },
    });
    await expect(stepPolicy(t.em(), t.as('admin'), id, 'RETIRE', { reason: '' })).rejects.toBeInstanceOf(InvalidInput);
    expect((await t.sql<{ n: number }>('select count(*)::int as n from policy'))[0].n).toBe(before[0].n + 1);
    expect((await t.sql<{ n: number }>('select count(*)::int as n from policy_event'))[0].n).toBe(events[0].n + 1);
  });

  it('lets one of two concurrent edits of the same version through and refuses the other as stale', async () => {
    const admin = t.as('admin');
    const staff = t.as('handler2');
    const { id } = await createPolicy(t.em(), staff, form({ title: '老旧小区加装电梯补助' }));
    const { policy } = await policyForEdit(t.em(), staff, id);
    const outcomes = await Promise.allSettled([
      updatePolicy(
        t.em(),
        admin,
        id,
        form({ title: '老旧小区加装电梯补助', benefit: '每台补助20万元。' }),
        policy.version,
      ),
      updatePolicy(
        t.em(),
        staff,
        id,
        form({ title: '老旧小区加装电梯补助', benefit: '每台补助25万元。' }),
        policy.version,
      ),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const failed = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(failed.reason).toBeInstanceOf(Conflict);
    expect((failed.reason as Conflict).code).toBe('stale');
    const after = await policyForEdit(t.em(), staff, id);
    expect(after.policy.version).toBe(policy.version + 1);
    expect(after.history.map((h) => h.type)).toEqual(['EDIT', 'CREATE']);
    // a step sent against an old version is refused too
    await expect(stepPolicy(t.em(), staff, id, 'PUBLISH', {}, policy.version)).rejects.toMatchObject({ code: 'stale' });
  });

  it('keeps files with a policy: its maintainers see a draft file, everyone a published one', async () => {
    const staff = t.as('handler2');
    const { id } = await createPolicy(t.em(), staff, form({ title: '老旧小区改造补助' }));
    const pdf = {
      name: '示建发〔2026〕1号.pdf',
      type: 'application/pdf',
      bytes: new TextEncoder().encode('%PDF-1.4\n%%EOF\n'),
    };
    const { id: fileId } = await attachToPolicy(t.em(), staff, id, pdf);
    await expect(openPolicyAttachment(t.em(), null, id, fileId)).rejects.toBeInstanceOf(NotFound);
    await expect(openPolicyAttachment(t.em(), t.as('handler-f06'), id, fileId)).rejects.toBeInstanceOf(NotFound);
    expect((await openPolicyAttachment(t.em(), staff, id, fileId)).fileName).toBe('示建发〔2026〕1号.pdf');
    // another department may not add one, a file of the wrong kind is refused, and neither leaves a row
    await expect(attachToPolicy(t.em(), t.as('handler-f06'), id, pdf)).rejects.toBeInstanceOf(Forbidden);
    await expect(
      attachToPolicy(t.em(), staff, id, {
        name: 'x.exe',
        type: 'application/x-msdownload',
        bytes: new Uint8Array([77, 90]),
      }),
    ).rejects.toBeInstanceOf(InvalidInput);
    expect(await t.sql('select id from policy_attachment where policy_id = ?', [id])).toHaveLength(1);

    await stepPolicy(t.em(), staff, id, 'PUBLISH', {});
    const opened = await openPolicyAttachment(t.em(), null, id, fileId);
    expect(new TextDecoder().decode(opened.bytes)).toBe('%PDF-1.4\n%%EOF\n');
    expect((await publishedPolicy(t.em(), id)).policy.attachments).toEqual([
      { id: fileId, fileName: '示建发〔2026〕1号.pdf', size: pdf.bytes.byteLength },
    ]);
    // a published policy takes files only in a revision; the trail names the file added
    await expect(attachToPolicy(t.em(), staff, id, pdf)).rejects.toBeInstanceOf(Conflict);
    const page = await policyForEdit(t.em(), staff, id);
    expect(page.history.find((h) => h.type === 'EDIT')?.payload.attached).toMatchObject({ id: fileId });
    await expect(openPolicyAttachment(t.em(), null, id + 1000, fileId)).rejects.toBeInstanceOf(NotFound);
  });

  it('finds two-character Chinese words in titles, items, departments and keywords of the demo catalogue', async () => {
    const titles = async (q: string) => (await searchPolicies(t.em(), q)).map((h) => h.title);
    expect(await titles('高龄')).toEqual(
      expect.arrayContaining(['东城区80周岁以上老年人高龄津贴', '西城区高龄老人营养补贴']),
    );
    // title matches first
    expect((await titles('津贴'))[0]).toBe('东城区80周岁以上老年人高龄津贴');
    expect(await titles('补贴')).toEqual(expect.arrayContaining(['一次性创业补贴', '新就业大学生租房补贴']));
    expect(await titles('贴息')).toEqual(expect.arrayContaining(['创业担保贷款贴息', '小微企业贷款贴息']));
    // an item's words: 社会保障卡 stands only in items of some policies
    expect(await titles('社会保障卡')).toEqual(expect.arrayContaining(['东城区80周岁以上老年人高龄津贴']));
    // a department's name, and a keyword
    expect(await titles('供电公司')).toEqual(['企业用电增容费用减免']);
    expect(await titles('保证金暂退')).toEqual(['旅行社质量保证金暂退']);
    // two words, both required; a document number
    expect(await titles('高龄 西城')).toEqual(['西城区高龄老人营养补贴']);
    expect(await titles('财金〔2020〕21号')).toEqual(['创业担保贷款贴息']);
    // neighbouring pairs that do not stand together are no match
    expect(await titles('龄贴')).toEqual([]);
    expect(await titles('')).toEqual([]);
    // drafts are not found; the revised policy is found as version 2
    expect(await titles('知识产权')).toEqual([]);
    const revised = (await searchPolicies(t.em(), '创业补贴')).find((h) => h.title === '一次性创业补贴')!;
    expect(revised.versionNo).toBe(2);
    // the hit carries whom to hand the question to and the matching items
    const high = (await searchPolicies(t.em(), '高龄津贴'))[0];
    expect(high).toMatchObject({
      leadDepartment: '东城区',
      withoutApplication: true,
      liaisons: [{ name: '民政科 许敏', phone: '0571-86010012' }],
    });
    expect(high.items.map((i) => i.no)).toEqual([1, 2]);
    const startup = (await searchPolicies(t.em(), '创业补贴')).find((h) => h.title === '一次性创业补贴')!;
    expect(startup.chiefRepresentative?.name).toBe('市人力资源和社会保障局承办人');
    expect(await searchPoliciesFor(t.em(), t.as('operator'), { q: '高龄' })).not.toHaveLength(0);
  });

  it('seeds a demo catalogue across the five domains, some 免申即享 with json-logic rules', async () => {
    const list = await publishedPolicies(t.em());
    expect(new Set(list.map((p) => p.domain))).toEqual(
      new Set(['people', 'enterprise', 'talent', 'investment', 'finance']),
    );
    expect(list.filter((p) => p.withoutApplication).length).toBeGreaterThanOrEqual(10);
    expect((await publishedPolicies(t.em(), { domain: 'finance' })).every((p) => p.domain === 'finance')).toBe(true);
    // the public list finds by the same words as the operator's search; an unknown domain lists all
    expect((await publishedPolicies(t.em(), { q: '贴息', domain: 'finance' })).map((p) => p.title).sort()).toEqual(
      ['创业担保贷款贴息', '小微企业贷款贴息'].sort(),
    );
    expect(await publishedPolicies(t.em(), { domain: 'galactic' })).toHaveLength(list.length);
    const rules = await t.sql<{ rule: unknown }>(`select rule from policy where rule is not null`);
    expect(rules.length).toBeGreaterThanOrEqual(10);
    expect((await verifyChains(t.em(), POLICY_TRAIL)).broken).toEqual([]);
  });
});
