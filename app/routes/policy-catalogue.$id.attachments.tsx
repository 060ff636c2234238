import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { z } from 'zod';
import { requireUserWith } from '../auth/session.server';
import { httpError } from '../http/errors.server';
import { bytesOf, readUpload } from '../http/upload.server';
import { attachToPolicy } from '../policies/catalogue.server';

const params = z.object({ id: z.coerce.number().int().positive() });

// Nothing to show here: a reload of this address goes back to the policy.
export async function loader({ params: raw }: LoaderFunctionArgs) {
  const parsed = params.safeParse(raw);
  if (!parsed.success) throw new Response('政策不存在', { status: 404 });
  return redirect(`/policy-catalogue/${parsed.data.id}`);
}

export async function action({ request, context, params: raw }: ActionFunctionArgs) {
  const user = await requireUserWith(request, context, 'policies:maintain');
  const parsed = params.safeParse(raw);
  if (!parsed.success) return new Response('政策不存在', { status: 404 });
  try {
    const { file } = await readUpload(request);
    await attachToPolicy(context.runtime.db.em(), user.actor, parsed.data.id, await bytesOf(file));
  } catch (err) {
    return httpError(err);
  }
  return redirect(`/policy-catalogue/${parsed.data.id}`, 303);
}
