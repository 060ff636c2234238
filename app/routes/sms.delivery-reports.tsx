import type { ActionFunctionArgs } from '@remix-run/node';
import { readJson } from '../http/body.server';
import { httpError } from '../http/errors.server';
import { recordDeliveryReport } from '../jobs/sms-delivery.server';

// The SMS provider's delivery reports: no session, a bearer token that is SMS_DELIVERY_SECRET.
export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== 'POST') return new Response('Method Not Allowed', { status: 405, headers: { Allow: 'POST' } });
  try {
    const body = await readJson(request);
    const outcome = await recordDeliveryReport(context.runtime.db.em(), request.headers.get('Authorization'), body);
    return Response.json(outcome);
  } catch (err) {
    return httpError(err);
  }
}

export function loader() {
  return new Response('Method Not Allowed', { status: 405, headers: { Allow: 'POST' } });
}
