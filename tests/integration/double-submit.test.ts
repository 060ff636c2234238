import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createDraft } from '../../app/appeals/intake.server';
import { recordIntake } from '../../app/intake/intake.server';
import { DB_KINDS, urlFor } from '../support/env';
import { useTestServices } from '../support/services';

describe.each(DB_KINDS)('a form submitted many times at once on %s', (kind) => {
  const t = useTestServices(kind);
  const form = (requestKey: string) => ({
    intent: 'submit',
    requestKey,
    callerPhone: '13800006666',
    type: 'complaint',
    category: '0201 环境卫生',
    title: '同一表单并发提交',
    content: '同一张表单被连续点了十次提交。',
  });

  it('files one appeal for ten concurrent submits of one request key, and each gets it back', async () => {
    const requestKey = randomUUID();
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => recordIntake(t.services, t.as('operator'), form(requestKey))),
    );
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
    expect(failures).toEqual([]);
    const ids = new Set(results.map((r) => (r.status === 'fulfilled' ? r.value.appealId : 0)));
    expect(ids.size).toBe(1);
    const rows = await t.sql<{ id: number; submits: number }>(
      `select a.id, (select count(*)::int from appeal_event e where e.appeal_id = a.id and e.type = 'SUBMIT') as submits
         from appeal a where a.request_key = ?`,
      [requestKey],
    );
    expect(rows).toEqual([{ id: [...ids][0], submits: 1 }]);
  });
});

describe.skipIf(!DB_KINDS.includes('postgres'))('a submit that loses the race on the unique key on postgres', () => {
  const t = useTestServices('postgres');

  it('returns the appeal that won instead of the driver error', async () => {
    // The winner: an appeal whose request key is being set in a transaction still open, so the loser's
    // look-up misses it and its insert waits on the unique index, then fails with 23505 when this commits.
    const winner = await createDraft(t.services, t.as('operator'), {
      type: 'complaint',
      categoryId: t.ids.categories.get('0201')!,
      title: '先到的提交',
      content: '这次提交先拿到了请求标识。',
      requestKey: randomUUID(),
    });
    const requestKey = randomUUID();
    const [{ name }] = await t.sql<{ name: string }>('select current_database() as name');
    const client = new pg.Client({ connectionString: urlFor(name) });
    await client.connect();
    try {
      await client.query('begin');
      await client.query('update appeal set request_key = $1 where id = $2', [requestKey, winner.id]);
      const loser = createDraft(t.services, t.as('operator'), {
        type: 'complaint',
        categoryId: t.ids.categories.get('0201')!,
        title: '后到的提交',
        content: '同一请求标识的第二次提交。',
        requestKey,
      });
      // The loser's insert waits for this transaction: the only backend this one blocks.
      const waiting = async () =>
        (
          await client.query(
            'select count(*)::int as n from pg_stat_activity where pg_backend_pid() = any(pg_blocking_pids(pid))',
          )
        ).rows[0].n;
      await expect.poll(waiting).toBe(1);
      await client.query('commit');
      expect((await loser).id).toBe(winner.id);
    } finally {
      await client.end();
    }
  });
});
