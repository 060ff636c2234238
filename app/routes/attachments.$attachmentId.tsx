import type { LoaderFunctionArgs } from '@remix-run/node';
import { z } from 'zod';
import { openAttachment } from '../appeals/attachments.server';
import { requireUser } from '../auth/session.server';
import { domain } from '../http/errors.server';
import { fileDownload } from '../http/file-download.server';

const params = z.object({ attachmentId: z.coerce.number().int().positive() });

export async function loader({ request, context, params: raw }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const parsed = params.safeParse(raw);
  if (!parsed.success) throw new Response('附件不存在', { status: 404 });
  const file = await domain(() => openAttachment(context.runtime.db, user.actor, parsed.data.attachmentId));
  return fileDownload(file);
}
