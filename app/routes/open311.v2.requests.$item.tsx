import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { serveOpen311 } from '../open311/serve.server';

// Open311 GeoReport v2: one service request by its number (`requests/<number>.json` or `.xml`).
export const loader = ({ request, context, params }: LoaderFunctionArgs) =>
  serveOpen311(request, context, { collection: 'requests', item: params.item ?? '' });

export const action = ({ request, context, params }: ActionFunctionArgs) =>
  serveOpen311(request, context, { collection: 'requests', item: params.item ?? '' });
