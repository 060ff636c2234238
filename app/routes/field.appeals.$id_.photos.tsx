import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { z } from 'zod';
import { requireUserWith } from '../auth/session.server';
import { MAX_PHOTOS, saveFieldPhotos } from '../field/field.server';
import { jsonFailure } from '../http/errors.server';
import { bytesOf, PHOTO_WORDS, readUpload } from '../http/upload.server';

const params = z.object({ id: z.coerce.number().int().positive() });

// Nothing to show here: a reload of this address goes back to the appeal.
export async function loader({ params: raw }: LoaderFunctionArgs) {
  const parsed = params.safeParse(raw);
  if (!parsed.success) throw new Response('诉求不存在', { status: 404 });
  return redirect(`/field/appeals/${parsed.data.id}`);
}

export async function action({ request, context, params: raw }: ActionFunctionArgs) {
  const user = await requireUserWith(request, context, 'field:work');
  const parsed = params.safeParse(raw);
  if (!parsed.success) return new Response('诉求不存在', { status: 404 });
  if (request.method !== 'POST') return new Response('Method Not Allowed', { status: 405, headers: { Allow: 'POST' } });
  try {
    const words = { ...PHOTO_WORDS, tooMuch: '一次最多上传 6 张照片' };
    const { files } = await readUpload(request, { files: ['file'], maxFiles: MAX_PHOTOS, words });
    const photos = await Promise.all(files.file.map(bytesOf));
    const { ids } = await saveFieldPhotos(context.runtime.db, user.actor, parsed.data.id, photos);
    return json({ ok: true, count: ids.length });
  } catch (err) {
    // The page's fetcher shows the message.
    return jsonFailure(err);
  }
}
