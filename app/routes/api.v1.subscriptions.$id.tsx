import type { ActionFunctionArgs } from '@remix-run/node';
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
    await deleteSubscription(em, client, { id: params.id });
    return new Response(null, { status: 204 });
  });
}

export function loader() {
  return new Response('Method Not Allowed', { status: 405, headers: { Allow: 'DELETE' } });
}
