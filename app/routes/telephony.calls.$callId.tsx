import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireUser } from '../auth/session.server';
import { domain } from '../http/errors.server';
import { callForAgent } from '../telephony/call-queries.server';

// Polled by the softphone bar after a call: its outcome and the appeals saved for it.
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const callId = params.callId ?? '';
  return Response.json(await domain(() => callForAgent(context.runtime.db.em(), user.actor, callId)), {
    headers: { 'Cache-Control': 'no-store' },
  });
}
