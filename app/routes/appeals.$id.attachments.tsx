import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { MaxPartSizeExceededError, redirect, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData } from '@remix-run/node';
import { z } from 'zod';
import { ATTACHMENT_UPLOAD_ROLES, MAX_ATTACHMENT_BYTES, saveAttachment } from '../appeals/attachments.server';
import { requireUser } from '../auth/session.server';
import { InvalidInput } from '../domain/errors';
import { httpError } from '../http/errors.server';

const params = z.object({ id: z.coerce.number().int().positive() });

// Room for the multipart boundaries and headers around one file of the maximum size.
const MAX_REQUEST_BYTES = MAX_ATTACHMENT_BYTES + 64 * 1024;

const tooLarge = () => new InvalidInput('文件不能超过 10 MB', { file: ['文件不能超过 10 MB'] });

// Nothing to show here: a reload of this address goes back to the appeal.
export async function loader({ params: raw }: LoaderFunctionArgs) {
  const parsed = params.safeParse(raw);
  if (!parsed.success) throw new Response('诉求不存在', { status: 404 });
  return redirect(`/appeals/${parsed.data.id}`);
}

export async function action({ request, context, params: raw }: ActionFunctionArgs) {
  const user = await requireUser(request, context, ATTACHMENT_UPLOAD_ROLES);
  const parsed = params.safeParse(raw);
  if (!parsed.success) return new Response('诉求不存在', { status: 404 });
  if (request.method !== 'POST') return new Response('Method Not Allowed', { status: 405, headers: { Allow: 'POST' } });
  if (Number(request.headers.get('Content-Length') ?? 0) > MAX_REQUEST_BYTES) return httpError(tooLarge());
  try {
    const form = await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({
      maxPartSize: MAX_ATTACHMENT_BYTES,
      filter: ({ name, filename }) => name === 'file' && typeof filename === 'string',
    })).catch((err) => {
      if (err instanceof MaxPartSizeExceededError) throw tooLarge();
      if (err instanceof TypeError) throw new InvalidInput('请以 multipart/form-data 上传文件', { file: ['请选择要上传的文件'] });
      throw err;
    });
    const file = form.get('file');
    if (!(file instanceof File)) throw new InvalidInput('请选择要上传的文件', { file: ['请选择要上传的文件'] });
    await saveAttachment(context.runtime.db, user.actor, parsed.data.id, { name: file.name, type: file.type, bytes: new Uint8Array(await file.arrayBuffer()) });
  } catch (err) {
    return httpError(err);
  }
  // Post/redirect/get back to the appeal, where the new file is listed.
  return redirect(`/appeals/${parsed.data.id}`, 303);
}
