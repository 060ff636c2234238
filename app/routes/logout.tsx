import type { ActionFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { endSession } from '../auth/session.server';

export async function action({ request, context }: ActionFunctionArgs) {
  return redirect('/login', { headers: { 'Set-Cookie': await endSession(context.runtime.db.em(), request) } });
}

export async function loader() {
  return redirect('/');
}
