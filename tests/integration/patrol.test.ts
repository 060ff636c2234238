import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { saveAttachment } from '../../app/appeals/attachments.server';
import { createDraft } from '../../app/appeals/intake.server';
import { applyEvent } from '../../app/appeals/service.server';
import { InvalidInput } from '../../app/domain/errors';
import { createPatrolReport, patrolPage, type PatrolForm } from '../../app/field/patrol.server';
import { restoreAppealSnapshot } from '../../machines/appeal';
import { DB_KINDS } from '../support/env';
import { useTestServices } from '../support/services';

// Demo grids are 0.01° × 0.008° cells from (120.1, 30.2), five to a row: G01 is the first, G03 the third.
const IN_G01 = { lat: '30.204', lng: '120.105' };
const IN_G03 = { lat: '30.204', lng: '120.125' };

const jpeg = (name: string) => ({
  name,
  type: 'image/jpeg',
  bytes: new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...randomBytes(32)]),
});
const key = () => randomBytes(12).toString('hex');

describe.each(DB_KINDS)('patrol reports (巡查上报) on %s', (kind) => {
  const t = useTestServices(kind, { dataDir: true });
  const worker = () => t.as('gridworker');
  const count = async (q: string, p: unknown[] = []) =>
    (await t.sql<{ n: number }>(`select count(*)::int as n from ${q}`, p))[0].n;
  const form = (over: Partial<PatrolForm> = {}): PatrolForm => ({
    intent: 'dispatch',
    categoryId: String(t.ids.categories.get('0201')!),
    title: '巡查发现占道经营',
    content: '人行道上有流动摊贩占道经营。',
    ...IN_G01,
    requestKey: key(),
    before: [jpeg('before.jpg')],
    after: [],
    ...over,
  });

  it('files a report for dispatch: in his grid, with its before photo, waiting in triage', async () => {
    const r = await createPatrolReport(t.services, worker(), form());
    const [a] = await t.sql<{
      phase: string;
      source: string;
      grid_id: number;
      created_by_id: number;
      lat: number;
      type: string;
    }>('select phase, source, grid_id, created_by_id, lat, type from appeal where id = ?', [r.id]);
    expect(a).toMatchObject({
      phase: 'triage',
      source: 'patrol',
      grid_id: t.ids.grids.get('G01'),
      created_by_id: worker().userId,
      lat: 30.204,
    });
    expect(await t.sql('select stage from attachment where appeal_id = ?', [r.id])).toEqual([{ stage: 'before' }]);
    expect(r.repeated).toBe(false);
  });

  it('self-handles a report: verification, then approval closes it as verified without a callback', async () => {
    const r = await createPatrolReport(
      t.services,
      worker(),
      form({
        intent: 'selfHandle',
        result: '已劝离摊贩，清扫路面。',
        title: '巡查发现垃圾堆放',
        after: [jpeg('after-1.jpg'), jpeg('after-2.jpg')],
      }),
    );
    const stages = await t.sql<{ stage: string }>('select stage from attachment where appeal_id = ? order by id', [
      r.id,
    ]);
    expect(stages.map((s) => s.stage)).toEqual(['before', 'after', 'after']);
    const [before] = await t.sql<{ phase: string; assigned_grid_id: number }>(
      'select phase, assigned_grid_id from appeal where id = ?',
      [r.id],
    );
    expect(before).toEqual({ phase: 'verification', assigned_grid_id: t.ids.grids.get('G01') });
    const done = await applyEvent(t.services, {
      appealId: r.id,
      type: 'VERIFY_APPROVE',
      payload: { note: '照片核实' },
      actor: t.as('reviewer'),
    });
    expect(done.phase).toBe('closed');
    const [a] = await t.sql<{ snapshot: unknown; callback_due_at: Date | null; closed_at: Date | null }>(
      'select snapshot, callback_due_at, closed_at from appeal where id = ?',
      [r.id],
    );
    expect(restoreAppealSnapshot(a.snapshot).context).toMatchObject({ closeReason: 'verified', selfHandled: true });
    expect(a.callback_due_at).toBeNull();
    expect(a.closed_at).not.toBeNull();
  });

  it('refuses a self-handling without an after photo or result, and a point outside his grids, writing nothing', async () => {
    const before = { appeals: await count('appeal'), files: await count('attachment') };
    const noAfter = await createPatrolReport(
      t.services,
      worker(),
      form({ intent: 'selfHandle', result: '已处理' }),
    ).catch((e) => e);
    expect(noAfter).toBeInstanceOf(InvalidInput);
    expect(Object.keys(noAfter.fieldErrors)).toEqual(['after']);
    const noResult = await createPatrolReport(
      t.services,
      worker(),
      form({ intent: 'selfHandle', after: [jpeg('a.jpg')] }),
    ).catch((e) => e);
    expect(Object.keys(noResult.fieldErrors)).toEqual(['result']);
    const noBefore = await createPatrolReport(t.services, worker(), form({ before: [] })).catch((e) => e);
    expect(Object.keys(noBefore.fieldErrors)).toEqual(['before']);
    const outside = await createPatrolReport(t.services, worker(), form(IN_G03)).catch((e) => e);
    expect(outside).toBeInstanceOf(InvalidInput);
    expect(outside.fieldErrors.location[0]).toMatch(/不在您负责的网格内/);
    // A bad photo found only while storing rolls back the draft created before it.
    const badAfter = await createPatrolReport(
      t.services,
      worker(),
      form({
        intent: 'selfHandle',
        result: '已处理',
        after: [{ name: 'after.jpg', type: 'image/jpeg', bytes: new TextEncoder().encode('not a jpeg') }],
      }),
    ).catch((e) => e);
    expect(badAfter).toBeInstanceOf(InvalidInput);
    expect({ appeals: await count('appeal'), files: await count('attachment') }).toEqual(before);
  });

  it('files one report for one requestKey, however often it is sent', async () => {
    const requestKey = key();
    const f = form({ requestKey, title: '同一草稿重复提交' });
    const first = await createPatrolReport(t.services, worker(), f);
    const again = await createPatrolReport(t.services, worker(), f);
    expect(again).toEqual({ ...first, repeated: true });
    const raced = await Promise.all(
      [1, 2].map(() => createPatrolReport(t.services, worker(), form({ requestKey: key(), title: '并发' }))),
    );
    expect(new Set(raced.map((r) => r.id)).size).toBe(2);
    expect(await count(`appeal where title = '同一草稿重复提交'`)).toBe(1);
    expect(await count('attachment where appeal_id = ?', [first.id])).toBe(1);
    const page = await patrolPage(t.em(), worker());
    expect(page.mine.filter((m) => m.title === '同一草稿重复提交')).toHaveLength(1);
    expect(page.categories.length).toBeGreaterThan(0);
  });

  it('finishes a report an interrupted attempt left as a draft, without storing its photos twice', async () => {
    const requestKey = key();
    const photo = jpeg('before.jpg');
    const after = jpeg('after.jpg');
    // What a connection lost after the first photo leaves behind: the draft and that photo.
    const draft = await createDraft(t.services, worker(), {
      source: 'patrol',
      type: 'report',
      categoryId: t.ids.categories.get('0201'),
      title: '中断后重发',
      content: '上次提交到一半断网了。',
      gridId: t.ids.grids.get('G01'),
      lat: 30.204,
      lng: 120.105,
      requestKey,
    });
    await saveAttachment(t.db, worker(), draft.id, photo, { stage: 'before' });
    const r = await createPatrolReport(
      t.services,
      worker(),
      form({
        requestKey,
        intent: 'selfHandle',
        result: '已处理完毕。',
        before: [photo],
        after: [after],
      }),
    );
    expect(r).toEqual({ id: draft.id, number: draft.number, repeated: false });
    const stages = await t.sql<{ stage: string }>('select stage from attachment where appeal_id = ? order by id', [
      r.id,
    ]);
    expect(stages.map((s) => s.stage)).toEqual(['before', 'after']);
    const [a] = await t.sql<{ phase: string; due_at: Date | null }>('select phase, due_at from appeal where id = ?', [
      r.id,
    ]);
    expect(a.phase).toBe('verification');
    // A self-handled report still runs against its category's deadline, in case verification sends it back.
    expect(a.due_at).not.toBeNull();
    expect(await count(`pgboss.job where data->>'appealId' = ?`, [String(r.id)])).toBeGreaterThan(0);
    // Another worker cannot take over the key.
    const other = { ...worker(), userId: worker().userId + 1000 };
    await expect(createPatrolReport(t.services, other, form({ requestKey }))).rejects.toThrow(/请求标识/);
  });

  it('is for grid workers only', async () => {
    await expect(createPatrolReport(t.services, t.as('operator'), form())).rejects.toThrow(/网格员/);
  });

  it('offers each of his grids with the address it begins, from the department tree', async () => {
    const page = await patrolPage(t.em(), worker());
    expect(page.grids).toEqual([
      { id: t.ids.grids.get('G01'), address: '东城区朝阳街道向阳社区第1网格' },
      { id: t.ids.grids.get('G02'), address: '东城区朝阳街道向阳社区第2网格' },
    ]);
  });

  it('keeps the address the worker finished, and the grid’s own when he left it empty', async () => {
    const address = (id: number) => t.sql<{ address: string | null }>('select address from appeal where id = ?', [id]);
    const typed = await createPatrolReport(
      t.services,
      worker(),
      form({ address: '  东城区朝阳街道向阳社区第1网格 5号楼2单元 ', title: '巡查发现路灯不亮' }),
    );
    expect(await address(typed.id)).toEqual([{ address: '东城区朝阳街道向阳社区第1网格 5号楼2单元' }]);
    const empty = await createPatrolReport(t.services, worker(), form({ address: '', title: '巡查发现井盖缺失' }));
    expect(await address(empty.id)).toEqual([{ address: '东城区朝阳街道向阳社区第1网格' }]);
    await expect(
      createPatrolReport(t.services, worker(), form({ address: '长'.repeat(256), title: '巡查发现树枝折断' })),
    ).rejects.toMatchObject({ fieldErrors: { address: ['地址最多 255 个字'] } });
  });
});
