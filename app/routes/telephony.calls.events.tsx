import type { ActionFunctionArgs } from '@remix-run/node';
import { requireUserWith } from '../auth/session.server';
import { httpError } from '../http/errors.server';
import { readJson } from '../http/body.server';
import { recordCallEvent } from '../telephony/call-events.server';
import { requireTelephony } from '../telephony/sip-secret.server';

// The softphone reports ringing, answered, ended, transferred and dialing here (decision 008, "Call events").
export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== 'POST') return new Response('Method Not Allowed', { status: 405, headers: { Allow: 'POST' } });
  requireTelephony();
  const user = await requireUserWith(request, context, 'calls:answer');
  try {
    const body = await readJson(request);
    return Response.json(await recordCallEvent(context.runtime.db.em(), { kind: 'agent', userId: user.id }, body));
  } catch (err) {
    return httpError(err);
  }
}

export function loader() {
  return new Response('Method Not Allowed', { status: 405, headers: { Allow: 'POST' } });
}
