import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { readInterfaceJson } from '../http/body.server';
import { clientOf } from '../http/client.server';
import { answerInterfaceCall } from '../webhooks/interface-call.server';
import { createSubscription, listSubscriptions } from '../webhooks/subscriptions.server';

// Subscriptions to appeal changes, for interface clients by X-Api-Key (webhooks:subscribe).
export async function loader({ request, context }: LoaderFunctionArgs) {
  const em = context.runtime.db.em();
  const call = { apiKey: request.headers.get('X-Api-Key'), ip: clientOf(request, context).ip };
  return answerInterfaceCall(em, { ...call, operation: 'webhooks:subscribe' }, async (client) =>
    Response.json(await listSubscriptions(em, client)),
  );
}

export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== 'POST')
    return new Response('Method Not Allowed', { status: 405, headers: { Allow: 'GET, POST' } });
  const em = context.runtime.db.em();
  const call = { apiKey: request.headers.get('X-Api-Key'), ip: clientOf(request, context).ip };
  return answerInterfaceCall(em, { ...call, operation: 'webhooks:subscribe' }, async (client) => {
    const { body } = await readInterfaceJson(request);
    return Response.json(await createSubscription(em, client, body), { status: 201 });
  });
}
