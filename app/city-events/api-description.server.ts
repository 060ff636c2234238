import type { ApiOperationDescription } from '../api-clients/api-description';
import { cityEventAnswer, cityEventBody, cityEventError } from './receive.server';
import { SIGNATURE_WINDOW_SECONDS } from './signature';

/** POST /api/v1/events as the OpenAPI document describes it, from the schemas that check the calls. */
export const cityEventOperations: ApiOperationDescription[] = [
  {
    method: 'post',
    path: '/api/v1/events',
    operationId: 'postCityEvent',
    tag: 'events',
    summary: 'Send an event from a city system; it becomes one work order',
    description:
      `Headers: X-Api-Key, X-Timestamp (unix seconds, within ${SIGNATURE_WINDOW_SECONDS} s of the server's clock) and ` +
      'X-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" with the signing secret>. Each signature is ' +
      'accepted once. The same eventId again answers 200 with the first appeal; with other content, 409.',
    operation: 'events:write',
    auth: 'signature',
    body: cityEventBody,
    responses: {
      201: { description: 'Filed: routed by the dispatch catalogue or left for triage', schema: cityEventAnswer },
      200: { description: 'A repeat of an event already filed', schema: cityEventAnswer },
      400: { description: 'The body is not a valid event', schema: cityEventError },
      401: { description: 'Key, signature or timestamp refused, or a signature used again', schema: cityEventError },
      403: { description: 'This client may not send events, or not from this address', schema: cityEventError },
      409: { description: 'The eventId was sent before with other content', schema: cityEventError },
      422: { description: 'Unknown event type, or a position outside the city', schema: cityEventError },
      429: { description: 'Over the rate limit (Retry-After)', schema: cityEventError },
    },
  },
];
