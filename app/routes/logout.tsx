import type { ActionFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { endSession } from '../auth/session.server';
import { clientOf } from '../http/client.server';

export async function action({ request, context }: ActionFunctionArgs) {
  const cleared = await endSession(context.runtime.db.em(), request, clientOf(request, context));
  return redirect('/login', { headers: { 'Set-Cookie': cleared } });
}

export async function loader() {
  return redirect('/');
}
