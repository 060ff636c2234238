import { createDraft } from '../../app/appeals/intake.server';
import { applyEvent, type AppealServices } from '../../app/appeals/service.server';
import { actorFor, type ReferenceIds } from '../../app/seed/demo-city.server';
import type { Database } from '../../app/db/orm.server';
import { one } from '../../app/db/sql.server';

export async function submitAppeal(
  services: AppealServices,
  ids: ReferenceIds,
  opts: { category?: string; urgency?: 'normal' | 'urgent' | 'emergency' } = {},
) {
  const draft = await createDraft(services, actorFor(ids, 'operator'), {
    type: 'complaint',
    urgency: opts.urgency ?? 'normal',
    categoryId: ids.categories.get(opts.category ?? '0201')!,
    callerPhone: '13800001234',
    citizenName: '测试市民',
    title: '垃圾清运不及时',
    content: '小区垃圾桶三天没有清运，气味很大。',
  });
  const r = await applyEvent(services, {
    appealId: draft.id,
    expectedVersion: draft.version,
    type: 'SUBMIT',
    actor: actorFor(ids, 'operator'),
  });
  return { id: draft.id, number: draft.number, version: r.version };
}

export async function counts(db: Database, appealId: number) {
  type Counts = { events: number; outbox: number; assignments: number; version: number; phase: string };
  const row = await one<Counts>(
    db.em(),
    `select (select count(*)::int from appeal_event where appeal_id = a.id) as events,
            (select count(*)::int from sms_outbox where appeal_id = a.id) as outbox,
            (select count(*)::int from assignment where appeal_id = a.id) as assignments,
            a.version, a.phase
       from appeal a where a.id = ?`,
    [appealId],
  );
  return row!;
}

export async function jobCount(db: Database, appealId: number): Promise<number> {
  const sql = `select count(*)::int as n from pgboss.job where data->>'appealId' = ?`;
  const row = await one<{ n: number }>(db.em(), sql, [String(appealId)]);
  return row!.n;
}
