// The demo city's assessment rules: besides the default version every installation has (10/45/45,
// from 2000-01), a version from this month on that weighs the response rate more, so the admin page
// shows a history and this month is scored differently from the last.
import type { EntityManager } from '@mikro-orm/sql';
import { localDateOf } from '../calendar/working-time';
import { one, run } from '../db/sql.server';
import type { ReferenceIds } from './demo-city.server';

export async function seedDemoAssessment(em: EntityManager, ids: ReferenceIds, now = new Date()): Promise<void> {
  const month = `${localDateOf(now).slice(0, 7)}-01`;
  const existing = await one(em, 'select id from assessment_scheme where valid_from = ?', [month]);
  if (existing) return;
  await run(
    em,
    `insert into assessment_scheme (created_at, updated_at, valid_from, response_weight, resolution_weight, satisfaction_weight,
        overdue_centipoints, redone_centipoints, note, created_by_id)
     values (now(), now(), ?, 20, 40, 40, 150, 300, '本月起加大响应考核：响应率权重提高到 20%，超期与重办扣分加重', ?)`,
    [month, ids.users.get('admin')?.id ?? null],
  );
}
