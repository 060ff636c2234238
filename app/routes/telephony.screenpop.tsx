import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireUserWith } from '../auth/session.server';
import { domain } from '../http/errors.server';
import { callerHistory } from '../intake/intake.server';
import { requireTelephony } from '../telephony/sip-secret.server';

// The screen pop: who is calling, fetched while the phone still rings.
export async function loader({ request, context }: LoaderFunctionArgs) {
  requireTelephony();
  const user = await requireUserWith(request, context, 'appeal:intake');
  const phone = new URL(request.url).searchParams.get('phone') ?? '';
  const history = await domain(() => callerHistory(context.runtime.db.em(), user.actor, phone));
  return Response.json({ history });
}
