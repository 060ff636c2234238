import type { EntityManager } from '@mikro-orm/sql';
import type { ApiOperation } from '../../entities/api-client';
import { ApiRefusal, authenticateApiKey, recordApiCall, type ApiPrincipal } from '../api-clients/authenticate.server';
import { DomainError, InvalidInput } from '../domain/errors';
import { httpError } from '../http/errors.server';
import { ScopeRefused } from './subscriptions.server';

// One subscriptions call from the gate to the call log: the key checked for the operation, the domain call, its
// answer as JSON, and one api_call row whatever happened.

export interface InterfaceCall {
  apiKey: string | null;
  ip: string | null;
  operation: ApiOperation;
}

const outcomeOf = (err: unknown): string =>
  err instanceof ApiRefusal
    ? err.reason
    : err instanceof ScopeRefused
      ? 'operation'
      : err instanceof InvalidInput
        ? 'invalid'
        : err instanceof DomainError && err.status === 404
          ? 'not-found'
          : 'error';

function refusalResponse(err: unknown): Response {
  if (err instanceof ApiRefusal)
    return Response.json(
      { message: err.message },
      {
        status: err.status,
        headers: err.retryAfterSeconds ? { 'Retry-After': String(err.retryAfterSeconds) } : undefined,
      },
    );
  if (err instanceof InvalidInput)
    return Response.json({ message: err.message, fieldErrors: err.fieldErrors }, { status: 400 });
  if (err instanceof DomainError) return Response.json({ message: err.message }, { status: err.status });
  return httpError(err);
}

export async function answerInterfaceCall(
  em: EntityManager,
  call: InterfaceCall,
  handle: (client: ApiPrincipal) => Promise<Response>,
): Promise<Response> {
  const startedAt = new Date();
  let clientId: number | null = null;
  let response: Response;
  let outcome = 'ok';
  try {
    const client = await authenticateApiKey(em, call, startedAt);
    clientId = client.id;
    response = await handle(client);
  } catch (err) {
    if (err instanceof ApiRefusal) clientId = err.clientId;
    outcome = outcomeOf(err);
    response = refusalResponse(err);
  }
  await recordApiCall(em, {
    clientId,
    operation: call.operation,
    status: response.status,
    outcome,
    ip: call.ip,
    startedAt,
  });
  return response;
}
