import type { ActionFunctionArgs } from '@remix-run/node';
import { answerEventCall } from '../city-events/receive.server';
import { clientOf } from '../http/client.server';
import { readInterfaceJson } from '../http/body.server';

// Inbound events from other city systems (decision 043): key, signature and timestamp in the headers, the event as
// JSON. Every answer is JSON; the call log records each one.

export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== 'POST')
    return Response.json(
      { error: { code: 'method_not_allowed', message: 'POST only' } },
      { status: 405, headers: { Allow: 'POST' } },
    );
  const answer = await answerEventCall(context.runtime.services, {
    apiKey: request.headers.get('X-Api-Key'),
    timestamp: request.headers.get('X-Timestamp'),
    signature: request.headers.get('X-Signature'),
    ip: clientOf(request, context).ip,
    read: () => readInterfaceJson(request),
  });
  return Response.json(answer.body, {
    status: answer.status,
    headers: { 'Cache-Control': 'no-store', ...answer.headers },
  });
}

export function loader() {
  return Response.json(
    { error: { code: 'method_not_allowed', message: 'POST only' } },
    { status: 405, headers: { Allow: 'POST' } },
  );
}
