import type { ActionFunctionArgs } from '@remix-run/node';
import { requireUserWith } from '../auth/session.server';
import { domain } from '../http/errors.server';
import { readForm } from '../http/body.server';
import { softphoneSettings } from '../telephony/agent-session.server';
import { requireTelephony } from '../telephony/sip-secret.server';

// Short-lived SIP credentials for the signed-in agent's softphone. POST, so no page of another
// site can read them (the server refuses state-changing requests from other origins).
export async function action({ request, context }: ActionFunctionArgs) {
  requireTelephony();
  const user = await requireUserWith(request, context, 'calls:answer');
  await domain(() => readForm(request)); // no fields: the CSRF token
  const settings = await domain(() =>
    softphoneSettings(context.runtime.db.em(), { ...user.actor, displayName: user.displayName }),
  );
  return Response.json(settings, { headers: { 'Cache-Control': 'no-store' } });
}

export async function loader() {
  return new Response('Method Not Allowed', { status: 405 });
}
