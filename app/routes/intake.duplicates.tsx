import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireUserWith } from '../auth/session.server';
import { domain } from '../http/errors.server';
import { duplicateHints } from '../intake/intake.server';

// Duplicate hints for the intake form, fetched while the operator types.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'appeal:intake');
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const hints = await domain(() => duplicateHints(context.runtime.db.em(), user.actor, params));
  return Response.json({ hints });
}
