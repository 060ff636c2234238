import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import type { ApiOperationDescription } from './api-description';
import { ApiRefusal, authenticateApiKey, recordApiCall } from './authenticate.server';

// `GET /api/v1/ping`: a client tries its key. It answers who the key belongs to and what it was granted, passes the
// same gate as every interface call (revocation, address, rate limit) and is logged like them.

export const pingAnswerSchema = z
  .object({
    client: z.string().meta({ description: 'The name the client was registered under' }),
    operations: z.array(z.string()).meta({ description: 'The operations this key was granted' }),
  })
  .meta({ id: 'PingAnswer' });

export const refusalSchema = z
  .object({
    error: z
      .string()
      .meta({ description: 'Which check refused: missing-key, unknown-key, revoked, address, operation, rate' }),
    message: z.string(),
  })
  .meta({ id: 'Refusal' });

export const PING_DESCRIPTION: ApiOperationDescription = {
  method: 'get',
  path: '/api/v1/ping',
  operationId: 'ping',
  tag: 'clients',
  summary: 'Check an API key',
  description: 'Answers the name of the client the key belongs to and its operations. Every call is logged.',
  operation: null,
  auth: 'apiKey',
  responses: {
    200: { description: 'The key is good', schema: pingAnswerSchema },
    401: { description: 'No key, an unknown key, or a revoked one', schema: refusalSchema },
    403: { description: 'The caller’s address is not on the client’s allow-list', schema: refusalSchema },
    429: { description: 'Over the client’s calls per minute; see Retry-After', schema: refusalSchema },
  },
};

export interface InterfaceAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** The gate's refusal as the interfaces answer it. */
export function refusalAnswer(e: ApiRefusal): InterfaceAnswer {
  return {
    status: e.status,
    body: { error: e.reason, message: e.message },
    headers: e.retryAfterSeconds ? { 'Retry-After': String(e.retryAfterSeconds) } : undefined,
  };
}

export async function ping(
  em: EntityManager,
  call: { apiKey: string | null; ip: string | null },
  now = new Date(),
): Promise<InterfaceAnswer> {
  const startedAt = new Date();
  let answer: InterfaceAnswer;
  let clientId: number | null;
  let outcome = 'ok';
  try {
    const principal = await authenticateApiKey(em, { apiKey: call.apiKey, operation: null, ip: call.ip }, now);
    clientId = principal.id;
    answer = {
      status: 200,
      body: pingAnswerSchema.parse({ client: principal.name, operations: principal.operations }),
    };
  } catch (e) {
    if (!(e instanceof ApiRefusal)) throw e;
    clientId = e.clientId;
    outcome = e.reason;
    answer = refusalAnswer(e);
  }
  await recordApiCall(em, { clientId, operation: 'ping', status: answer.status, outcome, ip: call.ip, startedAt });
  return answer;
}
