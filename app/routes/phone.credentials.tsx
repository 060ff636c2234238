import type { ActionFunctionArgs } from '@remix-run/node';
import { domain } from '../http/errors.server';
import { readForm } from '../http/body.server';
import { citizenPhoneSettings } from '../telephony/agent-session.server';
import { requireTelephony } from '../telephony/sip-secret.server';

// SIP credentials for the citizen demo phone (demos and tests only; 404 when the demo phone is off).
export async function action({ request }: ActionFunctionArgs) {
  requireTelephony();
  const body = Object.fromEntries(await domain(() => readForm(request)));
  return Response.json(await domain(async () => citizenPhoneSettings(body)), {
    headers: { 'Cache-Control': 'no-store' },
  });
}
