import { describe, expect, it } from 'vitest';
import { TRIAGE_LIMITS, triageDeadline } from '../../app/appeals/deadlines';
import { createDraft } from '../../app/appeals/intake.server';
import { applyEvent } from '../../app/appeals/service.server';
import { worklistsFor } from '../../app/appeals/worklists.server';
import { buildCalendar } from '../../app/calendar/working-time';
import { publicCategories } from '../../app/citizen/submission.server';
import { supervisionBoard } from '../../app/supervision/board.server';
import { fileWebAppeal, phoneSeries } from '../support/citizen';
import { DB_KINDS } from '../support/env';
import { useTestServices } from '../support/services';
import { sessionUser } from '../support/users';

// The web channel's accept clock: a web appeal leaves triage within 2 working hours of its submission, shown in the
// dispatcher's triage queue and, once passed, on the duty board; a call has no such clock, and leaving triage ends it.

// Friday 2026-12-11, 17:00 in the city: one office hour left that day, the second on Monday 09:00–10:00.
const FRIDAY_17 = new Date('2026-12-11T09:00:00Z');
const MONDAY_10 = new Date('2026-12-14T02:00:00Z');
const minutes = (n: number) => n * 60_000;

describe('the web accept clock on a working calendar', () => {
  it('is 2 working hours: Friday 17:00 is due Monday 10:00, weekend and night not counted', () => {
    expect(TRIAGE_LIMITS.web).toEqual({ amount: 2, unit: 'workingHours' });
    expect(TRIAGE_LIMITS.hotline).toBeUndefined();
    const cal = buildCalendar([]);
    expect(triageDeadline(cal, FRIDAY_17, 'web')?.toISOString()).toBe(MONDAY_10.toISOString());
    expect(triageDeadline(cal, FRIDAY_17, 'hotline')).toBeNull();
  });
});

describe.each(DB_KINDS)('the web accept clock on %s', (kind) => {
  const t = useTestServices(kind);
  const freshPhone = phoneSeries('1372222');
  const user = (username: string) => sessionUser(t, username);
  const file = (at: Date) =>
    fileWebAppeal(t, freshPhone(), {
      codeAt: new Date(at.getTime() - minutes(2)),
      now: at,
      over: { content: '小区北门的垃圾桶已经三天没人清运，气味很大。' },
    });
  const triageItem = async (id: number, now: Date) => {
    const [triage] = (await worklistsFor(t.em(), user('dispatcher'), undefined, { now, limit: 500 })).filter(
      (q) => q.key === 'triage',
    );
    return triage.items.find((a) => a.id === id);
  };
  const triageDueAt = async (id: number) =>
    (await t.sql<{ triage_due_at: Date | null }>('select triage_due_at from appeal where id = ?', [id]))[0]
      .triage_due_at;

  it('gives a web appeal submitted Friday 17:00 until Monday 10:00, shown with the time left in triage', async () => {
    const r = await file(FRIDAY_17);
    expect(new Date((await triageDueAt(r.id))!).toISOString()).toBe(MONDAY_10.toISOString());
    // Friday 17:30: half an hour of Friday and the hour on Monday are left.
    const item = await triageItem(r.id, new Date(FRIDAY_17.getTime() + minutes(30)));
    expect(item?.triageDue).toMatchObject({ dueLabel: '2026-12-14 10:00', overdue: false });
    expect(item?.triageDue?.remaining).toMatch(/^剩余 1 小时 30 分/);
    // The audit row records the clock as the server computed it.
    const [submit] = await t.sql<{ payload: unknown }>(
      `select payload from appeal_event where appeal_id = ? and type = 'SUBMIT'`,
      [r.id],
    );
    expect(JSON.stringify(submit.payload)).toContain(MONDAY_10.toISOString());
  });

  it('puts it on the duty board once passed, and takes it off when dispatched', async () => {
    const r = await file(FRIDAY_17);
    const board = (now: Date) => supervisionBoard(t.em(), t.as('supervisor'), new URLSearchParams(), now);
    expect((await board(new Date(MONDAY_10.getTime() - minutes(1)))).triageLate.items.map((a) => a.id)).not.toContain(
      r.id,
    );
    const late = new Date(MONDAY_10.getTime() + minutes(15));
    const row = (await board(late)).triageLate.items.find((a) => a.id === r.id);
    expect(row).toMatchObject({ dueAt: '2026-12-14 10:00', remaining: '已超期 15 分' });
    expect((await triageItem(r.id, late))?.triageDue).toMatchObject({ overdue: true });

    await applyEvent(
      { ...t.services, now: () => late },
      {
        appealId: r.id,
        type: 'DISPATCH',
        payload: { departmentId: t.ids.departments.get('F02')! },
        actor: t.as('dispatcher'),
      },
    );
    expect(await triageDueAt(r.id)).toBeNull();
    expect((await board(late)).triageLate.items.map((a) => a.id)).not.toContain(r.id);
  });

  it('gives a recorded call no accept clock', async () => {
    const draft = await createDraft(t.services, t.as('operator'), {
      source: 'hotline',
      type: 'complaint',
      categoryId: (await publicCategories(t.em()))[0].categories[0].id,
      callerPhone: freshPhone(),
      title: '垃圾清运不及时',
      content: '小区北门的垃圾桶三天没人清运。',
    });
    await applyEvent(t.services, { appealId: draft.id, type: 'SUBMIT', payload: {}, actor: t.as('operator') });
    expect(await triageDueAt(draft.id)).toBeNull();
    expect((await triageItem(draft.id, new Date()))?.triageDue ?? null).toBeNull();
  });

  it('ignores an accept clock sent by the client: the server computes it', async () => {
    const draft = await createDraft(t.services, t.as('operator'), {
      source: 'hotline',
      type: 'complaint',
      categoryId: (await publicCategories(t.em()))[0].categories[0].id,
      title: '垃圾清运不及时',
      content: '小区北门的垃圾桶三天没人清运。',
    });
    await applyEvent(t.services, {
      appealId: draft.id,
      type: 'SUBMIT',
      payload: { triageDueAt: '2030-01-01T00:00:00.000Z' },
      actor: t.as('operator'),
    });
    expect(await triageDueAt(draft.id)).toBeNull();
  });
});
