import type { LoaderFunctionArgs } from '@remix-run/node';
import { ping } from '../api-clients/ping.server';
import { clientOf } from '../http/client.server';

export async function loader({ request, context }: LoaderFunctionArgs) {
  const answer = await ping(context.runtime.db.em(), {
    apiKey: request.headers.get('x-api-key'),
    ip: clientOf(request, context).ip,
  });
  return Response.json(answer.body, { status: answer.status, headers: answer.headers });
}
