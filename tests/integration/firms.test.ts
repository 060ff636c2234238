import { describe, expect, it } from 'vitest';
import { isUnifiedSocialCreditCode } from '../../machines/identifiers';
import { createDraft } from '../../app/appeals/intake.server';
import { Conflict, Forbidden, InvalidInput } from '../../app/domain/errors';
import {
  citizenFactsByPhone,
  firmFactsByCode,
  firmFactsByPhone,
  minCreditRating,
  setMinCreditRating,
} from '../../app/eligibility/facts.server';
import { evaluateEligibility, matchPolicies } from '../../app/eligibility/rules';
import { testRule } from '../../app/eligibility/tester.server';
import {
  createFirm,
  firmById,
  firmHistory,
  firmsByPhone,
  searchFirms,
  setFirmBlacklist,
  updateFirm,
} from '../../app/firms/firms.server';
import { DEMO_FIRM_CALLERS } from '../../app/seed/demo-firms.server';
import { DB_KINDS } from '../support/env';
import { useTestServices } from '../support/services';

// The firms the city knows: the demo seed, the admin's changes (validated, audited, version-guarded), the blacklist,
// and the facts eligibility reads from firms and citizens.

const NOW = new Date('2026-12-02T10:00:00+08:00');

describe.each(DB_KINDS)('firms on %s', (kind) => {
  const t = useTestServices(kind);
  const admin = () => t.as('admin');
  const d01 = () => t.ids.departments.get('D01')!;
  const form = (over: Record<string, unknown> = {}) => ({
    creditCode: '91330100716105852F',
    name: '示范市测试科技有限公司',
    industry: 'i65',
    size: 'small',
    foundedOn: '2024-05-01',
    districtId: String(d01()),
    creditRating: 'A',
    contacts: [{ phone: '13966660001', name: '赵经理', role: '法定代表人' }],
    ...over,
  });
  const count = async (sql: string) => (await t.sql<{ n: number }>(`select count(*)::int as n from ${sql}`))[0].n;
  const firmEvents = () => count(`security_event where detail ->> 'setting' = 'firm'`);

  it('seeds a few hundred demo firms, every credit code valid, some blacklisted or rated low, callers linked', async () => {
    const codes = await t.sql<{ credit_code: string }>('select credit_code from firm');
    expect(codes.length).toBe(300);
    expect(codes.every((c) => isUnifiedSocialCreditCode(c.credit_code))).toBe(true);
    expect(
      await count('firm where blacklisted and blacklist_reason is not null and blacklisted_since is not null'),
    ).toBeGreaterThan(3);
    expect(await count(`firm where credit_rating in ('C', 'D')`)).toBeGreaterThan(10);
    for (const caller of DEMO_FIRM_CALLERS)
      expect((await firmsByPhone(t.em(), caller.phone)).length, caller.phone).toBe(caller.firms.length);
    const [blacklisted] = await firmsByPhone(t.em(), '13712340002');
    expect(blacklisted.blacklisted).toBe(true);
  });

  it('refuses a firm with a bad credit code, saving nothing, and saves it once corrected', async () => {
    const firms = await count('firm');
    const events = await firmEvents();
    const bad = await createFirm(t.em(), admin(), form({ creditCode: '91330100716105852E' }), null, NOW).catch(
      (e) => e,
    );
    expect(bad).toBeInstanceOf(InvalidInput);
    expect((bad as InvalidInput).fieldErrors.creditCode).toEqual(['统一社会信用代码校验位不正确，请核对']);
    const parts = await createFirm(
      t.em(),
      admin(),
      form({ creditCode: '91330100716105853F', industry: 'C99', contacts: [{ phone: '123' }] }),
      null,
      NOW,
    ).catch((e) => e);
    expect((parts as InvalidInput).fieldErrors).toMatchObject({
      creditCode: ['统一社会信用代码第 9–17 位（组织机构代码）校验不通过'],
      industry: [expect.stringMatching(/^大类 99 不属于门类 C/)],
      'contacts.0.phone': ['电话应为 11 位手机号或带区号的固定电话'],
    });
    expect(await count('firm')).toBe(firms);
    expect(await firmEvents()).toBe(events);

    const { id } = await createFirm(t.em(), admin(), form({ creditCode: ' 9133 0100 7161 0585 2f ' }), null, NOW);
    const firm = await firmById(t.em(), admin(), id);
    expect(firm).toMatchObject({
      creditCode: '91330100716105852F',
      industry: 'I65',
      districtCode: 'D01',
      blacklisted: false,
      version: 1,
      contacts: [{ phone: '13966660001', name: '赵经理', role: '法定代表人' }],
    });
    expect(await firmEvents()).toBe(events + 1);
    const again = await createFirm(t.em(), admin(), form({ name: '另一家公司' }), null, NOW).catch((e) => e);
    expect((again as InvalidInput).fieldErrors.creditCode).toEqual(['该统一社会信用代码已登记']);
    expect(await count('firm')).toBe(firms + 1);
  });

  it('finds firms by part of the name, the start of the code, or a contact phone', async () => {
    const byName = await searchFirms(t.em(), admin(), { q: '测试科技' });
    expect(byName.firms.map((f) => f.creditCode)).toEqual(['91330100716105852F']);
    expect((await searchFirms(t.em(), admin(), { q: '913301007161' })).firms).toHaveLength(1);
    expect((await searchFirms(t.em(), admin(), { q: '13966660001' })).firms).toHaveLength(1);
    expect((await searchFirms(t.em(), admin(), { q: '13800001111' })).total).toBe(2);
    expect((await searchFirms(t.em(), admin(), { q: '100%' })).total).toBe(0);
    const listed = await searchFirms(t.em(), admin(), { blacklisted: true });
    expect(listed.total).toBeGreaterThan(3);
    expect(listed.firms.every((f) => f.blacklisted)).toBe(true);
    const all = await searchFirms(t.em(), admin(), { limit: 20 });
    expect(all.firms).toHaveLength(20);
    expect(all.total).toBe(301);
  });

  it('edits on the version read: of two edits made on the same version, one is refused', async () => {
    const [firm] = (await searchFirms(t.em(), admin(), { q: '测试科技' })).firms;
    const edit = (name: string) =>
      updateFirm(t.em(), admin(), firm.id, { ...form({ name }), version: String(firm.version) }, null, NOW).then(
        () => 'saved',
        (e: unknown) => (e instanceof Conflict ? e.code : e),
      );
    const outcomes = await Promise.all([edit('示范市测试科技甲有限公司'), edit('示范市测试科技乙有限公司')]);
    expect(outcomes.sort()).toEqual(['saved', 'stale']);
    const after = await firmById(t.em(), admin(), firm.id);
    expect(after.version).toBe(firm.version + 1);
    expect(['示范市测试科技甲有限公司', '示范市测试科技乙有限公司']).toContain(after.name);
  });

  it('blacklists a firm with its reason, audited; then the gate never matches it; taking it off needs a reason', async () => {
    const [firm] = (await searchFirms(t.em(), admin(), { q: '测试科技' })).firms;
    const facts = async () => (await firmFactsByCode(t.em(), firm.creditCode, '2026-12-02'))!.facts;
    const young = { '<=': [{ var: 'ageYears' }, 3] };
    expect(evaluateEligibility(young, await facts()).outcome).toBe('matched');

    const noReason = await setFirmBlacklist(
      t.em(),
      admin(),
      firm.id,
      { blacklisted: 'true', reason: '', version: String(firm.version) },
      null,
      NOW,
    ).catch((e) => e);
    expect((noReason as InvalidInput).fieldErrors.reason).toEqual(['请填写列入黑名单的原因']);
    const stale = await setFirmBlacklist(
      t.em(),
      admin(),
      firm.id,
      { blacklisted: 'true', reason: '列入失信被执行人名单', version: String(firm.version - 1 || 99) },
      null,
      NOW,
    ).catch((e) => e);
    expect(stale).toBeInstanceOf(Conflict);

    await setFirmBlacklist(
      t.em(),
      admin(),
      firm.id,
      { blacklisted: 'true', reason: '列入失信被执行人名单', version: String(firm.version) },
      null,
      NOW,
    );
    const listed = await firmById(t.em(), admin(), firm.id);
    expect(listed).toMatchObject({
      blacklisted: true,
      blacklistReason: '列入失信被执行人名单',
      blacklistedSince: '2026-12-02',
    });
    expect(evaluateEligibility(young, await facts())).toMatchObject({ reason: 'gate', gate: 'blacklisted' });
    expect(matchPolicies([{ id: 1, rule: true }], await facts()).matched).toEqual([]);
    const twice = await setFirmBlacklist(
      t.em(),
      admin(),
      firm.id,
      { blacklisted: 'true', reason: '再次列入', version: String(listed.version) },
      null,
      NOW,
    ).catch((e) => e);
    expect(twice).toBeInstanceOf(Conflict);

    const [event] = await t.sql<{ detail: Record<string, unknown>; actor_id: number }>(
      `select detail, actor_id from security_event where detail ->> 'change' = 'blacklisted' and detail ->> 'firmId' = ?`,
      [String(firm.id)],
    );
    const detail = typeof event.detail === 'string' ? JSON.parse(event.detail) : event.detail;
    expect(event.actor_id).toBe(t.ids.users.get('admin')!.id);
    expect(detail).toMatchObject({
      reason: '列入失信被执行人名单',
      before: { blacklisted: false },
      after: { blacklisted: true },
    });
    expect(JSON.stringify(detail)).not.toContain('13966660001'); // contacts masked

    const noClearReason = await setFirmBlacklist(
      t.em(),
      admin(),
      firm.id,
      { blacklisted: 'false', version: String(listed.version) },
      null,
      NOW,
    ).catch((e) => e);
    expect((noClearReason as InvalidInput).fieldErrors.reason).toEqual(['请填写移出黑名单的原因']);
    await setFirmBlacklist(
      t.em(),
      admin(),
      firm.id,
      { blacklisted: 'false', reason: '信用修复完成', version: String(listed.version) },
      null,
      NOW,
    );
    expect(await firmById(t.em(), admin(), firm.id)).toMatchObject({
      blacklisted: false,
      blacklistReason: null,
      blacklistedSince: null,
    });
    expect((await firmHistory(t.em(), admin(), firm.id)).map((h) => [h.change, h.reason])).toEqual([
      ['unblacklisted', '信用修复完成'],
      ['blacklisted', '列入失信被执行人名单'],
      ['updated', null],
      ['registered', null],
    ]);
  });

  it('lets only admins keep firms', async () => {
    for (const user of ['operator', 'supervisor', 'handler']) {
      await expect(searchFirms(t.em(), t.as(user), {})).rejects.toBeInstanceOf(Forbidden);
      await expect(createFirm(t.em(), t.as(user), form({ creditCode: '91440300708461136T' }))).rejects.toBeInstanceOf(
        Forbidden,
      );
      await expect(testRule(t.em(), t.as(user), { rule: 'true', source: 'person' })).rejects.toBeInstanceOf(Forbidden);
      await expect(setMinCreditRating(t.em(), t.as(user), { minCreditRating: 'C' }, null)).rejects.toBeInstanceOf(
        Forbidden,
      );
    }
  });

  it('reads a citizen’s facts from the record: age and sex from the ID number, district from the last located appeal', async () => {
    expect(await citizenFactsByPhone(t.em(), '13955557777', '2026-12-02')).toBeNull();
    await createDraft(t.services, t.as('operator'), {
      type: 'consultation',
      urgency: 'normal',
      categoryId: t.ids.categories.get('0201')!,
      callerPhone: '13955557777',
      citizenName: '孙奶奶',
      idNumber: '110101194603150020',
      title: '高龄津贴怎么领',
      content: '我今年八十岁了，想问高龄津贴怎么领取。',
      gridId: t.ids.grids.get('G09'), // 西城区
    });
    const person = await citizenFactsByPhone(t.em(), '13955557777', '2026-12-02');
    expect(person?.facts).toEqual({
      subject: 'person',
      district: 'D02',
      birthDate: '1946-03-15',
      sex: 'female',
      age: 80,
    });
    expect(evaluateEligibility({ '>=': [{ var: 'age' }, 80] }, person!.facts).outcome).toBe('matched');
  });

  it('reads the firms a phone speaks for, and the credit threshold the city set', async () => {
    const firms = await firmFactsByPhone(t.em(), '13800001111', '2026-12-02');
    expect(firms).toHaveLength(2);
    expect(firms.every((f) => f.facts.subject === 'firm' && typeof f.facts.ageYears === 'number')).toBe(true);
    const [lowRated] = await firmFactsByPhone(t.em(), '13800007002', '2026-12-02');
    expect(lowRated.facts.creditRating).toBe('C');
    expect(await minCreditRating(t.em())).toBe('B');
    expect(
      matchPolicies([{ id: 1, rule: true }], lowRated.facts, { minCreditRating: await minCreditRating(t.em()) }).gate,
    ).toBe('belowCreditThreshold');
    await setMinCreditRating(t.em(), admin(), { minCreditRating: 'C' }, null);
    expect(await minCreditRating(t.em())).toBe('C');
    expect(
      matchPolicies([{ id: 1, rule: true }], lowRated.facts, { minCreditRating: await minCreditRating(t.em()) })
        .matched,
    ).toEqual([1]);
    await expect(setMinCreditRating(t.em(), admin(), { minCreditRating: 'E' }, null)).rejects.toBeInstanceOf(
      InvalidInput,
    );
    await setMinCreditRating(t.em(), admin(), { minCreditRating: 'B' }, null);
    expect(await count(`security_event where detail ->> 'setting' = 'policy.minCreditRating'`)).toBe(2);
  });

  it('tests a typed rule on sample facts or a known firm, and refuses malformed input', async () => {
    const aged = JSON.stringify({ '>=': [{ var: 'age' }, 80] });
    const sample = await testRule(t.em(), admin(), { rule: aged, source: 'person', age: '80', on: '2026-12-02' }, NOW);
    expect(sample.result.outcome).toBe('matched');
    expect(sample.facts).toContainEqual({ name: 'age', label: '年龄（周岁）', value: '80' });
    const byId = await testRule(t.em(), admin(), { rule: aged, source: 'person', idNumber: '110101199003071233' }, NOW);
    expect(byId.result).toMatchObject({ outcome: 'notMatched', reason: 'rule' });
    const [blacklisted] = await firmsByPhone(t.em(), '13712340002');
    const known = await testRule(
      t.em(),
      admin(),
      { rule: 'true', source: 'knownFirm', knownCreditCode: blacklisted.creditCode },
      NOW,
    );
    expect(known.result).toMatchObject({ outcome: 'notMatched', reason: 'gate', gate: 'blacklisted' });
    const citizen = await testRule(t.em(), admin(), { rule: aged, source: 'citizen', phone: '13955557777' }, NOW);
    expect(citizen).toMatchObject({ subject: '市民 139****7777', result: { outcome: 'matched' } });
    expect(citizen.facts).toContainEqual({ name: 'birthDate', label: '出生日期', value: '1946-**-**' });

    const notJson = await testRule(t.em(), admin(), { rule: '{age >= 80}', source: 'person' }).catch((e) => e);
    expect((notJson as InvalidInput).fieldErrors.rule[0]).toMatch(/^规则不是有效的 JSON/);
    const badOp = await testRule(t.em(), admin(), { rule: '{"older": 80}', source: 'person', age: '90' });
    expect(badOp.result).toMatchObject({ outcome: 'error', errors: ['未知的运算符「older」'] });
    const unknown = await testRule(t.em(), admin(), {
      rule: 'true',
      source: 'knownFirm',
      knownCreditCode: '91440300708461136T',
    }).catch((e) => e);
    expect((unknown as InvalidInput).fieldErrors.knownCreditCode).toEqual(['企业库中没有该统一社会信用代码']);
    const badId = await testRule(t.em(), admin(), {
      rule: aged,
      source: 'person',
      idNumber: '110101199003071234',
    }).catch((e) => e);
    expect((badId as InvalidInput).fieldErrors.idNumber).toEqual(['身份证号校验不通过，请核对']);
  });
});
