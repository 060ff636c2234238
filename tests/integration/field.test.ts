import { beforeAll, describe, expect, it } from 'vitest';
import { createDraft } from '../../app/appeals/intake.server';
import { applyEvent } from '../../app/appeals/service.server';
import { jsonb } from '../../app/db/sql.server';
import { Conflict, Forbidden, InvalidInput } from '../../app/domain/errors';
import { fieldAppeal, fieldWorklist, parseFieldIntent, performFieldAction } from '../../app/field/field.server';
import { DB_KINDS } from '../support/env';
import { useTestServices } from '../support/services';

describe.each(DB_KINDS)('grid worker field pages on %s', (kind) => {
  const t = useTestServices(kind);
  const a: Record<string, number> = {};
  const grid = (code: string) => t.ids.grids.get(code)!;
  const send = (id: number, username: string, type: string, payload: Record<string, unknown> = {}) =>
    applyEvent(t.services, { appealId: id, type, payload, actor: t.as(username) });
  const worker = () => t.as('gridworker');

  async function make(gridCode: string, title: string, to?: string) {
    const draft = await createDraft(t.services, t.as('operator'), {
      type: 'complaint',
      categoryId: t.ids.categories.get('0201')!,
      title,
      content: '网格内的情况需要处理，请尽快安排。',
      gridId: grid(gridCode),
      source: 'hotline',
      callerPhone: '13800002222',
      address: `${title} 路 1 号`,
    });
    await send(draft.id, 'operator', 'SUBMIT');
    if (to) await send(draft.id, 'dispatcher', 'ASSIGN_GRID', { gridId: grid(to) });
    return draft.id;
  }
  const form = (fields: Record<string, string>) => {
    const f = new FormData();
    for (const [k, v] of Object.entries(fields)) f.set(k, v);
    return f;
  };

  beforeAll(async () => {
    a.g01Dispatched = await make('G01', '甲 待签收', 'G01');
    a.g02Handling = await make('G02', '乙 办理中', 'G02');
    await send(a.g02Handling, 'gridworker', 'ACCEPT');
    a.movedIn = await make('G05', '丙 外网格报来', 'G01'); // filed elsewhere, sent to his grid
    a.g01Review = await make('G01', '丁 待审核', 'G01');
    await send(a.g01Review, 'gridworker', 'ACCEPT');
    await send(a.g01Review, 'gridworker', 'REPLY', { result: '已处理完毕，现场恢复正常。', resolved: true });
    a.g01Triage = await make('G01', '戊 待派单');
    a.g01ToBureau = await make('G01', '己 派给部门');
    await send(a.g01ToBureau, 'dispatcher', 'DISPATCH', {
      departmentId: t.ids.departments.get('F02'),
      assistingDepartmentIds: [],
    });
    a.otherGrid = await make('G03', '庚 其他网格', 'G03');
    a.g01NoDue = await make('G01', '辛 无时限', 'G01');
    // Deadlines in the opposite order of creation, so the sort is by deadline and not by id; one has none.
    await t.sql(`update appeal set due_at = ? where id = ?`, [new Date(Date.now() + 5 * 86_400_000), a.g01Dispatched]);
    await t.sql(`update appeal set due_at = ? where id = ?`, [new Date(Date.now() + 2 * 86_400_000), a.g02Handling]);
    await t.sql(`update appeal set due_at = ?, sla = 'overdue' where id = ?`, [
      new Date(Date.now() - 86_400_000),
      a.movedIn,
    ]);
    await t.sql(`update appeal set due_at = null where id = ?`, [a.g01NoDue]);
  });

  it("lists exactly his grids' dispatched and in-hand appeals, by deadline", async () => {
    const items = await fieldWorklist(t.em(), worker());
    expect(items.map((i) => i.id)).toEqual([a.movedIn, a.g02Handling, a.g01Dispatched, a.g01NoDue]);
    expect(items.map((i) => i.phase)).toEqual(['dispatched', 'handling.working', 'dispatched', 'dispatched']);
    const overdue = items[0];
    expect(overdue.overdue).toBe(true);
    expect(overdue.remaining).toMatch(/^已超期/);
    expect(items[1].overdue).toBe(false);
    expect(items[1].remaining).toMatch(/^剩余/);
    expect(items[3].remaining).toBeNull();
    // Grid workers see the caller masked, never in full.
    expect(items.every((i) => i.caller === '138****2222')).toBe(true);
    expect(items[0].address).toBe('丙 外网格报来 路 1 号');
  });

  it("never shows another grid's appeals, even to a worker of that grid", async () => {
    const other = { ...worker(), gridIds: [grid('G03')] };
    expect((await fieldWorklist(t.em(), other)).map((i) => i.id)).toEqual([a.otherGrid]);
    expect(await fieldWorklist(t.em(), { ...worker(), gridIds: [] })).toEqual([]);
  });

  it('refuses everyone but grid workers', async () => {
    for (const who of ['operator', 'dispatcher', 'handler', 'supervisor', 'admin']) {
      await expect(fieldWorklist(t.em(), t.as(who))).rejects.toBeInstanceOf(Forbidden);
      await expect(fieldAppeal(t.em(), t.as(who), a.g01Dispatched)).rejects.toBeInstanceOf(Forbidden);
    }
  });

  it("offers the machine's field actions and refuses another grid's appeal", async () => {
    const view = await fieldAppeal(t.em(), worker(), a.g01Dispatched);
    expect(view.actions).toEqual(['ACCEPT', 'RETURN']);
    expect((await fieldAppeal(t.em(), worker(), a.g02Handling)).actions).toEqual(['FIELD_UPDATE', 'REPLY']);
    await expect(fieldAppeal(t.em(), worker(), a.otherGrid)).rejects.toBeInstanceOf(Forbidden);
  });

  it('checks field forms with field errors, records the check-in and refuses a stale version', async () => {
    const em = t.em();
    const { version } = (await fieldAppeal(em, worker(), a.g02Handling)).appeal;
    const act = (fields: Record<string, string>) => {
      const f = form(fields);
      return performFieldAction(t.services, worker(), a.g02Handling, parseFieldIntent(f), f);
    };
    const empty = await act({ intent: 'FIELD_UPDATE', version: String(version), text: ' ' }).catch((e) => e);
    expect(empty).toBeInstanceOf(InvalidInput);
    expect(empty.fieldErrors.text).toEqual(['此项为必填']);
    const half = await act({
      intent: 'FIELD_UPDATE',
      version: String(version),
      text: '到场',
      lat: '30.2',
      lng: '',
    }).catch((e) => e);
    expect(half.fieldErrors.lat).toEqual(['定位不完整，请重新打卡']);
    const r = await act({
      intent: 'FIELD_UPDATE',
      version: String(version),
      text: '已到现场查看',
      lat: '30.201234',
      lng: '120.104321',
    });
    expect(r.version).toBe(version + 1);
    const [ev] = await t.sql<{ payload: unknown }>(
      `select payload from appeal_event where appeal_id = ? and type = 'FIELD_UPDATE' order by seq desc limit 1`,
      [a.g02Handling],
    );
    const payload = jsonb(ev.payload);
    expect(payload).toMatchObject({ text: '已到现场查看', lat: 30.201234, lng: 120.104321 });
    const stale = await act({ intent: 'FIELD_UPDATE', version: String(version), text: '再次更新' }).catch((e) => e);
    expect(stale).toBeInstanceOf(Conflict);
    expect(stale.code).toBe('stale');
    const noChoice = await act({ intent: 'REPLY', version: String(version + 1), result: '已处理' }).catch((e) => e);
    expect(noChoice.fieldErrors.resolved).toEqual(['请选择是否解决']);
    await act({ intent: 'REPLY', version: String(version + 1), result: '已处理完毕', resolved: 'yes' });
    expect((await fieldAppeal(em, worker(), a.g02Handling)).appeal.phase).toBe('verification');
    expect((await fieldWorklist(em, worker())).map((i) => i.id)).not.toContain(a.g02Handling);
    expect(() => parseFieldIntent(form({ intent: 'APPROVE_REPLY', version: '1' }))).toThrow(InvalidInput);
  });
});
