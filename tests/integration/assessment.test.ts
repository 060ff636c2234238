import { describe, expect, it } from 'vitest';
import {
  addSchemeVersion,
  assessmentRanking,
  parseMonth,
  schemeForMonth,
  schemeHistory,
  unitAssessment,
} from '../../app/assessment/assessment.server';
import { applyEvent } from '../../app/appeals/service.server';
import { SYSTEM_ACTOR } from '../../app/cases/actor';
import { drainReportQueue } from '../../app/reports/rollup.server';
import type { Actor } from '../../machines/actor';
import { DB_KINDS } from '../support/env';
import { useTestServices } from '../support/services';
import { submitAppeal } from '../support/appeals';

/**
 * The monthly assessment from appeals driven through the real service and the report roll-up, in a
 * month of its own (March 2025), with exact figures worked out by hand from the default rules
 * (响应率 10%, 解决率 45%, 满意率 45%; 1 point per overdue, 2 per redone appeal).
 */
describe.each(DB_KINDS)('assessment on %s', (kind) => {
  const t = useTestServices(kind);
  const at = (iso: string) => {
    t.services.now = () => new Date(iso);
  };
  const dep = (code: string) => t.ids.departments.get(code)!;
  let appeals: Record<string, number> = {};

  const send = (id: number, type: string, actor: Actor, payload: Record<string, unknown> = {}) =>
    applyEvent(t.services, { appealId: id, type, payload, actor });

  it('scores and ranks units for a month from their rates, less the points for overdue and redone appeals', async () => {
    const cityHandler = t.as('handler'); // 市城市管理局 (F02)
    const housingHandler: Actor = { ...t.as('handler'), departmentIds: [dep('F01')] };
    at('2025-03-10T02:00:00Z');
    const a = Object.fromEntries(
      await Promise.all(
        ['A1', 'A2', 'A3', 'A4', 'B1'].map(async (k) => [k, (await submitAppeal(t.services, t.ids)).id]),
      ),
    ) as Record<string, number>;
    appeals = a;
    for (const k of ['A1', 'A2', 'A3', 'A4'])
      await send(a[k], 'DISPATCH', t.as('dispatcher'), { departmentId: dep('F02') });
    await send(a.B1, 'DISPATCH', t.as('dispatcher'), { departmentId: dep('F01') });
    // Accepted at once: A1, A2, B1. A3 is accepted three weeks late and runs out of time; A4 is never accepted.
    at('2025-03-10T02:10:00Z');
    for (const k of ['A1', 'A2']) await send(a[k], 'ACCEPT', cityHandler);
    await send(a.B1, 'ACCEPT', housingHandler);
    for (const [k, h] of [
      ['A1', cityHandler],
      ['A2', cityHandler],
      ['B1', housingHandler],
    ] as const) {
      await send(a[k], 'REPLY', h, { result: '已处理完毕。', resolved: true });
      await send(a[k], 'APPROVE_REPLY', t.as('reviewer'));
    }
    await send(a.A1, 'FEEDBACK', t.as('reviewer'), { satisfaction: 'satisfied', resolved: true });
    await send(a.A2, 'FEEDBACK', t.as('reviewer'), { satisfaction: 'dissatisfied', resolved: false });
    await send(a.A2, 'REDO', t.as('reviewer'), { reason: '市民反映问题仍在。' });
    await send(a.B1, 'FEEDBACK', t.as('reviewer'), { satisfaction: 'basicallySatisfied', resolved: true });
    at('2025-03-31T02:00:00Z');
    await send(a.A3, 'ACCEPT', cityHandler);
    await send(a.A3, 'OVERDUE', SYSTEM_ACTOR);
    await drainReportQueue(t.em());

    const ranking = await assessmentRanking(t.em(), t.as('supervisor'), '2025-03');
    expect(ranking.scheme).toMatchObject({
      validFrom: '2000-01',
      responseWeight: 10,
      resolutionWeight: 45,
      satisfactionWeight: 45,
      overdueCentipoints: 100,
      redoneCentipoints: 200,
    });
    expect(ranking.units.map((u) => [u.place, u.name, u.score.score])).toEqual([
      [1, '市住房和城乡建设局', 100],
      [2, '市城市管理局', 47],
    ]);
    const city = ranking.units[1].score;
    // Orders 4, accepted in time 2; feedback 2, resolved 1; satisfied 1 of 2.
    expect(city.rates.map((r) => [r.measure, r.numerator, r.denominator, r.value, r.points])).toEqual([
      ['responseRate', 2, 4, 0.5, 5],
      ['resolutionRate', 1, 2, 0.5, 22.5],
      ['satisfactionRate', 1, 2, 0.5, 22.5],
    ]);
    expect(city.ratePoints).toBe(50);
    expect(city.deductions.map((d) => [d.kind, d.count, d.perAppeal, d.points])).toEqual([
      ['overdue', 1, 1, 1],
      ['redone', 1, 2, 2],
    ]);
    expect(city.deductionPoints).toBe(3);

    // The unit's own view: the same figures, its place, and the appeals behind each deduction.
    const own = await unitAssessment(t.em(), cityHandler, dep('F02'), '2025-03');
    expect(own.score).toEqual(city);
    expect([own.place, own.ranked]).toEqual([2, 2]);
    expect(own.appeals.overdue.map((x) => x.appealId)).toEqual([a.A3]);
    expect(own.appeals.redone.map((x) => x.appealId)).toEqual([a.A2]);
  });

  it('shows a department only its own unit, and the ranking only to supervisors and admins', async () => {
    const cityHandler = t.as('handler');
    await expect(unitAssessment(t.em(), cityHandler, dep('F01'), '2025-03')).rejects.toMatchObject({ status: 403 });
    await expect(assessmentRanking(t.em(), cityHandler, '2025-03')).rejects.toMatchObject({ status: 403 });
    await expect(assessmentRanking(t.em(), t.as('operator'), '2025-03')).rejects.toMatchObject({ status: 403 });
    const asAdmin = await unitAssessment(t.em(), t.as('admin'), dep('F01'), '2025-03');
    expect(asAdmin.score.score).toBe(100);
    expect(asAdmin.appeals).toEqual({ overdue: [], redone: [] });
  });

  it('scores a month with the version valid for it, keeps every version, and refuses past months', async () => {
    const now = new Date('2025-03-20T04:00:00Z');
    const admin = t.as('admin');
    const valid = {
      validFrom: '2025-03',
      responseWeight: '20',
      resolutionWeight: '40',
      satisfactionWeight: '40',
      overduePoints: '0.5',
      redonePoints: '1.5',
      note: '2025 年办法',
    };
    const count = async () =>
      Number((await t.sql<{ n: number }>('select count(*)::int as n from assessment_scheme'))[0].n);
    const before = await count();
    for (const [bad, field] of [
      [{ ...valid, validFrom: '2025-02' }, 'validFrom'],
      [{ ...valid, satisfactionWeight: '45' }, 'satisfactionWeight'],
      [{ ...valid, overduePoints: '0.125' }, 'overduePoints'],
      [{ ...valid, responseWeight: 'x' }, 'responseWeight'],
    ] as const) {
      await expect(addSchemeVersion(t.em(), admin, bad, now)).rejects.toMatchObject({
        status: 400,
        fieldErrors: { [field]: expect.any(Array) },
      });
    }
    await expect(addSchemeVersion(t.em(), t.as('supervisor'), valid, now)).rejects.toMatchObject({ status: 403 });
    expect(await count()).toBe(before);

    const added = await addSchemeVersion(t.em(), admin, valid, now);
    expect(added).toMatchObject({ validFrom: '2025-03', overdueCentipoints: 50, redoneCentipoints: 150 });
    expect((await schemeForMonth(t.em(), '2025-02')).validFrom).toBe('2000-01');
    expect((await schemeForMonth(t.em(), '2025-04')).id).toBe(added.id);
    // 20 × 0.5 + 40 × 0.5 + 40 × 0.5 = 50, less 0.5 + 1.5.
    const ranking = await assessmentRanking(t.em(), t.as('supervisor'), '2025-03');
    expect(ranking.units.map((u) => u.score.score)).toEqual([100, 48]);

    // A second version for the same month replaces the first; both stay in the history.
    const again = await addSchemeVersion(t.em(), admin, { ...valid, overduePoints: '3', note: '更正' }, now);
    expect((await schemeForMonth(t.em(), '2025-03')).id).toBe(again.id);
    expect((await assessmentRanking(t.em(), t.as('supervisor'), '2025-03')).units.map((u) => u.score.score)).toEqual([
      100, 45.5,
    ]);
    const history = await schemeHistory(t.em(), admin, now);
    expect(history.firstOpenMonth).toBe('2025-03');
    expect(history.versions.slice(0, 2).map((v) => [v.id, v.superseded])).toEqual([
      [again.id, false],
      [added.id, true],
    ]);
    expect(history.versions.at(-1)).toMatchObject({ validFrom: '2000-01', superseded: false });
    await expect(schemeHistory(t.em(), t.as('supervisor'), now)).rejects.toMatchObject({ status: 403 });
    expect(appeals.A1).toBeGreaterThan(0);
  });

  it('reads the month from the query, this month by default, and refuses a bad one', () => {
    expect(parseMonth(null, new Date('2025-03-31T17:00:00Z'))).toBe('2025-04'); // 01:00 on 1 April in Asia/Shanghai
    expect(parseMonth('2025-12')).toBe('2025-12');
    for (const bad of ['2025-13', '2025-1', 'abc', '1999-12']) expect(() => parseMonth(bad)).toThrow();
  });
});
