import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireUserWith } from '../auth/session.server';
import { domain } from '../http/errors.server';
import { searchForActor } from '../knowledge/knowledge.server';

// Knowledge-base answers for the intake screen, fetched while the operator types.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'knowledge:search');
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const articles = await domain(() => searchForActor(context.runtime.db.em(), user.actor, params));
  return Response.json({ articles });
}
