import type { LoaderFunctionArgs } from '@remix-run/node';
import { readiness } from '../readiness.server';

// Readiness for a load balancer: 200 only while the database and the job queue answer; 503 names what failed.
// No session: it is asked without one, often.
export async function loader({ context }: LoaderFunctionArgs) {
  const result = await readiness(context.runtime);
  return Response.json(result, { status: result.ready ? 200 : 503, headers: { 'Cache-Control': 'no-store' } });
}
