import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { serveOpen311 } from '../open311/serve.server';

// Open311 GeoReport v2: discovery, services and requests (`requests.json`, `services.xml`, …), GET and POST.
export const loader = ({ request, context, params }: LoaderFunctionArgs) =>
  serveOpen311(request, context, { collection: params.resource ?? '' });

export const action = ({ request, context, params }: ActionFunctionArgs) =>
  serveOpen311(request, context, { collection: params.resource ?? '' });
