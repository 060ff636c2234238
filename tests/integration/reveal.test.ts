import { describe, expect, it } from 'vitest';
import { revealComplainant, revealLog } from '../../app/appeals/reveal.server';
import { applyEvent } from '../../app/appeals/service.server';
import { createDraft } from '../../app/appeals/intake.server';
import { DB_KINDS } from '../support/env';
import { useTestServices } from '../support/services';
import { submitAppeal } from '../support/appeals';

describe.each(DB_KINDS)('revealing a masked number on %s', (kind) => {
  const t = useTestServices(kind);
  const logCount = async (id: number) =>
    (await t.sql<{ n: number }>('select count(*)::int as n from access_log where appeal_id = ?', [id]))[0].n;

  it('shows the full number to the hotline and records who looked', async () => {
    const a = await submitAppeal(t.services, t.ids);
    expect(await revealComplainant(t.em(), t.as('reviewer'), a.id, 'callerPhone')).toBe('13800001234');
    expect(await logCount(a.id)).toBe(1);
    const log = await revealLog(t.em(), t.as('supervisor'), a.id);
    expect(log.map((l) => [l.who, l.field])).toEqual([['回访员 孙静', 'callerPhone']]);
    expect(await revealLog(t.em(), t.as('reviewer'), a.id)).toEqual([]);
  });

  it('refuses departments, confidential callers and anonymous ones, and records nothing', async () => {
    const a = await submitAppeal(t.services, t.ids);
    await applyEvent(t.services, {
      appealId: a.id,
      type: 'DISPATCH',
      payload: { departmentId: t.ids.departments.get('F02') },
      actor: t.as('dispatcher'),
    });
    await expect(revealComplainant(t.em(), t.as('handler'), a.id, 'callerPhone')).rejects.toMatchObject({
      status: 403,
    });
    const anon = await createDraft(t.services, t.as('operator'), {
      type: 'report',
      categoryId: t.ids.categories.get('0203')!,
      callerPhone: '13800005555',
      anonymous: true,
      title: '匿名举报',
      content: '匿名举报占道经营。',
    });
    await expect(revealComplainant(t.em(), t.as('dispatcher'), anon.id, 'callerPhone')).rejects.toMatchObject({
      status: 403,
    });
    await expect(revealComplainant(t.em(), t.as('dispatcher'), a.id, 'bogus' as never)).rejects.toMatchObject({
      status: 400,
    });
    expect(await logCount(a.id)).toBe(0);
    expect(await logCount(anon.id)).toBe(0);
  });
});
