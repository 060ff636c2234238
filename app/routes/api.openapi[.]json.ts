import type { LoaderFunctionArgs } from '@remix-run/node';
import { API_DESCRIPTIONS } from '../api-clients/api-catalogue.server';
import { openApiDocument } from '../api-clients/openapi.server';

export function loader({ request }: LoaderFunctionArgs) {
  return Response.json(openApiDocument(API_DESCRIPTIONS, new URL(request.url).origin), {
    headers: { 'Cache-Control': 'no-cache' },
  });
}
