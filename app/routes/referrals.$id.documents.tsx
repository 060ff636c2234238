import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { MaxPartSizeExceededError, redirect, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData } from '@remix-run/node';
import { z } from 'zod';
import { MAX_ATTACHMENT_BYTES } from '../appeals/attachments.server';
import { requireUser } from '../auth/session.server';
import { InvalidInput } from '../domain/errors';
import { httpError } from '../http/errors.server';
import { uploadReferralDocument } from '../referrals/documents.server';

const params = z.object({ id: z.coerce.number().int().positive() });

// Room for the multipart boundaries, the kind field and headers around one file of the maximum size.
const MAX_REQUEST_BYTES = MAX_ATTACHMENT_BYTES + 64 * 1024;
/** The kind field is one short word; anything bigger is not a real form. */
const MAX_KIND_BYTES = 64;

const tooLarge = () => new InvalidInput('文件不能超过 10 MB', { file: ['文件不能超过 10 MB'] });

// Nothing to show here: a reload of this address goes back to the case.
export async function loader({ params: raw }: LoaderFunctionArgs) {
  const parsed = params.safeParse(raw);
  if (!parsed.success) throw new Response('案件不存在', { status: 404 });
  return redirect(`/referrals/${parsed.data.id}`);
}

export async function action({ request, context, params: raw }: ActionFunctionArgs) {
  // Only an agency's own staff add documents; the service checks which agency.
  const user = await requireUser(request, context, ['mediator']);
  const parsed = params.safeParse(raw);
  if (!parsed.success) return new Response('案件不存在', { status: 404 });
  if (request.method !== 'POST') return new Response('Method Not Allowed', { status: 405, headers: { Allow: 'POST' } });
  if (Number(request.headers.get('Content-Length') ?? 0) > MAX_REQUEST_BYTES) return httpError(tooLarge());
  try {
    const form = await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({
      maxPartSize: MAX_ATTACHMENT_BYTES,
      filter: ({ name, filename }) => (name === 'file' && typeof filename === 'string') || (name === 'kind' && filename === undefined),
    })).catch((err) => {
      if (err instanceof MaxPartSizeExceededError) throw tooLarge();
      if (err instanceof TypeError) throw new InvalidInput('请以 multipart/form-data 上传文件', { file: ['请选择要上传的文件'] });
      throw err;
    });
    const file = form.get('file');
    if (!(file instanceof File)) throw new InvalidInput('请选择要上传的文件', { file: ['请选择要上传的文件'] });
    const kind = form.get('kind');
    if (typeof kind !== 'string' || kind.length > MAX_KIND_BYTES) throw new InvalidInput('请选择材料类别', { kind: ['请选择材料类别'] });
    await uploadReferralDocument(context.runtime.db, user.actor, parsed.data.id, { kind, file });
  } catch (err) {
    return httpError(err);
  }
  // Post/redirect/get back to the case, where the new document is listed.
  return redirect(`/referrals/${parsed.data.id}`, 303);
}
