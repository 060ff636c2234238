import type { AppLoadContext } from '@remix-run/node';
import { describe, expect, it } from 'vitest';
import { loader as healthz } from '../../app/routes/healthz';
import { loader as readyz } from '../../app/routes/readyz';
import { TIMER_QUEUE } from '../../app/jobs/timers.server';
import { DB_KINDS } from '../support/env';
import { useTestServices } from '../support/services';

describe.each(DB_KINDS)('health and readiness on %s', (kind) => {
  const t = useTestServices(kind);
  const ask = async () => {
    const context = { runtime: { db: t.db, boss: t.boss } } as unknown as AppLoadContext;
    const res = await readyz({ request: new Request('http://localhost/readyz'), context, params: {} });
    return { status: res.status, body: await res.json() };
  };

  it('is alive without asking anything', async () => {
    const res = healthz();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ alive: true });
  });

  it('is ready while the database and the job queue answer', async () => {
    expect(await ask()).toEqual({ status: 200, body: { ready: true, checks: { database: 'ok', jobQueue: 'ok' } } });
  });

  it('names the job queue when its timer queue is gone, or (PostgreSQL) its connections are', async () => {
    await t.boss.deleteQueue(TIMER_QUEUE);
    const missing = await ask();
    expect(missing.status).toBe(503);
    expect(missing.body).toEqual({ ready: false, checks: { database: 'ok', jobQueue: 'failed' } });
    if (kind === 'postgres') {
      await t.boss.createQueue(TIMER_QUEUE);
      expect((await ask()).status).toBe(200);
      // pg-boss has its own pool on PostgreSQL (on PGlite it shares the app's connection).
      await t.boss.stop({ graceful: false });
      const stopped = await ask();
      expect(stopped.status).toBe(503);
      expect(stopped.body.checks).toEqual({ database: 'ok', jobQueue: 'failed' });
    }
  });
});
