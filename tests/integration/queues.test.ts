import { beforeAll, describe, expect, it } from 'vitest';
import { createDraft } from '../../app/appeals/intake.server';
import { applyEvent } from '../../app/appeals/service.server';
import { queueParam, worklistCounts, worklistsFor, type QueuePage } from '../../app/appeals/worklists.server';
import { fireTimer } from '../../app/jobs/workers.server';
import { supervisionBoard } from '../../app/supervision/board.server';
import { InvalidInput } from '../../app/domain/errors';
import { DB_KINDS } from '../support/env';
import { useTestServices } from '../support/services';
import { sessionUser } from '../support/users';

describe.each(DB_KINDS)('home-page queues and the duty board on %s', (kind) => {
  const t = useTestServices(kind);
  let clock = Date.parse('2026-10-05T01:00:00Z');
  const user = (username: string) => sessionUser(t, username);
  const queue = async (username: string, key: string, params = new URLSearchParams()) =>
    (await worklistsFor(t.em(), user(username), params, { now: new Date(clock) })).find((q) => q.key === key)!;
  /** Follows the pager's next links to the end of a queue. */
  const walk = async (username: string, key: string) => {
    const pages: QueuePage[] = [];
    let page = await queue(username, key);
    pages.push(page);
    while (page.next) {
      page = await queue(username, key, new URLSearchParams({ [queueParam(key)]: page.next }));
      pages.push(page);
    }
    return pages;
  };
  const file = async (title: string) => {
    clock += 60_000;
    const operator = t.as('operator');
    const d = await createDraft(t.services, operator, {
      type: 'complaint',
      categoryId: t.ids.categories.get('0201')!,
      title,
      content: '路灯不亮，夜间出行不安全。',
      callerPhone: '13800005679',
      citizenName: '市民',
    });
    await applyEvent(t.services, { appealId: d.id, type: 'SUBMIT', actor: operator });
    return d.id;
  };
  const onSpot: number[] = [];
  let assisted = 0;

  beforeAll(async () => {
    t.services.now = () => new Date(clock);
    // 23 appeals waiting for dispatch, three answered on the spot, one led by another bureau with the handler's
    // department assisting.
    for (let i = 0; i < 23; i++) await file(`待派 ${i}`);
    for (let i = 0; i < 3; i++) {
      const id = await file(`当场 ${i}`);
      await applyEvent(t.services, {
        appealId: id,
        type: 'RESOLVE_ON_SPOT',
        payload: { answer: '已当场答复。' },
        actor: t.as('operator'),
      });
      onSpot.push(id);
    }
    assisted = await file('协办件');
    await applyEvent(t.services, {
      appealId: assisted,
      type: 'DISPATCH',
      payload: {
        departmentId: t.as('handler2').departmentIds[0],
        assistingDepartmentIds: [t.as('handler').departmentIds[0]],
      },
      actor: t.as('dispatcher'),
    });
  });

  it('shows the true count of a queue and pages through all of it, 20 at a time, without gaps or repeats', async () => {
    const pages = await walk('dispatcher', 'triage');
    const first = pages[0];
    const total = first.count.n;
    expect(total).toBeGreaterThanOrEqual(23);
    expect(first.count.more).toBe(false);
    expect(first.items).toHaveLength(20);
    const ids = pages.flatMap((p) => p.items.map((a) => a.id));
    expect(ids).toHaveLength(total);
    expect(new Set(ids).size).toBe(total);
    expect(pages.at(-1)!.offset).toBe(20 * (pages.length - 1));
    // Oldest first, across pages.
    const titles = pages.flatMap((p) => p.items.map((a) => a.title)).filter((x) => x.startsWith('待派 '));
    expect(titles).toEqual(Array.from({ length: 23 }, (_, i) => `待派 ${i}`).filter((x) => titles.includes(x)));
    // The navigation bar counts with the same statement.
    const nav = await worklistCounts(t.em(), user('dispatcher'), new Date(clock));
    expect(nav.find((q) => q.key === 'triage')!.count).toEqual(first.count);
  });

  it('refuses a malformed cursor', async () => {
    await expect(
      queue('dispatcher', 'triage', new URLSearchParams({ [queueParam('triage')]: 'bad!' })),
    ).rejects.toBeInstanceOf(InvalidInput);
  });

  it("a department's queues hold the orders it assists on as well as those it leads", async () => {
    const toAccept = await queue('handler', 'toAccept');
    expect(toAccept.items.map((a) => a.id)).toContain(assisted);
    const other = await queue('handler2', 'toAccept');
    expect(other.items.map((a) => a.id)).toContain(assisted);
  });

  it('an appeal answered on the spot is not overdue: its timer is refused and it is in no overdue queue', async () => {
    clock += 60 * 24 * 3600_000;
    const [row] = await t.sql<{ due_at: Date }>('select due_at from appeal where id = ?', [onSpot[0]]);
    const result = await fireTimer(t.services, {
      appealId: onSpot[0],
      event: 'OVERDUE',
      deadline: new Date(row.due_at).toISOString(),
    });
    expect(result).toBe('refused');
    const [after] = await t.sql<{ sla: string }>('select sla from appeal where id = ?', [onSpot[0]]);
    expect(after.sla).toBe('onTime');
    // A stored appeal a timer once marked overdue after its answer (before the rule) is not listed either.
    await t.sql(`update appeal set sla = 'overdue' where id = ?`, [onSpot[1]]);
    const board = await supervisionBoard(t.em(), t.as('supervisor'), new URLSearchParams(), new Date(clock));
    const listed = [...board.overdue.items, ...board.warned.items].map((a) => a.id);
    for (const id of onSpot) expect(listed).not.toContain(id);
    const sup = await queue('supervisor', 'overdue');
    for (const id of onSpot) expect(sup.items.map((a) => a.id)).not.toContain(id);
    // The board's count is the header's count.
    const nav = await worklistCounts(t.em(), user('supervisor'), new Date(clock));
    expect(board.overdue.count).toEqual(nav.find((q) => q.key === 'overdue')!.count);
  });

  it("the board's 已超期 count agrees with the header's and pages through more than a page", async () => {
    const lateInBoard = (b: Awaited<ReturnType<typeof supervisionBoard>>) =>
      b.byHolder.reduce((n, h) => n + h.overdue, 0);
    const lateInTable = async () =>
      (
        await t.sql<{ n: number }>(
          `select count(*)::int as n from appeal where sla = 'overdue' and tags @> '{awaitingAnswer}'`,
        )
      )[0].n;
    const before = await supervisionBoard(t.em(), t.as('supervisor'), new URLSearchParams(), new Date(clock));
    // The 23 waiting appeals passed their deadlines: let their timers fire.
    const rows = await t.sql<{ id: number; due_at: Date }>(
      `select id, due_at from appeal where tags @> '{awaitingDispatch}' and sla <> 'overdue'`,
    );
    for (const r of rows)
      await fireTimer(t.services, { appealId: r.id, event: 'OVERDUE', deadline: new Date(r.due_at).toISOString() });
    const board = await supervisionBoard(t.em(), t.as('supervisor'), new URLSearchParams(), new Date(clock));
    const nav = await worklistCounts(t.em(), user('supervisor'), new Date(clock));
    expect(board.overdue.count).toEqual(nav.find((q) => q.key === 'overdue')!.count);
    // Lateness by holder is kept between pages only while no appeal changes: the timers moved it.
    expect(board.byHolder.length).toBeLessThan(15);
    expect(lateInBoard(board)).toBe(await lateInTable());
    expect(lateInBoard(board)).toBeGreaterThan(lateInBoard(before));
    expect(board.overdue.count.n).toBeGreaterThan(20);
    expect(board.overdue.items).toHaveLength(20);
    const second = await supervisionBoard(
      t.em(),
      t.as('supervisor'),
      new URLSearchParams({ [queueParam('overdue')]: board.overdue.next! }),
      new Date(clock),
    );
    expect(second.overdue.offset).toBe(20);
    expect(second.overdue.items.length).toBe(Math.min(20, board.overdue.count.n - 20));
    expect(second.overdue.items.map((a) => a.id)).not.toContain(board.overdue.items[0].id);
  });
});
