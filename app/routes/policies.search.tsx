import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireUserWith } from '../auth/session.server';
import { domain } from '../http/errors.server';
import { searchPoliciesFor } from '../policies/published.server';

// Policy answers for the intake screen, fetched beside the knowledge base while the operator types.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'policies:search');
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const policies = await domain(() => searchPoliciesFor(context.runtime.db.em(), user.actor, params));
  return Response.json({ policies });
}
