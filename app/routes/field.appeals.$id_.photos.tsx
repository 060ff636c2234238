import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { MaxPartSizeExceededError, json, redirect, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData } from '@remix-run/node';
import { z } from 'zod';
import { MAX_ATTACHMENT_BYTES } from '../storage/stored-file.server';
import { requireUser } from '../auth/session.server';
import { DomainError, InvalidInput } from '../domain/errors';
import { MAX_PHOTOS, saveFieldPhotos } from '../field/field.server';
import { httpError } from '../http/errors.server';

const params = z.object({ id: z.coerce.number().int().positive() });

// Room for the multipart boundaries and headers around the largest allowed batch.
const MAX_REQUEST_BYTES = MAX_PHOTOS * MAX_ATTACHMENT_BYTES + 64 * 1024;

const tooLarge = () => new InvalidInput('每张照片不能超过 10 MB', { file: ['每张照片不能超过 10 MB'] });

// Nothing to show here: a reload of this address goes back to the appeal.
export async function loader({ params: raw }: LoaderFunctionArgs) {
  const parsed = params.safeParse(raw);
  if (!parsed.success) throw new Response('诉求不存在', { status: 404 });
  return redirect(`/field/appeals/${parsed.data.id}`);
}

export async function action({ request, context, params: raw }: ActionFunctionArgs) {
  const user = await requireUser(request, context, ['gridWorker']);
  const parsed = params.safeParse(raw);
  if (!parsed.success) return new Response('诉求不存在', { status: 404 });
  if (request.method !== 'POST') return new Response('Method Not Allowed', { status: 405, headers: { Allow: 'POST' } });
  try {
    if (Number(request.headers.get('Content-Length') ?? 0) > MAX_REQUEST_BYTES) throw new InvalidInput('一次最多上传 6 张照片', { file: ['一次最多上传 6 张照片'] });
    const form = await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({
      maxPartSize: MAX_ATTACHMENT_BYTES,
      filter: ({ name, filename }) => name === 'file' && typeof filename === 'string' && filename !== '',
    })).catch((err) => {
      if (err instanceof MaxPartSizeExceededError) throw tooLarge();
      if (err instanceof TypeError) throw new InvalidInput('请以 multipart/form-data 上传照片', { file: ['请选择或拍摄照片'] });
      throw err;
    });
    const files = await Promise.all(form.getAll('file').filter((f): f is File => f instanceof File)
      .map(async (f) => ({ name: f.name, type: f.type, bytes: new Uint8Array(await f.arrayBuffer()) })));
    const { ids } = await saveFieldPhotos(context.runtime.db, user.actor, parsed.data.id, files);
    return json({ ok: true, count: ids.length });
  } catch (err) {
    // The page's fetcher shows the message; anything unexpected stays a plain 500.
    if (err instanceof DomainError) return json({ message: err.message }, { status: err.status });
    return httpError(err);
  }
}
