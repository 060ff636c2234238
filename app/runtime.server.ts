import path from 'node:path';
import { z } from 'zod';
import type { PgBoss } from 'pg-boss';
import type { AppealServices } from './appeals/service.server';
import { ensureCalendarSeeded } from './calendar/calendar.server';
import { dbTargetFromEnv } from './db/config.server';
import { openDatabase, type Database } from './db/orm.server';
import { smsGatewayFromEnv } from './jobs/sms-gateway.server';
import { bossTimers, startBoss } from './jobs/timers.server';
import { startWorkers } from './jobs/workers.server';
import { startReportRollup } from './reports/rollup.server';
import {
  actorFor,
  loadReferenceIds,
  seedDemoAppeals,
  seedDemoBacklog,
  seedReferenceData,
} from './seed/demo-city.server';
import { seedPolicyCatalogue } from './seed/policy-catalogue.server';
import { seedDemoPolicyRecords } from './seed/demo-policy-records.server';
import { seedDemoAssessment } from './seed/demo-assessment.server';
import { seedDemoCallerRecords } from './seed/demo-firms.server';
import { seedDemoCallbacks } from './seed/demo-callbacks.server';
import { seedDemoApiClient } from './seed/demo-api-client.server';
import { seedDemoCityEvents } from './seed/demo-city-events.server';
import { telephonyStartLine } from './telephony/sip-secret.server';
import { dataKeyring } from './security/data-key.server';

// Validation messages reach people in the UI language; a missing field just says it is required.
z.config(z.locales.zhCN());
z.config({ customError: (issue) => (issue.input === undefined ? '此项为必填' : undefined) });

export interface Runtime {
  db: Database;
  boss: PgBoss;
  services: AppealServices;
  stop(): Promise<void>;
}

export interface RuntimeOptions {
  /** Create the demo city when the database is empty. */
  demo?: boolean;
  demoAppeals?: number;
  log?: (line: string) => void;
}

/** Opens the database, starts the durable job queue and its workers, and seeds the demo city on first start. */
export async function startRuntime(opts: RuntimeOptions = {}): Promise<Runtime> {
  const log = opts.log ?? ((l: string) => console.log(l));
  // Outside the demo, no DATA_KEY means no start: ID numbers would be sealed with a key nobody keeps.
  const keys = dataKeyring();
  log(
    `[keys] personal data sealed with key ${keys.current.id}${process.env.DATA_KEY ? '' : ' (demo key in the data folder)'}`,
  );
  // SMS_GATEWAY=http without its settings stops here, before anything is opened.
  const sms = smsGatewayFromEnv();
  log(sms.describe);
  const target = dbTargetFromEnv();
  log(target.databaseUrl ? '[db] PostgreSQL (DATABASE_URL)' : `[db] embedded PGlite at ${target.dataDir}`);
  const db = await openDatabase(target);
  log(telephonyStartLine());
  let boss: PgBoss | undefined;
  try {
    await ensureCalendarSeeded(db.em());
    boss = await startBoss(db);
    const services: AppealServices = { db, timers: bossTimers(boss) };
    if (opts.demo) {
      const ids = await seedReferenceData(db.em());
      if (ids) {
        const total = opts.demoAppeals ?? 300;
        log(`[seed] creating the demo city with ${total} appeals …`);
        let last = -1;
        await seedDemoAppeals(services, ids, total, (done, all) => {
          const pct = Math.floor((done / all) * 100);
          if (pct % 10 === 0 && pct !== last) {
            last = pct;
            log(`[seed] ${done}/${all} appeals (${pct}%)`);
          }
        });
        await seedDemoBacklog(services, ids);
        await seedDemoAssessment(db.em(), ids);
        await seedDemoCallerRecords(services, actorFor(ids, 'operator'));
        await seedDemoCallbacks(services, ids);
        await seedDemoCityEvents(services, ids);
        log('[seed] demo city ready');
      } else {
        // A demo city made before the policy catalogue existed gets the demo catalogue once.
        const added = await seedPolicyCatalogue(db.em(), await loadReferenceIds(db.em()));
        if (added) log(`[seed] ${added} demo policies added to the policy catalogue`);
        const records = await seedDemoPolicyRecords(db.em(), await loadReferenceIds(db.em()));
        if (records) log(`[seed] ${records} demo implementation records added`);
      }
      const demoClient = await seedDemoApiClient(db.em(), path.dirname(target.dataDir));
      if (demoClient) log(`[seed] demo interface client, its key in ${demoClient}`);
    }
    await startWorkers(boss, services, sms.gateway);
    const rollup = startReportRollup(db);
    const started = boss;
    return {
      db,
      boss: started,
      services,
      async stop() {
        await rollup.stop();
        await started.stop({ graceful: true, timeout: 5_000 }).catch(() => {});
        await db.close();
      },
    };
  } catch (err) {
    await boss?.stop({ graceful: false }).catch(() => {});
    await db.close();
    throw err;
  }
}
