import type { EntityManager } from '@mikro-orm/sql';
import { createDraftIn, type DraftInput } from '../appeals/intake.server';
import { applyEvent, type AppealServices } from '../appeals/service.server';
import { run } from '../db/sql.server';
import { clientActor, type ApiPrincipal } from './authenticate.server';

// What another city system files becomes an appeal like any other: source 接口, the client named on the row,
// submitted into triage by the client (role `client`), inside the caller's transaction so what the interface
// stores beside it (an Open311 token, an event's idempotency row) stands or falls with it.

export type ClientAppealFields = Omit<DraftInput, 'source' | 'requestKey' | 'anonymous'>;

export async function fileClientAppeal(
  tx: EntityManager,
  services: AppealServices,
  client: Pick<ApiPrincipal, 'id'>,
  fields: ClientAppealFields,
  now: Date,
): Promise<{ id: number; number: string }> {
  const actor = clientActor();
  const draft = await createDraftIn(tx, actor, { ...fields, source: 'api' }, now);
  await run(tx, 'update appeal set api_client_id = ? where id = ?', [client.id, draft.id]);
  await applyEvent({ ...services, now: () => now }, { appealId: draft.id, type: 'SUBMIT', actor, payload: {} }, { tx });
  return { id: draft.id, number: draft.number };
}
