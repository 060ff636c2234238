import { describe, expect, it } from 'vitest';
import { actionOptions, performAction } from '../../app/appeals/actions.server';
import { appealDetail } from '../../app/appeals/detail.server';
import { applyEvent } from '../../app/appeals/service.server';
import { worklistsFor } from '../../app/appeals/worklists.server';
import { jsonb } from '../../app/db/sql.server';
import { Conflict, Forbidden, InvalidInput } from '../../app/domain/errors';
import { DB_KINDS } from '../support/env';
import { png } from '../support/files';
import { counts, submitAppeal } from '../support/appeals';
import { useTestServices } from '../support/services';
import { sessionUser } from '../support/users';

// Assisting orders (协办), second-level dispatch to a bureau's sections (二级派单), and files sent with a step,
// through the real write path on each database.
describe.each(DB_KINDS)('assisting orders and sub-dispatch on %s', (kind) => {
  const t = useTestServices(kind, { dataDir: true });
  const dept = (code: string) => t.ids.departments.get(code)!;
  const send = (id: number, username: string, type: string, payload: Record<string, unknown> = {}) =>
    applyEvent(t.services, { appealId: id, type, payload, actor: t.as(username) });
  const version = async (id: number) =>
    (await t.sql<{ version: number }>('select version from appeal where id = ?', [id]))[0].version;
  const user = (username: string) => sessionUser(t, username);
  const queue = async (username: string, key: string, now?: Date) =>
    (await worklistsFor(t.em(), user(username), undefined, { now, limit: 200 })).find((w) => w.key === key)!;
  const form = (fields: Record<string, string>) => {
    const f = new FormData();
    for (const [k, v] of Object.entries(fields)) f.set(k, v);
    return f;
  };

  /** 城管局 leads, 住建局 assists. */
  async function dispatched() {
    const a = await submitAppeal(t.services, t.ids, { category: '0103' });
    await send(a.id, 'dispatcher', 'DISPATCH', { departmentId: dept('F02'), assistingDepartmentIds: [dept('F01')] });
    return a.id;
  }

  it('the bureau passes an order to its section, whose handler accepts and replies; the bureau still follows it', async () => {
    const id = (await submitAppeal(t.services, t.ids)).id;
    await send(id, 'dispatcher', 'DISPATCH', { departmentId: dept('F02') });
    const options = await actionOptions(t.em(), t.as('handler'), id);
    expect(options.subUnits.map((u) => u.name)).toEqual(['市容环境科', '执法一中队', '执法二中队']);
    // Sections get their orders from the bureau, not from the centre's dispatch list.
    const desk = await submitAppeal(t.services, t.ids);
    const deskOptions = await actionOptions(t.em(), t.as('dispatcher'), desk.id);
    expect(deskOptions.departments.map((d) => d.name)).not.toContain('执法一中队');

    await send(id, 'handler', 'SUB_DISPATCH', { departmentId: dept('F02S2') });
    expect((await queue('handler3', 'toAccept')).items.map((i) => i.id)).toContain(id);
    expect((await queue('handler', 'subUnits')).items.map((i) => i.id)).toContain(id);
    await expect(send(id, 'handler', 'ACCEPT')).rejects.toBeInstanceOf(Forbidden);
    await send(id, 'handler3', 'ACCEPT');
    await send(id, 'handler3', 'REPLY', { result: '执法一中队已现场处置。', resolved: true });
    const bureauView = await appealDetail(t.em(), t.as('handler'), id);
    expect(bureauView.phase).toBe('review');
    expect(bureauView.holder).toBe('执法一中队');
    // Another section of the same bureau never had it.
    await expect(appealDetail(t.em(), t.as('handler4'), id)).rejects.toBeInstanceOf(Forbidden);
  });

  it('refuses a sub-dispatch to a unit outside the bureau', async () => {
    const id = (await submitAppeal(t.services, t.ids)).id;
    await send(id, 'dispatcher', 'DISPATCH', { departmentId: dept('F02') });
    await expect(send(id, 'handler', 'SUB_DISPATCH', { departmentId: dept('F01S1') })).rejects.toBeInstanceOf(
      InvalidInput,
    );
  });

  it('the assisting unit accepts and answers its own order, each step audited and mirrored on its row', async () => {
    const id = await dispatched();
    expect((await actionOptions(t.em(), t.as('handler2'), id)).types).toEqual(['ASSIST_ACCEPT']);
    const row = async () =>
      (
        await t.sql<{ status: string; accepted_at: unknown; answered_at: unknown; due_at: unknown }>(
          `select status, accepted_at, answered_at, due_at from assignment where appeal_id = ? and role = 'assisting'`,
          [id],
        )
      )[0];
    expect((await row()).due_at).not.toBeNull();
    expect((await queue('handler2', 'assisting')).items.map((i) => i.id)).toContain(id);

    await send(id, 'handler2', 'ASSIST_ACCEPT');
    expect((await row()).accepted_at).not.toBeNull();
    expect((await actionOptions(t.em(), t.as('handler2'), id)).types).toEqual(['ASSIST_OPINION']);
    await performAction(
      t.services,
      t.as('handler2'),
      id,
      'ASSIST_OPINION',
      await version(id),
      form({ text: '该建筑无规划许可，属违法建设。' }),
      [{ name: '许可查询.png', type: 'image/png', bytes: png(41) }],
    );
    expect(await row()).toMatchObject({ status: 'done' });
    expect((await queue('handler2', 'assisting')).items.map((i) => i.id)).not.toContain(id);

    const events = await t.sql<{ type: string; actor_id: number; payload: unknown }>(
      `select type, actor_id, payload from appeal_event where appeal_id = ? and type like 'ASSIST%' order by seq`,
      [id],
    );
    expect(events.map((e) => e.type)).toEqual(['ASSIST_ACCEPT', 'ASSIST_OPINION']);
    expect(events.every((e) => e.actor_id === t.as('handler2').userId)).toBe(true);
    const opinion = jsonb<{ assistDepartmentId: number; attachments: { fileName: string; sha256: string }[] }>(
      events[1].payload,
    );
    expect(opinion.assistDepartmentId).toBe(dept('F01'));
    expect(opinion.attachments.map((f) => f.fileName)).toEqual(['许可查询.png']);

    // The lead reads the opinion with its file before replying.
    const lead = await appealDetail(t.em(), t.as('handler'), id);
    expect(lead.assists).toMatchObject([
      { unit: '市住房和城乡建设局', status: 'answered', opinion: '该建筑无规划许可，属违法建设。', late: false },
    ]);
    expect(lead.assists[0].files.map((f) => f.fileName)).toEqual(['许可查询.png']);
  });

  it('nobody but the assisting unit acts on its order', async () => {
    const id = await dispatched();
    await expect(send(id, 'handler', 'ASSIST_ACCEPT')).rejects.toBeInstanceOf(Forbidden);
    await expect(send(id, 'handler-f03', 'ASSIST_ACCEPT')).rejects.toBeInstanceOf(Forbidden);
    await expect(send(id, 'dispatcher', 'ASSIST_ACCEPT')).rejects.toBeInstanceOf(Forbidden);
    // A handler cannot name another unit's order: the server decides which unit he acts for.
    await expect(send(id, 'handler', 'ASSIST_ACCEPT', { assistDepartmentId: dept('F01') })).rejects.toBeInstanceOf(
      Forbidden,
    );
    await expect(send(id, 'handler2', 'ASSIST_OPINION', { text: '未签收先反馈' })).rejects.toBeInstanceOf(Conflict);
  });

  it("the lead's reply waits for the open order; with a reason it goes, audited, and the order is waived", async () => {
    const id = await dispatched();
    await send(id, 'handler', 'ACCEPT');
    const before = await counts(t.db, id);
    await expect(send(id, 'handler', 'REPLY', { result: '已处理。', resolved: true })).rejects.toThrow(
      '协办单位尚未全部反馈意见',
    );
    expect(await counts(t.db, id)).toEqual(before);
    await send(id, 'handler', 'REPLY', { result: '已处理。', resolved: true, assistOverride: '协办单位三次联系未果' });
    const [reply] = await t.sql<{ payload: unknown }>(
      `select payload from appeal_event where appeal_id = ? and type = 'REPLY'`,
      [id],
    );
    expect(jsonb<{ assistOverride: string }>(reply.payload).assistOverride).toBe('协办单位三次联系未果');
    const [row] = await t.sql<{ status: string }>(
      `select status from assignment where appeal_id = ? and role = 'assisting'`,
      [id],
    );
    expect(row.status).toBe('waived');
    expect((await queue('handler2', 'assisting')).items.map((i) => i.id)).not.toContain(id);
    await expect(send(id, 'handler2', 'ASSIST_ACCEPT')).rejects.toBeInstanceOf(Conflict);
  });

  it('an assisting order is late past its own deadline, on its worklist and on the appeal page', async () => {
    const id = await dispatched();
    const [{ due_at }] = await t.sql<{ due_at: Date | string }>(
      `select due_at from assignment where appeal_id = ? and role = 'assisting'`,
      [id],
    );
    const after = new Date(new Date(due_at).getTime() + 3600_000);
    const item = (await queue('handler2', 'assisting', after)).items.find((i) => i.id === id)!;
    expect(item.sla).toBe('overdue');
    expect((await queue('handler2', 'assisting')).items.find((i) => i.id === id)!.sla).toBe('onTime');
    expect((await appealDetail(t.em(), t.as('handler2'), id, after)).assists[0].late).toBe(true);
  });

  it('two concurrent accepts of the same order: one wins, the other is told the appeal changed', async () => {
    const id = await dispatched();
    const v = await version(id);
    const accept = () =>
      applyEvent(t.services, { appealId: id, expectedVersion: v, type: 'ASSIST_ACCEPT', actor: t.as('handler2') });
    const results = await Promise.allSettled([accept(), accept()]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(Conflict);
    const n = await t.sql<{ n: number }>(
      `select count(*)::int as n from appeal_event where appeal_id = ? and type = 'ASSIST_ACCEPT'`,
      [id],
    );
    expect(n[0].n).toBe(1);
  });

  it('a reply and its files are saved together, and a refused reply leaves no file behind', async () => {
    const id = (await submitAppeal(t.services, t.ids)).id;
    await send(id, 'dispatcher', 'DISPATCH', { departmentId: dept('F02') });
    await send(id, 'handler', 'ACCEPT');
    const files = () => t.sql<{ n: number }>('select count(*)::int as n from attachment where appeal_id = ?', [id]);
    const before = await counts(t.db, id);
    // No result: the step is refused, and so is its file.
    await expect(
      performAction(t.services, t.as('handler'), id, 'REPLY', await version(id), form({ resolved: 'yes' }), [
        { name: 'after.png', type: 'image/png', bytes: png(42) },
      ]),
    ).rejects.toBeInstanceOf(InvalidInput);
    // A file that is not what it says: refused, the reply with it.
    await expect(
      performAction(
        t.services,
        t.as('handler'),
        id,
        'REPLY',
        await version(id),
        form({ result: '已处理。', resolved: 'yes' }),
        [{ name: 'after.png', type: 'image/png', bytes: new TextEncoder().encode('not a picture') }],
      ),
    ).rejects.toBeInstanceOf(InvalidInput);
    expect((await files())[0].n).toBe(0);
    expect(await counts(t.db, id)).toEqual(before);

    await performAction(
      t.services,
      t.as('handler'),
      id,
      'REPLY',
      await version(id),
      form({ result: '已清运完毕。', resolved: 'yes' }),
      [
        { name: 'after.png', type: 'image/png', bytes: png(43) },
        { name: 'receipt.png', type: 'image/png', bytes: png(44) },
      ],
    );
    expect((await files())[0].n).toBe(2);
    const detail = await appealDetail(t.em(), t.as('handler'), id);
    const entry = detail.timeline.find((e) => e.type === 'REPLY')!;
    expect(entry.files.map((f) => f.fileName)).toEqual(['after.png', 'receipt.png']);
    expect(detail.attachments.map((f) => f.id).sort()).toEqual(entry.files.map((f) => f.id).sort());
    // Files only go with the steps that take them.
    await expect(
      performAction(t.services, t.as('reviewer'), id, 'APPROVE_REPLY', await version(id), form({}), [
        { name: 'x.png', type: 'image/png', bytes: png(45) },
      ]),
    ).rejects.toBeInstanceOf(InvalidInput);
  });

  it('a client cannot forge the files or the unit of a step', async () => {
    const id = await dispatched();
    await send(id, 'handler', 'ACCEPT');
    await send(id, 'handler2', 'ASSIST_ACCEPT', { assistDepartmentId: 999 });
    const forged = [{ id: 1, fileName: 'x.png', size: 1, sha256: 'a'.repeat(64) }];
    await send(id, 'handler2', 'ASSIST_OPINION', { text: '意见', attachments: forged });
    const [e] = await t.sql<{ payload: unknown }>(
      `select payload from appeal_event where appeal_id = ? and type = 'ASSIST_OPINION'`,
      [id],
    );
    const payload = jsonb<Record<string, unknown>>(e.payload);
    expect(payload.attachments).toBeUndefined();
    expect(payload.assistDepartmentId).toBe(dept('F01'));
  });
});
