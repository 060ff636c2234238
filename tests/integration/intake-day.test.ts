import { describe, expect, it } from 'vitest';
import { worklistsFor } from '../../app/appeals/worklists.server';
import { draftForIntake, duplicateHints, newRequestKey, recordIntake } from '../../app/intake/intake.server';
import { Conflict, Forbidden } from '../../app/domain/errors';
import { openIdNumber } from '../../app/security/id-number.server';
import { DB_KINDS } from '../support/env';
import { useTestServices } from '../support/services';
import { sessionUser } from '../support/users';

const form = (over: Record<string, unknown> = {}) => ({
  intent: 'draft',
  requestKey: newRequestKey(),
  callerPhone: '13700001111',
  citizenName: '钱先生',
  type: 'complaint',
  urgency: 'normal',
  category: '0201 环境卫生（市容环境）',
  title: '楼下垃圾堆放',
  content: '楼下垃圾堆了一周没人清理。',
  address: '示范市人民路1号',
  confidential: '',
  anonymous: '',
  ...over,
});

describe.each(DB_KINDS)("the operator's day at intake on %s", (kind) => {
  const t = useTestServices(kind);
  const user = (username: string) => sessionUser(t, username);

  describe('今日本人登记 is the calendar day in Asia/Shanghai', () => {
    it('lists 00:10 today and not 23:30 yesterday, at 05:17 local time', async () => {
      const operator = t.as('operator');
      const late = await recordIntake(t.services, operator, form({ title: '昨晚二十三点半的来电', intent: 'submit' }));
      const early = await recordIntake(t.services, operator, form({ title: '今天零点十分的来电', intent: 'submit' }));
      await t.sql('update appeal set created_at = ? where id = ?', [
        new Date('2026-12-01T23:30:00+08:00'),
        late.appealId,
      ]);
      await t.sql('update appeal set created_at = ? where id = ?', [
        new Date('2026-12-02T00:10:00+08:00'),
        early.appealId,
      ]);
      const queues = await worklistsFor(t.em(), user('operator'), undefined, {
        now: new Date('2026-12-02T05:17:00+08:00'),
      });
      const today = queues.find((q) => q.key === 'today')!;
      const ids = today.items.map((i) => i.id);
      expect(ids).toContain(early.appealId);
      expect(ids).not.toContain(late.appealId);
      // A minute before midnight, yesterday is still today.
      const before = await worklistsFor(t.em(), user('operator'), undefined, {
        now: new Date('2026-12-01T23:59:00+08:00'),
      });
      expect(before.find((q) => q.key === 'today')!.items.map((i) => i.id)).toContain(late.appealId);
    });
  });

  describe('a saved draft reopens in the intake form', () => {
    it('comes back with every field, is edited as one audited step, then submitted', async () => {
      const operator = t.as('operator');
      const saved = await recordIntake(
        t.services,
        operator,
        form({ idNumber: '110101199003071234', lat: '30.2', lng: '120.1', confidential: 'on' }),
      );
      expect(saved.phase).toBe('draft');
      const draft = (await draftForIntake(t.em(), operator, saved.appealId))!;
      expect(draft.values).toMatchObject({
        callerPhone: '13700001111',
        citizenName: '钱先生',
        type: 'complaint',
        title: '楼下垃圾堆放',
        content: '楼下垃圾堆了一周没人清理。',
        address: '示范市人民路1号',
        lat: 30.2,
        lng: 120.1,
        confidential: true,
        anonymous: false,
      });
      expect(draft.idNumberMasked).toBe('110101********1234');

      const edited = await recordIntake(
        t.services,
        operator,
        form({
          draftId: String(saved.appealId),
          draftVersion: String(draft.version),
          title: '楼下垃圾堆放一周',
          citizenName: '钱建国',
          urgency: 'urgent',
          lat: '',
          lng: '',
          confidential: 'on',
        }),
      );
      expect(edited).toMatchObject({ appealId: saved.appealId, phase: 'draft' });
      const [row] = await t.sql<{ title: string; urgency: string; lat: number | null; version: number; name: string }>(
        `select a.title, a.urgency, a.lat, a.version, z.name from appeal a join citizen z on z.id = a.citizen_id where a.id = ?`,
        [saved.appealId],
      );
      expect(row).toMatchObject({ title: '楼下垃圾堆放一周', urgency: 'urgent', lat: null, name: '钱建国' });
      expect(row.version).toBe(draft.version + 1);
      const [audit] = await t.sql<{ type: string; payload: { changes: Record<string, unknown> } }>(
        `select type, payload from appeal_event where appeal_id = ? order by seq desc limit 1`,
        [saved.appealId],
      );
      expect(audit.type).toBe('EDIT_DRAFT');
      expect(audit.payload.changes).toEqual({
        title: { from: '楼下垃圾堆放', to: '楼下垃圾堆放一周' },
        urgency: { from: 'normal', to: 'urgent' },
        citizenName: { from: '钱先生', to: '钱建国' },
        lat: { from: 30.2, to: null },
        lng: { from: 120.1, to: null },
        // The grid came from the point; without a point and with no grid chosen, it goes too.
        gridId: { from: draft.values.gridId, to: null },
      });
      expect(draft.values.gridId).toEqual(expect.any(Number));
      // The ID number stays sealed and is never in the trail.
      expect(JSON.stringify(audit.payload)).not.toContain('1234');

      const submitted = await recordIntake(
        t.services,
        operator,
        form({
          intent: 'submit',
          draftId: String(saved.appealId),
          draftVersion: String(row.version),
          title: '楼下垃圾堆放一周',
          citizenName: '钱建国',
          urgency: 'urgent',
          confidential: 'on',
        }),
      );
      expect(submitted.phase).toBe('triage');
      expect(await draftForIntake(t.em(), operator, saved.appealId)).toBeNull();
      const events = await t.sql<{ type: string }>('select type from appeal_event where appeal_id = ? order by seq', [
        saved.appealId,
      ]);
      expect(events.map((e) => e.type)).toEqual(['CREATE', 'EDIT_DRAFT', 'SUBMIT']);
      const [z] = await t.sql<{ id_number_sealed: string }>('select id_number_sealed from citizen where phone = ?', [
        '13700001111',
      ]);
      expect(openIdNumber(z.id_number_sealed)).toBe('110101199003071234');
    });

    it('never loses an update between two tabs: a stale form is refused unless it says what is stored', async () => {
      const operator = t.as('operator');
      const saved = await recordIntake(t.services, operator, form({ callerPhone: '13700002222' }));
      const { version } = (await draftForIntake(t.em(), operator, saved.appealId))!;
      const tab = (over: Record<string, unknown>) =>
        form({ callerPhone: '13700002222', draftId: String(saved.appealId), draftVersion: String(version), ...over });
      await recordIntake(t.services, operator, tab({ content: '第一个标签页改了内容，垃圾已经堆到门口。' }));
      // The second tab saw the same version and changes something else: refused, the first tab's edit stays.
      await expect(recordIntake(t.services, operator, tab({ title: '第二个标签页的标题' }))).rejects.toSatisfy(
        (e) => e instanceof Conflict && e.code === 'stale',
      );
      const [row] = await t.sql<{ title: string; content: string }>('select title, content from appeal where id = ?', [
        saved.appealId,
      ]);
      expect(row).toEqual({ title: '楼下垃圾堆放', content: '第一个标签页改了内容，垃圾已经堆到门口。' });
      // A stale form that says exactly what is stored loses nothing: it may submit.
      const same = await recordIntake(
        t.services,
        operator,
        tab({ intent: 'submit', content: '第一个标签页改了内容，垃圾已经堆到门口。' }),
      );
      expect(same.phase).toBe('triage');
      // And a repeat of that submit finds it done.
      const again = await recordIntake(
        t.services,
        operator,
        tab({ intent: 'submit', content: '第一个标签页改了内容，垃圾已经堆到门口。' }),
      );
      expect(again.phase).toBe('triage');
      // Once submitted, a different form is no draft edit any more.
      await expect(recordIntake(t.services, operator, tab({ title: '提交后再改' }))).rejects.toBeInstanceOf(Conflict);
    });

    it('is only its creator’s to reopen and edit', async () => {
      const saved = await recordIntake(t.services, t.as('operator'), form({ callerPhone: '13700003333' }));
      const dispatcher = t.as('dispatcher');
      await expect(draftForIntake(t.em(), dispatcher, saved.appealId)).rejects.toBeInstanceOf(Forbidden);
      await expect(
        recordIntake(
          t.services,
          dispatcher,
          form({ callerPhone: '13700003333', draftId: String(saved.appealId), draftVersion: '1', title: '别人改的' }),
        ),
      ).rejects.toBeInstanceOf(Forbidden);
      await expect(draftForIntake(t.em(), t.as('handler'), saved.appealId)).rejects.toBeInstanceOf(Forbidden);
      const [row] = await t.sql<{ title: string; version: number }>('select title, version from appeal where id = ?', [
        saved.appealId,
      ]);
      expect(row).toEqual({ title: '楼下垃圾堆放', version: 1 });
    });
  });

  describe('duplicate hints', () => {
    it('carry the date, status and title of each possible duplicate', async () => {
      const operator = t.as('operator');
      const first = await recordIntake(t.services, operator, form({ intent: 'submit', callerPhone: '13700004444' }));
      const hints = await duplicateHints(t.em(), operator, { phone: '13700004444' });
      const hint = hints.find((h) => h.id === first.appealId)!;
      expect(hint).toMatchObject({
        number: first.number,
        title: '楼下垃圾堆放',
        phase: 'triage',
        reason: 'sameCaller',
      });
      expect(hint.createdLocal).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    });

    it('find the same place by its grid alone, with no address typed', async () => {
      const operator = t.as('operator');
      const gridId = t.ids.grids.get('G03')!;
      const first = await recordIntake(
        t.services,
        operator,
        form({ intent: 'submit', callerPhone: '13700005555', address: '', gridId: String(gridId) }),
      );
      const [{ category_id: categoryId }] = await t.sql<{ category_id: number }>(
        'select category_id from appeal where id = ?',
        [first.appealId],
      );
      const hints = await duplicateHints(t.em(), operator, { categoryId, gridId });
      expect(hints.find((h) => h.id === first.appealId)?.reason).toBe('samePlace');
      // Neither a grid nor a street: nothing to compare by place.
      expect(await duplicateHints(t.em(), operator, { categoryId })).toEqual([]);
    });
  });
});
