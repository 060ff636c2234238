import { beforeAll, describe, expect, it } from 'vitest';
import { createDraft } from '../../app/appeals/intake.server';
import { applyEvent } from '../../app/appeals/service.server';
import { gridOpenAppeals, gridOverview } from '../../app/supervision/grid-view.server';
import { DB_KINDS } from '../support/env';
import { useTestServices } from '../support/services';

describe.each(DB_KINDS)('grid overview on %s', (kind) => {
  const t = useTestServices(kind);
  const a: Record<string, { id: number; number: string }> = {};
  const grid = (code: string) => t.ids.grids.get(code)!;
  const send = (id: number, username: string, type: string, payload: Record<string, unknown> = {}) =>
    applyEvent(t.services, { appealId: id, type, payload, actor: t.as(username) });

  async function make(by: 'operator' | 'gridworker', gridCode: string, title: string, submit = true) {
    const draft = await createDraft(t.services, t.as(by), {
      type: 'complaint',
      categoryId: t.ids.categories.get('0201')!,
      title,
      content: '网格内的情况需要处理，请尽快安排。',
      gridId: grid(gridCode),
      source: by === 'gridworker' ? 'patrol' : 'hotline',
      callerPhone: by === 'operator' ? '13800002222' : undefined,
    });
    if (submit) await send(draft.id, by, 'SUBMIT');
    return { id: draft.id, number: draft.number };
  }
  /** Reply, approve (a grid's reply is verified, 核查) and a satisfied callback: the appeal ends closed. */
  async function finish(id: number, assignee: string) {
    await send(id, assignee, 'ACCEPT');
    await send(id, assignee, 'REPLY', { result: '已到现场处理完毕，并告知了市民处理结果。', resolved: true });
    await send(id, 'reviewer', assignee === 'gridworker' ? 'VERIFY_APPROVE' : 'APPROVE_REPLY');
    await send(id, 'reviewer', 'FEEDBACK', { satisfaction: 'satisfied', resolved: true });
  }

  beforeAll(async () => {
    // G01: two patrol reports closed, one by the grid itself and one through a bureau.
    a.selfHandled = await make('gridworker', 'G01', '巡查 井盖松动');
    await send(a.selfHandled.id, 'dispatcher', 'ASSIGN_GRID', { gridId: grid('G01') });
    await finish(a.selfHandled.id, 'gridworker');
    a.viaBureau = await make('gridworker', 'G01', '巡查 路灯损坏');
    await send(a.viaBureau.id, 'dispatcher', 'DISPATCH', {
      departmentId: t.ids.departments.get('F02'),
      assistingDepartmentIds: [],
    });
    await finish(a.viaBureau.id, 'handler');
    // G01: three open — one overdue in triage, one warned with the grid, one filed in G02 but sent to G01.
    a.overdue1 = await make('operator', 'G01', '来电 垃圾堆放');
    a.warned1 = await make('operator', 'G01', '来电 占道经营');
    await send(a.warned1.id, 'dispatcher', 'ASSIGN_GRID', { gridId: grid('G01') });
    a.moved = await make('operator', 'G02', '来电 绿化损毁');
    await send(a.moved.id, 'dispatcher', 'ASSIGN_GRID', { gridId: grid('G01') });
    // G02: one open overdue; one closed lately that had been overdue; one closed long ago; one draft.
    a.overdue2 = await make('operator', 'G02', '来电 噪声扰民');
    a.closed2 = await make('operator', 'G02', '来电 咨询停车');
    await send(a.closed2.id, 'operator', 'RESOLVE_ON_SPOT', { answer: '已向市民说明停车办理流程和所需材料。' });
    await send(a.closed2.id, 'reviewer', 'APPROVE_REPLY');
    await send(a.closed2.id, 'reviewer', 'FEEDBACK', { satisfaction: 'satisfied', resolved: true });
    a.old2 = await make('operator', 'G02', '来电 旧事');
    await send(a.old2.id, 'operator', 'RESOLVE_ON_SPOT', { answer: '已向市民说明相关政策和办理渠道。' });
    await send(a.old2.id, 'reviewer', 'APPROVE_REPLY');
    await send(a.old2.id, 'reviewer', 'FEEDBACK', { satisfaction: 'satisfied', resolved: true });
    a.draft2 = await make('operator', 'G02', '来电 草稿', false);
    // Lateness arrives from timers in real life; here the mirrored column is set directly.
    await t.sql(`update appeal set sla = 'overdue' where id in (?)`, [[a.overdue1.id, a.overdue2.id, a.closed2.id]]);
    await t.sql(`update appeal set sla = 'warned' where id = ?`, [a.warned1.id]);
    await t.sql(`update appeal set closed_at = now() - interval '60 days' where id = ?`, [a.old2.id]);
  });

  it('counts open, overdue, warned, closed and patrol work per grid', async () => {
    const { grids, days } = await gridOverview(t.em(), t.as('supervisor'));
    expect(days).toBe(30);
    expect(grids).toHaveLength(t.ids.grids.size);
    const pick = (code: string) => {
      const g = grids.find((x) => x.code === code)!;
      return {
        open: g.open,
        overdue: g.overdue,
        warned: g.warned,
        closedRecently: g.closedRecently,
        patrolReports: g.patrolReports,
        patrolClosed: g.patrolClosed,
        selfHandled: g.selfHandled,
        selfHandledShare: g.selfHandledShare,
      };
    };
    expect(pick('G01')).toEqual({
      open: 3,
      overdue: 1,
      warned: 1,
      closedRecently: 2,
      patrolReports: 2,
      patrolClosed: 2,
      selfHandled: 1,
      selfHandledShare: 0.5,
    });
    expect(pick('G02')).toEqual({
      open: 1,
      overdue: 1,
      warned: 0,
      closedRecently: 1,
      patrolReports: 0,
      patrolClosed: 0,
      selfHandled: 0,
      selfHandledShare: null,
    });
    expect(pick('G03')).toEqual({
      open: 0,
      overdue: 0,
      warned: 0,
      closedRecently: 0,
      patrolReports: 0,
      patrolClosed: 0,
      selfHandled: 0,
      selfHandledShare: null,
    });
    const g01 = grids.find((x) => x.code === 'G01')!;
    expect(g01.workers).toEqual(['网格员 陈刚']);
    expect(g01.community).toBeTruthy();
    expect(g01.street).toBeTruthy();
    expect(g01.polygon.type).toBe('Polygon');
    expect(g01.polygon.coordinates[0]).toHaveLength(5);
  });

  it('lists a grid’s open appeals only', async () => {
    const sup = t.as('dispatcher');
    const g01 = await gridOpenAppeals(t.em(), sup, grid('G01'));
    expect(g01.map((x) => x.number).sort()).toEqual([a.overdue1.number, a.warned1.number, a.moved.number].sort());
    expect((await gridOpenAppeals(t.em(), sup, grid('G02'))).map((x) => x.number)).toEqual([a.overdue2.number]);
  });

  it('is refused to departments and grid workers', async () => {
    for (const who of ['handler', 'gridworker', 'operator']) {
      await expect(gridOverview(t.em(), t.as(who))).rejects.toMatchObject({ status: 403 });
      await expect(gridOpenAppeals(t.em(), t.as(who), grid('G01'))).rejects.toMatchObject({ status: 403 });
    }
  });
});
