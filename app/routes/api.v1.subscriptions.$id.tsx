import type { ActionFunctionArgs } from '@remix-run/node';
import { readInterfaceJson } from '../http/body.server';
import { clientOf } from '../http/client.server';
import { answerInterfaceCall } from '../webhooks/interface-call.server';
import { deleteSubscription } from '../webhooks/subscriptions.server';

// One of the client's subscriptions: DELETE stops it.
export async function action({ request, context, params }: ActionFunctionArgs) {
  if (request.method !== 'DELETE')
    return new Response('Method Not Allowed', { status: 405, headers: { Allow: 'DELETE' } });
  const em = context.runtime.db.em();
  const call = { apiKey: request.headers.get('X-Api-Key'), ip: clientOf(request, context).ip };
  return answerInterfaceCall(em, { ...call, operation: 'webhooks:subscribe' }, async (client) => {
    // A DELETE needs no body; one that is sent (HTTP/1.1 says so by its length or chunking) is read and checked like
    // any other, and may only be `{}`.
    const sent = Number(request.headers.get('Content-Length') ?? 0) > 0 || request.headers.has('Transfer-Encoding');
    const body = sent ? (await readInterfaceJson(request)).body : undefined;
    await deleteSubscription(em, client, { id: params.id, body });
    return new Response(null, { status: 204 });
  });
}

export function loader() {
  return new Response('Method Not Allowed', { status: 405, headers: { Allow: 'DELETE' } });
}
