import type { ActionFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { endSession } from '../auth/session.server';
import { readForm } from '../http/body.server';
import { clientOf } from '../http/client.server';

export async function action({ request, context }: ActionFunctionArgs) {
  await readForm(request); // the CSRF token: a page of another site cannot sign a user out
  const cleared = await endSession(context.runtime.db.em(), request, clientOf(request, context));
  return redirect('/login', { headers: { 'Set-Cookie': cleared } });
}

export async function loader() {
  return redirect('/');
}
