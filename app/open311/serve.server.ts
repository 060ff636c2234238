import type { AppLoadContext } from '@remix-run/node';
import type { ApiOperation } from '../../entities/api-client';
import { ApiRefusal, authenticateApiKey, recordApiCall, type ApiPrincipal } from '../api-clients/authenticate.server';
import { isDatabaseUnreachable } from '../db/unreachable';
import { DomainError, InvalidInput } from '../domain/errors';
import { clientOf } from '../http/client.server';
import { readInterfaceForm } from '../http/body.server';
import { answer, errorAnswer, splitFormat, type Fields, type Format } from './format.server';
import {
  discovery,
  getRequest,
  listRequests,
  requestByToken,
  serviceDefinition,
  services,
  submitRequest,
} from './georeport.server';

// Every Open311 call goes through here: the format from the address, the key checked for the operation (the
// discovery document excepted: it says how to get a key), the resource answered, any refusal turned into the
// specification's error list, and one row in the call log whatever the outcome.

/** The address below /open311/v2/: a collection (`services.json`), or a collection and an item (`services/0202.xml`). */
export interface Open311Path {
  collection: string;
  item?: string;
}

interface Resource {
  root: string;
  operation: ApiOperation | null;
  run: (call: {
    client: ApiPrincipal | null;
    query: Record<string, string>;
    form: FormData | null;
    now: Date;
  }) => Promise<Fields[] | Fields>;
}

class NoSuchResource extends DomainError {
  constructor() {
    super('no such resource', 404);
  }
}

/** The origin the discovery document points at: PUBLIC_ORIGIN when set, else the request's own. */
const originOf = (request: Request) => process.env.PUBLIC_ORIGIN ?? new URL(request.url).origin;

function resourceOf(request: Request, context: AppLoadContext, path: Open311Path, name: string): Resource {
  const em = context.runtime.db.em();
  const method = request.method;
  if (path.item === undefined) {
    if (method === 'GET' && name === 'discovery')
      return { root: 'discovery', operation: null, run: async () => discovery(originOf(request)) };
    if (method === 'GET' && name === 'services')
      return { root: 'services', operation: 'open311:read', run: ({ query }) => services(em, query) };
    if (method === 'GET' && name === 'requests')
      return {
        root: 'service_requests',
        operation: 'open311:read',
        run: ({ query, now }) => listRequests(em, query, now),
      };
    if (method === 'POST' && name === 'requests')
      return {
        root: 'service_requests',
        operation: 'open311:write',
        run: ({ client, form, now }) => submitRequest(context.runtime.services, client!, form!, now),
      };
  } else if (method === 'GET') {
    const item = name;
    if (path.collection === 'services')
      return {
        root: 'service_definition',
        operation: 'open311:read',
        run: ({ query }) => serviceDefinition(em, item, query),
      };
    if (path.collection === 'requests')
      return { root: 'service_requests', operation: 'open311:read', run: ({ query }) => getRequest(em, item, query) };
    if (path.collection === 'tokens')
      return {
        root: 'service_requests',
        operation: 'open311:read',
        run: ({ client, query }) => requestByToken(em, client!, item, query),
      };
  }
  throw new NoSuchResource();
}

const outcomeOf = (err: unknown) =>
  err instanceof ApiRefusal
    ? err.reason
    : err instanceof InvalidInput
      ? 'invalid'
      : err instanceof DomainError && err.status === 404
        ? 'not-found'
        : 'error';

/** The error's words for another system: each refused field's message, or the error's own. */
function describe(err: unknown): { status: number; description: string } {
  if (err instanceof ApiRefusal) return { status: err.status, description: err.message };
  if (err instanceof InvalidInput) {
    const messages = Object.entries(err.fieldErrors).flatMap(([field, list]) =>
      list.map((m) => (m.includes(field) || field === '_form' ? m : `${field}: ${m}`)),
    );
    return { status: 400, description: messages.length ? messages.join('; ') : err.message };
  }
  if (err instanceof DomainError) return { status: err.status, description: err.message };
  if (isDatabaseUnreachable(err)) return { status: 503, description: 'the service is unavailable, try again later' };
  return { status: 500, description: 'the request could not be answered' };
}

export async function serveOpen311(request: Request, context: AppLoadContext, path: Open311Path): Promise<Response> {
  const startedAt = new Date();
  const em = context.runtime.db.em();
  const ip = clientOf(request, context).ip;
  const segment = path.item ?? path.collection;
  const split = splitFormat(segment);
  const format: Format = split?.format ?? 'json';
  let clientId: number | null = null;
  let operation = request.method === 'POST' ? 'open311:write' : 'open311:read';
  let response: Response;
  let outcome = 'ok';
  try {
    if (!split) throw new NoSuchResource();
    const resource = resourceOf(request, context, path, split.name);
    operation = resource.operation ?? operation;
    const form = request.method === 'POST' ? await readInterfaceForm(request) : null;
    const query = Object.fromEntries(new URL(request.url).searchParams);
    const apiKey = form ? form.get('api_key') : query.api_key;
    const client = resource.operation
      ? await authenticateApiKey(
          em,
          { apiKey: typeof apiKey === 'string' ? apiKey : null, operation: resource.operation, ip },
          startedAt,
        )
      : null;
    clientId = client?.id ?? null;
    const body = await resource.run({ client, query, form, now: startedAt });
    response = answer(format, resource.root, body);
  } catch (err) {
    if (err instanceof ApiRefusal) clientId = err.clientId;
    const { status, description } = describe(err);
    outcome = outcomeOf(err);
    response = errorAnswer(
      format,
      status,
      description,
      err instanceof ApiRefusal && err.retryAfterSeconds ? { 'Retry-After': String(err.retryAfterSeconds) } : {},
    );
    if (status >= 500 && !isDatabaseUnreachable(err)) console.error(err);
  }
  if (response.status !== 503)
    await recordApiCall(em, { clientId, operation, status: response.status, outcome, ip, startedAt });
  return response;
}
