import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireUserWith } from '../auth/session.server';
import { locatePoint } from '../grids/grids.server';
import { domain } from '../http/errors.server';

// GET ?lat=&lng= → { grid }: the grid a picked point falls in, shown while the form is filled in.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'grids:locate');
  const params = Object.fromEntries(new URL(request.url).searchParams);
  return Response.json(await domain(() => locatePoint(context.runtime.db.em(), user.actor, params)));
}
