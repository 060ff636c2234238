import { describe, expect, it } from 'vitest';
import { en } from '../../app/i18n/en';
import * as labels from '../../app/ui/referral-labels';
import { REFERRAL_KIND_LABELS, REFERRAL_OUTCOME_LABELS } from '../../app/ui/labels';
import { REFERRAL_DEFINITIONS } from '../../machines/referrals';
import { Forbidden, NotFound } from '../../app/domain/errors';
import { referralDetail } from '../../app/referrals/detail.server';
import { printReferralDocument } from '../../app/referrals/print.server';
import { beijingLocalToIso, referralPayloadFromForm } from '../../app/referrals/forms.server';
import { referralQueue } from '../../app/referrals/queue.server';
import { sendAppealEvent } from '../../app/case-links/refer.server';
import { submitAppeal } from '../support/appeals';
import { DB_KINDS } from '../support/env';
import { stepReferral } from '../support/referrals';
import { useTestServices } from '../support/services';

describe.each(DB_KINDS)('referral case page and queue on %s', (kind) => {
  const t = useTestServices(kind);
  const agency = (code: string) => t.ids.departments.get(code)!;

  async function refer(agencyCode: string) {
    const a = await submitAppeal(t.services, t.ids);
    await sendAppealEvent(t.services, {
      appealId: a.id,
      expectedVersion: a.version,
      type: 'REFER',
      payload: { agencyId: agency(agencyCode), note: '邻里纠纷' },
      actor: t.as('dispatcher'),
    });
    const [r] = await t.sql<{ id: number; number: string }>(
      'select id, number from referral where appeal_id = ? order by id',
      [a.id],
    );
    return { appealId: a.id, appealNumber: a.number, referralId: r.id, number: r.number };
  }
  const step = (referralId: number, user: string, type: string, payload: Record<string, unknown> = {}) =>
    stepReferral(t.services, referralId, t.as(user), type, payload);

  it('shows the agency its case with masked parties, local times, clocks, timeline and the actions it may take', async () => {
    const { referralId, appealNumber, appealId } = await refer('R01');
    const fresh = await referralDetail(t.em(), t.as('mediator'), referralId);
    expect(fresh).toMatchObject({ kind: 'mediation', phase: 'referred', agencyName: '市人民调解委员会', final: false });
    expect(fresh.appeal.number).toBe(appealNumber);
    expect(fresh.appeal).not.toHaveProperty('callerPhone');
    expect(JSON.stringify(fresh)).not.toContain('13800001234'); // the caller of the appeal is never sent
    expect(fresh.actions.sort()).toEqual(['ACCEPT', 'NOTE', 'REFUSE']);
    expect(fresh.clocks).toHaveLength(1);
    expect(fresh.clocks[0]).toMatchObject({ name: 'accept', label: '受理期限', state: 'running' });
    expect(fresh.clocks[0].dueAt).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(fresh.clocks[0].remaining).toMatch(/工作日|小时|分/);

    await step(referralId, 'mediator', 'ACCEPT');
    await step(referralId, 'mediator', 'ADD_PARTY', {
      name: '张三',
      side: 'applicant',
      phone: '13812345678',
      idNumber: '11010519491231002x',
      address: '幸福路12号502室',
    });
    await step(referralId, 'mediator', 'ADD_PARTY', { name: '李四', side: 'respondent' });
    // Planned for a day gone by: it can be recorded as held now.
    await step(referralId, 'mediator', 'SCHEDULE_SESSION', {
      scheduledAt: beijingLocalToIso('2026-01-02T09:30'),
      place: '社区调解室',
    });
    const d = await referralDetail(t.em(), t.as('mediator'), referralId);
    expect(d.parties).toEqual([
      {
        id: 1,
        name: '张三',
        side: 'applicant',
        phone: '138****5678',
        idNumber: '110105********002X',
        address: '幸福路12号502室',
      },
      { id: 2, name: '李四', side: 'respondent', phone: '', idNumber: '', address: null },
    ]);
    expect(JSON.stringify(d)).not.toContain('13812345678');
    expect(JSON.stringify(d)).not.toContain('11010519491231002X');
    // The ID number is sealed in the snapshot and in the audit row; the clear number is stored nowhere.
    const [stored] = await t.sql<{ snapshot: unknown }>('select snapshot from referral where id = ?', [referralId]);
    const trail = await t.sql<{ payload: unknown }>('select payload from referral_event where referral_id = ?', [
      referralId,
    ]);
    expect(JSON.stringify([stored, trail])).not.toMatch(/11010519491231002/i);
    expect(JSON.stringify(stored)).toMatch(/"idNumberSealed":"v1\./);
    expect(d.sessions[0]).toMatchObject({ no: 1, scheduledAt: '2026-01-02 09:30', place: '社区调解室', heldAt: null });
    expect(d.openSessions.map((s) => s.no)).toEqual([1]);
    expect(d.clocks.map((c) => [c.name, c.state])).toEqual([
      ['accept', 'stopped'],
      ['mediation', 'running'],
    ]);
    expect(d.actions).toEqual(
      expect.arrayContaining(['ADD_PARTY', 'SCHEDULE_SESSION', 'RECORD_SESSION', 'FAIL', 'NOTE']),
    );
    expect(d.actions).not.toContain('REACH_AGREEMENT');
    expect(d.referOnAgencies.map((a) => a.kind).sort()).toEqual(['arbitration', 'legalAid']);
    expect(d.timeline.map((e) => e.type)).toEqual(['REFER', 'ACCEPT', 'ADD_PARTY', 'ADD_PARTY', 'SCHEDULE_SESSION']);
    expect(d.timeline[2]).toMatchObject({
      actor: '调解员 赵敏',
      role: 'mediator',
      summaryLabel: '申请人',
      summaryText: '张三',
    });
    expect(d.mayAddDocument).toBe(true);
    expect(d.mayPrint).toBe(false);
    // No agreement yet: nothing to print, and no print recorded.
    await expect(printReferralDocument(t.em(), t.as('mediator'), referralId, 'agreement')).rejects.toBeInstanceOf(
      NotFound,
    );
    expect(await t.sql('select 1 from access_log where referral_id = ?', [referralId])).toHaveLength(0);

    await step(referralId, 'mediator', 'RECORD_SESSION', { no: 1, minutes: '双方陈述意见', attendeePartyIds: [1, 2] });
    await step(referralId, 'mediator', 'REACH_AGREEMENT', { text: '李四修复漏水管道。', signedPartyIds: [1, 2] });
    const agreed = await referralDetail(t.em(), t.as('mediator'), referralId);
    expect(agreed.agreement).toMatchObject({ text: '李四修复漏水管道。', signedBy: ['张三', '李四'] });
    expect(agreed.sessions[0]).toMatchObject({
      attendees: ['张三', '李四'],
      record: '双方陈述意见',
      by: '调解员 赵敏',
    });
    expect(agreed.mayPrint).toBe(true);
    expect((await referralDetail(t.em(), t.as('dispatcher'), referralId)).mayPrint).toBe(false);
    const printed = await printReferralDocument(t.em(), t.as('mediator'), referralId, 'agreement');
    expect(printed.fileName).toMatch(/^TJ\d{10}\.pdf$/);
    expect(printed.pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    await printReferralDocument(t.em(), t.as('supervisor'), referralId, 'agreement');
    // The desks that follow the case read it masked; printing it in full is not theirs.
    for (const user of ['dispatcher', 'reviewer', 'admin'])
      await expect(printReferralDocument(t.em(), t.as(user), referralId, 'agreement'), user).rejects.toBeInstanceOf(
        Forbidden,
      );
    await expect(printReferralDocument(t.em(), t.as('mediator'), referralId, 'award')).rejects.toBeInstanceOf(NotFound);
    const logged = await t.sql<{ user_id: number; appeal_id: number; field: string }>(
      'select user_id, appeal_id, field from access_log where referral_id = ? order by id',
      [referralId],
    );
    expect(logged).toEqual([
      { user_id: t.as('mediator').userId, appeal_id: appealId, field: 'mediationAgreement' },
      { user_id: t.as('supervisor').userId, appeal_id: appealId, field: 'mediationAgreement' },
    ]);
    const audit = await t.sql<{ detail: unknown }>(
      "select detail from security_event where kind = 'reveal' and detail->>'referralId' = ?",
      [String(referralId)],
    );
    expect(audit).toHaveLength(2);
    const seen = await referralDetail(t.em(), t.as('mediator'), referralId);
    expect(seen.prints.map((p) => [p.who, p.field])).toEqual([
      ['值班长 周涛', 'mediationAgreement'],
      ['调解员 赵敏', 'mediationAgreement'],
    ]);
    expect((await referralDetail(t.em(), t.as('dispatcher'), referralId)).prints).toEqual([]);
  });

  it("answers 404 to anyone outside the case's agency and the city desks, and shows them no actions", async () => {
    const { referralId } = await refer('R01');
    for (const user of ['counsellor', 'legalaid', 'handler', 'operator', 'gridworker']) {
      await expect(referralDetail(t.em(), t.as(user), referralId)).rejects.toBeInstanceOf(NotFound);
      await expect(printReferralDocument(t.em(), t.as(user), referralId, 'agreement')).rejects.toBeInstanceOf(NotFound);
    }
    for (const user of ['dispatcher', 'reviewer', 'supervisor', 'admin', 'mediator2']) {
      const d = await referralDetail(t.em(), t.as(user), referralId);
      expect(d.actions).toEqual(user === 'mediator2' ? expect.arrayContaining(['ACCEPT']) : []);
      expect(d.mayAddDocument).toBe(user === 'mediator2');
    }
    await expect(referralDetail(t.em(), t.as('dispatcher'), 999_999)).rejects.toBeInstanceOf(NotFound);
  });

  it('links a failed mediation and the case it was handed on to, both ways', async () => {
    const { referralId } = await refer('R01');
    await step(referralId, 'mediator', 'ACCEPT');
    await step(referralId, 'mediator', 'FAIL', {
      reason: '被申请人拒绝调解',
      nextRoute: 'legalAid',
      referOnAgencyId: agency('R02'),
    });
    const parent = await referralDetail(t.em(), t.as('dispatcher'), referralId);
    expect(parent).toMatchObject({
      phase: 'failed',
      final: true,
      outcome: 'referredOn',
      failure: { reason: '被申请人拒绝调解', nextRoute: 'legalAid' },
      actions: [],
    });
    expect(parent.children).toHaveLength(1);
    const child = await referralDetail(t.em(), t.as('legalaid'), parent.children[0].id);
    expect(child).toMatchObject({
      kind: 'legalAid',
      phase: 'applied',
      parent: { id: referralId, kind: 'mediation', phase: 'failed' },
    });
    expect(child.clocks[0]).toMatchObject({ name: 'decision', label: '审查决定期限' });
    expect(child.clocks[0].remaining).toMatch(/^剩余 .*(天|小时)/); // a calendar-day clock counts calendar time, not working days
    expect(child.clocks[0].remaining).not.toContain('工作日');
    // The mediator of the first agency cannot open the legal aid case.
    await expect(referralDetail(t.em(), t.as('mediator'), child.id)).rejects.toBeInstanceOf(NotFound);
  });

  it("queues an agency's own open cases by nearest deadline and closed ones newest first; the city sees all and filters by kind", async () => {
    const a = await refer('R04');
    const b = await refer('R04');
    const closed = await refer('R04');
    await step(closed.referralId, 'counsellor', 'REFUSE', { reason: '不属于心理服务范围' });
    await refer('R03');

    const open = await referralQueue(t.em(), t.as('counsellor'), { tab: 'open' });
    expect(open.mayFilter).toBe(false);
    expect(open.items.every((i) => i.kind === 'counselling')).toBe(true);
    const ids = open.items.map((i) => i.id);
    expect(ids).toEqual(expect.arrayContaining([a.referralId, b.referralId]));
    expect(ids).not.toContain(closed.referralId);
    expect(ids.indexOf(a.referralId)).toBeLessThan(ids.indexOf(b.referralId));
    expect(open.items[0]).toMatchObject({ agencyName: '市心理援助中心', clockState: 'onTime' });
    expect(open.items[0].nextDueAt).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    const done = await referralQueue(t.em(), t.as('counsellor'), { tab: 'closed' });
    expect(done.items.map((i) => i.id)).toContain(closed.referralId);
    expect(done.items.find((i) => i.id === closed.referralId)).toMatchObject({ phase: 'refused', outcome: 'refused' });
    expect(open.counts).toEqual({ open: open.items.length, closed: done.items.length });

    const city = await referralQueue(t.em(), t.as('supervisor'), { tab: 'open' });
    expect(new Set(city.items.map((i) => i.kind)).size).toBeGreaterThan(1);
    const arbitration = await referralQueue(t.em(), t.as('dispatcher'), { tab: 'open', kind: 'arbitration' });
    expect(arbitration.items.length).toBeGreaterThan(0);
    expect(arbitration.items.every((i) => i.kind === 'arbitration')).toBe(true);
    // A mediator's kind filter never widens his scope.
    const own = await referralQueue(t.em(), t.as('counsellor'), { tab: 'open', kind: 'arbitration' });
    expect(own.items.every((i) => i.kind === 'counselling')).toBe(true);

    for (const user of ['handler', 'operator', 'gridworker'])
      await expect(referralQueue(t.em(), t.as(user), {})).rejects.toBeInstanceOf(Forbidden);
  });

  it('pages the open queue on a keyset cursor without skipping or repeating cases, cases without a running clock last', async () => {
    const made: number[] = [];
    for (let i = 0; i < 52; i++) made.push((await refer('R02')).referralId);
    // A granted legal aid case has no running clock (next_due_at is null) but is still open.
    for (const id of made.slice(0, 2)) {
      await step(id, 'legalaid', 'ACCEPT');
      await step(id, 'legalaid', 'GRANT', { lawyerName: '王律师', lawyerFirm: '示范律师事务所' });
    }
    const all: { id: number; due: string | null }[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await referralQueue(t.em(), t.as('legalaid'), { cursor });
      expect(page.items.length).toBeLessThanOrEqual(50);
      all.push(...page.items.map((i) => ({ id: i.id, due: i.nextDueAt })));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor && pages < 10);
    const total = (await referralQueue(t.em(), t.as('legalaid'), {})).counts.open;
    expect(pages).toBe(Math.ceil(total / 50));
    expect(all).toHaveLength(total);
    expect(new Set(all.map((x) => x.id)).size).toBe(total);
    expect(
      all
        .slice(-2)
        .map((x) => x.id)
        .sort(),
    ).toEqual(made.slice(0, 2).sort());
    expect(all.slice(-2).every((x) => x.due === null)).toBe(true);
    const dues = all.filter((x) => x.due !== null).map((x) => x.due!);
    expect([...dues].sort()).toEqual(dues);
    await expect(referralQueue(t.em(), t.as('legalaid'), { cursor: 'not a cursor!' })).rejects.toMatchObject({
      status: 400,
    });
  });

  it('builds payloads from forms: ids, yes/no, party lists and Beijing local time', () => {
    const f = new FormData();
    f.set('intent', 'RECORD_SESSION');
    f.set('version', '3');
    f.set('no', '2');
    f.set('attendeePartyIds-present', '1');
    f.append('attendeePartyIds', '1');
    f.append('attendeePartyIds', '3');
    f.set('minutes', ' 笔录 ');
    f.set('dueAt', '2000-01-01T00:00:00Z');
    expect(referralPayloadFromForm('RECORD_SESSION', f)).toEqual({ no: 2, attendeePartyIds: [1, 3], minutes: '笔录' });
    const none = new FormData();
    none.set('text', '协议');
    expect(referralPayloadFromForm('REACH_AGREEMENT', none)).toEqual({ text: '协议', signedPartyIds: [] });
    const fail = new FormData();
    fail.set('reason', 'x');
    fail.set('nextRoute', 'litigation');
    fail.set('referOnAgencyId', '');
    expect(referralPayloadFromForm('FAIL', fail)).toEqual({ reason: 'x', nextRoute: 'litigation' });
    const conclude = new FormData();
    conclude.set('resolved', 'no');
    expect(referralPayloadFromForm('CONCLUDE', conclude)).toEqual({ resolved: false });
    expect(beijingLocalToIso('2026-11-24T09:00')).toBe('2026-11-24T09:00:00+08:00');
    expect(new Date(beijingLocalToIso('2026-11-24T09:00')).toISOString()).toBe('2026-11-24T01:00:00.000Z');
    expect(beijingLocalToIso('tomorrow')).toBe('tomorrow');
  });
});

describe('referral labels', () => {
  it('name every kind, phase, event and clock of every referral machine, in Chinese and in English', () => {
    for (const [kind, def] of Object.entries(REFERRAL_DEFINITIONS)) {
      const keys = [
        REFERRAL_KIND_LABELS[kind],
        ...def.phases.map((p) => labels.referralPhaseLabel(kind, p)),
        ...def.eventTypes.map((t) => labels.referralEventLabel(kind, t)),
        ...def.clockNames.map((c) => labels.REFERRAL_CLOCK_LABELS[c]),
      ];
      for (const key of keys) {
        expect(key, `${kind}: a label is missing`).toMatch(/[\u4e00-\u9fff]/);
        expect(en[key], `${kind}: no English for ${key}`).toBeTruthy();
      }
    }
    const maps = [
      labels.LEGAL_CLOCK_STATE_LABELS,
      labels.REFERRAL_CLOCK_STATE_LABELS,
      labels.PARTY_SIDE_NAMES,
      labels.NEXT_ROUTE_LABELS,
      REFERRAL_OUTCOME_LABELS,
      labels.EXTENSION_STATE_LABELS,
      labels.SESSION_TITLES,
      labels.REFERRAL_DOCUMENT_KIND_NAMES,
    ];
    for (const key of maps.flatMap((m) => Object.values(m))) expect(en[key], `no English for ${key}`).toBeTruthy();
  });
});
