import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { serveOpen311 } from '../open311/serve.server';

// Open311 GeoReport v2: the request a filing's token stands for (`tokens/<token>.json` or `.xml`).
export const loader = ({ request, context, params }: LoaderFunctionArgs) =>
  serveOpen311(request, context, { collection: 'tokens', item: params.item ?? '' });

export const action = ({ request, context, params }: ActionFunctionArgs) =>
  serveOpen311(request, context, { collection: 'tokens', item: params.item ?? '' });
