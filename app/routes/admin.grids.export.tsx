import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireUserWith } from '../auth/session.server';
import { exportGrids } from '../grids/grids.server';
import { clientOf } from '../http/client.server';
import { domain } from '../http/errors.server';

/** Every grid as a GeoJSON file that `/admin/grids` can import again unchanged. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'admin:grids');
  const collection = await domain(() => exportGrids(context.runtime.db.em(), user.actor, clientOf(request, context)));
  return new Response(JSON.stringify(collection, null, 2), {
    headers: {
      'Content-Type': 'application/geo+json; charset=utf-8',
      'Content-Disposition': 'attachment; filename="grids.geojson"',
      'Cache-Control': 'private, no-store',
    },
  });
}
