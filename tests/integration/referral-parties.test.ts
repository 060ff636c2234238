import { describe, expect, it } from 'vitest';
import { Forbidden, InvalidInput } from '../../app/domain/errors';
import { sendAppealEvent } from '../../app/case-links/refer.server';
import { referralDetail } from '../../app/referrals/detail.server';
import { printReferralDocument } from '../../app/referrals/print.server';
import { openIdNumber } from '../../app/security/id-number.server';
import { submitAppeal } from '../support/appeals';
import { DB_KINDS } from '../support/env';
import { stepReferral } from '../support/referrals';
import { useTestServices } from '../support/services';

// Sessions are recorded as held only once planned, arbitration records its parties (the applicant's ID
// number sealed, the employer's credit code checked) and prints its award for the people allowed to.
describe.each(DB_KINDS)('referral parties, sessions held and the award on %s', (kind) => {
  const t = useTestServices(kind);

  async function refer(agencyCode: string) {
    const a = await submitAppeal(t.services, t.ids);
    await sendAppealEvent(t.services, {
      appealId: a.id,
      expectedVersion: a.version,
      type: 'REFER',
      payload: { agencyId: t.ids.departments.get(agencyCode)!, note: '劳动争议' },
      actor: t.as('dispatcher'),
    });
    const [r] = await t.sql<{ id: number }>('select id from referral where appeal_id = ? order by id', [a.id]);
    return { appealId: a.id, referralId: r.id };
  }
  const step = (referralId: number, user: string, type: string, payload: Record<string, unknown> = {}) =>
    stepReferral(t.services, referralId, t.as(user), type, payload);
  const refusal = async (p: Promise<unknown>) => {
    const err = await p.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InvalidInput);
    return (err as InvalidInput).fieldErrors;
  };
  const parties = {
    applicantName: '赵铁柱',
    applicantIdNumber: '11010519491231002X',
    applicantPhone: '13700001111',
    applicantAddress: '示范市和平里5号',
    respondentName: '示范市顺达物流有限公司',
    respondentCreditCode: '91350100M000100Y43',
    respondentAddress: '示范市经开区物流园8号',
    respondentRepresentative: '钱有福',
    claims: '支付拖欠工资人民币壹万贰仟元',
  };

  it('refuses to record a session before its planned time, with the reason on the field, and writes nothing', async () => {
    const { referralId } = await refer('R01');
    await step(referralId, 'mediator', 'ACCEPT');
    await step(referralId, 'mediator', 'ADD_PARTY', { name: '张三', side: 'applicant' });
    const planned = new Date(Date.now() + 8 * 86_400_000);
    await step(referralId, 'mediator', 'SCHEDULE_SESSION', { scheduledAt: planned.toISOString(), place: '调解室' });
    const [before] = await t.sql<{ version: number }>('select version from referral where id = ?', [referralId]);
    const record = (extra: Record<string, unknown> = {}) =>
      step(referralId, 'mediator', 'RECORD_SESSION', { no: 1, minutes: '笔录', attendeePartyIds: [1], ...extra });
    expect(await refusal(record())).toEqual({ heldAt: ['尚未到约定时间，不能记录为已举行'] });
    expect(await refusal(record({ heldAt: new Date(Date.now() + 9 * 86_400_000).toISOString() }))).toEqual({
      heldAt: ['举行时间不能晚于当前时间'],
    });
    const [after] = await t.sql<{ version: number }>('select version from referral where id = ?', [referralId]);
    expect(after.version).toBe(before.version);
    const d = await referralDetail(t.em(), t.as('mediator'), referralId);
    expect(d.openSessions).toEqual([]);
    expect(d.actions).not.toContain('RECORD_SESSION');

    // A session planned for this morning, recorded in the afternoon with the time it was held.
    const morning = new Date(Date.now() - 5 * 3600_000);
    await step(referralId, 'mediator', 'SCHEDULE_SESSION', { scheduledAt: morning.toISOString(), place: '调解室' });
    const rec2 = (heldAt: Date) =>
      step(referralId, 'mediator', 'RECORD_SESSION', {
        no: 2,
        minutes: '笔录',
        attendeePartyIds: [1],
        heldAt: heldAt.toISOString(),
      });
    expect(await refusal(rec2(new Date(morning.getTime() - 3600_000)))).toEqual({
      heldAt: ['举行时间不能早于约定时间'],
    });
    const held = new Date(morning.getTime() + 30 * 60_000);
    await rec2(held);
    const d2 = await referralDetail(t.em(), t.as('mediator'), referralId);
    expect(d2.sessions.map((s) => s.heldAt !== null)).toEqual([false, true]);
  });

  it('records the arbitration parties with the ID number sealed, checks the credit code, and prints the award', async () => {
    const { referralId, appealId } = await refer('R03');
    // Refused with the field's reason: a wrong check character in either identifier.
    expect(
      await refusal(
        step(referralId, 'arbitrator', 'SET_PARTIES', { ...parties, applicantIdNumber: '110105194912310021' }),
      ),
    ).toHaveProperty('applicantIdNumber');
    expect(
      await refusal(
        step(referralId, 'arbitrator', 'SET_PARTIES', { ...parties, respondentCreditCode: '91350100M000100Y44' }),
      ),
    ).toEqual({ respondentCreditCode: ['统一社会信用代码校验位不正确，请核对'] });
    const { applicantIdNumber: _id, ...withoutId } = parties;
    expect(await refusal(step(referralId, 'arbitrator', 'SET_PARTIES', withoutId))).toEqual({
      applicantIdNumber: ['请填写申请人身份证号'],
    });
    // A client cannot bring its own sealed value.
    expect(
      await refusal(
        step(referralId, 'arbitrator', 'SET_PARTIES', { ...withoutId, applicantIdNumberSealed: 'v1.x.forged' }),
      ),
    ).toEqual({ applicantIdNumber: ['请填写申请人身份证号'] });

    await step(referralId, 'arbitrator', 'SET_PARTIES', parties);
    await step(referralId, 'arbitrator', 'ACCEPT');
    // Corrected before the hearing, the ID number left empty: it stays as recorded.
    await step(referralId, 'arbitrator', 'SET_PARTIES', { ...withoutId, claims: '支付拖欠工资及经济补偿' });
    const [row] = await t.sql<{ snapshot: { context: { parties: { applicant: { idNumberSealed: string } } } } }>(
      'select snapshot from referral where id = ?',
      [referralId],
    );
    const snapshot = typeof row.snapshot === 'string' ? JSON.parse(row.snapshot) : row.snapshot;
    expect(openIdNumber(snapshot.context.parties.applicant.idNumberSealed)).toBe('11010519491231002X');
    const trail = await t.sql('select payload from referral_event where referral_id = ?', [referralId]);
    expect(JSON.stringify(trail)).not.toContain('11010519491231002');

    const d = await referralDetail(t.em(), t.as('arbitrator'), referralId);
    expect(d.arbitrationParties).toEqual({
      applicant: { name: '赵铁柱', idNumber: '110105********002X', phone: '137****1111', address: '示范市和平里5号' },
      respondent: {
        name: '示范市顺达物流有限公司',
        creditCode: '91350100M000100Y43',
        address: '示范市经开区物流园8号',
        representative: '钱有福',
        phone: '',
      },
      claims: '支付拖欠工资及经济补偿',
    });
    expect(d.mayPrint).toBe(false);

    await step(referralId, 'arbitrator', 'SCHEDULE_HEARING', {
      scheduledAt: new Date(Date.now() - 3600_000).toISOString(),
      place: '第一仲裁庭',
    });
    await step(referralId, 'arbitrator', 'RECORD_HEARING', { no: 1, minutes: '双方到庭陈述' });
    await expect(step(referralId, 'arbitrator', 'SET_PARTIES', parties)).rejects.toMatchObject({ status: 409 });
    await step(referralId, 'arbitrator', 'AWARD', { text: '被申请人支付申请人工资壹万贰仟元。', resolved: true });
    expect((await referralDetail(t.em(), t.as('arbitrator'), referralId)).mayPrint).toBe(true);

    const printed = await printReferralDocument(t.em(), t.as('arbitrator'), referralId, 'award');
    expect(printed.pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    await expect(printReferralDocument(t.em(), t.as('reviewer'), referralId, 'award')).rejects.toBeInstanceOf(
      Forbidden,
    );
    await expect(printReferralDocument(t.em(), t.as('mediator'), referralId, 'award')).rejects.toMatchObject({
      status: 404,
    });
    const logged = await t.sql<{ appeal_id: number; field: string }>(
      'select appeal_id, field from access_log where referral_id = ?',
      [referralId],
    );
    expect(logged).toEqual([{ appeal_id: appealId, field: 'arbitrationAward' }]);
  });
});
