import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { EntityManager } from '@mikro-orm/sql';
import { API_OPERATIONS } from '../../entities/api-client';
import { registerClient } from '../api-clients/clients.server';
import { one } from '../db/sql.server';

// The demo city's interface client, so the interfaces can be tried (and browser-tested) without registering one
// first: created once, with every operation, its key and signing secret written beside the demo data key in the
// data folder, readable by its owner only. Never outside the demo.

export const DEMO_API_CLIENT = '演示对接系统';
export const DEMO_API_CLIENT_FILE = 'demo-api-client.json';

/** Registers the demo client when it is missing; returns the file its credentials were written to, or null. */
export async function seedDemoApiClient(em: EntityManager, dataRoot: string): Promise<string | null> {
  if (await one(em, 'select 1 from api_client where name = ?', [DEMO_API_CLIENT])) return null;
  const admin = await one<{ id: number }>(em, `select id from app_user where username = 'admin'`);
  if (!admin) return null;
  const issued = await registerClient(
    em,
    { userId: admin.id },
    { name: DEMO_API_CLIENT, contact: '演示环境 12345 热线', operations: [...API_OPERATIONS] },
  );
  const file = path.join(dataRoot, DEMO_API_CLIENT_FILE);
  writeFileSync(file, JSON.stringify({ id: issued.id, apiKey: issued.apiKey, signingSecret: issued.signingSecret }), {
    mode: 0o600,
  });
  return file;
}
