import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { z } from 'zod';
import { saveAttachment } from '../appeals/attachments.server';
import { requireUserWith } from '../auth/session.server';
import { httpError } from '../http/errors.server';
import { bytesOf, readUpload } from '../http/upload.server';

const params = z.object({ id: z.coerce.number().int().positive() });

// Nothing to show here: a reload of this address goes back to the appeal.
export async function loader({ params: raw }: LoaderFunctionArgs) {
  const parsed = params.safeParse(raw);
  if (!parsed.success) throw new Response('诉求不存在', { status: 404 });
  return redirect(`/appeals/${parsed.data.id}`);
}

export async function action({ request, context, params: raw }: ActionFunctionArgs) {
  const user = await requireUserWith(request, context, 'appeal:attach');
  const parsed = params.safeParse(raw);
  if (!parsed.success) return new Response('诉求不存在', { status: 404 });
  if (request.method !== 'POST') return new Response('Method Not Allowed', { status: 405, headers: { Allow: 'POST' } });
  try {
    const { file } = await readUpload(request);
    await saveAttachment(context.runtime.db, user.actor, parsed.data.id, await bytesOf(file));
  } catch (err) {
    return httpError(err);
  }
  // Post/redirect/get back to the appeal, where the new file is listed.
  return redirect(`/appeals/${parsed.data.id}`, 303);
}
