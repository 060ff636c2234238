import { beforeAll, describe, expect, it } from 'vitest';
import { DEPARTMENT_WORKLIST_PAGE, departmentWorklist } from '../../app/appeals/department-worklist.server';
import { createDraft } from '../../app/appeals/intake.server';
import { applyEvent } from '../../app/appeals/service.server';
import { Forbidden, InvalidInput } from '../../app/domain/errors';
import { DB_KINDS } from '../support/env';
import { useTestServices } from '../support/services';
import { sessionUser } from '../support/users';

describe.each(DB_KINDS)("a department's worklist (/worklist) on %s", (kind) => {
  const t = useTestServices(kind);
  let clock = Date.parse('2026-10-05T01:00:00Z');
  const user = (username: string) => sessionUser(t, username);
  const list = (username: string, q: Record<string, string> = {}) =>
    departmentWorklist(t.em(), user(username), new URLSearchParams(q));
  let f02: number;

  beforeAll(async () => {
    t.services.now = () => new Date(clock);
    f02 = t.as('handler').departmentIds[0];
    const operator = t.as('operator');
    const dispatcher = t.as('dispatcher');
    // 55 open appeals led by the handler's department, filed an hour apart (so their deadlines differ), one confidential;
    // one closed-looking merge and one for another department, which must not show.
    for (let i = 0; i < 57; i++) {
      clock += 3_600_000;
      const d = await createDraft(t.services, operator, {
        type: 'complaint',
        categoryId: t.ids.categories.get('0201')!,
        title: `工单 ${i}`,
        content: '路灯不亮，夜间出行不安全。',
        callerPhone: '13800005678',
        citizenName: '市民',
        confidential: i === 3,
      });
      await applyEvent(t.services, { appealId: d.id, type: 'SUBMIT', actor: operator });
      const to = i === 56 ? t.as('handler2').departmentIds[0] : f02;
      await applyEvent(t.services, {
        appealId: d.id,
        type: 'DISPATCH',
        payload: { departmentId: to },
        actor: dispatcher,
      });
    }
  });

  it('lists the open appeals the department leads, by deadline, 50 a page, and pages on without gaps', async () => {
    const first = await list('handler');
    expect(first.items).toHaveLength(DEPARTMENT_WORKLIST_PAGE);
    const dues = first.items.map((a) => a.dueAt!);
    expect([...dues].sort()).toEqual(dues);
    expect(first.nextCursor).not.toBeNull();
    const second = await list('handler', { after: first.nextCursor! });
    expect(second.items.map((a) => a.title)).not.toContain('工单 56');
    const all = [...first.items, ...second.items];
    expect(new Set(all.map((a) => a.id)).size).toBe(56);
    expect(second.nextCursor).toBeNull();
    expect(all.find((a) => a.title === '工单 3')!.caller).toBe('（保密）');
  });

  it('keeps a handler to his own department; supervisors and dispatchers choose', async () => {
    await expect(list('handler', { department: String(t.as('handler2').departmentIds[0]) })).rejects.toBeInstanceOf(
      Forbidden,
    );
    await expect(list('gridworker')).rejects.toBeInstanceOf(Forbidden);
    const sup = await list('supervisor', { department: String(f02) });
    expect(sup.items).toHaveLength(DEPARTMENT_WORKLIST_PAGE);
    expect(sup.choices.length).toBeGreaterThan(5);
    expect(sup.items.find((a) => a.title === '工单 3')!.caller).not.toBe('（保密）');
    await expect(list('supervisor', { department: 'x' })).rejects.toBeInstanceOf(InvalidInput);
    await expect(list('handler', { after: '!!' })).rejects.toBeInstanceOf(InvalidInput);
  });
});
