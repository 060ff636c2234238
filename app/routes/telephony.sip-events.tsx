import type { ActionFunctionArgs } from '@remix-run/node';
import { httpError } from '../http/errors.server';
import { readJson } from '../http/body.server';
import { sipEvent } from '../telephony/sip-events.server';
import { requireTelephony } from '../telephony/sip-secret.server';

// Kamailio's reports (offered, unanswered): no session, a bearer token derived from the SIP shared secret.
export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== 'POST') return new Response('Method Not Allowed', { status: 405, headers: { Allow: 'POST' } });
  requireTelephony();
  try {
    const body = await readJson(request);
    const state = await sipEvent(context.runtime.db.em(), request.headers.get('Authorization'), body);
    return Response.json({ callId: state.callId, recorded: state.recorded });
  } catch (err) {
    return httpError(err);
  }
}

export function loader() {
  return new Response('Method Not Allowed', { status: 405, headers: { Allow: 'POST' } });
}
